// capplan serve: the web planner and its JSON API (docs/api.md) on one port.
#if CAPPLAN_HAS_SERVER

#include <fmt/format.h>

#include <iostream>

#include "cli_util.h"
#include "commands.h"
#include "server.h"

namespace capplan::cli {
namespace {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string web_dir;
};

int RunServe(const ServeOptions& opt) {
  server::ServerOptions so;
  so.host = opt.host;
  so.port = opt.port;
  so.web_dir = opt.web_dir;
  if (!server::IsLoopback(opt.host))
    std::cerr << fmt::format(
        "capplan: warning: listening on {}, not loopback: anyone who can reach this address can use the planner "
        "(no authentication, no TLS)\n",
        opt.host);
  server::Server s(so);
  Result<int> port = s.Bind();
  if (!port.ok()) return ReportError(port.error());
  std::cout << fmt::format("capplan: serving the planner on http://{}:{}/ (Ctrl+C to stop)\n", opt.host, *port)
            << std::flush;
  s.Run();
  return 0;
}

}  // namespace

void RegisterServe(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the web planner and its JSON API (docs/api.md)");
  cmd->add_option("--host", opt->host, "Address to listen on; anything but loopback is reachable by others")
      ->capture_default_str();
  cmd->add_option("--port", opt->port, "TCP port (0: any free port)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--web-dir", opt->web_dir,
                  "Serve the UI from this folder (e.g. web/dist) instead of the embedded copy, for development")
      ->check(CLI::ExistingDirectory);
  cmd->callback([opt, &exit_code] { exit_code = RunServe(*opt); });
}

}  // namespace capplan::cli

#endif  // CAPPLAN_HAS_SERVER
