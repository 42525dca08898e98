// POST /api/fit and GET /api/providers: the minimum viable configurations priced at the cheapest rental, and the
// providers the price catalog knows (the web's provider filter).
#include <set>

#include "capplan/hardware.h"
#include "decode.h"
#include "encode_fit.h"
#include "fields.h"
#include "routes.h"

namespace capplan::server {

Error WithRequestField(Error e) {
  // The library names the CLI's flag where the cost and plan calls take the same list (--providers, --pricing).
  static constexpr std::pair<std::string_view, std::string_view> kFields[] = {{"--providers", "providers"},
                                                                              {"request: providers", "providers"},
                                                                              {"--pricing", "pricing"},
                                                                              {"--traffic-profile", "traffic_profile"}};
  for (const auto& [from, to] : kFields) {
    if (e.field != from) continue;
    e.field = std::string(to);
    if (from.starts_with("--") && e.message.starts_with(std::string(from) + ":"))
      e.message = "request: " + std::string(to) + e.message.substr(from.size());
  }
  return e;
}

ApiResponse HandleFit(std::string_view body) {
  Result<nlohmann::json> j = json::ParseRequestBody(body);
  if (!j.ok()) return ErrorResponse(j.error());
  Result<json::FitRequest> req = json::DecodeFitRequest(*j);
  if (!req.ok()) return ErrorResponse(req.error());
  Result<PriceCatalog> prices = PriceCatalog::BuiltIn();
  if (!prices.ok()) return ErrorResponse(prices.error());
  const std::vector<FitConfig> rows = MinimumViableConfigurations(req->model, GpuCatalog::BuiltIn().All(), req->query);
  nlohmann::json out = json::EncodeFit(req->model, req->query, rows);
  json::AddFitPrices(out, rows, *prices);
  return {200, out};
}

ApiResponse HandleProviders() {
  Result<PriceCatalog> prices = PriceCatalog::BuiltIn();
  if (!prices.ok()) return ErrorResponse(prices.error());
  std::set<std::string> gpu, api;
  for (const GpuPrice& p : prices->gpu_prices()) gpu.insert(p.provider);
  for (const ApiPrice& p : prices->api_prices()) api.insert(p.provider);
  return {200, {{"gpu_providers", gpu}, {"api_providers", api}}};
}

}  // namespace capplan::server
