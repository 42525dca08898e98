#include "layout_words.h"

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>

#include "decode.h"
#include "fields.h"

namespace capplan::json {
namespace {

// Each layout word as the CLI's flag and as the request's JSON path (longest flags first: --ep is a prefix of
// --eplb-redundant).
constexpr std::pair<std::string_view, std::string_view> kWords[] = {{"--dp-attention", "layout.dp_attention"},
                                                                    {"--eplb-redundant", "layout.eplb_redundant"},
                                                                    {"--moe-tp", "layout.moe_tp"},
                                                                    {"--gpus", "gpus"},
                                                                    {"--tp", "layout.tp"},
                                                                    {"--ep", "layout.ep"},
                                                                    {"--pp", "layout.pp"}};

}  // namespace

bool IsAutoLayout(const LayoutRequest& r) {
  return !r.tp && !r.ep && !r.pp && !r.dp_attention && !r.moe_tp && r.eplb_redundant == 0;
}

Result<LayoutRequest> DecodeLayoutWords(const nlohmann::json& body) {
  LayoutRequest r;
  CAPPLAN_ASSIGN_OR_RETURN(r.gpus, IntOr(body, "gpus", 1, 1, kMaxGpus));
  auto layout = body.find("layout");
  if (layout == body.end() || layout->is_null()) return r;
  if (!layout->is_object())
    return Error::InvalidArgument(
        fmt::format("{}: layout must be an object, got {}", kRequestSource, DescribeType(*layout)), "layout");
  CAPPLAN_RETURN_IF_ERROR(
      RejectUnknownFields(*layout, {"tp", "ep", "pp", "dp_attention", "moe_tp", "eplb_redundant"}, "layout"));
  const std::pair<const char*, std::optional<int>*> words[] = {
      {"tp", &r.tp}, {"ep", &r.ep}, {"pp", &r.pp}, {"dp_attention", &r.dp_attention}, {"moe_tp", &r.moe_tp}};
  for (const auto& [key, slot] : words) {
    CAPPLAN_ASSIGN_OR_RETURN(auto v, OptionalInt(*layout, key, 1, kMaxParallelDegree, "layout"));
    if (v) *slot = static_cast<int>(*v);
  }
  CAPPLAN_ASSIGN_OR_RETURN(r.eplb_redundant, IntOr(*layout, "eplb_redundant", 0, 0, kMaxParallelDegree, "layout"));
  return r;
}

Error SpellLayoutError(Error e, LayoutSpelling spelling) {
  for (const auto& [flag, path] : kWords) {
    if (e.field != flag.substr(2)) continue;
    e.field = std::string(spelling == LayoutSpelling::kFlags ? flag : path);
    break;
  }
  if (spelling == LayoutSpelling::kFlags) return e;
  for (const auto& [flag, path] : kWords) {
    for (size_t at = e.message.find(flag); at != std::string::npos; at = e.message.find(flag, at + path.size()))
      e.message.replace(at, flag.size(), path);
  }
  e.message = std::string(kRequestSource) + ": " + e.message;
  return e;
}

Result<Parallelism> ResolveLayoutAs(const ModelSpec& m, const GpuSpec& g, const LayoutRequest& r,
                                    LayoutSpelling spelling) {
  Result<Parallelism> p = ResolveLayout(m, g, r);
  if (!p.ok()) return SpellLayoutError(p.error(), spelling);
  return p;
}

}  // namespace capplan::json
