#include "front.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "capplan/error.h"

namespace capplan::server {
namespace {

const char* Reason(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

// Nagle's algorithm held each keep-alive answer until the client's delayed ACK, ~40 ms per request (issue 17).
void SetNoDelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// 1,000 slow clients need 1,000 descriptors; the soft limit is often 1,024. Raised to the hard limit, once.
void RaiseDescriptorLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

}  // namespace

Connection::~Connection() {
  if (fd >= 0) close(fd);
}

bool WriteAll(int fd, std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return false;
      pollfd p{fd, POLLOUT, 0};
      if (poll(&p, 1, static_cast<int>(left)) <= 0) return false;
      continue;
    }
    return false;
  }
  return true;
}

std::string ErrorResponseText(int status, std::string_view message) {
  const char* code = status == 400 || status == 411 ? ErrorCodeName(ErrorCode::kInvalidArgument)
                                                    : ErrorCodeName(ErrorCode::kResourceLimit);
  std::string body = nlohmann::json{{"error", {{"code", code}, {"message", message}, {"field", ""}}}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  return fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n"
      "X-Content-Type-Options: nosniff\r\n\r\n{}",
      status, Reason(status), body.size(), body);
}

struct Front::Impl {
  FrontOptions options;
  Dispatch dispatch;
  int listen_fd = -1;
  int epoll_fd = -1;
  int wake_fd = -1;  // eventfd: Stop() and Resume() wake the loop
  std::atomic<bool> stopping{false};
  std::unordered_map<int, std::unique_ptr<Connection>> reading;  // front thread only
  size_t buffered = 0;                                           // bytes in `reading`' buffers
  size_t with_workers = 0;                                       // front thread only
  std::mutex resumed_mu;
  std::deque<std::unique_ptr<Connection>> resumed;

  void Watch(int fd) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.fd = fd;
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
  }

  void Refuse(std::unique_ptr<Connection> c, int status, std::string_view message) {
    // Best effort and brief: the client asked for what it will not get, and a slow reader must not hold the front.
    WriteAll(c->fd, ErrorResponseText(status, message), Clock::now() + std::chrono::milliseconds(50));
    shutdown(c->fd, SHUT_WR);
  }

  // Stops reading the connection and returns it (nullptr if not being read).
  std::unique_ptr<Connection> Take(int fd) {
    auto it = reading.find(fd);
    if (it == reading.end()) return nullptr;
    std::unique_ptr<Connection> c = std::move(it->second);
    reading.erase(it);
    buffered -= c->received.size();
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
    return c;
  }

  // Hands the connection's first request to a worker if it is complete; refuses it if it breaks a limit.
  void Advance(int fd) {
    Connection& c = *reading.at(fd);
    Frame f = FrameRequest(c.received, options.limits);
    if (f.kind == Frame::Kind::kIncomplete) return;
    std::unique_ptr<Connection> owned = Take(fd);
    if (f.kind == Frame::Kind::kRejected) return Refuse(std::move(owned), f.status, f.message);
    owned->frame = f;
    owned->arrived = Clock::now();
    ++with_workers;
    if (auto back = dispatch(std::move(owned))) {
      --with_workers;
      Refuse(std::move(back), 503, "request: the server is busy; try again");
    }
  }

  void Accept() {
    for (;;) {
      int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN, or out of descriptors: the backlog holds the rest
      auto c = std::make_unique<Connection>();
      c->fd = fd;
      SetNoDelay(fd);
      if (reading.size() + with_workers >= options.max_connections) {
        Refuse(std::move(c), 503, "request: too many open connections; try again");
        continue;
      }
      c->deadline = Clock::now() + options.request_timeout;
      Watch(fd);
      reading.emplace(fd, std::move(c));
    }
  }

  void Read(int fd) {
    auto it = reading.find(fd);
    if (it == reading.end()) return;
    Connection& c = *it->second;
    const size_t cap = options.limits.max_header_bytes + options.limits.max_body_bytes + 1;
    char buf[64 * 1024];
    for (;;) {
      bool idle = c.received.empty();
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        Take(fd);  // the client left: closed
        return;
      }
      if (n < 0) break;
      if (idle) c.deadline = Clock::now() + options.request_timeout;  // the request's clock starts at its first byte
      if (buffered + static_cast<size_t>(n) > options.max_buffered_bytes) {
        return Refuse(Take(fd), 503, "request: the server is busy; try again");
      }
      c.received.append(buf, static_cast<size_t>(n));
      buffered += static_cast<size_t>(n);
      if (c.received.size() >= cap || static_cast<size_t>(n) < sizeof buf) break;
    }
    Advance(fd);
  }

  void Expire() {
    Clock::time_point now = Clock::now();
    std::vector<int> late;
    for (auto& [fd, c] : reading)
      if (c->deadline <= now) late.push_back(fd);
    for (int fd : late) {
      std::unique_ptr<Connection> c = Take(fd);
      bool mid_request = !c->received.empty();
      if (mid_request)
        Refuse(std::move(c), 408, fmt::format("request: not received within {} ms", options.request_timeout.count()));
    }
  }

  void TakeResumed() {
    std::deque<std::unique_ptr<Connection>> back;
    {
      std::lock_guard<std::mutex> lock(resumed_mu);
      back.swap(resumed);
    }
    for (auto& c : back) {
      --with_workers;
      if (!c->keep_alive || stopping) continue;  // closed by ~Connection
      c->received.erase(0, c->frame.length);
      c->frame = {};
      c->deadline = Clock::now() + (c->received.empty() ? options.idle_timeout : options.request_timeout);
      int fd = c->fd;
      buffered += c->received.size();
      Watch(fd);
      reading.emplace(fd, std::move(c));
      Advance(fd);  // a pipelined request already here
    }
  }
};

