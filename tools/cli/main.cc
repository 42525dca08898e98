// capplan: GPU capacity planner for serving LLMs. This file only registers the subcommands and
// parses; each subcommand lives in its own cmd_*.cc.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "commands.h"

namespace {

int Run(int argc, char** argv) {
  CLI::App app{
      "capplan: how many of which GPUs to serve an LLM (MoE-aware), what it delivers and what it costs.\n"
      "Run `capplan COMMAND --help` for a command's flags and defaults."};
  app.set_version_flag("--version", std::string("capplan ") + CAPPLAN_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  capplan::cli::RegisterPlan(app, exit_code);
  capplan::cli::RegisterModels(app, exit_code);
  capplan::cli::RegisterModel(app, exit_code);
  capplan::cli::RegisterPerf(app, exit_code);
  capplan::cli::RegisterValidate(app, exit_code);
  capplan::cli::RegisterSimulate(app, exit_code);
  capplan::cli::RegisterPrices(app, exit_code);
  capplan::cli::RegisterCost(app, exit_code);
  capplan::cli::RegisterGpus(app, exit_code);
  capplan::cli::RegisterMemory(app, exit_code);
  capplan::cli::RegisterFit(app, exit_code);
#if CAPPLAN_HAS_SERVER
  capplan::cli::RegisterServe(app, exit_code);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  // Output that never reached its file is a failure: `capplan plan --json > /dev/full` exited 0 (issue 17).
  std::cout.flush();
  bool lost = !std::cout;
  errno = 0;
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) lost = true;
  if (lost) {
    std::cerr << "capplan: error: cannot write the output (stdout)" << (errno ? ": " : "")
              << (errno ? std::strerror(errno) : "") << "\n";
    return exit_code != 0 ? exit_code : 1;
  }
  return exit_code;
}

}  // namespace

// A defect that escapes as an exception is reported as one, with a non-zero exit, never std::terminate's abort.
int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "capplan: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "capplan: internal error\n";
  }
  return 70;  // EX_SOFTWARE
}
