// Reading price CSVs (the embedded ones and users' override files) and `--gpu-price` flag values. Errors locate the
// problem: "my.csv:3: usd_per_gpu_hour='abc' is not a number".
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "capplan/cost.h"
#include "capplan/csv.h"
#include "capplan/embedded.h"
#include "cost/tco.h"
#include "cost/text.h"

namespace capplan {
namespace {

using cost_internal::Trim;

constexpr std::string_view kTcoFile = "tco.csv";

const std::vector<std::string> kGpuColumns = {
    "provider", "gpu", "gpus_per_instance", "usd_per_gpu_hour", "pricing_type", "as_of", "source"};
const std::vector<std::string> kApiColumns = {"provider",         "model", "usd_per_m_input",
                                              "usd_per_m_output", "as_of", "source"};

// Far above any instance sold (8 or 16 GPUs; 72 in an NVL72 rack), so the count converts to int safely.
constexpr int kMaxGpusPerInstance = 4096;

// A record with its fields looked up by column name.
struct Record {
  const std::map<std::string, size_t>* columns;
  std::vector<std::string> fields;
  std::string where;  // "my.csv:3"
  std::string_view Get(const std::string& name) const { return Trim(fields[columns->at(name)]); }
};

Result<double> PositiveNumber(const Record& r, const std::string& field) {
  const std::string_view text = r.Get(field);
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size())
    return Error::Parse(fmt::format("{}: {}='{}' is not a number", r.where, field, text), field);
  if (!(v > 0)) return Error::InvalidArgument(fmt::format("{}: {}={} must be > 0", r.where, field, text), field);
  return v;
}

// An optional price column: absent or empty -> nullopt; otherwise a positive number.
Result<std::optional<Dollars>> OptionalPrice(const Record& r, const std::string& field) {
  if (!r.columns->contains(field) || r.Get(field).empty()) return std::optional<Dollars>();
  CAPPLAN_ASSIGN_OR_RETURN(double v, PositiveNumber(r, field));
  return std::optional<Dollars>(Dollars{v});
}

Status NotEmpty(const Record& r, const std::string& field) {
  if (r.Get(field).empty()) return Error::InvalidArgument(fmt::format("{}: {} is empty", r.where, field), field);
  return Ok{};
}

Result<GpuPrice> GpuRow(const Record& r, std::string_view origin) {
  for (const char* f : {"provider", "gpu", "pricing_type"}) CAPPLAN_RETURN_IF_ERROR(NotEmpty(r, f));
  CAPPLAN_ASSIGN_OR_RETURN(double gpus, PositiveNumber(r, "gpus_per_instance"));
  if (gpus > kMaxGpusPerInstance)
    return Error::InvalidArgument(fmt::format("{}: gpus_per_instance={} exceeds the limit of {}", r.where,
                                              r.Get("gpus_per_instance"), kMaxGpusPerInstance),
                                  "gpus_per_instance");
  if (gpus != static_cast<int>(gpus))
    return Error::InvalidArgument(
        fmt::format("{}: gpus_per_instance={} must be a whole number", r.where, r.Get("gpus_per_instance")),
        "gpus_per_instance");
  CAPPLAN_ASSIGN_OR_RETURN(double usd, PositiveNumber(r, "usd_per_gpu_hour"));
  CAPPLAN_ASSIGN_OR_RETURN(PriceDate as_of, ParsePriceDate(r.Get("as_of"), r.where));
  GpuPrice p{.provider = std::string(r.Get("provider")),
             .gpu_text = std::string(r.Get("gpu")),
             .gpu_id = MapGpuText(r.Get("gpu")),
             .gpus_per_instance = static_cast<int>(gpus),
             .usd_per_gpu_hour = {usd},
             .pricing_type = std::string(r.Get("pricing_type")),
             .kind = ClassifyPricing(r.Get("pricing_type")),
             .as_of = std::move(as_of),
             .source = std::string(r.Get("source")),
             .origin = std::string(origin)};
  return p;
}

Result<ApiPrice> ApiRow(const Record& r, std::string_view origin) {
  for (const char* f : {"provider", "model"}) CAPPLAN_RETURN_IF_ERROR(NotEmpty(r, f));
  CAPPLAN_ASSIGN_OR_RETURN(double in, PositiveNumber(r, "usd_per_m_input"));
  CAPPLAN_ASSIGN_OR_RETURN(double out, PositiveNumber(r, "usd_per_m_output"));
  CAPPLAN_ASSIGN_OR_RETURN(auto cached, OptionalPrice(r, "usd_per_m_cached_input"));
  CAPPLAN_ASSIGN_OR_RETURN(auto batch_in, OptionalPrice(r, "usd_per_m_batch_input"));
  CAPPLAN_ASSIGN_OR_RETURN(auto batch_out, OptionalPrice(r, "usd_per_m_batch_output"));
  if (batch_in.has_value() != batch_out.has_value())
    return Error::InvalidArgument(
        fmt::format("{}: usd_per_m_batch_input and usd_per_m_batch_output must be given together", r.where),
        batch_in ? "usd_per_m_batch_output" : "usd_per_m_batch_input");
  CAPPLAN_ASSIGN_OR_RETURN(PriceDate as_of, ParsePriceDate(r.Get("as_of"), r.where));
  const std::string source(r.Get("source"));
  ApiPrice p{.provider = std::string(r.Get("provider")),
             .model_text = std::string(r.Get("model")),
             .model_key = MapModelText(r.Get("model")),
             .usd_per_million_input = {in},
             .usd_per_million_output = {out},
             .usd_per_million_cached_input = cached,
             .usd_per_million_batch_input = batch_in,
             .usd_per_million_batch_output = batch_out,
             .as_of = std::move(as_of),
             .source = source,
             .origin = std::string(origin),
             // The catalog marks replaced listings in the source column ("superseded by 0.56/1.68 above").
             .superseded = cost_internal::Lower(source).find("superseded") != std::string::npos};
  return p;
}

bool HasColumns(const std::map<std::string, size_t>& columns, const std::vector<std::string>& needed) {
  return std::all_of(needed.begin(), needed.end(), [&](const std::string& c) { return columns.contains(c); });
}

}  // namespace

