// `capplan prices`: the GPU and API prices capplan uses, each with its date (stale ones flagged) and source.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli_util.h"
#include "commands.h"
#include "price_flags.h"

namespace capplan::cli {
namespace {

struct PricesOptions {
  std::optional<std::string> gpu;       // catalog id; shows GPU prices only unless --model is given too
  std::optional<std::string> model;     // preset; shows API prices only unless --gpu is given too
  std::optional<std::string> provider;  // case-insensitive
  bool json = false;
  PriceFlags prices;
};

constexpr size_t kSourceWidth = 60;  // table column; --json carries the full text

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Two decimals, more only where the price has them: "2.70", "6.155", "2.7447".
std::string Usd(double v) {
  std::string s = fmt::format("{:.4f}", v);
  while (s.size() > s.find('.') + 3 && s.back() == '0') s.pop_back();
  return s;
}

std::string Rows(size_t n) { return fmt::format("{} row{}", n, n == 1 ? "" : "s"); }

std::string Clip(const std::string& s, size_t width) { return s.size() <= width ? s : s.substr(0, width - 3) + "..."; }

nlohmann::json DateJson(const PriceDate& d, Date today, int max_age_days) {
  nlohmann::json j = {{"as_of", d.text}, {"staleness", StalenessName(IsStale(d, today, max_age_days))}};
  j["age_days"] = d.date ? nlohmann::json(DaysBetween(*d.date, today)) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json GpuJson(const GpuPrice& p, Date today, int max_age_days) {
  nlohmann::json j = {{"provider", p.provider},
                      {"gpu", p.gpu_text},
                      {"gpu_id", p.gpu_id ? nlohmann::json(*p.gpu_id) : nlohmann::json(nullptr)},
                      {"gpus_per_instance", p.gpus_per_instance},
                      {"usd_per_gpu_hour", p.usd_per_gpu_hour.v},
                      {"pricing_type", p.pricing_type},
                      {"pricing_kind", PricingKindName(p.kind)},
                      {"source", p.source},
                      {"origin", p.origin}};
  j.update(DateJson(p.as_of, today, max_age_days));
  return j;
}

nlohmann::json ApiJson(const ApiPrice& p, Date today, int max_age_days) {
  nlohmann::json j = {{"provider", p.provider},
                      {"model", p.model_text},
                      {"model_key", p.model_key ? nlohmann::json(*p.model_key) : nlohmann::json(nullptr)},
                      {"usd_per_million_input_tokens", p.usd_per_million_input.v},
                      {"usd_per_million_output_tokens", p.usd_per_million_output.v},
                      {"superseded", p.superseded},
                      {"source", p.source},
                      {"origin", p.origin}};
  j.update(DateJson(p.as_of, today, max_age_days));
  return j;
}

void PrintGpuTable(const std::vector<GpuPrice>& rows, Date today, int max_age_days) {
  if (rows.empty()) return;
  fmt::print("{:<14} {:<12} {:>5} {:>9}  {:<28} {:<18} {}\n", "GPU", "Provider", "GPUs", "$/GPU-h", "Pricing", "As of",
             "Source");
  for (const GpuPrice& p : rows)
    fmt::print("{:<14} {:<12} {:>5} {:>9}  {:<28} {:<18} {}\n", Clip(p.gpu_id.value_or("? " + p.gpu_text), 14),
               Clip(p.provider, 12), p.gpus_per_instance, Usd(p.usd_per_gpu_hour.v), Clip(p.pricing_type, 28),
               DateLabel(p.as_of, today, max_age_days), Clip(p.source, kSourceWidth));
}

void PrintApiTable(const std::vector<ApiPrice>& rows, Date today, int max_age_days) {
  if (rows.empty()) return;
  fmt::print("{:<18} {:<24} {:<34} {:>7} {:>7}  {:<18} {}\n", "Model", "Provider", "Provider's name", "$/M in",
             "$/M out", "As of", "Source");
  for (const ApiPrice& p : rows)
    fmt::print("{:<18} {:<24} {:<34} {:>7} {:>7}  {:<18} {}{}\n", Clip(p.model_key.value_or("? " + p.model_text), 18),
               Clip(p.provider, 24), Clip(p.model_text, 34), Usd(p.usd_per_million_input.v),
               Usd(p.usd_per_million_output.v), DateLabel(p.as_of, today, max_age_days),
               p.superseded ? "[superseded] " : "", Clip(p.source, kSourceWidth));
}

int RunPrices(const PricesOptions& opt) {
  const auto today = Today(opt.prices);
  if (!today.ok()) return ReportError(today.error());
  const auto catalog = LoadPrices(opt.prices, *today);
  if (!catalog.ok()) return ReportError(catalog.error());
  if (opt.gpu && !MapGpuText(*opt.gpu))
    return ReportError(Error::NotFound(
        fmt::format("--gpu: unknown GPU '{}'; known: {}", *opt.gpu, fmt::join(KnownGpuIds(), ", ")), "--gpu"));
  if (opt.provider)
    if (const Status known = catalog->CheckProviders({*opt.provider}, "--provider"); !known.ok())
      return ReportError(known.error());
  const int max_age = opt.prices.max_age_days;
  const bool show_gpu = opt.gpu || !opt.model;
  const bool show_api = opt.model || !opt.gpu;
  auto provider_ok = [&](const std::string& p) { return !opt.provider || Lower(p) == Lower(*opt.provider); };

  std::vector<GpuPrice> gpu_rows;
  if (show_gpu) {
    if (opt.gpu) {
      gpu_rows = catalog->GpuPrices(*MapGpuText(*opt.gpu));
    } else {
      gpu_rows = catalog->gpu_prices();
      std::stable_sort(gpu_rows.begin(), gpu_rows.end(), [](const GpuPrice& a, const GpuPrice& b) {
        return std::make_tuple(a.gpu_id.value_or("~"), a.usd_per_gpu_hour) <
               std::make_tuple(b.gpu_id.value_or("~"), b.usd_per_gpu_hour);
      });
    }
    std::erase_if(gpu_rows, [&](const GpuPrice& p) { return !provider_ok(p.provider); });
  }
  std::vector<ApiPrice> api_rows;
  std::optional<ApiPriceMatch> match;
  if (show_api) {
    if (opt.model) {
      match = catalog->ApiPrices(*opt.model);
      api_rows = match->rows;
    } else {
      api_rows = catalog->api_prices();
    }
    std::erase_if(api_rows, [&](const ApiPrice& p) { return !provider_ok(p.provider); });
  }

  if (opt.json) {
    nlohmann::json j = {{"today", FormatDate(*today)}, {"max_price_age_days", max_age}};
    if (show_gpu) {
      j["gpu_prices"] = nlohmann::json::array();
      for (const auto& p : gpu_rows) j["gpu_prices"].push_back(GpuJson(p, *today, max_age));
    }
    if (show_api) {
      j["api_prices"] = nlohmann::json::array();
      for (const auto& p : api_rows) j["api_prices"].push_back(ApiJson(p, *today, max_age));
    }
    if (match)
      j["api_match"] = {
          {"model", *opt.model}, {"exact", match->exact}, {"equivalent", match->equivalent}, {"why", match->why}};
    PrintJson(j);
    return 0;
  }

  fmt::print("Prices as of their own dates, judged on {} (stale after {} days). A month is 730 hours.\n",
             FormatDate(*today), max_age);
  if (show_gpu) {
    fmt::print(
        "\nGPU prices, $ per GPU-hour, cheapest first per GPU ({}; on-demand unless Pricing says "
        "otherwise):\n",
        Rows(gpu_rows.size()));
    PrintGpuTable(gpu_rows, *today, max_age);
  }
  if (show_api) {
    fmt::print("\nServerless API prices, $ per million tokens ({}):\n", Rows(api_rows.size()));
    if (match && !match->exact && !match->rows.empty())
      fmt::print("No API price for {} itself; nearest priced equivalent: {} ({}).\n", *opt.model, match->equivalent,
                 match->why);
    if (match && match->rows.empty()) fmt::print("{}.\n", match->why);
    PrintApiTable(api_rows, *today, max_age);
  }
  if (show_gpu && !opt.gpu) {
    const auto unmapped = catalog->UnmappedGpuPrices();
    if (!unmapped.empty()) {
      fmt::print("\nNot used for planning: {} GPU price rows name a GPU capplan has no specs for:", unmapped.size());
      for (const auto& p : unmapped) fmt::print(" {} {};", p.provider, p.gpu_text);
      fmt::print("\n");
    }
  }
  return 0;
}

}  // namespace

void RegisterPrices(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<PricesOptions>();
  CLI::App* cmd = app.add_subcommand("prices", "List the GPU and serverless API prices capplan uses, with dates");
  cmd->add_option("--gpu", opt->gpu, "Only this GPU's prices (catalog id, e.g. h100-sxm)");
  cmd->add_option("--model", opt->model,
                  "Only API prices for this preset (or its nearest priced equivalent, named as such)");
  cmd->add_option("--provider", opt->provider, "Only this provider's prices (case-insensitive)");
  cmd->add_flag("--json", opt->json, "Print JSON instead of tables");
  AddPriceFlags(*cmd, opt->prices);
  cmd->callback([opt, &exit_code] { exit_code = RunPrices(*opt); });
}

}  // namespace capplan::cli
