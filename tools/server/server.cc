#include "server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <thread>

#include "assets.h"
#include "capplan/work_budget.h"
#include "connection_pool.h"
#include "connection_stream.h"
#include "encode.h"
#include "front.h"
#include "http_policy.h"
#include "routes.h"

namespace capplan::server {
namespace {

constexpr const char* kJson = "application/json";

void Send(httplib::Response& res, const ApiResponse& r) {
  res.status = r.status;
  res.set_content(ResponseText(r), kJson);
}

// An HTTP-level failure (unknown route, oversized body, wrong method) as the API's error object.
Error HttpError(int status, const httplib::Request& req, size_t max_body_bytes) {
  switch (status) {
    case 413:
      return Error::ResourceLimit(fmt::format("request: body larger than the limit of {} bytes", max_body_bytes), "");
    case 404:
      return Error::NotFound(fmt::format("request: no route {} {}", req.method, req.path), "");
    case 405:
      return Error::InvalidArgument(fmt::format("request: method {} not allowed on {}", req.method, req.path));
    default:
      return Error::InvalidArgument(fmt::format("request: HTTP {} on {} {}", status, req.method, req.path));
  }
}

// A request stopped by its wall-clock cap may be fine on an idle server: 503 (try again), not 413 (too big).
ApiResponse WithDeadlineStatus(ApiResponse r, const WorkBudget& budget) {
  if (r.status == 413 && budget.past_deadline()) r.status = 503;
  return r;
}

// The connection a worker thread is answering: the heavy routes probe it to stop when the client leaves.
thread_local const Connection* current_connection = nullptr;

// httplib's parser and router, fed one buffered request at a time (process_request is protected).
class Router : public httplib::Server {
 public:
  // httplib advertises "Keep-Alive: timeout=T, max=N" (its default N is 5, and the front counts its own); the last
  // request of a connection is answered with Connection: close.
  static constexpr int kMaxRequestsPerConnection = 1000;
  Router() { set_keep_alive_max_count(kMaxRequestsPerConnection); }

  // Answers the request at the start of c.received; false when the connection must close.
  bool Answer(const Connection& c, Clock::time_point write_deadline) {
    ConnectionStream stream(c, write_deadline);
    bool client_closes = false;
    // Range requests are not served: one 8 KB request with 2,700 ranges of an asset returned 522 MB (issue 17), and
    // the UI never asks for part of a file. A server may ignore Range (RFC 9110 14.2): the whole file, 200.
    auto ignore_ranges = [](httplib::Request& req) {
      req.ranges.clear();
      req.headers.erase("Range");
    };
    const bool last = c.answered + 1 >= kMaxRequestsPerConnection;
    bool ok = process_request(stream, last, client_closes, ignore_ranges);
    if (last) return false;
    return ok && !client_closes && !stream.broken();
  }
};

}  // namespace

bool IsLoopback(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  // An IPv4 literal in 127.0.0.0/8; a host *name* such as "127.example.com" may resolve anywhere.
  in_addr addr{};
  return inet_pton(AF_INET, host.c_str(), &addr) == 1 && (ntohl(addr.s_addr) >> 24) == 127;
}

struct Server::Impl {
  ServerOptions options;
  Router http;
  int port = 0;
  std::atomic<int> heavy_pending{0};
  // Destroyed in reverse: the pools (their workers call front->Resume) are joined before the front goes.
  std::unique_ptr<Front> front;
  std::unique_ptr<ConnectionPool> light;
  std::unique_ptr<ConnectionPool> heavy;

  std::unique_ptr<Connection> Dispatch(std::unique_ptr<Connection> c) {
    bool is_heavy = c->frame.heavy;
    if (is_heavy && heavy_pending.fetch_add(1) >= options.heavy_queue) {
      --heavy_pending;
      return c;  // refused: 503
    }
    // std::function needs a copyable callable: the raw pointer is owned again by the worker at once.
    Connection* raw = c.release();
    (is_heavy ? heavy : light)->enqueue([this, raw, is_heavy] {
      std::unique_ptr<Connection> owned(raw);
      current_connection = owned.get();
      owned->keep_alive = http.Answer(*owned, Clock::now() + options.write_timeout);
      ++owned->answered;
      current_connection = nullptr;
      if (is_heavy) --heavy_pending;
      front->Resume(std::move(owned));
    });
    return nullptr;
  }

  // The budget for one simulate/plan: its cost cap, its deadline counted from arrival (queueing included), and
  // the client's connection as the cancellation probe.
  WorkBudget BudgetForCurrentRequest() const {
    const Connection* c = current_connection;
    Clock::time_point arrived = c ? c->arrived : Clock::now();
    int fd = c ? c->fd : -1;
    std::function<bool()> gone;
    if (fd >= 0) gone = [fd] { return PeerClosed(fd); };
    return WorkBudget(options.max_work_cost, arrived, options.heavy_timeout, std::move(gone));
  }
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  Impl& m = *impl_;
  httplib::Server& http = m.http;
  const ServerOptions& opt = m.options;
  http.set_payload_max_length(opt.max_body_bytes);
  // What the Keep-Alive header advertises: the front's idle limit (whole seconds, at least 1).
  m.http.set_keep_alive_timeout(
      std::max<time_t>(1, std::chrono::duration_cast<std::chrono::seconds>(opt.read_timeout).count()));

