// Trace reader: CSV with a header, or JSONL. The library never opens the file; the caller passes
// its text and a name for messages.
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capplan/sim.h"

namespace capplan {
namespace {

constexpr std::array<const char*, 3> kFields = {"arrival_seconds", "input_tokens", "output_tokens"};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

class LineError {
 public:
  LineError(std::string_view source, size_t line) : prefix_(std::string(source) + ":" + std::to_string(line) + ": ") {}
  Error operator()(const std::string& rule, const char* field) const { return Error::Parse(prefix_ + rule, field); }

 private:
  std::string prefix_;
};

constexpr double kMaxTraceArrivalSeconds = 1e9;

// Checks the values of one row, wherever they came from.
Result<Request> MakeRequest(double arrival, int64_t input, int64_t output, const LineError& error) {
  if (!std::isfinite(arrival) || arrival < 0) return error("arrival_seconds must be a finite number >= 0", kFields[0]);
  // Above ~1e9 s (31 years) a double's spacing nears the microseconds of a step, and at 1e15 s a step added nothing
  // to the clock: every latency came out 0 ms (issue 17).
  if (arrival > kMaxTraceArrivalSeconds)
    return error(fmt::format("arrival_seconds={:g} is above the limit of 1e9 s (31 years)", arrival), kFields[0]);
  if (input < 1) return error("input_tokens=" + std::to_string(input) + " must be at least 1", kFields[1]);
  if (output < 1) return error("output_tokens=" + std::to_string(output) + " must be at least 1", kFields[2]);
  return Request{.arrival = Seconds{arrival}, .input_tokens = input, .output_tokens = output};
}

template <class T>
Result<T> ParseNumber(std::string_view text, const char* field, const char* kind, const LineError& error) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return error(std::string(field) + "='" + std::string(text) + "' is not " + kind, field);
  }
  return value;
}

// Traces are numeric, often large (a day of traffic), and unquoted: this splitter works on views without
// allocating per cell, which is why it is not capplan::ParseCsv (quotes, multi-line fields, copies).
std::vector<std::string_view> SplitCsv(std::string_view line) {
  std::vector<std::string_view> cells;
  size_t start = 0;
  for (size_t comma; (comma = line.find(',', start)) != std::string_view::npos; start = comma + 1) {
    cells.push_back(Trim(line.substr(start, comma - start)));
  }
  cells.push_back(Trim(line.substr(start)));
  return cells;
}

// Calls `row(line_text, line_number)` for each line that is not blank or a comment.
template <class F>
Status ForEachLine(std::string_view text, F&& row) {
  size_t number = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = Trim(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++number;
    if (line.empty() || line.front() == '#') continue;
    CAPPLAN_RETURN_IF_ERROR(row(line, number));
  }
  return Ok{};
}

Result<std::vector<Request>> ParseCsv(std::string_view text, std::string_view source) {
  std::vector<Request> out;
  std::array<int, 3> column = {-1, -1, -1};
  size_t width = 0;
  bool header = true;
  CAPPLAN_RETURN_IF_ERROR(ForEachLine(text, [&](std::string_view line, size_t number) -> Status {
    const LineError error(source, number);
    const std::vector<std::string_view> cells = SplitCsv(line);
    if (header) {
      header = false;
      width = cells.size();
      for (size_t f = 0; f < kFields.size(); ++f) {
        for (size_t c = 0; c < cells.size(); ++c) {
          if (cells[c] == kFields[f]) column[f] = static_cast<int>(c);
        }
        if (column[f] < 0) return error(std::string("header has no column ") + kFields[f], kFields[f]);
      }
      return Ok{};
    }
    if (cells.size() != width) {
      return error("has " + std::to_string(cells.size()) + " fields, the header has " + std::to_string(width), "");
    }
    CAPPLAN_ASSIGN_OR_RETURN(const double arrival,
                             ParseNumber<double>(cells[column[0]], kFields[0], "a number", error));
    CAPPLAN_ASSIGN_OR_RETURN(const int64_t input,
                             ParseNumber<int64_t>(cells[column[1]], kFields[1], "an integer", error));
    CAPPLAN_ASSIGN_OR_RETURN(const int64_t output,
                             ParseNumber<int64_t>(cells[column[2]], kFields[2], "an integer", error));
    CAPPLAN_ASSIGN_OR_RETURN(Request r, MakeRequest(arrival, input, output, error));
    out.push_back(r);
    return Ok{};
  }));
  return out;
}

Result<std::vector<Request>> ParseJsonl(std::string_view text, std::string_view source) {
  std::vector<Request> out;
  CAPPLAN_RETURN_IF_ERROR(ForEachLine(text, [&](std::string_view line, size_t number) -> Status {
    const LineError error(source, number);
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return error("is not valid JSON", "");
    if (!j.is_object()) return error("is not a JSON object", "");
    for (const char* field : kFields) {
      if (!j.contains(field)) return error(std::string("missing field ") + field, field);
    }
    if (!j[kFields[0]].is_number()) return error("arrival_seconds is not a number", kFields[0]);
    for (const char* field : {kFields[1], kFields[2]}) {
      if (!j[field].is_number_integer()) return error(std::string(field) + " is not an integer", field);
    }
    CAPPLAN_ASSIGN_OR_RETURN(Request r, MakeRequest(j[kFields[0]].get<double>(), j[kFields[1]].get<int64_t>(),
                                                    j[kFields[2]].get<int64_t>(), error));
    out.push_back(r);
    return Ok{};
  }));
  return out;
}

}  // namespace

Result<std::vector<Request>> ParseTrace(std::string_view text, std::string_view source_name) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  const bool jsonl = first != std::string_view::npos && text[first] == '{';
  CAPPLAN_ASSIGN_OR_RETURN(auto requests, jsonl ? ParseJsonl(text, source_name) : ParseCsv(text, source_name));
  if (requests.empty()) return Error::Parse(std::string(source_name) + ": no requests", "");
  return requests;
}

}  // namespace capplan
