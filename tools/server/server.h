// `capplan serve`: the JSON API (routes.h) and the web UI (assets.h) over cpp-httplib. Loopback by
// default; bodies above a limit are refused with 413; requests run on a thread pool so a slow one does
// not hold up the others.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "capplan/error.h"

namespace capplan::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                          // 0: any free port (tests)
  std::string web_dir;                      // empty: the embedded UI
  size_t max_body_bytes = size_t{1} << 20;  // 1 MiB: a config.json is a few KiB
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{10};
  int threads = 256;  // most connections served at once: one thread each, started on demand (connection_pool.h)
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
