// Cost: prices as dated data, and the arithmetic that turns a deployment's sustained throughput into $/hour,
// $/month and $ per million tokens, and compares it with serverless APIs.
//
// Identifiers. GPUs are named by the hardware catalog ids (h100-sxm, h200-sxm, b200-hgx, mi300x, ...; the list is
// KnownGpuIds()). Models are named by capplan preset names (llama-4-scout, deepseek-r1, ...). Provider wording
// ("HGX H200", "deepseek-reasoner (DeepSeek-R1)") is mapped to those ids in one table each (the GPU rows'
// provider_names in data/hardware/gpus.json, src/cost/api_models.cc); a row that cannot be mapped is kept and listed
// by Unmapped*(), never dropped silently.
//
// Conventions, the same in every function here:
// - A month is kHoursPerMonth = 730 hours (8760 h / 12), running 24x7.
// - Token volumes are per month and count input + output tokens together; `input_output_ratio` r is input tokens per
//   output token (a 1000-in / 500-out chat has r = 2), so a volume V splits into V*r/(1+r) input and V/(1+r) output.
// - "Blended" $ per million tokens prices input and output together at that ratio: (r*p_in + p_out) / (1+r).
// - Prices are whatever the row says (on-demand unless its pricing_type says otherwise); each keeps its date and
// source.
// - `today` is always an argument: the library never reads the clock.
//
// How `capplan plan` uses this (the intended call sequence):
//   1. catalog = PriceCatalog::BuiltIn(), then .Merge(PriceCatalog::FromCsv(file)) and .WithOverride(flag row).
//   2. per candidate (gpu, gpu_count): quotes = catalog.QuoteGpus(gpu, gpu_count, filter); rank by quotes[0].
//   3. CostOf({.usd_per_gpu_hour = quote.usd_per_gpu_hour, .gpu_count = quote.billed_gpus, ...}) for the report.
//   4. match = catalog.ApiPrices(preset) (exact, or the nearest equivalent: print match.equivalent and match.why);
//      CompareWithApis(cost.usd_per_month_24x7, cost.tokens_per_month_24x7, match.rows, volume, r) gives per API
//      its $/month at the user's volume and the fixed-deployment crossover; TrafficTiers(...) the 1B / 10B / 100B
//      tokens-a-month table with replicas scaled per tier.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capplan/error.h"
#include "capplan/units.h"

