// The engines' prefill scheduling policies, read from data/calibration/scheduling.json (embedded).
#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <nlohmann/json.hpp>

#include "capplan/embedded.h"
#include "capplan/perf.h"

namespace capplan {

std::string_view PrefillPolicyName(PrefillPolicy p) {
  switch (p) {
    case PrefillPolicy::kMixedChunked:
      return "mixed_chunked";
    case PrefillPolicy::kPrefillFirst:
      return "prefill_first";
    case PrefillPolicy::kMixedWhole:
      return "mixed_whole";
  }
  return "mixed_chunked";
}

namespace {

// The walk both readers of scheduling.json share: the document's shape, then each engines[] row's engine name,
// handed with the row and its "FILE: engines[i]." prefix to `read_row`, which returns the row's value or its error.
template <typename T, typename ReadRow>
Result<std::vector<std::pair<Engine, T>>> ReadEngineRows(std::string_view json_text, std::string_view source_name,
                                                         ReadRow read_row) {
  const std::string src(source_name);
  const nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Error::Parse(src + ": malformed JSON");
  if (!doc.is_object() || !doc.contains("engines") || !doc["engines"].is_array())
    return Error::InvalidArgument(src + ": expected an object with an 'engines' array", "engines");
  std::vector<std::pair<Engine, T>> out;
  for (size_t i = 0; i < doc["engines"].size(); ++i) {
    const nlohmann::json& e = doc["engines"][i];
    const std::string where = src + ": engines[" + std::to_string(i) + "].";
    if (!e.is_object() || !e.contains("engine") || !e["engine"].is_string())
      return Error::InvalidArgument(where + "engine must be a string", "engine");
    auto engine = ParseEngine(e["engine"].get<std::string>(), where + "engine");
    if (!engine.ok()) return engine.error();
    Result<T> value = read_row(e, where);
    if (!value.ok()) return value.error();
    out.emplace_back(*engine, *value);
  }
  return out;
}

// The embedded data/calibration/scheduling.json read by `parse` once, and the value for engine `e` (`fallback`
// for an engine the file leaves out).
template <typename T>
T BuiltInFor(Engine e, Result<std::vector<std::pair<Engine, T>>> (*parse)(std::string_view, std::string_view),
             T fallback) {
  static const std::vector<std::pair<Engine, T>> kBuiltIn = [parse] {
    auto text = FindEmbedded(embedded::perf(), "calibration/scheduling.json");
    assert(text && "data/calibration/scheduling.json is embedded");
    if (!text) return std::vector<std::pair<Engine, T>>{};
    auto parsed = parse(*text, "data/calibration/scheduling.json");
    assert(parsed.ok() && "the built-in scheduling file is valid (tested)");
    return parsed.ok() ? *parsed : std::vector<std::pair<Engine, T>>{};
  }();
  for (const auto& [engine, value] : kBuiltIn)
    if (engine == e) return value;
  return fallback;
}

}  // namespace

Result<std::vector<std::pair<Engine, PrefillPolicy>>> ParseScheduling(std::string_view json_text,
                                                                      std::string_view source_name) {
  return ReadEngineRows<PrefillPolicy>(
      json_text, source_name, [](const nlohmann::json& e, const std::string& where) -> Result<PrefillPolicy> {
        if (!e.contains("source") || !e["source"].is_string() || e["source"].get<std::string>().empty())
          return Error::InvalidArgument(where + "source must name where the policy comes from", "source");
        const std::string name = e.value("prefill_policy", std::string());
        for (PrefillPolicy p : {PrefillPolicy::kMixedChunked, PrefillPolicy::kPrefillFirst, PrefillPolicy::kMixedWhole})
          if (PrefillPolicyName(p) == name) return p;
        return Error::InvalidArgument(
            fmt::format("{}prefill_policy '{}' is not mixed_chunked, prefill_first or mixed_whole", where, name),
            "prefill_policy");
      });
}

PrefillPolicy PrefillPolicyOf(Engine e) { return BuiltInFor(e, &ParseScheduling, PrefillPolicy::kMixedChunked); }

Result<std::vector<std::pair<Engine, KvAdmission>>> ParseKvAdmission(std::string_view json_text,
                                                                     std::string_view source_name) {
  return ReadEngineRows<KvAdmission>(
      json_text, source_name, [](const nlohmann::json& e, const std::string& where) -> Result<KvAdmission> {
        const std::string name = e.value("kv_admission", std::string());
        KvAdmission a = KvAdmission::kFullSequence;
        if (name == "on_demand") {
          a = KvAdmission::kOnDemand;
        } else if (name != "full_sequence") {
          return Error::InvalidArgument(
              fmt::format("{}kv_admission '{}' is not on_demand or full_sequence", where, name), "kv_admission");
        }
        if (!e.contains("kv_admission_source") || !e["kv_admission_source"].is_string() ||
            e["kv_admission_source"].get<std::string>().empty())
          return Error::InvalidArgument(where + "kv_admission_source must name where the admission rule comes from",
                                        "kv_admission_source");
        return a;
      });
}

KvAdmission KvAdmissionOf(Engine e) { return BuiltInFor(e, &ParseKvAdmission, KvAdmission::kFullSequence); }

int64_t SteadyStateKvContext(KvAdmission a, int64_t input_tokens, int64_t output_tokens) {
  const int64_t input = std::max<int64_t>(1, input_tokens);
  const int64_t output = std::max<int64_t>(1, output_tokens);
  return a == KvAdmission::kOnDemand ? input + output / 2 : input + output;
}

}  // namespace capplan
