// The built-in price data, its mapping to GPU ids and presets, override files and flags.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "capplan/cost.h"

namespace capplan {
namespace {

const PriceCatalog& BuiltIn() {
  static const PriceCatalog catalog = *PriceCatalog::BuiltIn();
  return catalog;
}

TEST(PriceCatalog, BuiltInLoadsEveryRowOfTheEmbeddedFiles) {
  auto c = PriceCatalog::BuiltIn();
  ASSERT_TRUE(c.ok()) << c.error().message;
  // data/prices/gpu_prices.csv minus its header (62), plus the 7 3-year rental rows of data/prices/tco.csv.
  EXPECT_EQ(c->gpu_prices().size(), 69u);
  EXPECT_EQ(c->api_prices().size(), 46u);
  EXPECT_EQ(c->tco().size(), 7u);
  EXPECT_EQ(c->gpu_prices()[0].origin, "built-in");
}

TEST(PriceCatalog, EveryGpuRowMapsToAKnownIdOrIsListedUnmapped) {
  std::set<std::string> unmapped;
  for (const GpuPrice& p : BuiltIn().UnmappedGpuPrices()) unmapped.insert(p.provider + "/" + p.gpu_text);
  // No specs for GH200 or A100 PCIe in the hardware catalog: kept, listed, never priced as something else.
  EXPECT_EQ(unmapped, (std::set<std::string>{"Lambda/GH200 96GB", "CoreWeave/GH200 96GB", "Crusoe/A100 PCIe 80GB",
                                             "Azure/A100 PCIe 80GB (NC24ads_A100_v4)"}));
  size_t mapped = 0;
  for (const GpuPrice& p : BuiltIn().gpu_prices()) {
    if (!p.gpu_id) continue;
    ++mapped;
    const auto& ids = KnownGpuIds();
    EXPECT_NE(std::find(ids.begin(), ids.end(), *p.gpu_id), ids.end()) << *p.gpu_id;
  }
  EXPECT_EQ(mapped + unmapped.size(), BuiltIn().gpu_prices().size());
}

TEST(PriceCatalog, EveryApiRowMapsToAModelKey) {
  EXPECT_TRUE(BuiltIn().UnmappedApiPrices().empty());
  auto c = PriceCatalog::FromCsv(
      "provider,model,usd_per_m_input,usd_per_m_output,as_of,source\n"
      "X,some-new-model,1,2,2026-11-01,me\n",
      "mine.csv");
  ASSERT_EQ(c->UnmappedApiPrices().size(), 1u);
  EXPECT_EQ(c->UnmappedApiPrices()[0].model_text, "some-new-model");
}

TEST(PriceCatalog, PricingTypesAreClassified) {
  std::map<PricingKind, int> kinds;
  for (const GpuPrice& p : BuiltIn().gpu_prices()) ++kinds[p.kind];
  EXPECT_EQ(kinds[PricingKind::kSpot], 5);        // GCP a3-highgpu-1g spot, CoreWeave's 4 spot instances
  EXPECT_EQ(kinds[PricingKind::kReserved3y], 7);  // the TCO table's 3-year rentals
  EXPECT_EQ(kinds[PricingKind::kReserved], 3);    // AWS capacity blocks
  EXPECT_EQ(kinds[PricingKind::kOnDemand], 54);
}

// Each preset's API comparison, decided by hand; a new preset in data/models must be added here.
struct ApiExpectation {
  bool exact;
  std::string equivalent;  // "" when exact or when nothing is priced
  size_t providers;
};
const std::map<std::string, ApiExpectation> kApiExpectations = {
    {"llama-4-scout", {true, "", 4}},     // Groq (dated row wins), Bedrock, Together, DeepInfra
    {"llama-4-maverick", {true, "", 5}},  // Groq, Bedrock, Together, Fireworks, DeepInfra (FP8 checkpoints count)
    {"mixtral-8x7b", {true, "", 1}},
    {"deepseek-v3", {true, "", 2}},
    {"deepseek-r1", {true, "", 4}},  // Fireworks, DeepSeek, Bedrock, DeepInfra (R1-0528)
    {"qwen3-30b-a3b", {false, "Qwen3 32B (dense)", 2}},
    {"gpt-oss-120b", {true, "", 6}},
    {"gpt-oss-20b", {true, "", 3}},
    {"llama-3.1-8b", {false, "Fireworks 4B-16B size tier", 1}},
    {"llama-3.1-70b", {false, "Llama 3.3 70B", 1}},
    {"llama-3.1-405b", {false, "", 0}},
    {"qwen3-8b", {true, "", 1}},
    {"qwen2.5-7b", {false, "Fireworks 4B-16B size tier", 1}},
    {"dbrx", {false, "Mixtral 8x22B", 1}},
    {"glm-4.7", {true, "", 1}},
    // The 2026 presets (issue 13): priced where the catalog has their own rows, none otherwise.
    {"qwen3-32b", {true, "", 2}},           // Bedrock, Groq
    {"minimax-m2.5", {true, "", 1}},        // DeepInfra
    {"deepseek-v3.2", {true, "", 2}},       // Fireworks, Bedrock
    {"deepseek-v4-flash", {true, "", 1}},   // Fireworks
    {"qwen3.5-122b-a10b", {false, "", 0}},  // no row in the catalog
    {"qwen3.5-35b-a3b", {false, "", 0}},
    {"glm-5.1-nvfp4", {false, "", 0}},
    {"gemma-4-26b-a4b", {false, "", 0}},
    {"nemotron-3-nano-30b-a3b", {false, "", 0}},
};

TEST(ApiPrices, EveryPresetHasAnExactPriceANamedEquivalentOrAReason) {
  for (const auto& entry : std::filesystem::directory_iterator(CAPPLAN_SOURCE_DIR "/data/models")) {
    if (entry.path().extension() != ".json") continue;  // presets are the .json files (README.md is not one)
    const std::string preset = entry.path().stem().string();
    if (preset.ends_with(".hf_quant_config")) continue;  // a preset's ModelOpt quantization file, not a preset
    ASSERT_TRUE(kApiExpectations.contains(preset)) << "decide the API comparison for new preset " << preset;
  }
  for (const auto& [preset, want] : kApiExpectations) {
    const ApiPriceMatch m = BuiltIn().ApiPrices(preset);
    EXPECT_EQ(m.exact, want.exact) << preset;
    EXPECT_EQ(m.equivalent, want.equivalent) << preset;
    EXPECT_EQ(m.rows.size(), want.providers) << preset;
    if (!m.exact) {
      EXPECT_FALSE(m.why.empty()) << preset;
    }
  }
  EXPECT_EQ(BuiltIn().ApiPrices("llama-3.1-405b").why,
            "no API price for llama-3.1-405b or an equivalent model in the price catalog");
}

TEST(ApiPrices, OneRowPerProviderSkippingSupersededListingsCheapestFirst) {
  const ApiPriceMatch m = BuiltIn().ApiPrices("deepseek-v3");
  ASSERT_EQ(m.rows.size(), 2u);
  EXPECT_EQ(m.rows[0].provider, "DeepSeek (first party)");  // 0.27 / 1.10
  EXPECT_EQ(m.rows[1].model_text, "DeepSeek V3 family");    // not the superseded 0.90 / 0.90 listing
}

TEST(ApiPrices, PresetWithoutRowsGetsItsSameArchitectureEquivalentNamed) {
  auto c = PriceCatalog::FromCsv(
      "provider,model,usd_per_m_input,usd_per_m_output,as_of,source\n"
      "Fireworks,DeepSeek V3 family,0.56,1.68,unknown (2026),docs\n",
      "api.csv");
  const ApiPriceMatch m = c->ApiPrices("deepseek-r1");
  EXPECT_FALSE(m.exact);
  EXPECT_EQ(m.equivalent, "DeepSeek V3 family");
  ASSERT_EQ(m.rows.size(), 1u);
  EXPECT_NE(m.why.find("same 671B-total / 37B-active"), std::string::npos);
}

TEST(QuoteGpus, PicksEachProvidersCheapestWholeInstanceCombination) {
  // 3 x H100 SXM at Lambda: 8-GPU box 8 x 3.99 = 31.92; 4-GPU 4 x 4.09 = 16.36; 2 x 2-GPU 4 x 4.19 = 16.76;
  // 3 x 1-GPU 3 x 4.29 = 12.87 -> the last. CoreWeave rents 8-GPU boxes only: 8 x 6.155 = 49.24.
  const auto quotes = BuiltIn().QuoteGpus("h100-sxm", 3, {.providers = {"lambda", "COREWEAVE"}});
  ASSERT_EQ(quotes.size(), 2u);
  EXPECT_EQ(quotes[0].row.provider, "Lambda");
  EXPECT_EQ(quotes[0].billed_gpus, 3);
  EXPECT_NEAR(quotes[0].usd_per_hour.v, 12.87, 1e-9);
  EXPECT_EQ(quotes[1].instances, 1);
  EXPECT_EQ(quotes[1].billed_gpus, 8);
  EXPECT_NEAR(quotes[1].usd_per_hour.v, 49.24, 1e-9);
}

TEST(QuoteGpus, OnDemandOnlyByDefault) {
  // GCP's only on-demand H100 row is $10.9791 (the $6.571 spot row is excluded); AWS's $4.916 capacity block too.
  const auto quotes = BuiltIn().QuoteGpus("h100-sxm", 8, {.providers = {"GCP", "AWS"}});
  ASSERT_EQ(quotes.size(), 2u);
  EXPECT_NEAR(quotes[0].usd_per_gpu_hour.v, 6.88, 1e-9);     // AWS p5 on-demand
  EXPECT_NEAR(quotes[1].usd_per_gpu_hour.v, 10.9791, 1e-9);  // GCP
  const auto spot = BuiltIn().QuoteGpus("h100-sxm", 1, {.providers = {"GCP"}, .kinds = {PricingKind::kSpot}});
  ASSERT_EQ(spot.size(), 1u);
  EXPECT_NEAR(spot[0].usd_per_hour.v, 6.571, 1e-9);
  EXPECT_TRUE(BuiltIn().QuoteGpus("gaudi3", 1).empty());
}

TEST(GpuPrices, CheapestPerGpuHourFirst) {
  const auto rows = BuiltIn().GpuPrices("h100-sxm");
  ASSERT_FALSE(rows.empty());
  EXPECT_NEAR(rows.front().usd_per_gpu_hour.v, 1.30, 1e-9);  // the TCO table's 3-year rental
  EXPECT_NEAR(rows.back().usd_per_gpu_hour.v, 12.29, 1e-9);  // Azure ND96isr_H100_v5
}

constexpr std::string_view kGpuHeader = "provider,gpu,gpus_per_instance,usd_per_gpu_hour,pricing_type,as_of,source\n";

TEST(Merge, OverrideFileReplacesSameProviderGpuSizeAndTypeAndAddsTheRest) {
  auto file = PriceCatalog::FromCsv(std::string(kGpuHeader) +
                                        "Lambda,h100-sxm,8,2.50,on-demand,2026-11-01,my negotiated quote\n"
                                        "MyColo,H100 SXM 80GB,8,1.80,reserved 1 year,2026-11-01,contract\n",
                                    "mine.csv");
  ASSERT_TRUE(file.ok()) << file.error().message;
  const PriceCatalog merged = BuiltIn().Merge(*file);
  EXPECT_EQ(merged.gpu_prices().size(), BuiltIn().gpu_prices().size() + 1);
  const auto lambda = merged.QuoteGpus("h100-sxm", 8, {.providers = {"Lambda"}});
  EXPECT_NEAR(lambda[0].usd_per_hour.v, 20.0, 1e-9);
  EXPECT_EQ(lambda[0].row.origin, "mine.csv");
  const auto rows = merged.GpuPrices("h100-sxm");
  const auto colo = std::find_if(rows.begin(), rows.end(), [](const GpuPrice& p) { return p.provider == "MyColo"; });
  ASSERT_NE(colo, rows.end());
  EXPECT_EQ(colo->kind, PricingKind::kReserved1y);
  EXPECT_NEAR(merged.QuoteGpus("h100-sxm", 8, {.kinds = KindsFor(PricingTier::kReserved1y)})[0].usd_per_hour.v, 14.40,
              1e-9);  // 8 x 1.80
}

TEST(WithOverride, FlagPriceIsTheOnlyPriceOfItsGpu) {
  auto row = ParseGpuPriceOverride("h100-sxm=2.50", {2026, 11, 24});
  ASSERT_TRUE(row.ok()) << row.error().message;
  const PriceCatalog c = BuiltIn().WithOverride(*row);
  const auto rows = c.GpuPrices("h100-sxm");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].provider, "override");
  EXPECT_EQ(rows[0].as_of.text, "2026-11-24");
  EXPECT_NEAR(c.QuoteGpus("h100-sxm", 8)[0].usd_per_hour.v, 20.0, 1e-9);
  EXPECT_EQ(c.GpuPrices("h200-sxm").size(), BuiltIn().GpuPrices("h200-sxm").size());
}

