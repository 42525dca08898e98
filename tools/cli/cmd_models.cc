// capplan models: the presets with their total and active parameters.
#include <fmt/format.h>

#include "capplan/model.h"
#include "cli_util.h"
#include "commands.h"
#include "encode.h"

namespace capplan::cli {

namespace {

struct ModelsOptions {
  bool json = false;
};

int RunModels(const ModelsOptions& opt) {
  std::string table = fmt::format("{:<24} {:>10} {:>10} {:>12}  {:<44} {:<34} {}\n", "name", "total", "active",
                                  "active-emb", "hugging face id", "official", "aliases");
  for (const auto& p : ListPresets()) {
    auto m = LoadPreset(p.name);
    if (!m.ok()) return ReportError(m.error());
    const int64_t total = TotalParams(*m), active = ActiveParams(*m), active_ne = ActiveParams(*m, false);
    std::string aliases;
    for (const auto& a : p.aliases) aliases += (aliases.empty() ? "" : ", ") + a;
    table += fmt::format("{:<24} {:>10} {:>10} {:>12}  {:<44} {:<34} {}\n", p.name, FormatCount(total),
                         FormatCount(active), FormatCount(active_ne), p.hf_id, p.official, aliases);
  }
  if (opt.json) {
    auto out = json::EncodeModels();  // GET /api/models's encoder
    if (!out.ok()) return ReportError(out.error());
    PrintJson(*out);
  } else {
    fmt::print("{}", table);
    fmt::print("\nactive: parameters one text token uses, input embedding included; active-emb: without it.\n");
  }
  return 0;
}

}  // namespace

void RegisterModels(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<ModelsOptions>();
  auto* cmd = app.add_subcommand("models", "List the model presets with their total and active parameters");
  cmd->add_flag("--json", opt->json, "Print JSON instead of a table");
  cmd->callback([opt, &exit_code] { exit_code = RunModels(*opt); });
}

}  // namespace capplan::cli
