// The one table from providers' GPU wording to hardware catalog ids. A wording that is not here stays unmapped and
// is listed (PriceCatalog::UnmappedGpuPrices): it may name a GPU capplan has no specs for (GH200, A100 PCIe).
#include <array>
#include <utility>

#include "capplan/cost.h"
#include "cost/text.h"

namespace capplan {
namespace {

using cost_internal::Lower;

// Kept in step with shared/catalog/gpus.csv (the hardware module's ids); cost does not link hardware.
const std::vector<std::string> kGpuIds = {"h100-sxm", "h100-pcie", "h100-nvl",      "h200-sxm",      "b200-hgx",
                                          "b300-hgx", "gb200-gpu", "a100-80gb-sxm", "a100-40gb-sxm", "l40s",
                                          "l4",       "rtx-4090",  "rtx-5090",      "mi300x",        "mi325x",
                                          "mi355x",   "gaudi3"};

// Why each wording maps where it does, where it is not obvious:
// - "H100 80GB" without a form factor: Fireworks, Nebius and Crusoe rent HGX (SXM) H100s; GCP a3-highgpu is H100 SXM.
// - "H200 141GB": H200 is sold as SXM (HGX) only in these clouds; the NVL variant is not in the price list.
// - "A100 80GB" (CoreWeave) is its HGX A100 (SXM); "A100 PCIe 80GB" has no catalog entry and stays unmapped.
// - "GB200 NVL72 186GB" is priced per Blackwell GPU of the NVL72 rack: gb200-gpu.
constexpr std::array<std::pair<std::string_view, std::string_view>, 29> kGpuText = {{
    {"H100 SXM 80GB", "h100-sxm"},
    {"H100 SXM 80GB (HGX)", "h100-sxm"},
    {"H100 SXM 80GB (p5.48xlarge)", "h100-sxm"},
    {"H100 SXM 80GB (ND96isr_H100_v5)", "h100-sxm"},
    {"H100 80GB", "h100-sxm"},
    {"H100 80GB (HGX)", "h100-sxm"},
    {"H100 80GB (a3-highgpu-1g)", "h100-sxm"},
    {"H100 PCIe 80GB", "h100-pcie"},
    {"H100 NVL 94GB", "h100-nvl"},
    {"H100 NVL 94GB (NC40ads_H100_v5)", "h100-nvl"},
    {"H200 141GB", "h200-sxm"},
    {"H200 141GB (HGX)", "h200-sxm"},
    {"H200 141GB (p5e.48xlarge)", "h200-sxm"},
    {"B200 180GB", "b200-hgx"},
    {"B200 180GB (HGX)", "b200-hgx"},
    {"B200 SXM6 180GB", "b200-hgx"},
    {"B300 288GB", "b300-hgx"},
    {"GB200 NVL72 186GB", "gb200-gpu"},
    {"A100 SXM 80GB", "a100-80gb-sxm"},
    {"A100 SXM 80GB (p4de.24xlarge)", "a100-80gb-sxm"},
    {"A100 80GB", "a100-80gb-sxm"},
    {"A100 SXM 40GB", "a100-40gb-sxm"},
    {"A100 SXM 40GB (p4d.24xlarge)", "a100-40gb-sxm"},
    {"A100 SXM 40GB (ND96asr_A100_v4)", "a100-40gb-sxm"},
    {"A100 40GB (p4d.24xlarge)", "a100-40gb-sxm"},
    {"L40S 48GB", "l40s"},
    {"RTX 4090 24GB", "rtx-4090"},
    {"MI300X 192GB", "mi300x"},
    {"HGX H200", "h200-sxm"},
}};

}  // namespace

const std::vector<std::string>& KnownGpuIds() { return kGpuIds; }

std::optional<std::string> MapGpuText(std::string_view text) {
  const std::string lower = Lower(cost_internal::Trim(text));
  for (const auto& id : kGpuIds)
    if (lower == id) return id;
  for (const auto& [wording, id] : kGpuText)
    if (lower == Lower(wording)) return std::string(id);
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