TEST(ParseGpuPriceOverride, AcceptsProviderWordingAndRejectsMalformedValues) {
  const Date today{2026, 11, 24};
  EXPECT_EQ(ParseGpuPriceOverride("HGX H200 = 3.1", today)->gpu_id, "h200-sxm");
  EXPECT_EQ(ParseGpuPriceOverride("h100-sxm", today).error().message,
            "--gpu-price: 'h100-sxm' must be GPU=USD_PER_GPU_HOUR, e.g. h100-sxm=2.50");
  EXPECT_EQ(ParseGpuPriceOverride("=2.5", today).error().message,
            "--gpu-price: '=2.5' must be GPU=USD_PER_GPU_HOUR, e.g. h100-sxm=2.50");
  EXPECT_EQ(ParseGpuPriceOverride("h100-sxm=abc", today).error().message,
            "--gpu-price: price 'abc' in 'h100-sxm=abc' is not a number");
  EXPECT_EQ(ParseGpuPriceOverride("h100-sxm=0", today, "--price").error().message,
            "--price: price 0 in 'h100-sxm=0' must be > 0");
  const auto unknown = ParseGpuPriceOverride("h100=2.5", today);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message,
            "--gpu-price: unknown GPU 'h100'; known: a100-40gb-sxm, a100-80gb-sxm, h100-sxm, h100-pcie, h100-nvl, "
            "h200-sxm, b200-hgx, b300-hgx, gb200-gpu, l40s, l4, rtx-4090, rtx-5090, mi300x, mi325x, mi355x, gaudi3, "
            "gb300-gpu");  // the hardware catalog's ids, in its order
}

