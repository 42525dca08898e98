// `capplan serve`: the JSON API (routes.h) and the web UI (assets.h). Loopback by default. The front (front.h)
// reads each request whole within its limits and deadline; cpp-httplib then parses and routes it on a worker:
// light routes on one pool, simulate and plan on another with a work budget and a wall-clock cap (docs/hardening.md).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "capplan/error.h"

namespace capplan::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                          // 0: any free port (tests)
  std::string web_dir;                      // empty: the embedded UI
  size_t max_body_bytes = size_t{1} << 20;  // 1 MiB: a config.json is a few KiB
  size_t max_header_bytes = 16 * 1024;
  size_t max_header_lines = 64;
  size_t max_connections = 4096;
  std::chrono::milliseconds read_timeout{5000};  // one request, first byte to last; also the keep-alive idle limit
  std::chrono::milliseconds write_timeout{10000};
  int threads = 8;        // workers for the light routes (requests arrive complete: no worker waits on a client)
  int heavy_threads = 0;  // workers for /api/simulate and /api/plan; 0: the number of cores, 2 to 4
  int heavy_queue = 16;   // simulate/plan requests waiting or running; beyond, 503
  std::chrono::milliseconds heavy_timeout{30000};  // wall-clock cap of one simulate/plan, from its arrival
  int64_t max_work_cost = 400'000'000;             // engine steps x batch one simulate/plan may simulate
};

/// True for addresses that only this machine can reach.
bool IsLoopback(const std::string& host);

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds the socket; returns the port (the chosen one when options.port is 0).
  Result<int> Bind();
  /// Serves until Stop(); call after Bind().
  void Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace capplan::server