Front::Front(FrontOptions options, Dispatch dispatch) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  impl_->dispatch = std::move(dispatch);
}

Front::~Front() {
  if (impl_->listen_fd >= 0) close(impl_->listen_fd);
  if (impl_->epoll_fd >= 0) close(impl_->epoll_fd);
  if (impl_->wake_fd >= 0) close(impl_->wake_fd);
}

Result<int> Front::Bind(const std::string& host, int port) {
  RaiseDescriptorLimit();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr)
    return Error::InvalidArgument(fmt::format("--host: cannot resolve {}", host), "host");
  std::string why = "no address";
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    // SO_REUSEADDR only (restart over TIME_WAIT). httplib also set SO_REUSEPORT, with which a second `capplan
    // serve` on a port in use started silently and shared its connections (issue 16).
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, impl_->options.backlog) != 0) {
      why = std::strerror(errno);
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0)
    return Error::InvalidArgument(fmt::format("--host/--port: cannot listen on {}:{}: {}", host, port, why), "port");
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int bound = ntohs(addr.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                                               : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  impl_->listen_fd = fd;
  impl_->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  impl_->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  impl_->Watch(fd);
  impl_->Watch(impl_->wake_fd);
  return bound;
}

void Front::Run() {
  Impl& m = *impl_;
  epoll_event events[256];
  while (!m.stopping) {
    int n = epoll_wait(m.epoll_fd, events, 256, 20);  // 20 ms: the granularity of the request deadline
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == m.listen_fd) {
        m.Accept();
      } else if (fd == m.wake_fd) {
        uint64_t v = 0;
        if (read(m.wake_fd, &v, sizeof v) < 0) { /* nothing to drain */
        }
      } else {
        m.Read(fd);
      }
    }
    m.TakeResumed();
    m.Expire();
  }
  m.reading.clear();
}

void Front::Stop() {
  impl_->stopping = true;
  uint64_t one = 1;
  if (impl_->wake_fd >= 0 && write(impl_->wake_fd, &one, sizeof one) < 0) { /* the loop wakes within 20 ms anyway */
  }
}

void Front::Resume(std::unique_ptr<Connection> c) {
  {
    std::lock_guard<std::mutex> lock(impl_->resumed_mu);
    impl_->resumed.push_back(std::move(c));
  }
  uint64_t one = 1;
  if (write(impl_->wake_fd, &one, sizeof one) < 0) { /* woken within 20 ms anyway */
  }
}

}  // namespace capplan::server
