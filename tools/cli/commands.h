// One Register* per subcommand, each in its own cmd_*.cc. A subcommand binds its flags to its own
// options struct and, when chosen, runs and sets the process exit code through `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

namespace capplan::cli {

void RegisterModel(CLI::App& app, int& exit_code);
void RegisterModels(CLI::App& app, int& exit_code);
void RegisterPerf(CLI::App& app, int& exit_code);
void RegisterValidate(CLI::App& app, int& exit_code);
void RegisterPrices(CLI::App& app, int& exit_code);
void RegisterCost(CLI::App& app, int& exit_code);
void RegisterSimulate(CLI::App& app, int& exit_code);
void RegisterPlan(CLI::App& app, int& exit_code);
void RegisterGpus(CLI::App& app, int& exit_code);
void RegisterMemory(CLI::App& app, int& exit_code);
void RegisterFit(CLI::App& app, int& exit_code);
#if CAPPLAN_HAS_SERVER
void RegisterServe(CLI::App& app, int& exit_code);
#endif

}  // namespace capplan::cli