std::string FromCsvError(std::string_view text) { return PriceCatalog::FromCsv(text, "mine.csv").error().message; }

TEST(FromCsv, ErrorsNameFileLineAndField) {
  const std::string h(kGpuHeader);
  EXPECT_EQ(FromCsvError(h + "Lambda,h100-sxm,8,abc,on-demand,2026-11-01,me\n"),
            "mine.csv:2: usd_per_gpu_hour='abc' is not a number");
  EXPECT_EQ(FromCsvError(h + "\n# comment\nLambda,h100-sxm,8,-1,on-demand,2026-11-01,me\n"),
            "mine.csv:4: usd_per_gpu_hour=-1 must be > 0");
  EXPECT_EQ(FromCsvError(h + "Lambda,h100-sxm,1.5,2,on-demand,2026-11-01,me\n"),
            "mine.csv:2: gpus_per_instance=1.5 must be a whole number");
  EXPECT_EQ(FromCsvError(h + "Lambda,h100-sxm,8,2,on-demand,2026-11-01\n"), "mine.csv:2: expected 7 fields, found 6");
  EXPECT_EQ(FromCsvError(h + ",h100-sxm,8,2,on-demand,2026-11-01,me\n"), "mine.csv:2: provider is empty");
  EXPECT_EQ(FromCsvError(h + "Lambda,h100-sxm,8,2,on-demand,soon,me\n"),
            "mine.csv:2: as_of='soon' must be YYYY-MM-DD, YYYY-MM or start with 'unknown'");
  EXPECT_EQ(FromCsvError(h + "Lambda,\"h100-sxm,8,2,on-demand,2026-11-01,me\n"), "mine.csv:2: unterminated quote");
  EXPECT_EQ(FromCsvError(""), "mine.csv: empty file, expected a header line");
  EXPECT_EQ(FromCsvError("provider,gpu,price\n"),
            "mine.csv:1: header must name the columns provider,gpu,gpus_per_instance,usd_per_gpu_hour,pricing_type,"
            "as_of,source (GPU prices) or provider,model,usd_per_m_input,usd_per_m_output,as_of,source (API prices)");
}

