// `capplan gpus`: the GPU catalog (built in, plus --gpu-file).
#include <fmt/format.h>

#include <iostream>

#include "capplan/hardware.h"
#include "catalog_flags.h"
#include "cli_util.h"
#include "commands.h"
#include "encode.h"

namespace capplan::cli {
namespace {

struct GpusOptions {
  std::optional<std::string> gpu_file;
  bool json = false;
};

std::string Peak(const GpuSpec& g, ComputeClass c) {
  return HasNativeCompute(g, c) ? FormatFlopRate(g.dense_peak.at(c)) : "-";
}

int Run(const GpusOptions& opt) {
  auto catalog = LoadCatalog(opt.gpu_file);
  if (!catalog.ok()) return ReportError(catalog.error());
  if (opt.json) {
    PrintJson(json::EncodeGpus(catalog->All()));  // GET /api/gpus's encoder
    return 0;
  }
  fmt::print("{:<14} {:>10} {:>10} {:>14} {:>14} {:>14} {:>10} {:>5} {:>10} {:>6}  {}\n", "id", "usable", "HBM BW",
             "BF16 dense", "FP8 dense", "FP4 dense", "scale-up", "node", "scale-out", "TDP", "aliases");
  for (const auto& g : catalog->All()) {
    std::string aliases;
    for (const auto& a : g.aliases) aliases += (aliases.empty() ? "" : ", ") + a;
    fmt::print("{:<14} {:>10} {:>10} {:>14} {:>14} {:>14} {:>10} {:>5} {:>10} {:>5.0f}W  {}\n", g.id,
               FormatBytes(g.memory_usable), FormatBandwidth(g.hbm_bandwidth), Peak(g, ComputeClass::kBF16),
               Peak(g, ComputeClass::kFP8), Peak(g, ComputeClass::kFP4),
               g.scale_up_bandwidth.v > 0 ? FormatBandwidth(g.scale_up_bandwidth) : "PCIe", g.gpus_per_node,
               FormatBandwidth(g.scale_out_bandwidth), g.tdp_watts, aliases);
  }
  fmt::print(
      "\nBandwidths per direction per GPU; peaks dense (datasheet sparse figures halved); usable memory is\n"
      "what the driver exposes (sources: capplan gpus --json, docs/hardware.md).\n");
  return 0;
}

}  // namespace

void RegisterGpus(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<GpusOptions>();
  auto* cmd = app.add_subcommand("gpus", "List the GPU catalog: memory, bandwidth, peak FLOP/s, node and network");
  cmd->add_option("--gpu-file", opt->gpu_file, "JSON file adding or overriding GPUs (see docs/hardware.md)");
  cmd->add_flag("--json", opt->json, "Print JSON");
  cmd->callback([opt, &exit_code] { exit_code = Run(*opt); });
}

}  // namespace capplan::cli
