// ParseHfConfig: the families' details and every error path, with exact messages.
#include <gtest/gtest.h>

#include "capplan/embedded.h"
#include "capplan/model.h"

namespace capplan {
namespace {

constexpr const char* kLlama = R"({"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32,
  "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336, "vocab_size": 128256})";

std::string ErrorOf(std::string_view json) {
  auto r = ParseHfConfig(json, "config.json");
  return r.ok() ? "(no error)" : r.error().message;
}

TEST(HfConfig, MinimalLlamaParsesWithDefaults) {
  auto m = ParseHfConfig(kLlama, "config.json");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->attention.head_dim, 128);
  EXPECT_EQ(m->params.lm_head, 128256LL * 4096);
  EXPECT_EQ(m->layers.size(), 32u);
  EXPECT_EQ(m->mode, InputMode::kConfig);
}

TEST(HfConfig, MalformedJsonGivesTheByteOffset) {
  EXPECT_EQ(ErrorOf(R"({"model_type": "llama",)"),
            "config.json: malformed JSON at byte 24: syntax error while parsing object key - unexpected end of "
            "input; expected string literal");
  EXPECT_EQ(ErrorOf("[1, 2]"), "config.json: expected a JSON object at the top level");
}

TEST(HfConfig, UnknownFamilyListsTheSupportedOnes) {
  auto r = ParseHfConfig(R"({"model_type": "bert"})", "config.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(r.error().message,
            "config.json: model_type 'bert' is not supported (supported: dbrx, deepseek_v3, deepseek_v32, "
            "deepseek_v4, gemma4, gemma4_text, glm4_moe, glm_moe_dsa, gpt_oss, kimi_k2, llama, llama4, llama4_text, "
            "minimax_m2, mistral, mixtral, nemotron_h, qwen2, qwen3, qwen3_5_moe, qwen3_5_moe_text, qwen3_moe)");
  EXPECT_EQ(ErrorOf(R"({"hidden_size": 1})"), "config.json: missing field 'model_type'");
}

TEST(HfConfig, MissingFieldIsNamed) {
  EXPECT_EQ(ErrorOf(R"({"model_type": "llama", "hidden_size": 4096})"),
            "config.json: missing field 'num_hidden_layers'");
  EXPECT_EQ(ErrorOf(R"({"model_type": "llama4", "text_config": {"model_type": "llama4_text"}})"),
            "config.json: missing field 'text_config.hidden_size'");
}

TEST(HfConfig, WrongTypeOrSignIsNamedWithTheValue) {
  std::string s = kLlama;
  EXPECT_EQ(ErrorOf(std::string(s).replace(s.find("4096"), 4, "\"4096\"")),
            "config.json: hidden_size must be a positive integer, got \"4096\"");
  EXPECT_EQ(ErrorOf(std::string(s).replace(s.find("4096"), 4, "-4096")),
            "config.json: hidden_size must be a positive integer, got -4096");
  EXPECT_EQ(ErrorOf(std::string(s).replace(s.find("4096"), 4, "40.5")),
            "config.json: hidden_size must be a positive integer, got 40.5");
  s.insert(s.size() - 1, R"(, "tie_word_embeddings": "yes")");
  EXPECT_EQ(ErrorOf(s), "config.json: tie_word_embeddings must be true or false, got \"yes\"");
}

TEST(HfConfig, InconsistentHeadsAreRejected) {
  std::string s = kLlama;
  s.replace(s.find("\"num_key_value_heads\": 8"), 24, "\"num_key_value_heads\": 3");
  EXPECT_EQ(ErrorOf(s), "config.json: num_key_value_heads=3 does not divide num_attention_heads=32");
  EXPECT_EQ(ErrorOf(R"({"model_type": "dbrx", "d_model": 6144, "n_layers": 40, "n_heads": 48, "vocab_size": 100352,
    "attn_config": {"kv_n_heads": 5}, "ffn_config": {"ffn_hidden_size": 10752, "moe_num_experts": 16,
    "moe_top_k": 4}})"),
            "config.json: attn_config.kv_n_heads=5 does not divide n_heads=48");
}

TEST(HfConfig, MoreExpertsPerTokenThanExpertsIsRejected) {
  EXPECT_EQ(ErrorOf(R"({"model_type": "mixtral", "hidden_size": 4096, "num_hidden_layers": 32,
    "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336, "vocab_size": 32000,
    "num_local_experts": 8, "num_experts_per_tok": 9})"),
            "config.json: num_experts_per_tok=9 exceeds num_local_experts=8");
}