TEST(FromCsv, QuotedFieldsMayHoldCommasAndColumnsMayBeReordered) {
  auto c = PriceCatalog::FromCsv(
      "source,as_of,provider,gpu,gpus_per_instance,usd_per_gpu_hour,pricing_type\r\n"
      "\"quote, emailed\",2026-11,Acme,L40S 48GB,2,0.99,on-demand\r\n",
      "mine.csv");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->gpu_prices().size(), 1u);
  EXPECT_EQ(c->gpu_prices()[0].source, "quote, emailed");
  EXPECT_EQ(c->gpu_prices()[0].gpu_id, "l40s");
  EXPECT_EQ(c->gpu_prices()[0].gpus_per_instance, 2);
}

// Found by fuzz/csv: a header repeating a column name ("pricing_typeprovider" glued two names, then "provider" came
// again) left fewer columns than fields, and a row of that many fields was read past its end (heap-buffer-overflow).
TEST(FromCsv, RefusesARepeatedHeaderColumn) {
  EXPECT_EQ(FromCsvError("provider,gpu,gpus_per_instance,usd_per_gpu_hour,pricing_type,as_of,source,Provider\n"
                         "Lambda,H100 SXM 80GB,8,3.99,on-demand,2026-09-20,me,x\n"),
            "mine.csv:1: column 'Provider' appears twice in the header");
}

