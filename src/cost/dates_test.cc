#include <gtest/gtest.h>

#include "capplan/cost.h"

namespace capplan {
namespace {

PriceDate Dated(std::string_view text) { return *ParsePriceDate(text, "t.csv:2"); }

TEST(ParseDate, ReadsIsoDatesAndRejectsImpossibleOnes) {
  EXPECT_EQ(*ParseDate("2026-11-24", "--today"), (Date{2026, 11, 24}));
  EXPECT_EQ(ParseDate("2026-13-01", "--today").error().message, "--today: '2026-13-01' is not a date (YYYY-MM-DD)");
  EXPECT_FALSE(ParseDate("2025-02-29", "--today").ok());  // not a leap year
  EXPECT_TRUE(ParseDate("2024-02-29", "--today").ok());
  EXPECT_EQ(FormatDate({2026, 9, 2}), "2026-09-02");
}

TEST(DaysBetween, CountsCalendarDaysAcrossLeapDays) {
  EXPECT_EQ(DaysBetween({2024, 2, 28}, {2024, 3, 1}), 2);
  EXPECT_EQ(DaysBetween({2026, 9, 20}, {2026, 11, 24}), 65);
  EXPECT_EQ(DaysBetween({2026, 11, 24}, {2026, 9, 20}), -65);
}

TEST(ParsePriceDate, MonthOnlyDatesReadAsTheFirstOfTheMonth) {
  EXPECT_EQ(Dated("2024-12").date, (Date{2024, 12, 1}));
  EXPECT_EQ(Dated("2024-12").text, "2024-12");
}

TEST(ParsePriceDate, UnknownDatesKeepTheirText) {
  const PriceDate d = Dated("unknown (page crawled 2025-2026)");
  EXPECT_FALSE(d.date.has_value());
  EXPECT_EQ(d.text, "unknown (page crawled 2025-2026)");
}

TEST(ParsePriceDate, RejectsFreeTextNamingTheField) {
  auto r = ParsePriceDate("last week", "my.csv:4");
  EXPECT_EQ(r.error().message, "my.csv:4: as_of='last week' must be YYYY-MM-DD, YYYY-MM or start with 'unknown'");
  EXPECT_EQ(r.error().field, "as_of");
}

TEST(IsStale, OlderThanMaxAgeIsStaleAndTheBoundaryIsFresh) {
  const Date today{2026, 11, 24};
  EXPECT_EQ(IsStale(Dated("2026-09-20"), today), Staleness::kFresh);  // 65 days
  EXPECT_EQ(IsStale(Dated("2026-08-26"), today), Staleness::kFresh);  // exactly 90 days
  EXPECT_EQ(IsStale(Dated("2026-08-25"), today), Staleness::kStale);  // 91 days
  EXPECT_EQ(IsStale(Dated("2024-12"), today), Staleness::kStale);
  EXPECT_EQ(IsStale(Dated("2026-09-20"), today, 30), Staleness::kStale);
}

TEST(IsStale, UnknownDatesAreFlaggedUnknownNeverFresh) {
  EXPECT_EQ(IsStale(Dated("unknown (2026)"), {2026, 11, 24}), Staleness::kUnknown);
  EXPECT_STREQ(StalenessName(Staleness::kUnknown), "unknown");
}

}  // namespace
}  // namespace capplan