TEST(HfConfig, LayerTypesMustMatchTheLayerCount) {
  std::string s = kLlama;
  s.insert(s.size() - 1, R"(, "layer_types": ["full_attention"])");
  EXPECT_EQ(ErrorOf(s), "config.json: layer_types has 1 entries but num_hidden_layers=32");
}

TEST(HfConfig, DeepSeekWithoutQLoraUsesADirectQProjection) {
  // DeepSeek-V2-Lite style: q_lora_rank null -> q_proj hidden x heads x (nope + rope).
  auto m = ParseHfConfig(R"({"model_type": "kimi_k2", "hidden_size": 2048, "num_hidden_layers": 2,
    "num_attention_heads": 16, "vocab_size": 1000, "q_lora_rank": null, "kv_lora_rank": 512,
    "qk_nope_head_dim": 128, "qk_rope_head_dim": 64, "v_head_dim": 128, "intermediate_size": 10944,
    "moe_intermediate_size": 1408, "n_routed_experts": 64, "n_shared_experts": 2, "num_experts_per_tok": 6,
    "first_k_dense_replace": 1})",
                         "config.json");
  ASSERT_TRUE(m.ok()) << m.error().message;
  const int64_t attention = 2048LL * 16 * 192 + 2048LL * 576 + 512 + 512LL * 16 * 256 + 16LL * 128 * 2048;
  EXPECT_EQ(m->layers[0].attention_params, attention);
  EXPECT_EQ(m->layers[0].num_experts, 0);
  EXPECT_EQ(m->layers[1].shared_expert_params, 2 * 3LL * 2048 * 1408);
  EXPECT_EQ(m->layers[1].router_params, 64LL * 2048);  // no topk_method noaux_tc: no correction bias
  EXPECT_EQ(m->attention.q_lora_rank, 0);
}

TEST(HfConfig, Qwen2HasQkvBiasesAndQwen3HasQkNorms) {
  const std::string dims = R"("hidden_size": 1024, "num_hidden_layers": 1, "num_attention_heads": 8,
    "num_key_value_heads": 2, "head_dim": 128, "intermediate_size": 4096, "vocab_size": 1000})";
  auto q2 = ParseHfConfig(R"({"model_type": "qwen2", )" + dims, "q2.json");
  auto q3 = ParseHfConfig(R"({"model_type": "qwen3", )" + dims, "q3.json");
  ASSERT_TRUE(q2.ok() && q3.ok());
  const int64_t base = 2 * 1024LL * 1024 + 2 * 1024LL * 256;
  EXPECT_EQ(q2->layers[0].attention_params, base + 1024 + 2 * 256);
  EXPECT_EQ(q3->layers[0].attention_params, base + 2 * 128);
}

TEST(HfConfig, MistralSlidingWindowAppliesToEveryLayer) {
  std::string s = kLlama;
  s.replace(s.find("llama"), 5, "mistral");
  s.insert(s.size() - 1, R"(, "sliding_window": 4096)");
  auto m = ParseHfConfig(s, "config.json");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->layers[31].attention, AttentionKind::kSliding);
  EXPECT_EQ(m->layers[31].window, 4096);
}

TEST(HfConfig, QwenMoeHonoursMlpOnlyLayersAndSparseStep) {
  auto m = ParseHfConfig(R"({"model_type": "qwen3_moe", "hidden_size": 1024, "num_hidden_layers": 4,
    "num_attention_heads": 8, "num_key_value_heads": 2, "head_dim": 128, "intermediate_size": 4096,
    "moe_intermediate_size": 512, "num_experts": 16, "num_experts_per_tok": 2, "vocab_size": 1000,
    "decoder_sparse_step": 2, "mlp_only_layers": [3]})",
                         "config.json");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_FALSE(m->layers[0].is_moe());  // (0 + 1) % 2 != 0
  EXPECT_TRUE(m->layers[1].is_moe());
  EXPECT_FALSE(m->layers[3].is_moe());  // listed in mlp_only_layers
  EXPECT_EQ(m->layers[0].dense_mlp_params, 3LL * 1024 * 4096);
}

// Found by fuzz/hf_config: a vision_config without patch_size passed the nested reader's ok() check (its errors go to
// the root reader) and image_size / patch_size divided by zero.
TEST(HfConfig, MissingVisionFieldIsNamedNotDividedBy) {
  std::string scout;
  for (const EmbeddedFile& f : embedded::models())
    if (f.name == "llama-4-scout.json") scout = std::string(f.bytes);
  const size_t at = scout.find("\"patch_size\"");
  ASSERT_NE(at, std::string::npos);
  scout.replace(at, 12, "\"pa*tch_size\"");
  EXPECT_EQ(ErrorOf(scout), "config.json: missing field 'vision_config.patch_size'");
}

