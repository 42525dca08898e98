// capplan model NAME|PATH: a model's parameters per component, weight bytes per precision, KV cache
// and FLOPs per token; or, without NAME, simple mode from a few numbers.
#include <fmt/format.h>

#include <optional>

#include "capplan/model.h"
#include "cli_util.h"
#include "commands.h"
#include "encode.h"

namespace capplan::cli {

namespace {

struct ModelOptions {
  std::string model;
  int64_t context = 8192;
  bool json = false;
  // Simple mode (used when no NAME is given).
  std::optional<double> total_params;
  std::optional<double> active_params;
  std::optional<int> layers;
  std::optional<int> kv_heads;
  std::optional<int> head_dim;
  int experts = 0;
  int experts_per_token = 0;
  std::optional<int> hidden_size;
};

// Library field names of SimpleModelInput -> the flags that set them, for error messages.
Error WithFlagNames(Error e) {
  static const std::pair<const char*, const char*> kFlags[] = {{"total_params", "--total-params"},
                                                               {"active_params", "--active-params"},
                                                               {"num_layers", "--layers"},
                                                               {"num_kv_heads", "--kv-heads"},
                                                               {"head_dim", "--head-dim"},
                                                               {"num_experts", "--experts"},
                                                               {"experts_per_token", "--experts-per-token"},
                                                               {"hidden_size", "--hidden-size"}};
  for (const auto& [field, flag] : kFlags) {
    const std::string from = std::string("simple input: ") + field;
    if (e.message.starts_with(from) && e.field == field) {
      e.message = flag + e.message.substr(from.size());
      e.field = flag;
    }
  }
  return e;
}

Result<ModelSpec> BuildModel(const ModelOptions& o) {
  if (!o.model.empty()) return LoadModel(o.model);
  for (const auto& [set, flag] :
       {std::pair{o.active_params.has_value(), "--active-params"}, std::pair{o.layers.has_value(), "--layers"},
        std::pair{o.kv_heads.has_value(), "--kv-heads"}, std::pair{o.head_dim.has_value(), "--head-dim"}}) {
    if (!set)
      return Error::InvalidArgument(
          fmt::format("{} is required in simple mode (no NAME given); or give a preset name or config.json path", flag),
          flag);
  }
  SimpleModelInput in{.total_params = o.total_params,
                      .active_params = *o.active_params,
                      .num_layers = *o.layers,
                      .num_kv_heads = *o.kv_heads,
                      .head_dim = *o.head_dim,
                      .num_experts = o.experts,
                      .experts_per_token = o.experts_per_token,
                      .hidden_size = o.hidden_size,
                      .vocab_size = std::nullopt};
  auto m = BuildSimpleModel(in);
  if (!m.ok()) return WithFlagNames(m.error());
  return m;
}

constexpr DType kWeightDTypes[] = {DType::kBF16, DType::kFP8, DType::kINT8, DType::kINT4, DType::kMXFP4, DType::kNVFP4};

void PrintTable(const ModelSpec& m, int64_t context) {
  fmt::print("{} ({}, {} mode, from {})\n", m.name, m.family, m.mode == InputMode::kConfig ? "config" : "simple",
             m.source);
  fmt::print("  {} layers, hidden {}, vocab {}, {} heads / {} KV heads x {}{}\n\n", m.layers.size(), m.hidden_size,
             m.vocab_size, m.attention.num_heads, m.attention.num_kv_heads, m.attention.head_dim,
             m.attention.mla
                 ? fmt::format(" (MLA, latent {} + rope {})", m.attention.kv_lora_rank, m.attention.qk_rope_head_dim)
                 : "");
  const ParamBreakdown t = m.params, a = ActiveParamBreakdown(m, true);
  fmt::print("  {:<16} {:>10} {:>10}\n", "parameters", "total", "active");
  const std::pair<const char*, std::pair<int64_t, int64_t>> rows[] = {
      {"embedding", {t.embedding, a.embedding}},
      {"attention", {t.attention, a.attention}},
      {"dense MLP", {t.dense_mlp, a.dense_mlp}},
      {"routed experts", {t.routed_experts, a.routed_experts}},
      {"shared experts", {t.shared_experts, a.shared_experts}},
      {"router", {t.router, a.router}},
      {"norms", {t.norms, a.norms}},
      {"LM head", {t.lm_head, a.lm_head}},
      {"vision", {t.vision, a.vision}}};
  for (const auto& [name, v] : rows)
    if (v.first != 0) fmt::print("  {:<16} {:>10} {:>10}\n", name, FormatCount(v.first), FormatCount(v.second));
  fmt::print("  {:<16} {:>10} {:>10}\n", "total", FormatCount(TotalParams(m)), FormatCount(ActiveParams(m)));
  fmt::print("  active without the input embedding: {}\n", FormatCount(ActiveParams(m, false)));
  if (m.mtp_params > 0)
    fmt::print("  multi-token-prediction layers (extra, not in total): {}\n", FormatCount(m.mtp_params));

  fmt::print("\n  weights:");
  for (DType t : kWeightDTypes)
    fmt::print(" {} {} |", DTypeName(t), FormatBytes(WeightBytesOf(m, UniformWeightPrecision(t)).Total()));
  fmt::print("\n  native: {} ({})\n", FormatBytes(WeightBytesOf(m, NativeWeightPrecision(m)).Total()),
             m.native.description);
  fmt::print("  (lower precisions apply to linear layers; embeddings, LM head and norms stay bf16)\n");

  fmt::print("\n  KV cache (bf16) per token: {} with every layer full\n",
             FormatBytes(KvBytesPerToken(m, DType::kBF16)));
  for (const auto& k : KvBytesPerTokenByLayerKind(m, DType::kBF16))
    fmt::print("    {:>2} {} layers{}: {} per token\n", k.num_layers, AttentionKindName(k.kind),
               k.window > 0 ? fmt::format(" (window {})", k.window) : "", FormatBytes(k.bytes_per_token));
  fmt::print("  KV per sequence at {} tokens: {} with per-layer-type allocation, {} without\n", context,
             FormatBytes(KvBytesPerSequence(m, context, DType::kBF16, true)),
             FormatBytes(KvBytesPerSequence(m, context, DType::kBF16, false)));
  const auto kinds = SequenceMemoryByLayerKind(m, DType::kBF16);
  if (StateBytesPerSequence(m).v > 0 || m.sparse_index) {
    fmt::print("  per sequence by layer kind (KV bf16; state constant in context):\n");
    for (const auto& k : kinds)
      fmt::print("    {:>2} {:<40} KV {}/token, state {}/sequence\n", k.num_layers, k.kind, FormatBytes(k.kv_per_token),
                 FormatBytes(k.state_per_sequence));
    fmt::print("  recurrent state per sequence: {} (any context)\n", FormatBytes(StateBytesPerSequence(m)));
  }
  if (m.native_kv)
    fmt::print("  checkpoint KV scheme: {} ({}), used by --kv-dtype auto\n", DTypeName(*m.native_kv),
               m.native_kv_source);
  const FlopsPerToken f = FlopsPerTokenAt(m, context);
  fmt::print("\n  FLOPs per token at {} tokens of context: {:.3g} G (linear {:.3g} G + attention {:.3g} G)\n", context,
             f.Total().v / 1e9, f.linear.v / 1e9, f.attention.v / 1e9);
  if (!m.limitations.empty()) {
    fmt::print("\n  limitations:\n");
    for (const auto& l : m.limitations) fmt::print("    - {}\n", l);
  }
}

int RunModel(const ModelOptions& opt) {
  if (opt.context <= 0)
    return ReportError(Error::InvalidArgument("--context must be a positive number of tokens", "--context"));
  auto m = BuildModel(opt);
  if (!m.ok()) return ReportError(m.error());
  if (opt.json) {
    PrintJson(json::EncodeModel(*m, opt.context));  // POST /api/model's encoder
  } else {
    PrintTable(*m, opt.context);
  }
  return 0;
}

}  // namespace

void RegisterModel(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<ModelOptions>();
  auto* cmd = app.add_subcommand(
      "model",
      "Parameters, weight bytes, KV cache and FLOPs of a model (preset name or config.json path), or of a "
      "model described by a few numbers (simple mode, no NAME)");
  cmd->add_option("model", opt->model, "Preset name (see `capplan models`) or path to a Hugging Face config.json");
  cmd->add_option("--context", opt->context, "Tokens of context for KV per sequence and FLOPs")->capture_default_str();
  cmd->add_flag("--json", opt->json, "Print JSON instead of a table");
  const char* simple = "Simple mode (no NAME)";
  cmd->add_option("--total-params", opt->total_params, "Total parameters, e.g. 109e9")->group(simple);
  cmd->add_option("--active-params", opt->active_params, "Active parameters per token, embedding included")
      ->group(simple);
  cmd->add_option("--layers", opt->layers, "Decoder layers")->group(simple);
  cmd->add_option("--kv-heads", opt->kv_heads, "KV heads")->group(simple);
  cmd->add_option("--head-dim", opt->head_dim, "Head dimension")->group(simple);
  cmd->add_option("--experts", opt->experts, "Routed experts per MoE layer (0: dense)")
      ->capture_default_str()
      ->group(simple);
  cmd->add_option("--experts-per-token", opt->experts_per_token, "Experts each token is routed to")
      ->capture_default_str()
      ->group(simple);
  cmd->add_option("--hidden-size", opt->hidden_size, "Hidden size (estimated when absent)")->group(simple);
  cmd->callback([opt, &exit_code] { exit_code = RunModel(*opt); });
}

}  // namespace capplan::cli
