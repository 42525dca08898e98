// Providers' GPU wording to hardware catalog ids: the wordings are data, the `provider_names` of each GPU row in
// data/hardware/gpus.json (with the reasons for the non-obvious ones in data/hardware/gen_gpus.py). A wording that
// is not there stays unmapped and is listed (PriceCatalog::UnmappedGpuPrices): it may name a GPU capplan has no
// specs for (GH200, A100 PCIe).
#include "capplan/cost.h"
#include "capplan/hardware.h"
#include "cost/text.h"

namespace capplan {

using cost_internal::Lower;

const std::vector<std::string>& KnownGpuIds() {
  static const std::vector<std::string> kIds = [] {
    std::vector<std::string> out;
    for (const GpuSpec& g : GpuCatalog::BuiltIn().All()) out.push_back(g.id);
    return out;
  }();
  return kIds;
}

std::optional<std::string> MapGpuText(std::string_view text) {
  const std::string lower = Lower(cost_internal::Trim(text));
  for (const GpuSpec& g : GpuCatalog::BuiltIn().All())
    if (lower == g.id) return g.id;
  for (const GpuSpec& g : GpuCatalog::BuiltIn().All())
    for (const std::string& wording : g.provider_names)
      if (lower == Lower(wording)) return g.id;
  return std::nullopt;
}

PricingKind ClassifyPricing(std::string_view pricing_type) {
  const std::string t = Lower(pricing_type);
  if (t.starts_with("spot")) return PricingKind::kSpot;
  if (t.starts_with("override")) return PricingKind::kOverride;
  if (t.starts_with("own")) return PricingKind::kOwn;
  auto has = [&](std::string_view w) { return t.find(w) != std::string::npos; };
  if (has("reserv") || has("rental") || has("capacity block")) {
    if (has("3-year") || has("3 year") || has("3yr") || has("3-yr")) return PricingKind::kReserved3y;
    if (has("1-year") || has("1 year") || has("1yr") || has("1-yr")) return PricingKind::kReserved1y;
    return PricingKind::kReserved;
  }
  return PricingKind::kOnDemand;
}

const char* PricingKindName(PricingKind k) {
  switch (k) {
    case PricingKind::kOnDemand:
      return "on-demand";
    case PricingKind::kSpot:
      return "spot";
    case PricingKind::kReserved:
      return "reserved";
    case PricingKind::kOverride:
      return "override";
    case PricingKind::kReserved1y:
      return "reserved-1y";
    case PricingKind::kReserved3y:
      return "reserved-3y";
    case PricingKind::kOwn:
      return "own";
  }
  return "on-demand";
}

}  // namespace capplan
