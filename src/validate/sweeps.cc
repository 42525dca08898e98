// Parsing serving-sweeps.csv: every column of every row into typed fields, once, with std::from_chars; an error
// names the file, the line and the column.
#include <charconv>
#include <cmath>
#include <string>

#include "capplan/csv.h"
#include "capplan/embedded.h"
#include "capplan/validate.h"

namespace capplan {
namespace {

std::string Where(std::string_view src, int line, std::string_view column, std::string_view value) {
  return std::string(src) + ":" + std::to_string(line) + ": " + std::string(column) + "='" + std::string(value) + "'";
}

Status ParseOptionalInt(std::string_view text, std::optional<int>& out, std::string_view src, int line,
                        std::string_view column) {
  if (text.empty()) return Ok{};
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < 0)
    return Error::Parse(Where(src, line, column, text) + " is not a non-negative integer", std::string(column));
  out = v;
  return Ok{};
}

Status ParseOptionalDouble(std::string_view text, std::optional<double>& out, std::string_view src, int line,
                           std::string_view column) {
  if (text.empty()) return Ok{};
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(v) || v < 0)
    return Error::Parse(Where(src, line, column, text) + " is not a non-negative number", std::string(column));
  out = v;
  return Ok{};
}

// "...; silicon_concurrency=256; ..." -> 256; absent -> nullopt.
Status ParseConcurrency(std::string_view source, std::optional<int>& out, std::string_view src, int line) {
  constexpr std::string_view kKey = "silicon_concurrency=";
  const size_t at = source.find(kKey);
  if (at == std::string_view::npos) return Ok{};
  std::string_view rest = source.substr(at + kKey.size());
  rest = rest.substr(0, rest.find(';'));
  CAPPLAN_RETURN_IF_ERROR(ParseOptionalInt(rest, out, src, line, "silicon_data_source.silicon_concurrency"));
  if (out && *out < 1)
    return Error::Parse(Where(src, line, "silicon_data_source.silicon_concurrency", rest) + " must be at least 1",
                        "silicon_data_source");
  return Ok{};
}

}  // namespace

Result<std::vector<SweepRow>> ParseSweepsCsv(std::string_view text, std::string_view source_name) {
  CAPPLAN_ASSIGN_OR_RETURN(CsvTable t, ParseCsv(text, source_name));
  auto col = [&](const char* name) -> Result<int> {
    const int i = t.Column(name);
    if (i < 0) return Error::Parse(std::string(source_name) + ": missing column '" + name + "'", name);
    return i;
  };
  struct StringColumn {
    const char* name;
    std::string SweepRow::*field;
  };
  static constexpr StringColumn kStrings[] = {
      {"id", &SweepRow::id},
      {"silicon_data_source", &SweepRow::source},
      {"backend", &SweepRow::backend},
      {"backend_version", &SweepRow::backend_version},
      {"model_path", &SweepRow::model_path},
      {"system", &SweepRow::system},
      {"precision", &SweepRow::precision},
      {"mode", &SweepRow::mode},
      {"gemm_quant_mode", &SweepRow::gemm_quant_mode},
      {"moe_quant_mode", &SweepRow::moe_quant_mode},
  };
  struct LayoutColumn {
    const char* suffix;
    std::optional<int> SweepLayout::*field;
  };
  static constexpr LayoutColumn kLayout[] = {
      {"batch_size", &SweepLayout::batch_size},
      {"num_workers", &SweepLayout::num_workers},
      {"tp_size", &SweepLayout::tp},
      {"pp_size", &SweepLayout::pp},
      {"attention_dp_size", &SweepLayout::attention_dp},
      {"moe_tp_size", &SweepLayout::moe_tp},
      {"moe_ep_size", &SweepLayout::moe_ep},
  };
  std::vector<int> string_idx;
  for (const auto& c : kStrings) {
    CAPPLAN_ASSIGN_OR_RETURN(int i, col(c.name));
    string_idx.push_back(i);
  }
  CAPPLAN_ASSIGN_OR_RETURN(const int isl_i, col("isl"));
  CAPPLAN_ASSIGN_OR_RETURN(const int osl_i, col("osl"));
  CAPPLAN_ASSIGN_OR_RETURN(const int ttft_i, col("silicon_ttft_ms"));
  CAPPLAN_ASSIGN_OR_RETURN(const int tpot_i, col("silicon_tpot_ms"));
  // The aggregated worker's columns have no prefix and no num_workers column; the pools' have both.
  struct LayoutBinding {
    std::string name;
    int index;
    SweepLayout SweepRow::*layout;
    std::optional<int> SweepLayout::*field;
  };
  std::vector<LayoutBinding> layout_idx;
  for (const auto& [prefix, layout] : {std::pair{"", &SweepRow::agg}, std::pair{"prefill_", &SweepRow::prefill},
                                       std::pair{"decode_", &SweepRow::decode}}) {
    for (const auto& c : kLayout) {
      const std::string name = std::string(prefix) + c.suffix;
      if (std::string_view(prefix).empty() && std::string_view(c.suffix) == "num_workers") continue;
      CAPPLAN_ASSIGN_OR_RETURN(int i, col(name.c_str()));
      layout_idx.push_back({name, i, layout, c.field});
    }
  }

  std::vector<SweepRow> out;
  out.reserve(t.rows.size());
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& f = t.rows[r];
    SweepRow row;
    row.line = t.lines[r];
    for (size_t k = 0; k < string_idx.size(); ++k) row.*(kStrings[k].field) = f[static_cast<size_t>(string_idx[k])];
    std::optional<int> isl, osl;
    CAPPLAN_RETURN_IF_ERROR(ParseOptionalInt(f[static_cast<size_t>(isl_i)], isl, source_name, row.line, "isl"));
    CAPPLAN_RETURN_IF_ERROR(ParseOptionalInt(f[static_cast<size_t>(osl_i)], osl, source_name, row.line, "osl"));
    if (!isl || !osl || *isl < 1 || *osl < 1)
      return Error::Parse(
          std::string(source_name) + ":" + std::to_string(row.line) + ": isl and osl must be positive integers", "isl");
    row.isl = *isl;
    row.osl = *osl;
    for (const LayoutBinding& b : layout_idx)
      CAPPLAN_RETURN_IF_ERROR(ParseOptionalInt(f[static_cast<size_t>(b.index)], (row.*(b.layout)).*(b.field),
                                               source_name, row.line, b.name));
    CAPPLAN_RETURN_IF_ERROR(
        ParseOptionalDouble(f[static_cast<size_t>(ttft_i)], row.ttft_ms, source_name, row.line, "silicon_ttft_ms"));
    CAPPLAN_RETURN_IF_ERROR(
        ParseOptionalDouble(f[static_cast<size_t>(tpot_i)], row.tpot_ms, source_name, row.line, "silicon_tpot_ms"));
    CAPPLAN_RETURN_IF_ERROR(ParseConcurrency(row.source, row.concurrency, source_name, row.line));
    out.push_back(std::move(row));
  }
  return out;
}

const std::vector<SweepRow>& BuiltInSweeps() {
  static const std::vector<SweepRow> kRows = [] {
    auto text = FindEmbedded(embedded::perf(), "validation/serving-sweeps.csv");
    if (!text) return std::vector<SweepRow>{};
    auto rows = ParseSweepsCsv(*text, "data/validation/serving-sweeps.csv");
    return rows.ok() ? *rows : std::vector<SweepRow>{};
  }();
  return kRows;
}

}  // namespace capplan