// Found by fuzz/hf_config: a number beyond double's range threw nlohmann's out_of_range out of the library.
TEST(HfConfig, NumberOverflowIsMalformedJsonNotAnException) {
  EXPECT_EQ(ErrorOf(R"({"model_type": "llama", "rms_norm_eps": 1e405})"),
            "config.json: malformed JSON: number overflow parsing '1e405'");
}

}  // namespace
}  // namespace capplan

namespace capplan {
namespace {

std::string PresetText(std::string_view file) {
  for (const EmbeddedFile& f : embedded::models())
    if (f.name == file) return std::string(f.bytes);
  ADD_FAILURE() << file;
  return "";
}

std::string Replace(std::string text, std::string_view from, std::string_view to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// Issue 17: a typo of 10^8 layers used to build 10^8 layer specs (130 s); it must fail at once, naming the field.
TEST(HfConfigLimits, AbsurdFieldsFailAtOnceNamingTheField) {
  const std::string llama = PresetText("llama-3.1-8b.json");
  auto r =
      ParseHfConfig(Replace(llama, "\"num_hidden_layers\": 32", "\"num_hidden_layers\": 100000000"), "config.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "config.json: num_hidden_layers=100000000 exceeds the physical limit of 1024 for this field");
  EXPECT_EQ(r.error().field, "num_hidden_layers");
  auto v = ParseHfConfig(Replace(llama, "\"vocab_size\": 128256", "\"vocab_size\": 9000000000"), "config.json");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().field, "vocab_size");
  const std::string qwen = PresetText("qwen3.5-35b-a3b.json");
  auto e = ParseHfConfig(Replace(qwen, "\"num_experts\": 256", "\"num_experts\": 1000000"), "config.json");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message,
            "config.json: text_config.num_experts=1000000 exceeds the physical limit of 16384 for this field");
}

TEST(HfConfigLimits, ContradictoryFieldsNameTheField) {
  const std::string glm = PresetText("glm-5.1-nvfp4.json");
  auto q = ParseHfConfig(Replace(glm, "\"qk_head_dim\": 256", "\"qk_head_dim\": 192"), "config.json");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().message, "config.json: qk_head_dim must equal qk_nope_head_dim + qk_rope_head_dim = 256");
  auto d = ParseHfConfig(Replace(glm, "\"first_k_dense_replace\": 3", "\"first_k_dense_replace\": 2"), "config.json");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message,
            "config.json: mlp_layer_types[2] is 'dense' but first_k_dense_replace=2 makes layer 2 MoE");
  EXPECT_EQ(d.error().field, "mlp_layer_types");
  const std::string nemotron = PresetText("nemotron-3-nano-30b-a3b.json");
  auto n = ParseHfConfig(Replace(nemotron, "\"num_hidden_layers\": 52", "\"num_hidden_layers\": 50"), "config.json");
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().message, "config.json: hybrid_override_pattern has 52 blocks but num_hidden_layers=50");
  const std::string qwen = PresetText("qwen3.5-35b-a3b.json");
  auto l = ParseHfConfig(Replace(qwen, "\"num_hidden_layers\": 40", "\"num_hidden_layers\": 41"), "config.json");
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.error().message, "config.json: text_config.layer_types has 40 entries but num_hidden_layers=41");
}

// The wrappers: a ForConditionalGeneration config whose family counts no vision tower says so.
TEST(HfConfig, WrapperWithAnUncountedVisionTowerSaysSo) {
  auto m = ParseHfConfig(R"({"model_type": "kimi_k25", "vision_config": {"hidden_size": 1152},
      "text_config": {"model_type": "kimi_k2", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
      "vocab_size": 100, "kv_lora_rank": 16, "qk_nope_head_dim": 8, "qk_rope_head_dim": 8, "v_head_dim": 8,
      "intermediate_size": 128, "moe_intermediate_size": 32, "n_routed_experts": 4, "num_experts_per_tok": 2}})",
                         "config.json");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->family, "kimi_k2");
  ASSERT_FALSE(m->limitations.empty());
  EXPECT_EQ(m->limitations.back(), "vision_config present but the vision tower of this family is not counted");
}

}  // namespace
}  // namespace capplan