  // One per core, 2 to 4: the pool, not the machine's size, bounds the memory simulate/plan can hold at once.
  int heavy_threads = opt.heavy_threads > 0 ? opt.heavy_threads
                                            : std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 2, 4);
  m.light = std::make_unique<ConnectionPool>(static_cast<size_t>(std::max(1, opt.threads)));
  m.heavy = std::make_unique<ConnectionPool>(static_cast<size_t>(heavy_threads));
  FrontOptions fo;
  fo.limits = {.max_header_bytes = opt.max_header_bytes,
               .max_header_lines = opt.max_header_lines,
               .max_body_bytes = opt.max_body_bytes};
  fo.request_timeout = opt.read_timeout;
  fo.idle_timeout = opt.read_timeout;
  fo.max_connections = opt.max_connections;
  m.front = std::make_unique<Front>(fo, [&m](std::unique_ptr<Connection> c) { return m.Dispatch(std::move(c)); });

  http.set_pre_routing_handler([&m](const httplib::Request& req, httplib::Response& res) {
    std::optional<RequestRefusal> refusal = CheckRequestPolicy(req, m.options.host);
    if (!refusal) return httplib::Server::HandlerResponse::Unhandled;
    Send(res, {refusal->status, json::EncodeError(refusal->error)});
    return httplib::Server::HandlerResponse::Handled;
  });
  http.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) { AddSecurityHeaders(res); });

  http.Get("/api/health", [](const httplib::Request&, httplib::Response& res) { Send(res, HandleHealth()); });
  http.Get("/api/models", [](const httplib::Request&, httplib::Response& res) { Send(res, HandleModels()); });
  http.Get("/api/gpus", [](const httplib::Request&, httplib::Response& res) { Send(res, HandleGpus()); });
  http.Post("/api/model",
            [](const httplib::Request& req, httplib::Response& res) { Send(res, HandleModel(req.body)); });
  http.Post("/api/memory",
            [](const httplib::Request& req, httplib::Response& res) { Send(res, HandleMemory(req.body)); });
  http.Post("/api/perf", [](const httplib::Request& req, httplib::Response& res) { Send(res, HandlePerf(req.body)); });
  http.Post("/api/simulate", [&m](const httplib::Request& req, httplib::Response& res) {
    WorkBudget budget = m.BudgetForCurrentRequest();
    Send(res, WithDeadlineStatus(HandleSimulate(req.body, &budget), budget));
  });
  http.Post("/api/plan", [&m](const httplib::Request& req, httplib::Response& res) {
    WorkBudget budget = m.BudgetForCurrentRequest();
    Send(res, WithDeadlineStatus(HandlePlan(req.body, &budget), budget));
  });
  http.Post("/api/cost", [](const httplib::Request& req, httplib::Response& res) { Send(res, HandleCost(req.body)); });
  http.Post("/api/fit", [](const httplib::Request& req, httplib::Response& res) { Send(res, HandleFit(req.body)); });
  http.Get("/api/providers", [](const httplib::Request&, httplib::Response& res) { Send(res, HandleProviders()); });

  std::string web_dir = opt.web_dir;
  http.Get(R"(/(?!api/).*)", [web_dir](const httplib::Request& req, httplib::Response& res) {
    std::optional<Asset> asset = FindAsset(req.path, web_dir);
    if (!asset) {
      res.status = 404;
      return;
    }
    res.set_content(asset->bytes, asset->content_type.c_str());
    // index.html changes with every build; hashed asset names are not used, so nothing is cached long.
    res.set_header("Cache-Control", "no-cache");
  });

  size_t max_body = opt.max_body_bytes;
  http.set_error_handler([max_body](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;  // a route already wrote its JSON error
    int status = res.status;
    Send(res, {status, json::EncodeError(HttpError(status, req, max_body))});
    AddSecurityHeaders(res);
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, const std::exception_ptr& ep) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    res.status = 500;
    res.set_content(nlohmann::json{{"error", {{"code", "internal"}, {"message", what}, {"field", ""}}}}.dump(), kJson);
  });
}

Server::~Server() {
  Stop();
  impl_->light.reset();
  impl_->heavy.reset();
}

Result<int> Server::Bind() {
  Result<int> port = impl_->front->Bind(impl_->options.host, impl_->options.port);
  if (port.ok()) impl_->port = *port;
  return port;
}

void Server::Run() { impl_->front->Run(); }

void Server::Stop() { impl_->front->Stop(); }

}  // namespace capplan::server