Result<PriceCatalog> PriceCatalog::FromCsv(std::string_view text, std::string_view source) {
  CAPPLAN_ASSIGN_OR_RETURN(CsvTable table, ParseCsv(text, source));
  std::map<std::string, size_t> columns;
  const std::string header_at = fmt::format("{}:{}", source, table.header_line);
  for (size_t i = 0; i < table.header.size(); ++i) {
    // A repeated name would leave fewer columns than fields and index past a row (found by fuzz/csv).
    if (!columns.emplace(cost_internal::Lower(Trim(table.header[i])), i).second)
      return Error::Parse(fmt::format("{}: column '{}' appears twice in the header", header_at, Trim(table.header[i])));
  }
  const bool is_gpu = HasColumns(columns, kGpuColumns);
  if (!is_gpu && !HasColumns(columns, kApiColumns))
    return Error::Parse(fmt::format("{}: header must name the columns {} (GPU prices) or {} (API prices)", header_at,
                                    fmt::join(kGpuColumns, ","), fmt::join(kApiColumns, ",")));
  PriceCatalog catalog;
  for (size_t row = 0; row < table.rows.size(); ++row) {
    const Record r{&columns, std::move(table.rows[row]), fmt::format("{}:{}", source, table.lines[row])};
    if (is_gpu) {
      CAPPLAN_ASSIGN_OR_RETURN(GpuPrice p, GpuRow(r, source));
      catalog.gpu_.push_back(std::move(p));
    } else {
      CAPPLAN_ASSIGN_OR_RETURN(ApiPrice p, ApiRow(r, source));
      catalog.api_.push_back(std::move(p));
    }
  }
  return catalog;
}

Result<PriceCatalog> PriceCatalog::BuiltIn() {
  PriceCatalog all;
  for (const auto& f : embedded::prices()) {
    if (!f.name.ends_with(".csv")) continue;
    if (f.name == kTcoFile) {
      CAPPLAN_ASSIGN_OR_RETURN(all.tco_, cost_internal::ParseTco(f.bytes, fmt::format("data/prices/{}", f.name)));
      continue;
    }
    CAPPLAN_ASSIGN_OR_RETURN(PriceCatalog one, FromCsv(f.bytes, fmt::format("data/prices/{}", f.name)));
    for (auto& p : one.gpu_) p.origin = "built-in";
    for (auto& p : one.api_) p.origin = "built-in";
    all.gpu_.insert(all.gpu_.end(), one.gpu_.begin(), one.gpu_.end());
    all.api_.insert(all.api_.end(), one.api_.begin(), one.api_.end());
  }
  for (const TcoRow& t : all.tco_) all.gpu_.push_back(cost_internal::RentalRow(t));
  return all;
}

Result<GpuPrice> ParseGpuPriceOverride(std::string_view text, Date today, std::string_view flag) {
  const size_t eq = text.find('=');
  const std::string_view gpu = eq == std::string_view::npos ? text : Trim(text.substr(0, eq));
  const std::string_view price = eq == std::string_view::npos ? std::string_view() : Trim(text.substr(eq + 1));
  if (eq == std::string_view::npos || gpu.empty() || price.empty())
    return Error::InvalidArgument(fmt::format("{}: '{}' must be GPU=USD_PER_GPU_HOUR, e.g. h100-sxm=2.50", flag, text),
                                  std::string(flag));
  const auto id = MapGpuText(gpu);
  if (!id)
    return Error::NotFound(fmt::format("{}: unknown GPU '{}'; known: {}", flag, gpu, fmt::join(KnownGpuIds(), ", ")),
                           std::string(flag));
  double usd = 0;
  auto [ptr, ec] = std::from_chars(price.data(), price.data() + price.size(), usd);
  if (ec != std::errc() || ptr != price.data() + price.size())
    return Error::InvalidArgument(fmt::format("{}: price '{}' in '{}' is not a number", flag, price, text),
                                  std::string(flag));
  if (!(usd > 0))
    return Error::InvalidArgument(fmt::format("{}: price {} in '{}' must be > 0", flag, price, text),
                                  std::string(flag));
  return GpuPrice{.provider = "override",
                  .gpu_text = std::string(gpu),
                  .gpu_id = id,
                  .gpus_per_instance = 1,
                  .usd_per_gpu_hour = {usd},
                  .pricing_type = "override",
                  .kind = PricingKind::kOverride,
                  .as_of = {FormatDate(today), today},
                  .source = fmt::format("{} {}", flag, text),
                  .origin = std::string(flag)};
}

}  // namespace capplan
