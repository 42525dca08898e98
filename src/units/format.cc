#include <fmt/format.h>

#include <cmath>

#include "capplan/units.h"

namespace capplan {

std::string FormatBytes(Bytes b) {
  const double v = b.v;
  const double a = std::fabs(v);
  if (a >= 1024.0 * 1024 * 1024 * 1024) return fmt::format("{:.1f} TiB", v / (1024.0 * 1024 * 1024 * 1024));
  if (a >= 1024.0 * 1024 * 1024) return fmt::format("{:.1f} GiB", v / (1024.0 * 1024 * 1024));
  if (a >= 1024.0 * 1024) return fmt::format("{:.1f} MiB", v / (1024.0 * 1024));
  if (a >= 1024.0) return fmt::format("{:.1f} KiB", v / 1024.0);
  return fmt::format("{:.0f} B", v);
}

namespace {
// Three significant digits: 1.23, 12.3, 123.
std::string Sig3(double x) {
  const double a = std::fabs(x);
  if (a >= 100) return fmt::format("{:.0f}", x);
  if (a >= 10) return fmt::format("{:.1f}", x);
  return fmt::format("{:.2f}", x);
}
}  // namespace

std::string FormatSeconds(Seconds s) {
  const double a = std::fabs(s.v);
  if (a == 0) return "0 ms";
  if (a < 1e-3) return Sig3(s.v * 1e6) + " us";
  if (a < 1.0) return Sig3(s.v * 1e3) + " ms";
  return Sig3(s.v) + " s";
}

std::string FormatBandwidth(BytesPerSec r) {
  if (std::fabs(r.v) >= 1e12) return fmt::format("{:.2f} TB/s", r.v / 1e12);
  return fmt::format("{:.0f} GB/s", r.v / 1e9);
}

std::string FormatFlopRate(FlopsPerSec r) {
  if (std::fabs(r.v) >= 1e15) return fmt::format("{:.2f} PFLOP/s", r.v / 1e15);
  return fmt::format("{:.0f} TFLOP/s", r.v / 1e12);
}

std::string FormatCount(double n) {
  const double a = std::fabs(n);
  if (a >= 1e12) return fmt::format("{:.2f}T", n / 1e12);
  if (a >= 1e9) return fmt::format("{:.2f}B", n / 1e9);
  if (a >= 1e6) return fmt::format("{:.2f}M", n / 1e6);
  if (a >= 1e3) return fmt::format("{:.1f}K", n / 1e3);
  return fmt::format("{:.0f}", n);
}

std::string FormatDollars(Dollars d) {
  // Thousands separators by hand: fmt's locale-aware 'L' needs a locale we do not want to depend on.
  const bool neg = d.v < 0;
  const long long cents = std::llround(std::fabs(d.v) * 100.0);
  const std::string digits = std::to_string(cents / 100);
  std::string whole;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) whole += ',';
    whole += digits[i];
  }
  return fmt::format("{}${}.{:02d}", neg ? "-" : "", whole, cents % 100);
}

}  // namespace capplan