namespace capplan {

/// 8760 hours a year / 12. Every $/month figure is $/hour x this (24x7) or x this x utilisation.
inline constexpr double kHoursPerMonth = 730.0;
/// A price older than this many days is flagged stale by default.
inline constexpr int kDefaultMaxPriceAgeDays = 90;

// ---------------------------------------------------------------------------------------------------------------
// Dates and staleness

struct Date {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  friend auto operator<=>(const Date&, const Date&) = default;
};

/// Parses "YYYY-MM-DD". Errors name `source` (a file:line or a flag): "--today: '2026-13-01' is not a date
/// (YYYY-MM-DD)".
Result<Date> ParseDate(std::string_view text, std::string_view source);
std::string FormatDate(Date d);  // "2026-09-20"
/// Days from `from` to `to` (negative when `to` is earlier).
int DaysBetween(Date from, Date to);

/// The date a price was read. `text` is what the row says; `date` is known for "YYYY-MM-DD" and for "YYYY-MM" (read
/// as the first day of that month: the oldest it can be, so staleness errs towards flagging).
struct PriceDate {
  std::string text;
  std::optional<Date> date;  // nullopt: unknown ("unknown (2025-2026)")
};

/// Parses an as_of field: "YYYY-MM-DD", "YYYY-MM", or text starting with "unknown". Anything else is an error naming
/// `source` and the field: "prices.csv:4: as_of='last week' must be YYYY-MM-DD, YYYY-MM or start with 'unknown'".
Result<PriceDate> ParsePriceDate(std::string_view text, std::string_view source);

enum class Staleness { kFresh, kStale, kUnknown };
const char* StalenessName(Staleness s);  // "fresh", "stale", "unknown"

/// kStale when as_of is more than `max_age_days` before `today`, kUnknown when the date is unknown.
Staleness IsStale(const PriceDate& as_of, Date today, int max_age_days = kDefaultMaxPriceAgeDays);

// ---------------------------------------------------------------------------------------------------------------
// Price rows

/// kReserved is a reservation of unstated or short term (AWS capacity blocks); kReserved1y / kReserved3y a 1- or
/// 3-year commitment; kOwn the cost of owning the GPU (capex amortised + power + hosting, per GPU-hour).
enum class PricingKind { kOnDemand, kSpot, kReserved, kOverride, kReserved1y, kReserved3y, kOwn };
/// "on-demand", "spot", "reserved", "override", "reserved-1y", "reserved-3y", "own"
const char* PricingKindName(PricingKind k);
/// From a pricing_type text: starts with "spot" -> spot; "own" -> own; mentions "reserv", "rental" or "capacity
/// block" -> reserved, reserved-3y when it also says "3-year" / "3yr", reserved-1y for "1-year" / "1yr";
/// "override" -> override; anything else (on-demand, "on-demand (Community Cloud)", ...) -> on-demand.
PricingKind ClassifyPricing(std::string_view pricing_type);

struct GpuPrice {
  std::string provider;
  std::string gpu_text;               // the provider's wording, "H100 SXM 80GB (p5.48xlarge)"
  std::optional<std::string> gpu_id;  // catalog id, nullopt when unmapped
  int gpus_per_instance = 1;          // the smallest unit one can rent at this price
  DollarsPerHour usd_per_gpu_hour;
  std::string pricing_type;  // as written, "on-demand (Secure Cloud)"
  PricingKind kind = PricingKind::kOnDemand;
  PriceDate as_of;
  std::string source;
  std::string origin;  // where the row came from: "built-in", a file name, or a flag
};

struct ApiPrice {
  std::string provider;
  std::string model_text;                // the provider's wording, "deepseek-reasoner (DeepSeek-R1)"
  std::optional<std::string> model_key;  // canonical model (a preset name or e.g. "mixtral-8x22b"), nullopt if unmapped
  Dollars usd_per_million_input;
  Dollars usd_per_million_output;
  std::optional<Dollars> usd_per_million_cached_input;  // the rate for input tokens served from the provider's cache
  std::optional<Dollars> usd_per_million_batch_input;   // batch (asynchronous) tier, where the provider lists one
  std::optional<Dollars> usd_per_million_batch_output;
  PriceDate as_of;
  std::string source;
  std::string origin;
  bool superseded = false;  // the row's source says a newer row replaces it; listed, never used for comparisons
};

/// What ApiPrices(preset) found.
struct ApiPriceMatch {
  std::vector<ApiPrice> rows;  // cheapest blended first (at ratio 1); one per provider
  bool exact = false;          // true: rows price `preset` itself; false: a nearest equivalent (or nothing)
  std::string equivalent;      // when !exact and rows found: what is priced instead, "DeepSeek V3 family"
  std::string why;             // the reason it is a fair stand-in, or why nothing was found
};

/// The best way to rent `gpu_count` GPUs of one type from one provider.
struct GpuQuote {
  GpuPrice row;                     // the price row used
  int instances = 0;                // ceil(gpu_count / row.gpus_per_instance)
  int billed_gpus = 0;              // instances * gpus_per_instance (>= the GPUs asked for: one pays whole instances)
  DollarsPerHour usd_per_gpu_hour;  // row's price
  DollarsPerHour usd_per_hour;      // billed_gpus * usd_per_gpu_hour
};

struct QuoteFilter {
  std::vector<std::string> providers = {};  // empty: all; otherwise case-insensitive provider names
  std::vector<PricingKind> kinds = {PricingKind::kOnDemand, PricingKind::kOverride};
};

/// Owning a GPU, or renting it for 3 years, per GPU-hour all-in (power included), from a TCO table
/// (data/prices/tco.csv). The 3-year rental also appears as a kReserved3y GpuPrice of the built-in catalog.
struct TcoRow {
  std::string gpu_text;  // the table's wording, "H100"
  std::string gpu_id;    // catalog id
  DollarsPerHour own_hyperscaler;
  DollarsPerHour own_neocloud;
  DollarsPerHour rental_3y;
  double all_in_power_kw = 0;  // per GPU, at load, host and cooling share included
  PriceDate as_of;
  std::string source;
};

/// The catalog ids prices can refer to: those of the built-in hardware catalog (GpuCatalog::BuiltIn).
const std::vector<std::string>& KnownGpuIds();
/// Catalog id for a provider's GPU wording or an id itself (case-insensitive); nullopt when not in the table.
std::optional<std::string> MapGpuText(std::string_view text);
/// Canonical model key for a provider's model wording (case-insensitive); nullopt when not in the table.
std::optional<std::string> MapModelText(std::string_view text);

/// An immutable set of GPU and API price rows. Copyable value; Merge / WithOverride return new catalogs.
class PriceCatalog {
 public:
  PriceCatalog() = default;

