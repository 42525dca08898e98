#include <gtest/gtest.h>

#include "capplan/sim.h"

namespace capplan {
namespace {

std::string ErrorOf(std::string_view text, std::string_view name) {
  auto r = ParseTrace(text, name);
  return r.ok() ? "ok" : r.error().message;
}

TEST(ParseTrace, ReadsCsvWithColumnsInAnyOrderAndExtraColumns) {
  auto r = ParseTrace("# a comment\ninput_tokens, arrival_seconds,output_tokens,user\n100,0.5,20,a\n\n7,1.25,3,b\n",
                      "t.csv");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_DOUBLE_EQ((*r)[0].arrival.v, 0.5);
  EXPECT_EQ((*r)[0].input_tokens, 100);
  EXPECT_EQ((*r)[1].output_tokens, 3);
}

TEST(ParseTrace, ReadsJsonl) {
  auto r = ParseTrace(
      "{\"arrival_seconds\": 0, \"input_tokens\": 5, \"output_tokens\": 6}\n"
      "{\"arrival_seconds\": 1.5, \"input_tokens\": 7, \"output_tokens\": 8, \"id\": \"x\"}\n",
      "t.jsonl");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_DOUBLE_EQ((*r)[1].arrival.v, 1.5);
  EXPECT_EQ((*r)[1].input_tokens, 7);
}

TEST(ParseTrace, CsvErrorsNameFileLineAndField) {
  const std::string header = "arrival_seconds,input_tokens,output_tokens\n";
  EXPECT_EQ(ErrorOf(header + "0,x,1\n", "t.csv"), "t.csv:2: input_tokens='x' is not an integer");
  EXPECT_EQ(ErrorOf(header + "0,1,1\nsoon,1,1\n", "t.csv"), "t.csv:3: arrival_seconds='soon' is not a number");
  EXPECT_EQ(ErrorOf(header + "0,1\n", "t.csv"), "t.csv:2: has 2 fields, the header has 3");
  EXPECT_EQ(ErrorOf(header + "0,1,0\n", "t.csv"), "t.csv:2: output_tokens=0 must be at least 1");
  EXPECT_EQ(ErrorOf(header + "-1,1,1\n", "t.csv"), "t.csv:2: arrival_seconds must be a finite number >= 0");
  EXPECT_EQ(ErrorOf("arrival_seconds,output_tokens\n0,1\n", "t.csv"), "t.csv:1: header has no column input_tokens");
  EXPECT_EQ(ErrorOf(header, "t.csv"), "t.csv: no requests");
  // Issue 17: arrivals at 1e15 s gave 0 ms latencies (a step no longer moved the clock).
  EXPECT_EQ(ErrorOf(header + "1e15,1,1\n", "t.csv"),
            "t.csv:2: arrival_seconds=1e+15 is above the limit of 1e9 s (31 years)");
  auto r = ParseTrace(header + "0,1.5,1\n", "t.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kParse);
  EXPECT_EQ(r.error().field, "input_tokens");
}

TEST(ParseTrace, JsonlErrorsNameFileLineAndField) {
  EXPECT_EQ(ErrorOf("{\"arrival_seconds\": 0, \"input_tokens\": 5}\n", "t.jsonl"),
            "t.jsonl:1: missing field output_tokens");
  EXPECT_EQ(ErrorOf("{\"arrival_seconds\": 0, \"input_tokens\": 5, \"output_tokens\": 1}\n{oops\n", "t.jsonl"),
            "t.jsonl:2: is not valid JSON");
  EXPECT_EQ(ErrorOf("{\"arrival_seconds\": 0, \"input_tokens\": 2.5, \"output_tokens\": 1}\n", "t.jsonl"),
            "t.jsonl:1: input_tokens is not an integer");
  EXPECT_EQ(ErrorOf("{\"arrival_seconds\": \"0\", \"input_tokens\": 2, \"output_tokens\": 1}\n", "t.jsonl"),
            "t.jsonl:1: arrival_seconds is not a number");
}

}  // namespace
}  // namespace capplan
