// The server's front: one thread that accepts connections and reads every request completely (epoll, non-blocking)
// before a worker sees it. cpp-httplib 0.11 gives each connection a thread that blocks reading it, so 257 slow
// clients took all 256 threads and every other client waited (issue 17); here a slow client costs a buffer, and a
// deadline per request (not restarted by each byte) evicts it. Workers only run complete requests and write answers.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "capplan/error.h"
#include "request_frame.h"

namespace capplan::server {

using Clock = std::chrono::steady_clock;

/// One client connection. The front owns it while reading; a worker owns it while answering one request.
struct Connection {
  int fd = -1;
  std::string received;          // bytes read and not yet answered (pipelined requests included)
  Frame frame;                   // the complete request at the start of `received` (while a worker has it)
  Clock::time_point deadline{};  // the whole request must have arrived by then (idle keep-alive: closed then)
  Clock::time_point arrived{};   // when the request was complete (a heavy request's wall-clock cap counts from it)
  bool keep_alive = true;        // the worker's verdict: read the next request, or close
  int answered = 0;              // requests answered on this connection
  ~Connection();
};

struct FrontOptions {
  FrameLimits limits;
  std::chrono::milliseconds request_timeout{5000};  // first byte to last byte of one request
  std::chrono::milliseconds idle_timeout{5000};     // between keep-alive requests
  size_t max_connections = 4096;                    // open at once; beyond, new ones are answered 503
  size_t max_buffered_bytes = size_t{256} << 20;    // all connections' unanswered bytes together
  int backlog = 1024;
};

class Front {
 public:
  /// Called on the front thread with a complete request; takes the connection and later gives it back with
  /// Resume(). Returns it (non-null) to refuse: the front answers 503 and closes.
  using Dispatch = std::function<std::unique_ptr<Connection>(std::unique_ptr<Connection>)>;

  Front(FrontOptions options, Dispatch dispatch);
  ~Front();
  Front(const Front&) = delete;
  Front& operator=(const Front&) = delete;

  /// Binds and listens (no SO_REUSEPORT: a port already in use is an error, not a second silent listener).
  Result<int> Bind(const std::string& host, int port);
  void Run();   // until Stop()
  void Stop();  // from any thread
  /// From a worker, when its answer is written: the connection reads its next request or is closed.
  void Resume(std::unique_ptr<Connection> c);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Writes all of `data` to a non-blocking socket by `deadline`; false on error or timeout.
bool WriteAll(int fd, std::string_view data, Clock::time_point deadline);
/// A complete response with a JSON error body, for answers the front gives itself (408, 411, 413, 431, 503).
std::string ErrorResponseText(int status, std::string_view message);

}  // namespace capplan::server
