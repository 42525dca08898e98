#include "request_frame.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace capplan::server {
namespace {

Frame Reject(int status, std::string message) {
  Frame f;
  f.kind = Frame::Kind::kRejected;
  f.status = status;
  f.message = std::move(message);
  return f;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "METHOD SP TARGET SP HTTP/1.x": anything else would be answered by httplib anyway, but refusing it here keeps a
// garbage stream from being read as header lines.
bool ValidRequestLine(std::string_view line) {
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp1 == 0 || sp2 == sp1 || sp2 + 1 >= line.size()) return false;
  for (char c : line.substr(0, sp1))
    if (!std::isupper(static_cast<unsigned char>(c))) return false;
  std::string_view version = line.substr(sp2 + 1);
  return version == "HTTP/1.1" || version == "HTTP/1.0";
}

bool IsHeavyTarget(std::string_view line) {
  size_t sp1 = line.find(' ');
  std::string_view target = line.substr(sp1 + 1);
  return target.starts_with("/api/simulate") || target.starts_with("/api/plan");
}

}  // namespace

Frame FrameRequest(std::string_view received, const FrameLimits& limits) {
  size_t end = received.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (received.size() > limits.max_header_bytes)
      return Reject(431, fmt::format("request: headers larger than the limit of {} bytes", limits.max_header_bytes));
    size_t lines = static_cast<size_t>(std::count(received.begin(), received.end(), '\n'));
    if (lines > limits.max_header_lines + 1)
      return Reject(431, fmt::format("request: more than {} header lines", limits.max_header_lines));
    return {};
  }
  if (end + 4 > limits.max_header_bytes)
    return Reject(431, fmt::format("request: headers larger than the limit of {} bytes", limits.max_header_bytes));
  std::string_view head = received.substr(0, end);
  size_t line_end = head.find("\r\n");
  std::string_view request_line = head.substr(0, line_end);
  if (!ValidRequestLine(request_line)) return Reject(400, "request: malformed request line");

  std::optional<size_t> content_length;
  size_t lines = 0;
  size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t next = head.find("\r\n", pos);
    if (next == std::string_view::npos) next = head.size();
    std::string_view line = head.substr(pos, next - pos);
    pos = next + 2;
    if (++lines > limits.max_header_lines)
      return Reject(431, fmt::format("request: more than {} header lines", limits.max_header_lines));
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || line.front() == ' ' || line.front() == '\t')
      return Reject(400, "request: malformed header line");  // obsolete line folding included
    std::string name = Lower(line.substr(0, colon));
    std::string_view value = Trim(line.substr(colon + 1));
    if (name == "transfer-encoding")
      return Reject(411, "request: Transfer-Encoding is not accepted; send the body with a Content-Length");
    if (name == "content-length") {
      if (value.empty() || value.size() > 12 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return Reject(400, "request: malformed Content-Length");
      size_t n = std::stoull(std::string(value));
      if (content_length && *content_length != n) return Reject(400, "request: conflicting Content-Length headers");
      content_length = n;
    }
  }
  size_t body = content_length.value_or(0);
  if (body > limits.max_body_bytes)
    return Reject(413, fmt::format("request: body larger than the limit of {} bytes", limits.max_body_bytes));
  size_t length = end + 4 + body;
  if (received.size() < length) return {};
  Frame f;
  f.kind = Frame::Kind::kComplete;
  f.length = length;
  f.heavy = IsHeavyTarget(request_line);
  return f;
}

}  // namespace capplan::server
