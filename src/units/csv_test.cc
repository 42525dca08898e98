#include "capplan/csv.h"

#include <gtest/gtest.h>

namespace capplan {
namespace {

TEST(Csv, QuotedFieldsKeepCommasQuotesAndNewlines) {
  auto t = ParseCsv("a,b,c\n1,\"x, \"\"y\"\"\",\"multi\nline\"\n2,,z\n", "t.csv");
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0][1], "x, \"y\"");
  EXPECT_EQ(t->rows[0][2], "multi\nline");
  EXPECT_EQ(t->lines[1], 4);  // the second row starts on line 4 (the first spans lines 2-3)
  EXPECT_EQ(t->Column("c"), 2);
  EXPECT_EQ(t->Column("d"), -1);
}

TEST(Csv, BlankAndCommentLinesAreSkipped) {
  auto t = ParseCsv("# prices read 2026-09-20\na,b\n\n# a note, \"with a quote\n1,2\n", "t.csv");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->header_line, 2);
  ASSERT_EQ(t->rows.size(), 1u);
  EXPECT_EQ(t->lines[0], 5);
}

TEST(Csv, WrongFieldCountNamesTheLine) {
  auto t = ParseCsv("a,b\n1,2\n3\n", "prices.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, "prices.csv:3: expected 2 fields, found 1");
}

TEST(Csv, UnterminatedQuoteIsAnError) {
  auto t = ParseCsv("a\n\"open\n", "x.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, "x.csv:2: unterminated quote");
}

}  // namespace
}  // namespace capplan
