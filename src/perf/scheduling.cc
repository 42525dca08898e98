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

Result<std::vector<std::pair<Engine, PrefillPolicy>>> ParseScheduling(std::string_view json_text,
                                                                      std::string_view source_name) {
  const std::string src(source_name);
  const nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Error::Parse(src + ": malformed JSON");
  if (!doc.is_object() || !doc.contains("engines") || !doc["engines"].is_array())
    return Error::InvalidArgument(src + ": expected an object with an 'engines' array", "engines");
  std::vector<std::pair<Engine, PrefillPolicy>> out;
  for (size_t i = 0; i < doc["engines"].size(); ++i) {
    const nlohmann::json& e = doc["engines"][i];
    const std::string where = src + ": engines[" + std::to_string(i) + "].";
    if (!e.is_object() || !e.contains("engine") || !e["engine"].is_string())
      return Error::InvalidArgument(where + "engine must be a string", "engine");
    auto engine = ParseEngine(e["engine"].get<std::string>(), where + "engine");
    if (!engine.ok()) return engine.error();
    if (!e.contains("source") || !e["source"].is_string() || e["source"].get<std::string>().empty())
      return Error::InvalidArgument(where + "source must name where the policy comes from", "source");
    const std::string name = e.value("prefill_policy", std::string());
    PrefillPolicy policy = PrefillPolicy::kMixedChunked;
    bool known = false;
    for (PrefillPolicy p : {PrefillPolicy::kMixedChunked, PrefillPolicy::kPrefillFirst, PrefillPolicy::kMixedWhole})
      if (PrefillPolicyName(p) == name) {
        policy = p;
        known = true;
      }
    if (!known)
      return Error::InvalidArgument(
          fmt::format("{}prefill_policy '{}' is not mixed_chunked, prefill_first or mixed_whole", where, name),
          "prefill_policy");
    out.emplace_back(*engine, policy);
  }
  return out;
}

PrefillPolicy PrefillPolicyOf(Engine e) {
  static const std::vector<std::pair<Engine, PrefillPolicy>> kBuiltIn = [] {
    auto text = FindEmbedded(embedded::perf(), "calibration/scheduling.json");
    assert(text && "data/calibration/scheduling.json is embedded");
    if (!text) return std::vector<std::pair<Engine, PrefillPolicy>>{};
    auto parsed = ParseScheduling(*text, "data/calibration/scheduling.json");
    assert(parsed.ok() && "the built-in scheduling file is valid (tested)");
    return parsed.ok() ? *parsed : std::vector<std::pair<Engine, PrefillPolicy>>{};
  }();
  for (const auto& [engine, policy] : kBuiltIn)
    if (engine == e) return policy;
  return PrefillPolicy::kMixedChunked;
}

Result<std::vector<std::pair<Engine, KvAdmission>>> ParseKvAdmission(std::string_view json_text,
                                                                     std::string_view source_name) {
  const std::string src(source_name);
  const nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Error::Parse(src + ": malformed JSON");
  if (!doc.is_object() || !doc.contains("engines") || !doc["engines"].is_array())
    return Error::InvalidArgument(src + ": expected an object with an 'engines' array", "engines");
  std::vector<std::pair<Engine, KvAdmission>> out;
  for (size_t i = 0; i < doc["engines"].size(); ++i) {
    const nlohmann::json& e = doc["engines"][i];
    const std::string where = src + ": engines[" + std::to_string(i) + "].";
    if (!e.is_object() || !e.contains("engine") || !e["engine"].is_string())
      return Error::InvalidArgument(where + "engine must be a string", "engine");
    auto engine = ParseEngine(e["engine"].get<std::string>(), where + "engine");
    if (!engine.ok()) return engine.error();
    const std::string name = e.value("kv_admission", std::string());
    KvAdmission a = KvAdmission::kFullSequence;
    if (name == "on_demand") {
      a = KvAdmission::kOnDemand;
    } else if (name != "full_sequence") {
      return Error::InvalidArgument(fmt::format("{}kv_admission '{}' is not on_demand or full_sequence", where, name),
                                    "kv_admission");
    }
    if (!e.contains("kv_admission_source") || !e["kv_admission_source"].is_string() ||
        e["kv_admission_source"].get<std::string>().empty())
      return Error::InvalidArgument(where + "kv_admission_source must name where the admission rule comes from",
                                    "kv_admission_source");
    out.emplace_back(*engine, a);
  }
  return out;
}

KvAdmission KvAdmissionOf(Engine e) {
  static const std::vector<std::pair<Engine, KvAdmission>> kBuiltIn = [] {
    auto text = FindEmbedded(embedded::perf(), "calibration/scheduling.json");
    assert(text && "data/calibration/scheduling.json is embedded");
    if (!text) return std::vector<std::pair<Engine, KvAdmission>>{};
    auto parsed = ParseKvAdmission(*text, "data/calibration/scheduling.json");
    assert(parsed.ok() && "the built-in scheduling file is valid (tested)");
    return parsed.ok() ? *parsed : std::vector<std::pair<Engine, KvAdmission>>{};
  }();
  for (const auto& [engine, admission] : kBuiltIn)
    if (engine == e) return admission;
  return KvAdmission::kFullSequence;
}

int64_t SteadyStateKvContext(KvAdmission a, int64_t input_tokens, int64_t output_tokens) {
  const int64_t input = std::max<int64_t>(1, input_tokens);
  const int64_t output = std::max<int64_t>(1, output_tokens);
  return a == KvAdmission::kOnDemand ? input + output / 2 : input + output;
}

}  // namespace capplan
