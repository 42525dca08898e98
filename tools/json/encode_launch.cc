#include "encode_launch.h"

namespace capplan::json {

nlohmann::json EncodeLaunchCommands(const std::vector<LaunchCommand>& commands) {
  nlohmann::json j = nlohmann::json::object();
  if (!commands.empty()) j["engine"] = EngineName(commands.front().engine);
  j["commands"] = nlohmann::json::array();
  for (const auto& c : commands) {
    j[std::string(EngineName(c.engine))] = c.command;
    nlohmann::json one = {{"engine", EngineName(c.engine)},
                          {"command", c.command},
                          {"options_file", c.options_file},
                          {"checkpoint", c.checkpoint},
                          {"notes", c.notes}};
    // Disaggregated: every process (prefill and decode workers, the router); absent for an aggregated deployment.
    if (!c.processes.empty()) {
      one["processes"] = nlohmann::json::array();
      for (const LaunchProcess& p : c.processes)
        one["processes"].push_back({{"role", p.role},
                                    {"instances", p.instances},
                                    {"command", p.command},
                                    {"options_file_name", p.options_file_name},
                                    {"options_file", p.options_file}});
    }
    j["commands"].push_back(std::move(one));
  }
  return j;
}

}  // namespace capplan::json
