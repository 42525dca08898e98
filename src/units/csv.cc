#include "capplan/csv.h"

namespace capplan {

int CsvTable::Column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

Result<CsvTable> ParseCsv(std::string_view text, std::string_view source_name) {
  const std::string src(source_name);
  std::vector<std::vector<std::string>> records;
  std::vector<int> starts;
  std::vector<std::string> record;
  std::string field;
  bool in_quotes = false, field_started = false;
  int line = 1, record_line = 1;
  auto end_field = [&] {
    record.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  auto end_record = [&] {
    end_field();
    const bool blank = record.size() == 1 && record[0].find_first_not_of(" \t") == std::string::npos;
    if (!blank) {
      records.push_back(std::move(record));
      starts.push_back(record_line);
    }
    record.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (in_quotes) {
      if (ch == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else
          in_quotes = false;
      } else {
        if (ch == '\n') ++line;
        field += ch;
      }
      continue;
    }
    if (ch == '#' && record.empty() && field.empty() && !field_started) {
      // A comment line: skipped whole before tokenizing, so quotes or commas in it mean nothing.
      const size_t nl = text.find('\n', i);
      if (nl == std::string_view::npos) break;
      i = nl;
      ++line;
      record_line = line;
      continue;
    }
    if (ch == '"' && !field_started && field.empty()) {
      in_quotes = true;
      field_started = true;
    } else if (ch == ',')
      end_field();
    else if (ch == '\r')
      continue;
    else if (ch == '\n') {
      end_record();
      ++line;
      record_line = line;
    } else {
      field += ch;
      field_started = true;
    }
  }
  if (in_quotes) return Error::Parse(src + ":" + std::to_string(record_line) + ": unterminated quote");
  if (!field.empty() || !record.empty()) end_record();
  if (records.empty()) return Error::Parse(src + ": empty file, expected a header line");
  CsvTable t;
  t.header = std::move(records[0]);
  t.header_line = starts[0];
  for (size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != t.header.size())
      return Error::Parse(src + ":" + std::to_string(starts[r]) + ": expected " + std::to_string(t.header.size()) +
                          " fields, found " + std::to_string(records[r].size()));
    t.rows.push_back(std::move(records[r]));
    t.lines.push_back(starts[r]);
  }
  return t;
}

}  // namespace capplan
