#include "decode.h"

#include <fmt/format.h>

#include "fields.h"
#include "fleet_plan.h"
#include "layout_words.h"

namespace capplan::json {
namespace {

Result<int> RequiredInt(const nlohmann::json& obj, std::string_view key, int64_t min, int64_t max,
                        std::string_view path) {
  CAPPLAN_ASSIGN_OR_RETURN(auto v, OptionalInt(obj, key, min, max, path));
  if (!v)
    return Error::InvalidArgument(fmt::format("{}: {} is required", kRequestSource, FieldPath(path, key)),
                                  FieldPath(path, key));
  return static_cast<int>(*v);
}

Result<std::string> ConfigText(const nlohmann::json& config, std::string_view field) {
  if (config.is_object()) return config.dump();
  if (config.is_string()) {
    // The text is parsed again by ParseHfConfig: the same depth bound as for the request body.
    CAPPLAN_RETURN_IF_ERROR(CheckJsonDepth(config.get_ref<const std::string&>(), field));
    return config.get<std::string>();
  }
  return Error::InvalidArgument(fmt::format("{}: {} must be an object or the text of a config.json, got {}",
                                            kRequestSource, field, DescribeType(config)),
                                std::string(field));
}

}  // namespace

Result<SimpleModelInput> DecodeSimpleModel(const nlohmann::json& simple, std::string_view path) {
  if (!simple.is_object())
    return Error::InvalidArgument(
        fmt::format("{}: {} must be an object, got {}", kRequestSource, path, DescribeType(simple)), std::string(path));
  CAPPLAN_RETURN_IF_ERROR(
      RejectUnknownFields(simple,
                          {"total_params", "active_params", "num_layers", "num_kv_heads", "head_dim", "num_experts",
                           "experts_per_token", "hidden_size", "vocab_size"},
                          path));
  constexpr double kMaxParams = 1e14;  // 100T parameters: above every model we know by 50x
  SimpleModelInput in;
  CAPPLAN_ASSIGN_OR_RETURN(in.total_params, OptionalNumber(simple, "total_params", 1, kMaxParams, path));
  CAPPLAN_ASSIGN_OR_RETURN(auto active, OptionalNumber(simple, "active_params", 1, kMaxParams, path));
  if (!active)
    return Error::InvalidArgument(fmt::format("{}: {} is required", kRequestSource, FieldPath(path, "active_params")),
                                  FieldPath(path, "active_params"));
  in.active_params = *active;
  CAPPLAN_ASSIGN_OR_RETURN(in.num_layers, RequiredInt(simple, "num_layers", 1, 10'000, path));
  CAPPLAN_ASSIGN_OR_RETURN(in.num_kv_heads, RequiredInt(simple, "num_kv_heads", 1, 10'000, path));
  CAPPLAN_ASSIGN_OR_RETURN(in.head_dim, RequiredInt(simple, "head_dim", 1, 100'000, path));
  CAPPLAN_ASSIGN_OR_RETURN(in.num_experts, IntOr(simple, "num_experts", 0, 0, 100'000, path));
  CAPPLAN_ASSIGN_OR_RETURN(in.experts_per_token, IntOr(simple, "experts_per_token", 0, 0, 100'000, path));
  CAPPLAN_ASSIGN_OR_RETURN(auto hidden, OptionalInt(simple, "hidden_size", 1, 1'000'000, path));
  if (hidden) in.hidden_size = static_cast<int>(*hidden);
  CAPPLAN_ASSIGN_OR_RETURN(auto vocab, OptionalInt(simple, "vocab_size", 1, 100'000'000, path));
  if (vocab) in.vocab_size = static_cast<int>(*vocab);
  return in;
}

Result<ModelSpec> AsDenseOfTotalSize(const ModelSpec& m) {
  SimpleModelInput in;
  double total = static_cast<double>(TotalParams(m));
  in.total_params = total;
  in.active_params = total;
  in.num_layers = static_cast<int>(m.layers.size());
  in.num_kv_heads = m.attention.num_kv_heads;
  in.head_dim = m.attention.head_dim;
  in.hidden_size = static_cast<int>(m.hidden_size);
  in.vocab_size = static_cast<int>(m.vocab_size);
  CAPPLAN_ASSIGN_OR_RETURN(ModelSpec dense, BuildSimpleModel(in));
  dense.name = fmt::format("{} (as dense, active = total)", m.name);
  dense.limitations.push_back(fmt::format(
      "Sized as a dense model of {} parameters: every parameter counted as active, as a calculator that ignores "
      "active parameters would. Memory is unchanged; compute per token is overstated.",
      FormatCount(total)));
  return dense;
}

Result<ModelSpec> DecodeModelSource(const nlohmann::json& source, std::string_view path) {
  if (!source.is_object())
    return Error::InvalidArgument(
        fmt::format("{}: {} must be an object, got {}", kRequestSource, path, DescribeType(source)), std::string(path));
  int given = static_cast<int>(source.contains("preset")) + static_cast<int>(source.contains("config")) +
              static_cast<int>(source.contains("simple"));
  if (given != 1)
    return Error::InvalidArgument(
        fmt::format("{}: {} needs exactly one of \"preset\", \"config\" or \"simple\", got {}", kRequestSource,
                    path.empty() ? "the body" : path, given),
        std::string(path));
  CAPPLAN_ASSIGN_OR_RETURN(auto ignore_active, OptionalBool(source, "ignore_active", path));
  ModelSpec m;
  if (source.contains("preset")) {
    CAPPLAN_ASSIGN_OR_RETURN(auto preset, OptionalString(source, "preset", path));
    if (!preset)
      return Error::InvalidArgument(
          fmt::format("{}: {} must be a preset name", kRequestSource, FieldPath(path, "preset")),
          FieldPath(path, "preset"));
    // LoadPreset, not LoadModel: a request must never name a path on the server's disk.
    Result<ModelSpec> loaded = LoadPreset(*preset);
    if (!loaded.ok()) {
      Error e = loaded.error();
      e.field = FieldPath(path, "preset");
      return e;
    }
    m = std::move(loaded).value();
  } else if (source.contains("config")) {
    CAPPLAN_ASSIGN_OR_RETURN(auto name, OptionalString(source, "config_name", path));
    CAPPLAN_ASSIGN_OR_RETURN(std::string text, ConfigText(source["config"], FieldPath(path, "config")));
    CAPPLAN_ASSIGN_OR_RETURN(m, ParseHfConfig(text, name.value_or("config.json")));
  } else {
    CAPPLAN_ASSIGN_OR_RETURN(SimpleModelInput in, DecodeSimpleModel(source["simple"], FieldPath(path, "simple")));
    Result<ModelSpec> built = BuildSimpleModel(in);
    if (!built.ok()) {
      Error e = built.error();  // the library names the simple-mode field; the API names it in the request
      if (!e.field.empty()) e.field = FieldPath(FieldPath(path, "simple"), e.field);
      return e;
    }
    m = std::move(built).value();
  }
  if (ignore_active.value_or(false)) return AsDenseOfTotalSize(m);
  return m;
}

Result<ModelRequest> DecodeModelRequest(const nlohmann::json& body) {
  CAPPLAN_RETURN_IF_ERROR(
      RejectUnknownFields(body, {"preset", "config", "config_name", "simple", "ignore_active", "context"}));
  ModelRequest r;
  CAPPLAN_ASSIGN_OR_RETURN(r.context, IntOr(body, "context", kDefaultContextTokens, 1, kMaxContextTokens));
  nlohmann::json source = body;
  source.erase("context");
  CAPPLAN_ASSIGN_OR_RETURN(r.model, DecodeModelSource(source, ""));
  return r;
}

Status DecodeRequestModel(const nlohmann::json& body, ModelSpec& model, std::string& preset) {
  if (!body.contains("model"))
    return Error::InvalidArgument(fmt::format("{}: model is required", kRequestSource), "model");
  const nlohmann::json& source = body["model"];
  if (source.is_object())
    CAPPLAN_RETURN_IF_ERROR(
        RejectUnknownFields(source, {"preset", "config", "config_name", "simple", "ignore_active"}, "model"));
  CAPPLAN_ASSIGN_OR_RETURN(model, DecodeModelSource(source, "model"));
  if (source.is_object() && source.contains("preset") && source["preset"].is_string())
    preset = source["preset"].get<std::string>();
  return Ok{};
}

namespace {

// The deployment fields shared by /api/memory, /api/perf and /api/simulate: model, gpu, gpus, layout,
// weights, kv_dtype, engine, max_model_len, max_num_seqs. Unknown fields are checked by the caller.
Result<DeploymentRequest> DecodeDeploymentFields(const nlohmann::json& body) {
  DeploymentRequest r;
  CAPPLAN_RETURN_IF_ERROR(DecodeRequestModel(body, r.model, r.preset));

  CAPPLAN_ASSIGN_OR_RETURN(auto gpu_id, OptionalString(body, "gpu"));
  CAPPLAN_ASSIGN_OR_RETURN(r.deployment.gpu,
                           GpuCatalog::BuiltIn().Find(gpu_id.value_or(GpuCatalog::BuiltIn().DefaultId())));

  CAPPLAN_ASSIGN_OR_RETURN(auto engine_name, OptionalString(body, "engine"));
  CAPPLAN_ASSIGN_OR_RETURN(Engine engine, ParseEngine(engine_name.value_or("vllm"), "engine"));
  r.deployment.engine = DefaultEngineProfile(engine);

  CAPPLAN_ASSIGN_OR_RETURN(auto weights, OptionalString(body, "weights"));
  if (!weights || *weights == "native") {
    r.deployment.weights = NativeWeightPrecision(r.model);
  } else {
    CAPPLAN_ASSIGN_OR_RETURN(DType t, ParseDType(*weights, "weights"));
    r.deployment.weights = UniformWeightPrecision(t);
  }
  CAPPLAN_ASSIGN_OR_RETURN(auto kv, OptionalString(body, "kv_dtype"));
  // "auto" (the default, as on the CLI): the checkpoint's own KV scheme, else its activation dtype.
  if (kv.value_or("auto") == "auto") {
    r.deployment.kv_dtype = AutoKvDtype(r.model);
  } else {
    CAPPLAN_ASSIGN_OR_RETURN(r.deployment.kv_dtype, ParseDType(*kv, "kv_dtype"));
  }
  CAPPLAN_ASSIGN_OR_RETURN(r.deployment.max_model_len, IntOr(body, "max_model_len", 0, 1, kMaxContextTokens));
  CAPPLAN_ASSIGN_OR_RETURN(r.deployment.max_num_seqs, IntOr(body, "max_num_seqs", 0, 1, kMaxBatch));

  // The layout words, resolved by the CLI's one function (layout_words.h), the errors in the request's words.
  CAPPLAN_ASSIGN_OR_RETURN(LayoutRequest layout, DecodeLayoutWords(body));
  r.layout_auto = IsAutoLayout(layout);
  CAPPLAN_ASSIGN_OR_RETURN(r.deployment.parallel,
                           ResolveLayoutAs(r.model, r.deployment.gpu, layout, LayoutSpelling::kRequest));
  return r;
}

}  // namespace

Result<MemoryRequest> DecodeMemoryRequest(const nlohmann::json& body) {
  CAPPLAN_RETURN_IF_ERROR(RejectUnknownFields(body, {"model", "gpu", "gpus", "layout", "weights", "kv_dtype", "context",
                                                     "batch", "engine", "max_model_len", "max_num_seqs"}));
  MemoryRequest r;
  CAPPLAN_ASSIGN_OR_RETURN(DeploymentRequest d, DecodeDeploymentFields(body));
  r.model = std::move(d.model);
  r.deployment = std::move(d.deployment);
  r.layout_auto = d.layout_auto;
  CAPPLAN_ASSIGN_OR_RETURN(r.query.context, IntOr(body, "context", kDefaultContextTokens, 1, kMaxContextTokens));
  CAPPLAN_ASSIGN_OR_RETURN(r.query.batch, IntOr(body, "batch", 1, 1, kMaxBatch));
  return r;
}

Result<PerfRequest> DecodePerfRequest(const nlohmann::json& body) {
  CAPPLAN_RETURN_IF_ERROR(
      RejectUnknownFields(body, {"model", "gpu", "gpus", "layout", "weights", "kv_dtype", "engine", "max_model_len",
                                 "max_num_seqs", "input", "output", "batch", "concurrency"}));
  PerfRequest r;
  CAPPLAN_ASSIGN_OR_RETURN(r.deployment, DecodeDeploymentFields(body));
  CAPPLAN_ASSIGN_OR_RETURN(r.query.input_tokens, IntOr(body, "input", 1000, 1, kMaxContextTokens));
  CAPPLAN_ASSIGN_OR_RETURN(r.query.output_tokens, IntOr(body, "output", 500, 1, kMaxContextTokens));
  CAPPLAN_ASSIGN_OR_RETURN(r.query.batch, IntOr(body, "batch", 16, 1, kMaxBatch));
  // As `capplan perf --concurrency N`: the analytic closed loop of N clients (absent: none).
  CAPPLAN_ASSIGN_OR_RETURN(r.query.concurrency, IntOr(body, "concurrency", 0, 1, kMaxBatch));
  return r;
}

Result<SimulateRequest> DecodeSimulateRequest(const nlohmann::json& body) {
  CAPPLAN_RETURN_IF_ERROR(RejectUnknownFields(
      body, {"model", "gpu", "gpus", "layout", "weights", "kv_dtype", "engine", "max_model_len", "max_num_seqs",
             "input", "output", "rate", "requests", "seed", "sweep", "slo_ttft_p95_seconds", "slo_tpot_p95_seconds"}));
  SimulateRequest r;
  CAPPLAN_ASSIGN_OR_RETURN(r.deployment, DecodeDeploymentFields(body));
  CAPPLAN_ASSIGN_OR_RETURN(r.input_tokens, IntOr(body, "input", 1000, 1, kMaxContextTokens));
  CAPPLAN_ASSIGN_OR_RETURN(r.output_tokens, IntOr(body, "output", 500, 1, kMaxContextTokens));
  CAPPLAN_ASSIGN_OR_RETURN(auto rate, OptionalNumber(body, "rate", 1e-6, 1e6));
  r.rate_per_second = rate.value_or(10.0);
  CAPPLAN_ASSIGN_OR_RETURN(r.requests, IntOr(body, "requests", 1000, 1, kMaxSimulatedRequests));
  CAPPLAN_ASSIGN_OR_RETURN(auto seed, OptionalInt(body, "seed", 0, int64_t{1} << 53));
  r.seed = static_cast<uint64_t>(seed.value_or(1));
  CAPPLAN_ASSIGN_OR_RETURN(auto sweep, OptionalBool(body, "sweep"));
  r.sweep = sweep.value_or(false);
  CAPPLAN_ASSIGN_OR_RETURN(auto ttft, OptionalNumber(body, "slo_ttft_p95_seconds", 1e-6, 3600));
  CAPPLAN_ASSIGN_OR_RETURN(auto tpot, OptionalNumber(body, "slo_tpot_p95_seconds", 1e-6, 3600));
  if (ttft) r.slo_ttft_p95 = Seconds{*ttft};
  if (tpot) r.slo_tpot_p95 = Seconds{*tpot};
  if (r.sweep && !ttft && !tpot)
    return Error::InvalidArgument(
        fmt::format("{}: sweep needs slo_ttft_p95_seconds or slo_tpot_p95_seconds", kRequestSource), "sweep");
  // The simulated work a request may ask for: requests x tokens per request (x the sweep's simulations).
  const double work = static_cast<double>(r.requests) * static_cast<double>(r.input_tokens + r.output_tokens) *
                      (r.sweep ? kSweepSimulations : 1);
  if (work > kMaxSimulatedTokens)
    return Error::ResourceLimit(
        fmt::format(
            "{}: the simulation would process {:.3g} tokens, over the server's limit of {:.3g} (fewer requests, "
            "shorter requests, or no sweep)",
            kRequestSource, work, kMaxSimulatedTokens),
        "requests");
  return r;
}

Result<PlanHttpRequest> DecodePlanRequest(const nlohmann::json& body) {
  CAPPLAN_RETURN_IF_ERROR(RejectUnknownFields(
      body, {"model", "input", "output", "rate", "monthly_tokens", "slo_ttft_p95_seconds", "slo_tpot_p95_seconds",
             "gpus_allowed", "providers", "engine", "finalists", "traffic_profile"}));
  PlanHttpRequest out;
  PlanRequest& r = out.request;
  CAPPLAN_RETURN_IF_ERROR(DecodeRequestModel(body, r.model, r.preset));
  for (const auto& p : ListPresets())
    if (p.name == r.preset) r.hf_id = p.hf_id;
  if (r.hf_id.empty()) r.hf_id = r.model.name;
  CAPPLAN_ASSIGN_OR_RETURN(r.input_tokens, IntOr(body, "input", 1000, 1, kMaxContextTokens));
  CAPPLAN_ASSIGN_OR_RETURN(r.output_tokens, IntOr(body, "output", 500, 1, kMaxContextTokens));
  CAPPLAN_ASSIGN_OR_RETURN(auto rate, OptionalNumber(body, "rate", 1e-6, 1e6));
  CAPPLAN_ASSIGN_OR_RETURN(auto monthly, OptionalNumber(body, "monthly_tokens", 1, 1e18));
  if (rate && monthly)
    return Error::InvalidArgument(fmt::format("{}: give rate or monthly_tokens, not both", kRequestSource), "rate");
  r.rate_per_second = monthly ? RateFromMonthlyTokens(*monthly, r.input_tokens, r.output_tokens) : rate.value_or(15.0);
  if (auto tp = body.find("traffic_profile"); tp != body.end() && !tp->is_null()) {
    if (rate || monthly)
      return Error::InvalidArgument(
          fmt::format("{}: give traffic_profile or rate / monthly_tokens, not both", kRequestSource),
          "traffic_profile");
    CAPPLAN_ASSIGN_OR_RETURN(out.traffic_profile, DecodeTrafficProfile(*tp));
    r.rate_per_second = out.traffic_profile->PeakRate();  // the recommendation is sized for the peak hour
    r.volume_rate_per_second = out.traffic_profile->MeanRate();
  }
  CAPPLAN_ASSIGN_OR_RETURN(auto ttft, OptionalNumber(body, "slo_ttft_p95_seconds", 1e-6, 3600));
  CAPPLAN_ASSIGN_OR_RETURN(auto tpot, OptionalNumber(body, "slo_tpot_p95_seconds", 1e-6, 3600));
  r.slo_ttft_p95 = Seconds{ttft.value_or(1.0)};
  r.slo_tpot_p95 = Seconds{tpot.value_or(0.050)};
  for (const char* list : {"gpus_allowed", "providers"}) {
    auto it = body.find(list);
    if (it == body.end() || it->is_null()) continue;
    if (!it->is_array() || it->size() > 64)
      return Error::InvalidArgument(fmt::format("{}: {} must be an array of at most 64 strings", kRequestSource, list),
                                    list);
    for (const auto& v : *it) {
      if (!v.is_string())
        return Error::InvalidArgument(
            fmt::format("{}: {} must hold strings, not {}", kRequestSource, list, DescribeType(v)), list);
      (std::string_view(list) == "gpus_allowed" ? r.gpus_allowed : r.price_filter.providers)
          .push_back(v.get<std::string>());
    }
  }
  CAPPLAN_ASSIGN_OR_RETURN(auto engine_name, OptionalString(body, "engine"));
  CAPPLAN_ASSIGN_OR_RETURN(r.engine, ParseEngine(engine_name.value_or("vllm"), "engine"));
  CAPPLAN_ASSIGN_OR_RETURN(r.finalists, IntOr(body, "finalists", 4, 0, kMaxPlanFinalists));
  return out;
}

}  // namespace capplan::json