// Found by fuzz/csv: gpus_per_instance=1e300 converted to int was undefined behaviour.
TEST(FromCsv, RefusesAnAbsurdGpuCountBeforeConvertingIt) {
  EXPECT_EQ(FromCsvError(std::string(kGpuHeader) + "Lambda,h100-sxm,1e300,2,on-demand,2026-11-01,me\n"),
            "mine.csv:2: gpus_per_instance=1e300 exceeds the limit of 4096");
}

TEST(CurrentGpuPrices, NewestRowOfAProviderGpuAndKindWins) {
  // Nebius H200: $3.50 read 2025-10-22 and $4.50 read 2026-09-25, both on-demand: the 2026 price is the one quoted.
  const auto quotes = BuiltIn().QuoteGpus("h200-sxm", 1, {.providers = {"Nebius"}});
  ASSERT_EQ(quotes.size(), 1u);
  EXPECT_NEAR(quotes[0].usd_per_gpu_hour.v, 4.50, 1e-9);
  EXPECT_EQ(quotes[0].row.as_of.text, "2026-09-25");
  // Rows of the same date all stay: Lambda's four H100 instance sizes, RunPod's Secure and Community Cloud.
  size_t lambda = 0, runpod = 0;
  for (const GpuPrice& p : BuiltIn().CurrentGpuPrices()) {
    lambda += p.provider == "Lambda" && p.gpu_id == "h100-sxm";
    runpod += p.provider == "RunPod" && p.gpu_id == "h100-sxm";
  }
  EXPECT_EQ(lambda, 4u);
  EXPECT_EQ(runpod, 2u);
  // A dated row beats an undated one of the same kind.
  auto c = PriceCatalog::FromCsv(std::string(kGpuHeader) +
                                     "X,h100-sxm,1,1.00,on-demand,unknown,a\n"
                                     "X,h100-sxm,1,2.00,on-demand,2026-01-01,b\n",
                                 "mine.csv");
  EXPECT_NEAR(c->QuoteGpus("h100-sxm", 1)[0].usd_per_gpu_hour.v, 2.00, 1e-9);
}

