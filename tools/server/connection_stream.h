// cpp-httplib's view of one buffered request (front.h): it reads only that request's bytes, never the socket, so a
// worker cannot block on a slow client; it writes to the socket with a deadline.
#pragma once

#include <httplib.h>

#include "front.h"

namespace capplan::server {

class ConnectionStream : public httplib::Stream {
 public:
  ConnectionStream(const Connection& c, Clock::time_point write_deadline) : c_(c), write_deadline_(write_deadline) {}

  bool is_readable() const override { return read_ < c_.frame.length; }
  bool is_writable() const override { return Clock::now() < write_deadline_; }
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return c_.fd; }

  /// True once a write failed or timed out: the connection cannot carry another answer.
  bool broken() const { return broken_; }

 private:
  const Connection& c_;
  Clock::time_point write_deadline_;
  size_t read_ = 0;
  bool broken_ = false;
};

/// True when the peer has closed its side (a probe for WorkBudget's cancellation; never blocks).
bool PeerClosed(int fd);

}  // namespace capplan::server
