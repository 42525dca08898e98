// Calendar dates for price staleness. Civil-date arithmetic by hand (days from 1970-01-01, proleptic Gregorian) keeps
// the library free of the clock and of time zones: the caller says what today is.
#include <fmt/format.h>

#include <charconv>

#include "capplan/cost.h"

namespace capplan {
namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Howard Hinnant's days_from_civil.
long DaysFromCivil(Date d) {
  const int y = d.year - (d.month <= 2 ? 1 : 0);
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned mp = static_cast<unsigned>(d.month + (d.month > 2 ? -3 : 9));
  const unsigned doy = (153 * mp + 2) / 5 + static_cast<unsigned>(d.day) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

// Parses exactly `width` digits at text[pos].
std::optional<int> Digits(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int v = 0;
  const char* first = text.data() + pos;
  auto [ptr, ec] = std::from_chars(first, first + width, v);
  if (ec != std::errc() || ptr != first + width) return std::nullopt;
  return v;
}

// "YYYY-MM-DD" (with_day) or "YYYY-MM"; nullopt when malformed or not a calendar date.
std::optional<Date> ParseIso(std::string_view t, bool with_day) {
  if (t.size() != (with_day ? 10u : 7u) || t[4] != '-' || (with_day && t[7] != '-')) return std::nullopt;
  auto y = Digits(t, 0, 4), m = Digits(t, 5, 2);
  auto d = with_day ? Digits(t, 8, 2) : std::optional<int>(1);
  if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1 || *d > DaysInMonth(*y, *m)) return std::nullopt;
  return Date{*y, *m, *d};
}

}  // namespace

Result<Date> ParseDate(std::string_view text, std::string_view source) {
  if (auto d = ParseIso(text, true)) return *d;
  return Error::InvalidArgument(fmt::format("{}: '{}' is not a date (YYYY-MM-DD)", source, text));
}

std::string FormatDate(Date d) { return fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day); }

int DaysBetween(Date from, Date to) { return static_cast<int>(DaysFromCivil(to) - DaysFromCivil(from)); }

Result<PriceDate> ParsePriceDate(std::string_view text, std::string_view source) {
  if (text.starts_with("unknown")) return PriceDate{std::string(text), std::nullopt};
  if (auto d = ParseIso(text, true)) return PriceDate{std::string(text), d};
  if (auto d = ParseIso(text, false)) return PriceDate{std::string(text), d};
  return Error::InvalidArgument(
      fmt::format("{}: as_of='{}' must be YYYY-MM-DD, YYYY-MM or start with 'unknown'", source, text), "as_of");
}

const char* StalenessName(Staleness s) {
  switch (s) {
    case Staleness::kFresh:
      return "fresh";
    case Staleness::kStale:
      return "stale";
    case Staleness::kUnknown:
      return "unknown";
  }
  return "unknown";
}

Staleness IsStale(const PriceDate& as_of, Date today, int max_age_days) {
  if (!as_of.date) return Staleness::kUnknown;
  return DaysBetween(*as_of.date, today) > max_age_days ? Staleness::kStale : Staleness::kFresh;
}

}  // namespace capplan
