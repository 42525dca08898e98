// Fuzzes the server front's framing of raw bytes from a client (tools/server/request_frame.h), the first code that
// sees them: any input must frame as incomplete, complete within the bytes received, or rejected with a 4xx.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "request_frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const capplan::server::FrameLimits limits{.max_header_bytes = 4096, .max_header_lines = 16, .max_body_bytes = 8192};
  const capplan::server::Frame f = capplan::server::FrameRequest(bytes, limits);
  using Kind = capplan::server::Frame::Kind;
  if (f.kind == Kind::kComplete && (f.length == 0 || f.length > size)) std::abort();
  if (f.kind == Kind::kRejected && (f.status < 400 || f.status > 499 || f.message.empty())) std::abort();
  return 0;
}
