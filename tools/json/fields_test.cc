#include "fields.h"

#include <gtest/gtest.h>

namespace capplan::json {
namespace {

TEST(ParseRequestBody, MalformedJsonIsAParseErrorWithTheByteOffset) {
  auto r = ParseRequestBody(R"({"gpus": 4,})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kParse);
  EXPECT_EQ(r.error().message,
            "request: malformed JSON at byte 12: syntax error while parsing object key - unexpected '}'; expected "
            "string literal");
}

// The same out_of_range that fuzz/hf_config found in ParseHfConfig: it escaped to the server's exception handler (500).
TEST(ParseRequestBody, NumberOverflowIsMalformedNotAnException) {
  auto r = ParseRequestBody(R"({"gpus": 1e405})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kParse);
  EXPECT_EQ(r.error().message, "request: malformed JSON: number overflow parsing '1e405'");
}

// Issue 17: a ~120 KB body nested 60,000 deep crashed the server (SIGSEGV in config.dump()). Refused before parsing.
TEST(ParseRequestBody, DeepNestingIsRefusedBeforeAnyRecursion) {
  std::string body = "{\"config\": " + std::string(60000, '[') + std::string(60000, ']') + "}";
  auto r = ParseRequestBody(body);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kResourceLimit);
  EXPECT_EQ(r.error().message, "request: JSON nested deeper than 64 levels at byte 74");
}

TEST(ParseRequestBody, NestingUpToTheLimitAndBracketsInStringsAreAccepted) {
  std::string ok = std::string(kMaxJsonDepth - 1, '[');
  std::string body = "{\"a\": " + ok + std::string(kMaxJsonDepth - 1, ']') + ", \"s\": \"[[[[\\\"{{{{\"}";
  EXPECT_TRUE(CheckJsonDepth(std::string(200, '[').insert(0, "\"") + "\"", "x").ok());
  EXPECT_TRUE(ParseRequestBody(body).ok()) << ParseRequestBody(body).error().message;
}

// Issue 17: 2^63 and above echoed as a negative number (get<int64_t> wrapped).
TEST(OptionalInt, IntegersAboveInt64EchoAsThemselvesNotNegative) {
  auto r = OptionalInt(nlohmann::json::parse(R"({"gpus": 9223372036854775808})"), "gpus", 1, 4096);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "request: gpus=9.223372036854776e+18 must be between 1 and 4096");
}

TEST(ParseRequestBody, EmptyBodyIsMalformed) {
  auto r = ParseRequestBody("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kParse);
}

TEST(ParseRequestBody, AnArrayIsNotARequest) {
  auto r = ParseRequestBody("[1, 2]");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "request: the body must be a JSON object, got an array");
}

TEST(RejectUnknownFields, NamesTheFieldAndTheKnownOnes) {
  auto st = RejectUnknownFields(nlohmann::json{{"gpu_count", 4}}, {"gpu", "gpus"}, "");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "request: unknown field \"gpu_count\" (expected one of: gpu, gpus)");
  EXPECT_EQ(st.error().field, "gpu_count");
}

TEST(RejectUnknownFields, NestedFieldsCarryTheirPath) {
  auto st = RejectUnknownFields(nlohmann::json{{"dp", 2}}, {"tp", "ep", "pp"}, "layout");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().field, "layout.dp");
}

TEST(OptionalInt, AbsentAndNullAreNullopt) {
  EXPECT_FALSE(OptionalInt(nlohmann::json::object(), "gpus", 1, 8).value().has_value());
  EXPECT_FALSE(OptionalInt(nlohmann::json{{"gpus", nullptr}}, "gpus", 1, 8).value().has_value());
}

TEST(OptionalInt, AcceptsAWholeFloatFromJavaScript) {
  EXPECT_EQ(*OptionalInt(nlohmann::json{{"gpus", 4.0}}, "gpus", 1, 8).value(), 4);
}

TEST(OptionalInt, RejectsAFraction) {
  auto r = OptionalInt(nlohmann::json{{"gpus", 2.5}}, "gpus", 1, 8);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "request: gpus must be an integer, got the number 2.5");
}

TEST(OptionalInt, RejectsAString) {
  auto r = OptionalInt(nlohmann::json{{"gpus", "four"}}, "gpus", 1, 8);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "request: gpus must be an integer, got a string");
  EXPECT_EQ(r.error().field, "gpus");
}

TEST(OptionalInt, RejectsOutOfRangeWithTheRange) {
  auto r = OptionalInt(nlohmann::json{{"tp", 0}}, "tp", 1, 1024, "layout");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "request: layout.tp=0 must be between 1 and 1024");
  EXPECT_EQ(r.error().field, "layout.tp");
}

TEST(OptionalInt, RejectsHugeNumbersWithoutOverflow) {
  auto r = OptionalInt(nlohmann::json{{"batch", 1e300}}, "batch", 1, 1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(OptionalNumber, RejectsNegative) {
  auto r = OptionalNumber(nlohmann::json{{"active_params", -1}}, "active_params", 1, 1e14);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "request: active_params=-1 must be between 1 and 100000000000000");
}

TEST(OptionalBool, RejectsANumber) {
  auto r = OptionalBool(nlohmann::json{{"ignore_active", 1}}, "ignore_active");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "request: ignore_active must be a boolean, got an integer");
}

}  // namespace
}  // namespace capplan::json
