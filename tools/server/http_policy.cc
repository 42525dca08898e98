#include "http_policy.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace capplan::server {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// "[::1]:8080" -> "::1", "localhost:8080" -> "localhost", "127.0.0.1" -> "127.0.0.1".
std::string HostName(const std::string& host_header) {
  if (host_header.starts_with('[')) {
    size_t close = host_header.find(']');
    return close == std::string::npos ? host_header : host_header.substr(1, close - 1);
  }
  return Lower(host_header.substr(0, host_header.find(':')));
}

bool IsIpLiteral(const std::string& host) {
  in_addr v4{};
  in6_addr v6{};
  return inet_pton(AF_INET, host.c_str(), &v4) == 1 || inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

RequestRefusal Forbidden(std::string message) { return {403, Error::InvalidArgument(std::move(message), "")}; }

}  // namespace

std::optional<RequestRefusal> CheckRequestPolicy(const httplib::Request& req, const std::string& bound_host) {
  const std::string host = req.get_header_value("Host");
  if (!host.empty()) {
    std::string name = HostName(host);
    // A rebinding page's requests carry its own host name; this server answers only to addresses and localhost.
    if (!IsIpLiteral(name) && name != "localhost" && name != Lower(bound_host))
      return Forbidden(
          fmt::format("request: Host \"{}\" is not this server's address; open http://127.0.0.1 or "
                      "http://localhost (or the --host given)",
                      name));
  }
  const std::string origin = req.get_header_value("Origin");
  if (!origin.empty() && origin != "http://" + host)
    return Forbidden(fmt::format("request: cross-origin request from {} refused", origin));
  if (Lower(req.get_header_value("Sec-Fetch-Site")) == "cross-site")
    return Forbidden("request: cross-site request refused");
  if (req.method == "POST") {
    std::string type = Lower(req.get_header_value("Content-Type"));
    type = type.substr(0, type.find(';'));
    type.erase(std::remove(type.begin(), type.end(), ' '), type.end());
    if (type != "application/json")
      return RequestRefusal{
          415, Error::InvalidArgument(fmt::format("request: Content-Type must be application/json, got \"{}\"",
                                                  req.get_header_value("Content-Type")),
                                      "")};
  }
  return std::nullopt;
}

void AddSecurityHeaders(httplib::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  // The UI is one script and one stylesheet from this origin; inline styles are set by the charts.
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                 "frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
}

}  // namespace capplan::server
