// Physical quantities as types. Same-unit arithmetic is defined once on Quantity; the few
// cross-unit operations that the models need are named one by one below, so `Seconds + Bytes`
// does not compile. Bytes are floating point because 4-bit weights make bytes per parameter
// fractional; rounding to whole bytes happens only where memory is allocated (KV blocks).
#pragma once

#include <cmath>
#include <compare>
#include <cstdint>
#include <string>

namespace capplan {

template <class Tag>
struct Quantity {
  double v = 0;
  constexpr auto operator<=>(const Quantity&) const = default;
  constexpr Quantity& operator+=(Quantity o) {
    v += o.v;
    return *this;
  }
  constexpr Quantity& operator-=(Quantity o) {
    v -= o.v;
    return *this;
  }
  constexpr Quantity& operator*=(double k) {
    v *= k;
    return *this;
  }
  friend constexpr Quantity operator+(Quantity a, Quantity b) { return {a.v + b.v}; }
  friend constexpr Quantity operator-(Quantity a, Quantity b) { return {a.v - b.v}; }
  friend constexpr Quantity operator*(Quantity a, double k) { return {a.v * k}; }
  friend constexpr Quantity operator*(double k, Quantity a) { return {a.v * k}; }
  friend constexpr Quantity operator/(Quantity a, double k) { return {a.v / k}; }
  friend constexpr double operator/(Quantity a, Quantity b) { return a.v / b.v; }  // a ratio
};

using Bytes = Quantity<struct BytesTag>;
using Seconds = Quantity<struct SecondsTag>;
using Flops = Quantity<struct FlopsTag>;
using FlopsPerSec = Quantity<struct FlopsPerSecTag>;
using BytesPerSec = Quantity<struct BytesPerSecTag>;
using Dollars = Quantity<struct DollarsTag>;
using DollarsPerHour = Quantity<struct DollarsPerHourTag>;

constexpr Seconds operator/(Flops f, FlopsPerSec r) { return {f.v / r.v}; }
constexpr Seconds operator/(Bytes b, BytesPerSec r) { return {b.v / r.v}; }
constexpr Dollars operator*(DollarsPerHour p, Seconds t) { return {p.v * t.v / 3600.0}; }

// The GB/GiB choice is made once, here: GB = 1e9 bytes (datasheets, link speeds), GiB = 2^30
// bytes (what the driver and `nvidia-smi` report, and what capplan prints).
constexpr Bytes GiB(double n) { return {n * 1024.0 * 1024.0 * 1024.0}; }
constexpr Bytes MiB(double n) { return {n * 1024.0 * 1024.0}; }
constexpr Bytes KiB(double n) { return {n * 1024.0}; }
constexpr Bytes GB(double n) { return {n * 1e9}; }
constexpr BytesPerSec GBps(double n) { return {n * 1e9}; }
constexpr BytesPerSec TBps(double n) { return {n * 1e12}; }
constexpr FlopsPerSec TFlopsPerSec(double n) { return {n * 1e12}; }
constexpr Seconds Milliseconds(double n) { return {n * 1e-3}; }
constexpr double ToGiB(Bytes b) { return b.v / (1024.0 * 1024.0 * 1024.0); }

// One formatter per unit: every output prints "203.0 GiB", "12.3 ms", "989 TFLOP/s" the same way.
std::string FormatBytes(Bytes b);            // B, KiB, MiB, GiB or TiB with 1 decimal (binary units)
std::string FormatSeconds(Seconds s);        // us, ms or s with 3 significant digits
std::string FormatBandwidth(BytesPerSec r);  // GB/s or TB/s (decimal, as datasheets)
std::string FormatFlopRate(FlopsPerSec r);   // TFLOP/s or PFLOP/s
std::string FormatCount(double n);           // 109.0B, 17.2M, 5.1K
std::string FormatDollars(Dollars d);        // $1,234.56

}  // namespace capplan
