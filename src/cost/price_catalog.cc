// Queries over a PriceCatalog: per-GPU rows, per-provider quotes for a GPU count, API prices for a preset (exact or
// nearest equivalent), merging override files.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "capplan/cost.h"
#include "cost/api_models.h"
#include "cost/text.h"

namespace capplan {
namespace {

using cost_internal::Lower;

auto GpuKey(const GpuPrice& p) {
  return std::make_tuple(Lower(p.provider), p.gpu_id.value_or(Lower(p.gpu_text)), p.gpus_per_instance,
                         Lower(p.pricing_type));
}
auto ApiKey(const ApiPrice& p) { return std::make_pair(Lower(p.provider), p.model_key.value_or(Lower(p.model_text))); }

template <class Row, class KeyFn>
std::vector<Row> MergeRows(const std::vector<Row>& base, const std::vector<Row>& overrides, KeyFn key) {
  std::vector<Row> out;
  for (const Row& b : base) {
    const bool replaced =
        std::any_of(overrides.begin(), overrides.end(), [&](const Row& o) { return key(o) == key(b); });
    if (!replaced) out.push_back(b);
  }
  out.insert(out.end(), overrides.begin(), overrides.end());
  return out;
}

bool ProviderAllowed(const QuoteFilter& f, const std::string& provider) {
  if (f.providers.empty()) return true;
  const std::string p = Lower(provider);
  return std::any_of(f.providers.begin(), f.providers.end(), [&](const std::string& a) { return Lower(a) == p; });
}

// Newer known date wins; an unknown date loses to any known one.
bool Newer(const PriceDate& a, const PriceDate& b) {
  if (a.date && b.date) return *a.date > *b.date;
  return a.date.has_value() && !b.date.has_value();
}

// The rows for `key`, one per provider (not superseded, newest date; the first listed on a tie), cheapest first.
std::vector<ApiPrice> RowsFor(const std::vector<ApiPrice>& all, std::string_view key) {
  std::vector<ApiPrice> out;
  for (const ApiPrice& p : all) {
    if (p.superseded || p.model_key != key) continue;
    auto same =
        std::find_if(out.begin(), out.end(), [&](const ApiPrice& o) { return Lower(o.provider) == Lower(p.provider); });
    if (same == out.end())
      out.push_back(p);
    else if (Newer(p.as_of, same->as_of))
      *same = p;
  }
  std::stable_sort(out.begin(), out.end(), [](const ApiPrice& a, const ApiPrice& b) {
    return BlendedPerMillion(a, 1.0) < BlendedPerMillion(b, 1.0);
  });
  return out;
}

}  // namespace

PriceCatalog PriceCatalog::Merge(const PriceCatalog& overrides) const {
  PriceCatalog out;
  out.gpu_ = MergeRows(gpu_, overrides.gpu_, [](const GpuPrice& p) { return GpuKey(p); });
  out.api_ = MergeRows(api_, overrides.api_, [](const ApiPrice& p) { return ApiKey(p); });
  out.tco_ = tco_;
  return out;
}

PriceCatalog PriceCatalog::WithOverride(const GpuPrice& row) const {
  PriceCatalog out;
  out.api_ = api_;
  out.tco_ = tco_;
  for (const GpuPrice& p : gpu_)
    if (p.gpu_id != row.gpu_id) out.gpu_.push_back(p);
  out.gpu_.push_back(row);
  return out;
}

std::vector<GpuPrice> PriceCatalog::GpuPrices(std::string_view gpu_id) const {
  std::vector<GpuPrice> out;
  for (const GpuPrice& p : gpu_)
    if (p.gpu_id == gpu_id) out.push_back(p);
  std::stable_sort(out.begin(), out.end(), [](const GpuPrice& a, const GpuPrice& b) {
    return std::make_tuple(a.usd_per_gpu_hour, -a.gpus_per_instance, a.provider) <
           std::make_tuple(b.usd_per_gpu_hour, -b.gpus_per_instance, b.provider);
  });
  return out;
}

std::vector<GpuQuote> PriceCatalog::QuoteGpus(std::string_view gpu_id, int gpu_count, const QuoteFilter& filter) const {
  std::map<std::string, GpuQuote> best;  // by provider
  for (const GpuPrice& p : CurrentGpuPrices()) {
    if (p.gpu_id != gpu_id || !ProviderAllowed(filter, p.provider)) continue;
    if (std::find(filter.kinds.begin(), filter.kinds.end(), p.kind) == filter.kinds.end()) continue;
    const int instances = (gpu_count + p.gpus_per_instance - 1) / p.gpus_per_instance;
    GpuQuote q{.row = p,
               .instances = instances,
               .billed_gpus = instances * p.gpus_per_instance,
               .usd_per_gpu_hour = p.usd_per_gpu_hour,
               .usd_per_hour = p.usd_per_gpu_hour * (instances * p.gpus_per_instance)};
    auto it = best.find(p.provider);
    if (it == best.end() ||
        std::make_pair(q.usd_per_hour, q.billed_gpus) < std::make_pair(it->second.usd_per_hour, it->second.billed_gpus))
      best[p.provider] = std::move(q);
  }
  std::vector<GpuQuote> out;
  out.reserve(best.size());
  for (auto& [provider, q] : best) out.push_back(std::move(q));
  std::stable_sort(out.begin(), out.end(),
                   [](const GpuQuote& a, const GpuQuote& b) { return a.usd_per_hour < b.usd_per_hour; });
  return out;
}

std::vector<GpuPrice> PriceCatalog::CurrentGpuPrices() const {
  auto group = [](const GpuPrice& p) {
    return std::make_tuple(Lower(p.provider), p.gpu_id.value_or(Lower(p.gpu_text)), p.kind);
  };
  std::map<decltype(group(gpu_.front())), PriceDate> newest;
  for (const GpuPrice& p : gpu_) {
    auto [it, added] = newest.emplace(group(p), p.as_of);
    if (!added && Newer(p.as_of, it->second)) it->second = p.as_of;
  }
  std::vector<GpuPrice> out;
  for (const GpuPrice& p : gpu_)
    if (!Newer(newest.at(group(p)), p.as_of)) out.push_back(p);
  return out;
}

Status PriceCatalog::CheckProviders(const std::vector<std::string>& providers, std::string_view flag) const {
  std::set<std::string> known_lower;
  std::set<std::string> known;
  for (const GpuPrice& p : gpu_) known_lower.insert(Lower(p.provider)), known.insert(p.provider);
  for (const ApiPrice& p : api_) known_lower.insert(Lower(p.provider)), known.insert(p.provider);
  std::vector<std::string> unknown;
  for (const std::string& p : providers)
    if (!known_lower.contains(Lower(p))) unknown.push_back(p);
  if (unknown.empty()) return Ok{};
  return Error::NotFound(fmt::format("{}: unknown provider{} '{}'; known: {}", flag, unknown.size() == 1 ? "" : "s",
                                     fmt::join(unknown, "', '"), fmt::join(known, ", ")),
                         std::string(flag));
}

std::optional<TcoRow> PriceCatalog::Tco(std::string_view gpu_id) const {
  for (const TcoRow& t : tco_)
    if (t.gpu_id == gpu_id) return t;
  return std::nullopt;
}

ApiPriceMatch PriceCatalog::ApiPrices(std::string_view preset) const {
  ApiPriceMatch m;
  m.rows = RowsFor(api_, preset);
  if (!m.rows.empty()) {
    m.exact = true;
    return m;
  }
  for (const auto& eq : cost_internal::NearestEquivalents(preset)) {
    m.rows = RowsFor(api_, eq.key);
    if (m.rows.empty()) continue;
    m.equivalent = std::string(eq.name);
    m.why = std::string(eq.why);
    return m;
  }
  m.why = fmt::format("no API price for {} or an equivalent model in the price catalog", preset);
  return m;
}

std::vector<GpuPrice> PriceCatalog::UnmappedGpuPrices() const {
  std::vector<GpuPrice> out;
  std::copy_if(gpu_.begin(), gpu_.end(), std::back_inserter(out), [](const GpuPrice& p) { return !p.gpu_id; });
  return out;
}

std::vector<ApiPrice> PriceCatalog::UnmappedApiPrices() const {
  std::vector<ApiPrice> out;
  std::copy_if(api_.begin(), api_.end(), std::back_inserter(out), [](const ApiPrice& p) { return !p.model_key; });
  return out;
}

}  // namespace capplan
