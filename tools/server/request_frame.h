// Where one HTTP/1.1 request ends in the bytes received so far, and whether it is within the limits, decided before
// cpp-httplib sees any of it. Debian's cpp-httplib 0.11 reads chunked bodies without the body limit and accepts any
// number of header lines (issue 17: a 512 MiB chunked body answered 200 at 1.98 GB RSS, 1M header lines 309 MB), so
// the front (front.h) buffers a whole request, checks it here, and only then hands it to a worker.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace capplan::server {

struct FrameLimits {
  size_t max_header_bytes = 16 * 1024;  // request line and headers, CRLFs included: browsers send under 2 KiB
  size_t max_header_lines = 64;         // header fields, the request line not counted
  size_t max_body_bytes = size_t{1} << 20;
};

struct Frame {
  enum class Kind { kIncomplete, kComplete, kRejected };
  Kind kind = Kind::kIncomplete;
  size_t length = 0;    // kComplete: bytes of this request (headers and body); later bytes are the next request
  int status = 0;       // kRejected: the HTTP status to answer before closing
  std::string message;  // kRejected: why, for the JSON error
  bool heavy = false;   // kComplete: a route that simulates (its own worker pool and deadline)
};

/// Frames the first request in `received`. Rejects (and the connection is closed after the answer): headers over
/// the limits (431), a body over the limit (413), Transfer-Encoding of any kind (411: the UI and curl send
/// Content-Length, and a chunked body's size is unknown until it has been read), a malformed or repeated
/// Content-Length (400: request smuggling), a request line that is not "METHOD TARGET HTTP/1.x" (400).
Frame FrameRequest(std::string_view received, const FrameLimits& limits);

}  // namespace capplan::server
