#include "encode_launch.h"

namespace capplan::json {

nlohmann::json EncodeLaunchCommands(const std::vector<LaunchCommand>& commands) {
  nlohmann::json j = nlohmann::json::object();
  if (!commands.empty()) j["engine"] = EngineName(commands.front().engine);
  j["commands"] = nlohmann::json::array();
  for (const auto& c : commands) {
    j[std::string(EngineName(c.engine))] = c.command;
    j["commands"].push_back({{"engine", EngineName(c.engine)},
                             {"command", c.command},
                             {"options_file", c.options_file},
                             {"checkpoint", c.checkpoint},
                             {"notes", c.notes}});
  }
  return j;
}

}  // namespace capplan::json
