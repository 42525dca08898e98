// For the server tests that compare a route with the CLI: `capplan ARGS` run on the CLI the test binary sits beside
// (CAPPLAN_CLI_PATH, build/capplan), its stdout parsed as JSON; null when it cannot run or prints no JSON.
#pragma once

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace capplan::server {

inline nlohmann::json CliJson(const std::string& args) {
  const std::string cmd = std::string(CAPPLAN_CLI_PATH) + " " + args + " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return nullptr;
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe.get())) out.append(buf, n);
  return nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
}

}  // namespace capplan::server
