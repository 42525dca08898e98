// Fuzzes the HTTP API's request path without a socket: body -> JSON -> request decoding (tools/json) -> library ->
// response encoding, for POST /api/model and POST /api/memory (the first byte picks the route).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "routes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const capplan::server::ApiResponse r =
      data[0] % 2 == 0 ? capplan::server::HandleModel(body) : capplan::server::HandleMemory(body);
  (void)capplan::server::ResponseText(r);  // the text the server sends
  return 0;
}