  /// The embedded data/prices/*.csv.
  static Result<PriceCatalog> BuiltIn();
  /// One CSV, GPU prices or API prices (told apart by the header). Errors name `source`, the line and the field:
  /// "my.csv:3: usd_per_gpu_hour='abc' is not a number".
  static Result<PriceCatalog> FromCsv(std::string_view text, std::string_view source);

  /// This catalog with `overrides` applied: an override row replaces the rows with the same provider, GPU (id, or
  /// text when unmapped), gpus_per_instance and pricing_type (API: same provider and model); the others are added.
  PriceCatalog Merge(const PriceCatalog& overrides) const;
  /// This catalog where `row` (from ParseGpuPriceOverride) is the only price of its GPU: a flag price is the user's
  /// own price and wins over every provider's.
  PriceCatalog WithOverride(const GpuPrice& row) const;

  /// Every row for `gpu_id`, cheapest per GPU-hour first (ties: larger instance first, then provider name).
  std::vector<GpuPrice> GpuPrices(std::string_view gpu_id) const;
  /// Per provider, the cheapest way to rent `gpu_count` GPUs (comparing whole-instance cost), cheapest first.
  /// Assumes GPUs of one row can be combined into the multi-GPU nodes a layout needs at the row's per-GPU price (true
  /// of the per-GPU rows of RunPod, Nebius, Crusoe; not of single-GPU VM shapes such as GCP a3-highgpu-1g).
  /// Empty when no row of an allowed kind prices `gpu_id`. REQUIRES: gpu_count >= 1.
  std::vector<GpuQuote> QuoteGpus(std::string_view gpu_id, int gpu_count, const QuoteFilter& filter = {}) const;
  /// Per GPU, provider and pricing kind only the rows of the newest date (an unknown date loses to any known one):
  /// a provider's 2026 price replaces its 2025 one, while rows of the same date (instance sizes, Secure vs
  /// Community Cloud) all stay. QuoteGpus uses only these; gpu_prices() lists every row.
  std::vector<GpuPrice> CurrentGpuPrices() const;
  /// An error naming the unknown entries when a provider in `providers` has no GPU or API price row here
  /// (case-insensitive): "--providers: unknown provider 'lamda'; known: AWS, Azure, ...".
  Status CheckProviders(const std::vector<std::string>& providers, std::string_view flag = "--providers") const;
  /// The TCO row for a catalog GPU id, if the table has one.
  std::optional<TcoRow> Tco(std::string_view gpu_id) const;
  const std::vector<TcoRow>& tco() const { return tco_; }

  /// API prices for a preset; when none exist, the nearest priced equivalent, named as such (see api_models.cc).
  ApiPriceMatch ApiPrices(std::string_view preset) const;

  const std::vector<GpuPrice>& gpu_prices() const { return gpu_; }
  const std::vector<ApiPrice>& api_prices() const { return api_; }
  std::vector<GpuPrice> UnmappedGpuPrices() const;
  std::vector<ApiPrice> UnmappedApiPrices() const;

