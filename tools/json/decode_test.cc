#include "decode.h"

#include <gtest/gtest.h>

namespace capplan::json {
namespace {

using nlohmann::json;

TEST(DecodeModelRequest, PresetByName) {
  auto r = DecodeModelRequest(json{{"preset", "llama-4-scout"}, {"context", 16384}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->model.name, "llama-4-scout");
  EXPECT_EQ(r->context, 16384);
}

TEST(DecodeModelRequest, ContextDefaultsTo8K) {
  auto r = DecodeModelRequest(json{{"preset", "llama-3.1-8b"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->context, 8192);
}

TEST(DecodeModelRequest, UnknownPresetNamesTheField) {
  auto r = DecodeModelRequest(json{{"preset", "llama-9"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().field, "preset");
  EXPECT_TRUE(r.error().message.starts_with("unknown model preset 'llama-9'")) << r.error().message;
}

TEST(DecodeModelRequest, APresetNameCannotReachTheFileSystem) {
  auto r = DecodeModelRequest(json{{"preset", "/etc/passwd"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

TEST(DecodeModelRequest, NeedsExactlyOneSource) {
  auto none = DecodeModelRequest(json{{"context", 10}});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "request: the body needs exactly one of \"preset\", \"config\" or \"simple\", got 0");
  auto two = DecodeModelRequest(json{{"preset", "dbrx"}, {"simple", json::object()}});
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().message, "request: the body needs exactly one of \"preset\", \"config\" or \"simple\", got 2");
}

TEST(DecodeModelRequest, ConfigAsObjectOrText) {
  json config = {{"model_type", "llama"},       {"hidden_size", 4096},
                 {"intermediate_size", 14336},  {"num_hidden_layers", 32},
                 {"num_attention_heads", 32},   {"num_key_value_heads", 8},
                 {"vocab_size", 128256},        {"max_position_embeddings", 131072},
                 {"tie_word_embeddings", false}};
  auto as_object = DecodeModelRequest(json{{"config", config}});
  ASSERT_TRUE(as_object.ok()) << as_object.error().message;
  auto as_text = DecodeModelRequest(json{{"config", config.dump()}, {"config_name", "mine.json"}});
  ASSERT_TRUE(as_text.ok()) << as_text.error().message;
  EXPECT_EQ(TotalParams(as_object->model), TotalParams(as_text->model));
}

TEST(DecodeModelRequest, BadConfigKeepsTheModelEnginesMessage) {
  auto r = DecodeModelRequest(json{{"config", R"({"model_type": "llama", )"}, {"config_name", "upload.json"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kParse);
  EXPECT_TRUE(r.error().message.starts_with("upload.json: malformed JSON at byte")) << r.error().message;
}

TEST(DecodeModelRequest, ConfigOfTheWrongType) {
  auto r = DecodeModelRequest(json{{"config", 42}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "request: config must be an object or the text of a config.json, got an integer");
}

TEST(DecodeModelRequest, UnknownTopLevelField) {
  auto r = DecodeModelRequest(json{{"preset", "dbrx"}, {"ctx", 5}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "ctx");
}

TEST(DecodeModelRequest, ContextOutOfRange) {
  auto r = DecodeModelRequest(json{{"preset", "dbrx"}, {"context", -1}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "request: context=-1 must be between 1 and 134217728");
}

TEST(DecodeSimpleModel, RequiresActiveAndTheGeometry) {
  auto r = DecodeSimpleModel(json{{"total_params", 109e9}, {"num_layers", 48}}, "model.simple");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "request: model.simple.active_params is required");
  auto no_heads = DecodeSimpleModel(json{{"active_params", 17e9}, {"num_layers", 48}}, "model.simple");
  ASSERT_FALSE(no_heads.ok());
  EXPECT_EQ(no_heads.error().field, "model.simple.num_kv_heads");
}

TEST(DecodeSimpleModel, TotalMayBeLeftOut) {
  auto r = DecodeSimpleModel(json{{"active_params", 17e9}, {"num_layers", 48}, {"num_kv_heads", 8}, {"head_dim", 128}},
                             "simple");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->total_params.has_value());
  EXPECT_EQ(r->num_experts, 0);
}

TEST(DecodeModelSource, SimpleModeErrorsNameTheRequestField) {
  // 1B active cannot hold one active expert per layer of (109B - 1B) / (48 x 15) = 150M: the engine's rule,
  // the API's field.
  auto r = DecodeModelSource(json{{"simple",
                                   {{"total_params", 109e9},
                                    {"active_params", 1e9},
                                    {"num_layers", 48},
                                    {"num_kv_heads", 8},
                                    {"head_dim", 128},
                                    {"num_experts", 16},
                                    {"experts_per_token", 1}}}},
                             "model");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "model.simple.active_params");
  EXPECT_TRUE(r.error().message.starts_with("simple input: active_params=1000000000 cannot hold 1 active experts"))
      << r.error().message;
}

TEST(DecodeModelSource, IgnoreActiveSizesTheModelAsDenseOfItsTotal) {
  auto moe = DecodeModelSource(json{{"preset", "llama-4-scout"}}, "model");
  auto dense = DecodeModelSource(json{{"preset", "llama-4-scout"}, {"ignore_active", true}}, "model");
  ASSERT_TRUE(moe.ok() && dense.ok());
  // Memory holds the total either way; compute per token is the total's when active is ignored.
  EXPECT_NEAR(static_cast<double>(TotalParams(*dense)) / TotalParams(*moe), 1.0, 0.02);
  EXPECT_NEAR(static_cast<double>(ActiveParams(*dense)) / TotalParams(*dense), 1.0, 1e-9);
  EXPECT_GT(FlopsPerTokenAt(*dense, 8192).linear.v, 5 * FlopsPerTokenAt(*moe, 8192).linear.v);
  EXPECT_FALSE(dense->limitations.empty());
}

json ScoutOn(int gpus) { return {{"model", {{"preset", "llama-4-scout"}}}, {"gpu", "h100"}, {"gpus", gpus}}; }

TEST(DecodeMemoryRequest, DefaultsAndAutoLayout) {
  auto r = DecodeMemoryRequest(ScoutOn(4));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->layout_auto);
  EXPECT_EQ(r->deployment.parallel.TotalGpus(), 4);
  EXPECT_EQ(r->deployment.gpu.id, "h100-sxm");
  EXPECT_EQ(r->deployment.kv_dtype, DType::kBF16);
  EXPECT_EQ(r->query.context, 8192);
  EXPECT_EQ(r->query.batch, 1);
}

TEST(DecodeMemoryRequest, ManualLayoutMakesReplicas) {
  json body = ScoutOn(8);
  body["layout"] = {{"tp", 4}};
  auto r = DecodeMemoryRequest(body);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->layout_auto);
  EXPECT_EQ(r->deployment.parallel, (Parallelism{.tp = 4, .ep = 1, .pp = 1, .replicas = 2}));
}

TEST(DecodeMemoryRequest, GpusMustBeAMultipleOfTheReplica) {
  json body = ScoutOn(6);
  body["layout"] = {{"tp", 4}};
  auto r = DecodeMemoryRequest(body);
  ASSERT_FALSE(r.ok());
  // ResolveLayout's rule (the CLI's), in the request's words.
  EXPECT_EQ(
      r.error().message,
      "request: gpus=6 is not a multiple of layout.tp x layout.pp = 4 (GPUs per replica = tp x dp-attention x pp)");
  EXPECT_EQ(r.error().field, "gpus");
}

TEST(DecodeMemoryRequest, AttentionDataParallelLayoutIsTheCliLayout) {
  // The same layout as `--gpus 16 --tp 1 --dp-attention 8 --ep 8 --eplb-redundant 32`.
  json body = {{"model", {{"preset", "deepseek-v3"}}}, {"gpu", "h200"}, {"gpus", 16}};
  body["layout"] = {{"tp", 1}, {"dp_attention", 8}, {"ep", 8}, {"eplb_redundant", 32}};
  auto r = DecodeMemoryRequest(body);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const ModelSpec m = *LoadModel("deepseek-v3");
  auto cli = ResolveLayout(m, *GpuCatalog::BuiltIn().Find("h200"),
                           {.gpus = 16, .tp = 1, .ep = 8, .dp_attention = 8, .eplb_redundant = 32});
  ASSERT_TRUE(cli.ok()) << cli.error().message;
  EXPECT_EQ(r->deployment.parallel, *cli);
  EXPECT_EQ(r->deployment.parallel.replicas, 2);
  // moe_tp alone gives ep = tp x dp_attention / moe_tp; a contradicting pair names the rule.
  body["layout"] = {{"tp", 1}, {"dp_attention", 8}, {"moe_tp", 2}};
  r = DecodeMemoryRequest(body);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->deployment.parallel.ep, 4);
  body["layout"] = {{"tp", 1}, {"dp_attention", 8}, {"moe_tp", 2}, {"ep", 8}};
  EXPECT_EQ(DecodeMemoryRequest(body).error().message,
            "request: layout.moe_tp=2 x layout.ep=8 = 16 but layout.tp x layout.dp_attention = 8: moe-tp x ep = tp x "
            "dp-attention (every GPU of a stage holds one expert shard)");
  EXPECT_EQ(DecodeMemoryRequest(body).error().field, "layout.moe_tp");
  body["gpus"] = 12;
  body["layout"] = {{"tp", 1}, {"dp_attention", 8}, {"ep", 8}};
  EXPECT_EQ(
      DecodeMemoryRequest(body).error().message,
      "request: gpus=12 is not a multiple of layout.tp x layout.dp_attention x layout.pp = 8 (GPUs per replica = tp "
      "x dp-attention x pp)");
}

TEST(DecodeMemoryRequest, ExpertParallelAloneIsTheCliLayoutForTheGpus) {
  // `capplan memory llama-4-scout --gpu h100 --gpus 8 --ep 4` is the default layout for 8 GPUs (TP 8) with EP 4;
  // the same request to the API was refused with "--ep=4 does not divide --tp=1", flags the caller never gave.
  json body = ScoutOn(8);
  body["layout"] = {{"ep", 4}};
  auto r = DecodeMemoryRequest(body);
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto cli = ResolveLayout(*LoadModel("llama-4-scout"), *GpuCatalog::BuiltIn().Find("h100"), {.gpus = 8, .ep = 4});
  ASSERT_TRUE(cli.ok()) << cli.error().message;
  EXPECT_EQ(r->deployment.parallel, *cli);
  EXPECT_EQ(r->deployment.parallel.tp, 8);
  EXPECT_EQ(r->deployment.parallel.ep, 4);
  // A broken rule is named in the request's words: no CLI flag in the message, the field a JSON path.
  body["layout"] = {{"ep", 3}};
  auto bad = DecodeMemoryRequest(body);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.find("--"), std::string::npos) << bad.error().message;
  EXPECT_TRUE(bad.error().message.starts_with("request: layout.ep=3")) << bad.error().message;
  EXPECT_EQ(bad.error().field, "layout.ep");
  body["layout"] = {{"ep", 4}, {"speed", 1}};
  EXPECT_EQ(DecodeMemoryRequest(body).error().field, "layout.speed");
}

TEST(DecodeMemoryRequest, ImpossibleLayoutIsTheLibrarysError) {
  json body = ScoutOn(64);
  body["layout"] = {{"tp", 64}};  // Scout has 40 attention heads
  auto r = DecodeMemoryRequest(body);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInfeasible);
  EXPECT_EQ(r.error().field, "layout.tp");
  EXPECT_TRUE(r.error().message.starts_with("request: layout.tp=64")) << r.error().message;
}

TEST(DecodeMemoryRequest, UnknownGpuIsNotFound) {
  json body = ScoutOn(1);
  body["gpu"] = "h900";
  auto r = DecodeMemoryRequest(body);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().field, "gpu");
}

TEST(DecodeMemoryRequest, WrongTypesNameTheField) {
  json body = ScoutOn(1);
  body["gpus"] = "4";
  EXPECT_EQ(DecodeMemoryRequest(body).error().message, "request: gpus must be an integer, got a string");
  body = ScoutOn(1);
  body["layout"] = "tp4";
  EXPECT_EQ(DecodeMemoryRequest(body).error().message, "request: layout must be an object, got a string");
  body = ScoutOn(1);
  body["model"] = "llama-4-scout";
  EXPECT_EQ(DecodeMemoryRequest(body).error().message, "request: model must be an object, got a string");
}

TEST(DecodeMemoryRequest, OutOfRangeValues) {
  EXPECT_EQ(DecodeMemoryRequest(ScoutOn(0)).error().message, "request: gpus=0 must be between 1 and 4096");
  json body = ScoutOn(4);
  body["batch"] = 0;
  EXPECT_EQ(DecodeMemoryRequest(body).error().field, "batch");
  body = ScoutOn(4);
  body["context"] = int64_t{1} << 40;
  EXPECT_EQ(DecodeMemoryRequest(body).error().field, "context");
}

TEST(DecodeMemoryRequest, PrecisionsAndEngine) {
  json body = ScoutOn(2);
  body["weights"] = "fp8";
  body["kv_dtype"] = "fp8";
  body["engine"] = "sglang";
  auto r = DecodeMemoryRequest(body);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->deployment.weights.base, UniformWeightPrecision(DType::kFP8).base);
  EXPECT_EQ(r->deployment.kv_dtype, DType::kFP8);
  EXPECT_EQ(r->deployment.engine.engine, Engine::kSglang);
  body["weights"] = "fp7";
  auto bad = DecodeMemoryRequest(body);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "weights");
}

TEST(DecodeMemoryRequest, ModelIsRequired) {
  auto r = DecodeMemoryRequest(json{{"gpu", "h100"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "request: model is required");
}

TEST(DecodeMemoryRequest, UnknownFieldInsideTheModel) {
  auto r = DecodeMemoryRequest(json{{"model", {{"preset", "dbrx"}, {"quant", "fp8"}}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "model.quant");
}

// --kv-dtype auto is the API's default too: the checkpoint's own KV scheme (GLM-5.1 NVFP4 ships FP8 KV in its
// hf_quant_config.json), else the 16-bit activation dtype; "bf16" and "fp8" still choose.
TEST(DecodeMemoryRequest, KvDtypeAutoByDefaultReadsTheCheckpoint) {
  auto glm = DecodeMemoryRequest(json{{"model", {{"preset", "glm-5.1-nvfp4"}}}, {"gpu", "h200"}, {"gpus", 8}});
  ASSERT_TRUE(glm.ok()) << glm.error().message;
  EXPECT_EQ(glm->deployment.kv_dtype, DType::kFP8);
  auto llama = DecodeMemoryRequest(json{{"model", {{"preset", "llama-3.1-8b"}}}, {"kv_dtype", "auto"}});
  ASSERT_TRUE(llama.ok()) << llama.error().message;
  EXPECT_EQ(llama->deployment.kv_dtype, DType::kBF16);
  auto chosen = DecodeMemoryRequest(
      json{{"model", {{"preset", "glm-5.1-nvfp4"}}}, {"gpu", "h200"}, {"gpus", 8}, {"kv_dtype", "bf16"}});
  ASSERT_TRUE(chosen.ok());
  EXPECT_EQ(chosen->deployment.kv_dtype, DType::kBF16);
}

}  // namespace
}  // namespace capplan::json
