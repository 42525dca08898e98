// Who may ask and how, checked before a request is routed. The planner listens on loopback, so the attacker to
// keep out is a web page in the user's own browser: a cross-site form or text/plain POST needs no CORS preflight
// and answered 200 (issue 17), and a DNS-rebinding page reaches 127.0.0.1 under its own host name.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>

#include "capplan/error.h"

namespace capplan::server {

struct RequestRefusal {
  int status;
  Error error;
};

/// Refuses: a Host that is neither an IP literal, "localhost" nor `bound_host` (403, DNS rebinding); an Origin
/// whose host differs from Host, or Sec-Fetch-Site: cross-site (403); a POST whose Content-Type is not
/// application/json (415). No CORS headers are ever sent, so a page elsewhere cannot read an answer either.
std::optional<RequestRefusal> CheckRequestPolicy(const httplib::Request& req, const std::string& bound_host);

/// nosniff, no framing, a same-origin Content-Security-Policy, no referrer.
void AddSecurityHeaders(httplib::Response& res);

}  // namespace capplan::server