 private:
  std::vector<GpuPrice> gpu_;
  std::vector<ApiPrice> api_;
  std::vector<TcoRow> tco_;
};

/// A flag value "GPU=USD_PER_GPU_HOUR" ("h100-sxm=2.50"): provider "override", 1 GPU per instance, dated `today`.
/// Errors name `flag`: "--gpu-price: 'h100-sxm' must be GPU=USD_PER_GPU_HOUR, e.g. h100-sxm=2.50".
Result<GpuPrice> ParseGpuPriceOverride(std::string_view text, Date today, std::string_view flag = "--gpu-price");

// ---------------------------------------------------------------------------------------------------------------
// Deployment cost

struct DeploymentInput {
  DollarsPerHour usd_per_gpu_hour;
  int gpu_count = 1;                    // GPUs billed (GpuQuote::billed_gpus), all replicas together
  double output_tokens_per_second = 0;  // sustained by the deployment under the SLOs, all replicas together
  double input_output_ratio = 0;        // input tokens per output token
  double utilisation = 1.0;             // fraction of the month's hours the deployment runs (and is billed), (0, 1]
};

/// usd_per_hour               = usd_per_gpu_hour * gpu_count
/// usd_per_month_24x7         = usd_per_hour * 730
/// usd_per_month_at_utilisation = usd_per_month_24x7 * utilisation   (billed only while it runs)
/// output_tokens_per_hour     = output_tokens_per_second * 3600
/// usd_per_million_output_tokens  = usd_per_hour / output_tokens_per_hour * 1e6
/// usd_per_million_tokens_blended = usd_per_hour / (output_tokens_per_hour * (1 + r)) * 1e6
/// The per-token figures assume the deployment serves at its sustained rate while it runs; an always-on deployment
/// loaded at a fraction u of its capacity pays these divided by u.
/// Example: 8 GPUs x $3.99 = $31.92/h; at 10,000 tok/s = 36M tok/h -> $0.8867 per million output tokens.
struct DeploymentCost {
  DollarsPerHour usd_per_hour;
  Dollars usd_per_month_24x7;
  Dollars usd_per_month_at_utilisation;
  double output_tokens_per_month_24x7 = 0;
  double tokens_per_month_24x7 = 0;  // input + output at the ratio: the deployment's monthly capacity
  Dollars usd_per_million_output_tokens;
  Dollars usd_per_million_tokens_blended;
};

/// Errors name the field: "output_tokens_per_second=0 must be > 0".
Result<DeploymentCost> CostOf(const DeploymentInput& in);

/// Total tokens (input + output) a deployment sustaining `output_tokens_per_second` serves in a 730-hour month.
double TokensPerMonth24x7(double output_tokens_per_second, double input_output_ratio);

// ---------------------------------------------------------------------------------------------------------------
// Serverless comparison

struct ApiMonthlyCost {
  double input_tokens = 0;                 // tokens_per_month * r / (1 + r)
  double output_tokens = 0;                // tokens_per_month / (1 + r)
  Dollars usd_per_month;                   // input_tokens * p_in / 1e6 + output_tokens * p_out / 1e6
  Dollars usd_per_million_tokens_blended;  // (r * p_in + p_out) / (1 + r)
};
/// `cached_input_fraction` f in [0, 1]: the share of input tokens billed at the cached rate (the full input rate
/// where the row has none): input $/M = (1 - f) * p_in + f * p_cached.
ApiMonthlyCost ApiCost(const ApiPrice& price, double tokens_per_month, double input_output_ratio,
                       double cached_input_fraction = 0);
Dollars BlendedPerMillion(const ApiPrice& price, double input_output_ratio, double cached_input_fraction = 0);
/// The input rate at a cached fraction, as above.
Dollars EffectiveInputPerMillion(const ApiPrice& price, double cached_input_fraction);
/// The row's batch tier as a price of its own (provider "Amazon Bedrock (batch)"), when it lists both batch rates.
std::optional<ApiPrice> BatchTier(const ApiPrice& price);

/// Fixed deployment (its cost is flat per month): the volume above which self-hosting is cheaper than the API,
/// self_host_usd_per_month / api_blended_per_million * 1e6 tokens. Valid only up to the deployment's capacity
/// (compare with DeploymentCost::tokens_per_month_24x7). This is the figure `capplan plan` reports per API.
double CrossoverTokensPerMonth(Dollars self_host_usd_per_month, Dollars api_blended_per_million);

/// Self-hosting scaled to volume: replicas = ceil(volume / capacity_per_replica), cost = replicas * replica cost.
struct ScaledSelfHost {
  int replicas = 0;
  Dollars usd_per_month;
};
ScaledSelfHost ScaledSelfHostCost(Dollars replica_usd_per_month, double replica_tokens_per_month,
                                  double tokens_per_month);
/// Scaled deployment: the volume above which self-hosting stays cheaper than the API at every larger volume (the
/// step cost jumps at each added replica, so a single crossing is not enough). nullopt when never: a full replica
/// costs more per token than the API (replica_usd_per_month / replica_tokens_per_month * 1e6 > api blended).
std::optional<double> ScaledCrossoverTokensPerMonth(Dollars replica_usd_per_month, double replica_tokens_per_month,
                                                    Dollars api_blended_per_million);

/// One API against the deployment, at the user's volume: what `capplan plan` prints as its API comparison.
struct ApiComparison {
  ApiPrice price;
  Dollars usd_per_month;                   // ApiCost at the user's volume
  Dollars usd_per_million_tokens_blended;  // at the workload's ratio
  double crossover_tokens_per_month = 0;   // CrossoverTokensPerMonth(self-host $/month, blended)
  bool crossover_within_capacity = false;  // crossover <= the deployment's monthly capacity
  bool api_cheaper = false;                // at the user's volume, the API costs less than the deployment
};
/// Per API row, in the order given. `self_host_usd_per_month` is the deployment's bill (24x7 or at utilisation,
/// whichever the caller reports) and `self_host_tokens_per_month` its monthly capacity (tokens_per_month_24x7).
std::vector<ApiComparison> CompareWithApis(Dollars self_host_usd_per_month, double self_host_tokens_per_month,
                                           const std::vector<ApiPrice>& apis, double tokens_per_month,
                                           double input_output_ratio, double cached_input_fraction = 0);

struct TierApiCost {
  std::string provider;
  std::string model_text;
  Dollars usd_per_month;
};
struct TrafficTier {
  double tokens_per_month = 0;
  ScaledSelfHost self_host;       // replicas this tier needs and their monthly cost (24x7)
  std::vector<TierApiCost> apis;  // in the order of `apis`
  std::string cheapest;           // "self-host" or the cheapest API's provider
};
/// Side by side for each volume in `tiers_tokens_per_month` (default 1B, 10B, 100B tokens a month).
std::vector<TrafficTier> TrafficTiers(Dollars replica_usd_per_month, double replica_tokens_per_month,
                                      double input_output_ratio, const std::vector<ApiPrice>& apis,
                                      const std::vector<double>& tiers_tokens_per_month = {1e9, 1e10, 1e11},
                                      double cached_input_fraction = 0);
/// The tiers to show for a user's volume V: V/10, V, 10V, then the fixed 1B, 10B, 100B, ascending, duplicates
/// (within 0.1%) dropped. V <= 0 gives the fixed three.
std::vector<double> TierVolumes(double user_tokens_per_month);

// ---------------------------------------------------------------------------------------------------------------
// Pricing tiers beyond on-demand

/// `--pricing` values. kOnDemand also accepts kOverride rows (a user's own price).
enum class PricingTier { kOnDemand, kReserved1y, kReserved3y, kSpot, kOwn };
/// "on-demand|reserved-1y|reserved-3y|spot|own"; an error naming `flag` otherwise.
Result<PricingTier> ParsePricingTier(std::string_view text, std::string_view flag = "--pricing");
const char* PricingTierName(PricingTier t);
/// The row kinds a tier quotes from (kOwn: none, see OwnGpuHour).
std::vector<PricingKind> KindsFor(PricingTier t);

/// Owning a GPU. Either the TCO table's all-in figure (profile hyperscaler or neocloud), or, when capex is given,
/// capex / (amortise_years x 8760 h) + all_in_power_kw x usd_per_kwh + hosting, each input the caller's.
struct OwnInputs {
  bool neocloud = false;                                   // which TCO column is the default
  std::optional<double> usd_per_gpu_hour = std::nullopt;   // all-in, replaces the table
  std::optional<double> capex_usd_per_gpu = std::nullopt;  // purchase price per GPU incl. its share of the server
  std::optional<double> amortise_years = std::nullopt;     // required with capex
  std::optional<double> usd_per_kwh = std::nullopt;        // required with capex
  std::optional<double> hosting_usd_per_gpu_hour = std::nullopt;  // colocation, network, staff; required with capex
  std::optional<double> all_in_power_kw = std::nullopt;           // default: the TCO table's
};
struct OwnGpuHour {
  DollarsPerHour usd_per_gpu_hour;
  std::optional<DollarsPerHour> capex_per_gpu_hour, power_per_gpu_hour, hosting_per_gpu_hour;  // when known
  double all_in_power_kw = 0;
  std::string basis;  // "InferenceX TCO, owning - hyperscaler (2026-04-03)" or "your capex + power + hosting"
  std::optional<PriceDate> as_of;  // the TCO table's date; nullopt for the caller's own inputs
};
/// Errors name the missing flag: "--own-usd-per-kwh is required with --own-capex-usd-per-gpu"; or that the table
/// has no row for the GPU and no all-in price was given.
Result<OwnGpuHour> OwnCostPerGpuHour(std::string_view gpu_id, const PriceCatalog& prices, const OwnInputs& in);
/// A GpuQuote for owning `gpu_count` GPUs at `own` (no instance packing: one buys GPUs), dated own.as_of, else
/// `today` (the caller's inputs are today's).
GpuQuote OwnQuote(std::string_view gpu_id, int gpu_count, const OwnGpuHour& own, Date today);

/// What riding spot capacity costs: spot instances are reclaimed after windows of 2-4 h (shared/catalog README,
/// market range); each reclaim takes a replica away for `replace_time` (a new instance plus model load). Spares
/// kept = ceil(replicas x replace_time / window_min), at least 1, so that the expected number down at once is covered.
struct SpotRisk {
  int spare_replicas = 0;
  double fraction_of_time_down = 0;  // per replica: replace_time / window_min
  Seconds window_min{2 * 3600.0}, window_max{4 * 3600.0};
  std::string note;
};
SpotRisk SpotPreemption(int replicas, Seconds replace_time);

}  // namespace capplan
