#include "server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <httplib.h>

#include "assets.h"
#include "connection_pool.h"
#include "encode.h"
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

}  // namespace

bool IsLoopback(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  // An IPv4 literal in 127.0.0.0/8; a host *name* such as "127.example.com" may resolve anywhere.
  in_addr addr{};
  return inet_pton(AF_INET, host.c_str(), &addr) == 1 && (ntohl(addr.s_addr) >> 24) == 127;
}

struct Server::Impl {
  ServerOptions options;
  httplib::Server http;
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  httplib::Server& http = impl_->http;
  const ServerOptions& opt = impl_->options;
  int threads = opt.threads;
  http.new_task_queue = [threads] { return new ConnectionPool(static_cast<size_t>(threads)); };
  http.set_payload_max_length(opt.max_body_bytes);
  http.set_read_timeout(opt.read_timeout);
  http.set_write_timeout(opt.write_timeout);

  http.Get("/api/health", [](const httplib::Request&, httplib::Response& res) { Send(res, HandleHealth()); });
  http.Get("/api/models", [](const httplib::Request&, httplib::Response& res) { Send(res, HandleModels()); });
  http.Get("/api/gpus", [](const httplib::Request&, httplib::Response& res) { Send(res, HandleGpus()); });
  http.Post("/api/model",
            [](const httplib::Request& req, httplib::Response& res) { Send(res, HandleModel(req.body)); });
  http.Post("/api/memory",
            [](const httplib::Request& req, httplib::Response& res) { Send(res, HandleMemory(req.body)); });
  http.Post("/api/perf", [](const httplib::Request& req, httplib::Response& res) { Send(res, HandlePerf(req.body)); });
  http.Post("/api/simulate",
            [](const httplib::Request& req, httplib::Response& res) { Send(res, HandleSimulate(req.body)); });
  http.Post("/api/plan", [](const httplib::Request& req, httplib::Response& res) { Send(res, HandlePlan(req.body)); });
  http.Post("/api/cost", [](const httplib::Request& req, httplib::Response& res) { Send(res, HandleCost(req.body)); });

  std::string web_dir = opt.web_dir;
  http.Get(R"(/(?!api/).*)", [web_dir](const httplib::Request& req, httplib::Response& res) {
    std::optional<Asset> asset = FindAsset(req.path, web_dir);
    if (!asset) {
      res.status = 404;
      return;
    }
    res.set_content(std::move(asset->bytes), asset->content_type.c_str());
    // index.html changes with every build; hashed asset names are not used, so nothing is cached long.
    res.set_header("Cache-Control", "no-cache");
  });

  size_t max_body = opt.max_body_bytes;
  http.set_error_handler([max_body](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;  // a route already wrote its JSON error
    int status = res.status;
    Send(res, {status, json::EncodeError(HttpError(status, req, max_body))});
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
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

Server::~Server() { Stop(); }

Result<int> Server::Bind() {
  const ServerOptions& opt = impl_->options;
  int port = opt.port == 0 ? impl_->http.bind_to_any_port(opt.host)
                           : (impl_->http.bind_to_port(opt.host, opt.port) ? opt.port : -1);
  if (port < 0)
    return Error::InvalidArgument(fmt::format("--host/--port: cannot listen on {}:{}", opt.host, opt.port), "port");
  return port;
}

void Server::Run() { impl_->http.listen_after_bind(); }

void Server::Stop() {
  if (impl_->http.is_running()) impl_->http.stop();
}

}  // namespace capplan::server