TEST(CheckProviders, AnUnknownProviderIsAnErrorNamingIt) {
  EXPECT_TRUE(BuiltIn().CheckProviders({"lambda", "Amazon Bedrock", "RUNPOD"}).ok());
  const Status s = BuiltIn().CheckProviders({"Lambda", "lamda"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(s.error().message.starts_with("--providers: unknown provider 'lamda'; known: 3-year rental"))
      << s.error().message;
}

constexpr std::string_view kApiHeader = "provider,model,usd_per_m_input,usd_per_m_output,as_of,source\n";

TEST(ApiPrices, AUserRowMatchesByPresetNameHuggingFaceIdOrTheProvidersOwnId) {
  for (std::string_view model : {"meta.llama4-scout-17b-instruct-v1:0", "us.meta.llama4-scout-17b-instruct-v1:0",
                                 "llama-4-scout", "Meta-Llama/Llama-4-Scout-17B-16E-Instruct"}) {
    auto file = PriceCatalog::FromCsv(fmt::format("{}MyBedrock,{},0.10,0.40,2026-11-20,my quote\n", kApiHeader, model),
                                      "mine.csv");
    ASSERT_TRUE(file.ok()) << file.error().message;
    const ApiPriceMatch m = BuiltIn().Merge(*file).ApiPrices("llama-4-scout");
    EXPECT_TRUE(std::any_of(m.rows.begin(), m.rows.end(), [](const ApiPrice& p) { return p.provider == "MyBedrock"; }))
        << model;
  }
}

TEST(FromCsv, ApiRowsMayListCachedAndBatchRates) {
  auto c = PriceCatalog::FromCsv(
      "provider,model,usd_per_m_input,usd_per_m_output,as_of,source,usd_per_m_cached_input,usd_per_m_batch_input,"
      "usd_per_m_batch_output\n"
      "A,gpt-oss-120b,0.15,0.60,2026-11-01,a,0.075,,\n"
      "B,gpt-oss-120b,0.15,0.60,2026-11-01,b,,0.08,0.30\n",
      "mine.csv");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_NEAR(c->api_prices()[0].usd_per_million_cached_input->v, 0.075, 1e-12);
  EXPECT_FALSE(c->api_prices()[0].usd_per_million_batch_input.has_value());
  EXPECT_NEAR(c->api_prices()[1].usd_per_million_batch_output->v, 0.30, 1e-12);
  EXPECT_EQ(FromCsvError("provider,model,usd_per_m_input,usd_per_m_output,as_of,source,usd_per_m_batch_input\n"
                         "A,gpt-oss-120b,0.15,0.60,2026-11-01,a,0.08\n"),
            "mine.csv:2: usd_per_m_batch_input and usd_per_m_batch_output must be given together");
  // The built-in rows carry what their sources state: Groq's gpt-oss-120b cached input 0.075, Bedrock's Maverick
  // batch tier 0.12 / 0.485.
  const ApiPriceMatch maverick = BuiltIn().ApiPrices("llama-4-maverick");
  const auto bedrock = std::find_if(maverick.rows.begin(), maverick.rows.end(),
                                    [](const ApiPrice& p) { return p.provider == "Amazon Bedrock"; });
  ASSERT_NE(bedrock, maverick.rows.end());
  const auto batch = BatchTier(*bedrock);
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->provider, "Amazon Bedrock (batch)");
  EXPECT_NEAR(batch->usd_per_million_input.v, 0.12, 1e-12);
  EXPECT_NEAR(batch->usd_per_million_output.v, 0.485, 1e-12);
}

}  // namespace
}  // namespace capplan
