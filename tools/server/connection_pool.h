// The server's task queue: one thread per open connection, started on demand up to a cap. cpp-httplib runs a whole
// connection (keep-alive included) as one task, and its read timeout restarts with every byte, so a client sending
// its headers a byte at a time holds a thread for as long as it likes; with a fixed pool of 8 threads, 8 such
// clients blocked every other request (found by scripts/loadtest.sh). Here a slow connection holds only its own
// thread, and the cap bounds the threads a flood of connections can start (beyond it, connections wait in turn).
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace capplan::server {

class ConnectionPool : public httplib::TaskQueue {
 public:
  explicit ConnectionPool(size_t max_threads) : max_threads_(max_threads < 1 ? 1 : max_threads) {}
  ~ConnectionPool() override;
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  /// Threads started so far (for tests): never more than max_threads.
  size_t threads() const;

 private:
  void Work();

  const size_t max_threads_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;  // threads waiting for a job
  bool shutdown_ = false;
};

}  // namespace capplan::server
