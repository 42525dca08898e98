// `capplan fit`: the minimum viable configurations: every GPU and weight format with the fewest
// GPUs that hold the model and the workload's KV, cheapest-looking (lowest total TDP) first.
#include <fmt/format.h>

#include "capplan/cost.h"
#include "capplan/memory.h"
#include "catalog_flags.h"
#include "cli_util.h"
#include "commands.h"
#include "encode_fit.h"

namespace capplan::cli {
namespace {

struct FitOptions {
  std::string model;
  int64_t context = 8192;
  int batch = 1;
  std::string engine = "vllm";
  std::string kv_dtype = "auto";
  int max_gpus = 64;
  std::optional<std::string> gpu_file;
  bool json = false;
};

int Run(const FitOptions& opt) {
  auto catalog = LoadCatalog(opt.gpu_file);
  if (!catalog.ok()) return ReportError(catalog.error());
  auto model = LoadModel(opt.model);
  if (!model.ok()) return ReportError(model.error());
  auto engine = ParseEngine(opt.engine, "--engine");
  if (!engine.ok()) return ReportError(engine.error());
  auto kv = opt.kv_dtype == "auto" ? Result<DType>(AutoKvDtype(*model)) : ParseDType(opt.kv_dtype, "--kv-dtype");
  if (!kv.ok()) return ReportError(kv.error());
  if (opt.context < 1)
    return ReportError(
        Error::InvalidArgument("--context=" + std::to_string(opt.context) + " must be at least 1 token"));
  if (opt.batch < 1)
    return ReportError(Error::InvalidArgument("--batch=" + std::to_string(opt.batch) + " must be at least 1 sequence"));
  if (opt.max_gpus < 1)
    return ReportError(Error::InvalidArgument("--max-gpus=" + std::to_string(opt.max_gpus) + " must be at least 1"));
  const ModelSpec& m = *model;
  if (m.max_context > 0 && opt.context > m.max_context)
    return ReportError(Error::InvalidArgument("--context=" + std::to_string(opt.context) +
                                              " exceeds the model's context of " + std::to_string(m.max_context) +
                                              " tokens (max_position_embeddings)"));
  FitQuery q{.workload = {.context = opt.context, .batch = opt.batch},
             .engine = *engine,
             .kv_dtype = *kv,
             .max_gpus = opt.max_gpus};
  auto rows = MinimumViableConfigurations(m, catalog->All(), q);

  if (opt.json) {
    // POST /api/fit's document: the rows with the cheapest built-in rental of each.
    Result<PriceCatalog> prices = PriceCatalog::BuiltIn();
    if (!prices.ok()) return ReportError(prices.error());
    nlohmann::json out = json::EncodeFit(m, q, rows);
    json::AddFitPrices(out, rows, *prices);
    PrintJson(out);
    return 0;
  }
  fmt::print("{}: minimum viable configurations for {} sequence{} of {} tokens ({}, KV {}), lowest total TDP first\n",
             m.name, opt.batch, opt.batch > 1 ? "s" : "", opt.context, EngineName(*engine), DTypeName(*kv));
  fmt::print("{:<14} {:>4} {:<34} {:<14} {:>10} {:>10} {:>8} {:>7}\n", "gpu", "n", "weights", "tp/ep/pp", "weights/GPU",
             "KV pool", "max seqs", "TDP");
  for (const auto& r : rows) {
    fmt::print("{:<14} {:>4} {:<34} {:<14} {:>10} {:>10} {:>8} {:>6.0f}W\n", r.gpu.id, r.gpus, r.precision.name,
               fmt::format("{}/{}/{}", r.parallel.tp, r.parallel.ep, r.parallel.pp),
               FormatBytes(r.budget.weights_total), FormatBytes(r.budget.kv_cache), r.budget.max_concurrent_sequences,
               r.gpus * r.gpu.tdp_watts);
  }
  if (rows.empty()) fmt::print("(nothing fits within {} GPUs of any type)\n", opt.max_gpus);
  return 0;
}

}  // namespace

void RegisterFit(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<FitOptions>();
  auto* cmd = app.add_subcommand("fit", "Minimum viable configurations: which GPUs, how many, at what precision");
  cmd->add_option("model", opt->model, "Preset name (capplan models) or path to a config.json")->required();
  cmd->add_option("--context", opt->context, "Tokens per sequence (input + output)")->capture_default_str();
  cmd->add_option("--batch", opt->batch, "Concurrent sequences the workload needs")->capture_default_str();
  cmd->add_option("--engine", opt->engine, "vllm, sglang or trtllm")->capture_default_str();
  cmd->add_option("--kv-dtype", opt->kv_dtype,
                  "KV-cache dtype: auto (the checkpoint's own KV scheme, else its activation dtype), bf16 or fp8")
      ->capture_default_str();
  cmd->add_option("--max-gpus", opt->max_gpus, "Largest GPU count tried (1, 2, 4, ...)")->capture_default_str();
  cmd->add_option("--gpu-file", opt->gpu_file, "JSON file adding or overriding GPUs");
  cmd->add_flag("--json", opt->json, "Print JSON");
  cmd->callback([opt, &exit_code] { exit_code = Run(*opt); });
}

}  // namespace capplan::cli
