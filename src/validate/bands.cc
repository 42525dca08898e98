// Error bands: how far measurements fall from predictions, out of sample, per regime (engine, dense or MoE, GPU
// family). Written by `capplan validate --cross-validate --write-bands FILE` from the leave-one-model-out points;
// the built-in copy (data/validation/error-bands.csv) is what every prediction quotes.
#include <algorithm>
#include <charconv>
#include <cmath>

#include "capplan/csv.h"
#include "capplan/embedded.h"
#include "capplan/validate.h"

namespace capplan {
namespace {

std::string Regime(std::string_view engine, bool moe, std::string_view family) {
  return std::string(engine) + " " + (moe ? "moe" : "dense") + " " + std::string(family);
}

double Quantile(std::vector<double>& v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t i = static_cast<size_t>(pos);
  const double frac = pos - static_cast<double>(i);
  return i + 1 < v.size() ? v[i] * (1 - frac) + v[i + 1] * frac : v[i];
}

// Middle 80%: a band that says "typically", not "always".
constexpr double kLowQuantile = 0.10, kHighQuantile = 0.90;

bool ParseDouble(std::string_view s, double& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size() && std::isfinite(out);
}

const std::map<std::string, ErrorBand>& BuiltInBands() {
  static const std::map<std::string, ErrorBand> kBands = [] {
    std::map<std::string, ErrorBand> out;
    auto text = FindEmbedded(embedded::perf(), "validation/error-bands.csv");
    if (!text) return out;
    auto t = ParseCsv(*text, "data/validation/error-bands.csv");
    if (!t.ok()) return out;
    const int regime = t->Column("regime"), metric = t->Column("metric"), low = t->Column("low"),
              high = t->Column("high"), count = t->Column("count");
    if (regime < 0 || metric < 0 || low < 0 || high < 0 || count < 0) return out;
    for (const auto& f : t->rows) {
      ErrorBand b{.regime = f[static_cast<size_t>(regime)]};
      double n = 0;
      if (!ParseDouble(f[static_cast<size_t>(low)], b.low) || !ParseDouble(f[static_cast<size_t>(high)], b.high) ||
          !ParseDouble(f[static_cast<size_t>(count)], n))
        continue;
      b.count = static_cast<int>(n);
      out[b.regime + "|" + f[static_cast<size_t>(metric)]] = b;
    }
    return out;
  }();
  return kBands;
}

}  // namespace

std::map<std::string, ErrorBand> BandsFromPoints(const std::vector<SweepPoint>& points, std::string_view metric) {
  std::map<std::string, std::vector<double>> ratios;
  for (const SweepPoint& p : points) {
    const double pred = metric == "ttft" ? p.ttft_pred_s : p.tpot_pred_s;
    const double meas = metric == "ttft" ? p.c->ttft_s : p.c->tpot_s;
    if (!(pred > 0)) continue;
    ratios[Regime(EngineName(p.c->deployment.engine.engine), p.c->moe, p.c->family)].push_back(meas / pred);
  }
  std::map<std::string, ErrorBand> out;
  for (auto& [regime, v] : ratios) {
    out[regime] = ErrorBand{.regime = regime,
                            .low = Quantile(v, kLowQuantile),
                            .high = Quantile(v, kHighQuantile),
                            .count = static_cast<int>(v.size())};
  }
  return out;
}

ErrorBand ErrorBandFor(const Deployment& d, const ModelSpec& m, std::string_view metric) {
  const std::string regime = Regime(EngineName(d.engine.engine), HasMoeLayers(m), PerfFamilyOf(d.gpu));
  const auto& bands = BuiltInBands();
  auto it = bands.find(regime + "|" + std::string(metric));
  if (it == bands.end()) return ErrorBand{.regime = regime};
  return it->second;
}

}  // namespace capplan
