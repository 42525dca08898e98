// Fuzzes the HTTP API's request path without a socket: body -> JSON -> request decoding (tools/json) -> library ->
// response encoding, for POST /api/model, /api/memory and /api/perf (the first byte picks the route).
// /api/simulate and /api/plan are left out: each execution runs a simulation (0.01-0.3 s), too slow for
// coverage-guided fuzzing; their decoding is the same field readers, and their bounds are unit-tested
// (tools/server/routes_results_test.cc).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "routes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  capplan::server::ApiResponse r;
  switch (data[0] % 3) {
    case 0:
      r = capplan::server::HandleModel(body);
      break;
    case 1:
      r = capplan::server::HandleMemory(body);
      break;
    default:
      r = capplan::server::HandlePerf(body);
      break;
  }
  (void)capplan::server::ResponseText(r);  // the text the server sends
  return 0;
}
