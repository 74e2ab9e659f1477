#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qsweep/error.hpp"
#include "qsweep/file_io.hpp"
#include "qsweep/sweep.hpp"
#include "report/sweep_report.hpp"
#include "sweep/results_table.hpp"
#include "sweep/sweep_internal.hpp"

namespace fs = std::filesystem;

namespace qsweep {
namespace {

// Splits one CSV line, honouring double quotes.
std::vector<std::string> split_csv(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') { out.back() += '"'; ++i; }
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') quoted = true;
    else if (c == ',') out.emplace_back();
    else out.back() += c;
  }
  return out;
}

// The ',' (or the line's end) closing the CSV field that starts at `i`.
std::size_t end_of_field(std::string_view line, std::size_t i) {
  for (bool quoted = false; i < line.size() && (quoted || line[i] != ','); ++i)
    if (line[i] == '"') quoted = !quoted;
  return i;
}

// Field `col` (0-based) of a CSV line, unquoted; empty when the line has fewer fields.
std::string field_at(std::string_view line, std::size_t col) {
  std::size_t start = 0;
  for (std::size_t c = 0; c < col; ++c) {
    const std::size_t end = end_of_field(line, start);
    if (end >= line.size()) return "";
    start = end + 1;
  }
  return split_csv(line.substr(start, end_of_field(line, start) - start)).front();
}

// Fields in a CSV line.
std::size_t field_count(std::string_view line) {
  std::size_t fields = 1;
  for (std::size_t end = end_of_field(line, 0); end < line.size(); end = end_of_field(line, end + 1)) ++fields;
  return fields;
}

// A finite number; nullopt otherwise ("nan" and "inf" included: results.csv never holds them).
std::optional<double> number(const std::string& s) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

std::string format_ranking(const fs::path& dir, std::size_t top, const std::string& rank_by_arg) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw IoError(fmt::format("{}: no such sweep output folder", dir.string()));
  const fs::path results = dir / "results.csv";
  if (!fs::exists(results, ec))
    throw IoError(fmt::format("{}: no results.csv (is the sweep finished? resume it with qsweep sweep --resume)",
                              dir.string()));
  if (!rank_by_arg.empty() && !sweep::is_result_column(rank_by_arg))
    throw UsageError(fmt::format("--rank-by: '{}' is not a statistic (one of: {})", rank_by_arg, sweep::result_column_list()));
  const fs::path manifest = dir / "manifest.json";
  const report::ManifestGrid grid = report::read_sweep_grid(manifest);
  const std::vector<std::string>& swept = grid.keys;
  if (rank_by_arg.empty() && !sweep::is_result_column(grid.rank_by))
    throw InputError(fmt::format("{}: \"rank_by\": '{}' is not a statistic", manifest.string(), grid.rank_by));
  const std::string rank_by = rank_by_arg.empty() ? grid.rank_by : rank_by_arg;
  const std::string text = read_file(results);
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t eol = std::min(text.find('\n', pos), text.size());
    if (eol > pos) lines.emplace_back(text.data() + pos, eol - pos);
    pos = eol + 1;
  }
  if (lines.empty()) throw InputError(fmt::format("{}: empty file", results.string()));
  if (text.back() != '\n')
    throw InputError(fmt::format("{}:{}: the last line is cut short (no line end)", results.string(), lines.size()));
  const std::vector<std::string> header = split_csv(lines.front());
  const auto col = std::find(header.begin(), header.end(), rank_by);
  if (col == header.end()) throw InputError(fmt::format("{}: no column '{}'", results.string(), rank_by));
  const std::size_t rank_col = static_cast<std::size_t>(col - header.begin());
  const auto id_col_at = std::find(header.begin(), header.end(), "id");
  if (id_col_at == header.end()) throw InputError(fmt::format("{}: no column 'id'", results.string()));
  const std::size_t id_col = static_cast<std::size_t>(id_col_at - header.begin());
  std::vector<bool> seen(static_cast<std::size_t>(grid.size));  // at most kMaxSweepVariants
  // Ranked by the one column; only the rows shown are split in full. Every row must have the
  // header's fields and a number (or nothing: undefined) in that column.
  std::vector<std::pair<std::optional<double>, std::string_view>> ranked;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (field_count(lines[i]) != header.size())
      throw InputError(fmt::format("{}:{}: expected {} fields, found {}", results.string(), i + 1, header.size(),
                                   field_count(lines[i])));
    const std::string id_text = field_at(lines[i], id_col);
    std::uint64_t id = 0;
    const auto [id_end, id_ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (id_text.empty() || id_ec != std::errc{} || id_end != id_text.data() + id_text.size() || id >= seen.size())
      throw InputError(fmt::format("{}:{}: column 'id': '{}' is not a variant id of the grid in manifest.json (0 to {})",
                                   results.string(), i + 1, id_text, grid.size - 1));
    if (seen[id]) throw InputError(fmt::format("{}:{}: variant id {} appears twice", results.string(), i + 1, id));
    seen[id] = true;
    const std::string value = field_at(lines[i], rank_col);
    const std::optional<double> key = number(value);
    if (!key && !value.empty())
      throw InputError(fmt::format("{}:{}: column '{}': '{}' is not a finite number", results.string(), i + 1, rank_by, value));
    ranked.emplace_back(key, lines[i]);
  }
  const bool higher = higher_is_better(rank_by);
  std::stable_sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
    const auto& x = a.first;
    const auto& y = b.first;
    if (!x || !y) return x.has_value() && !y.has_value();
    return higher ? *x > *y : *x < *y;
  });
  std::vector<std::vector<std::string>> rows;
  for (std::size_t r = 0; r < std::min(top, ranked.size()); ++r) rows.push_back(split_csv(ranked[r].second));

  // Columns shown: rank, id, the swept parameters, then a few key statistics.
  std::vector<std::string> shown = {"id"};
  for (const std::string& k : swept) shown.push_back(k);
  for (const char* s : {"sharpe", "cagr", "max_drawdown", "sortino", "total_return"})
    if (std::find(shown.begin(), shown.end(), s) == shown.end()) shown.emplace_back(s);
  if (std::find(shown.begin(), shown.end(), rank_by) == shown.end()) shown.push_back(rank_by);
  std::vector<std::size_t> idx;
  for (const std::string& s : shown) idx.push_back(static_cast<std::size_t>(std::find(header.begin(), header.end(), s) - header.begin()));

  auto cell = [&](const std::vector<std::string>& row, std::size_t c) -> std::string {
    if (idx[c] >= row.size()) return "";
    const std::string& v = row[idx[c]];
    const std::string& name = shown[c];
    if (name == "id" || c <= swept.size()) return v;
    const auto x = number(v);
    if (!x) return "n/a";
    if (name == "cagr" || name == "max_drawdown" || name == "total_return" || name == "annual_volatility")
      return fmt::format("{:.2f}%", *x * 100.0);
    if (name == "max_drawdown_duration" || name == "fills") return fmt::format("{:.0f}", *x);
    if (name == "final_equity") return fmt::format("{:.2f}", *x);
    return fmt::format("{:.3f}", *x);
  };
  std::vector<std::size_t> width(shown.size());
  const std::size_t n = rows.size();
  for (std::size_t c = 0; c < shown.size(); ++c) {
    width[c] = shown[c].size();
    for (std::size_t r = 0; r < n; ++r) width[c] = std::max(width[c], cell(rows[r], c).size());
  }
  std::string out = fmt::format("top {} of {} variants by {} ({} is better)\n", n, ranked.size(), rank_by,
                                higher ? "higher" : "lower");
  out += fmt::format("{:>4}", "rank");
  for (std::size_t c = 0; c < shown.size(); ++c) out += fmt::format("  {:>{}}", shown[c], width[c]);
  out += '\n';
  for (std::size_t r = 0; r < n; ++r) {
    out += fmt::format("{:>4}", r + 1);
    for (std::size_t c = 0; c < shown.size(); ++c) out += fmt::format("  {:>{}}", cell(rows[r], c), width[c]);
    out += '\n';
  }
  return out;
}

std::string format_overfitting(const fs::path& sweep_dir, std::vector<std::string>& warnings) {
  const fs::path path = sweep_dir / "sweep_summary.json";
  return sweep::format_overfitting(nlohmann::json::parse(read_file(path), nullptr, false), path, warnings);
}

std::string sweep::format_overfitting(const nlohmann::json& summary, const fs::path& path,
                                      std::vector<std::string>& warnings) {
  if (summary.is_discarded() || !summary.is_object() || !summary.contains("overfitting"))
    throw InputError(fmt::format("{}: no overfitting section (is the sweep finished?)", path.string()));
  const auto& o = summary.at("overfitting");
  auto value = [](const nlohmann::json& stat, const std::string& shown) {
    if (stat.is_object() && stat.contains("value") && stat.at("value").is_number()) return shown;
    const std::string reason = stat.is_object() ? stat.value("undefined_because", std::string("undefined")) : "undefined";
    return fmt::format("n/a ({})", reason);
  };
  const auto& dsr = o.value("deflated_sharpe", nlohmann::json::object());
  const auto& pbo = o.value("pbo", nlohmann::json::object());
  const std::string dsr_text =
      value(dsr, dsr.contains("value") && dsr["value"].is_number() ? fmt::format("{:.3f}", dsr["value"].get<double>()) : "");
  const std::string pbo_text =
      value(pbo, pbo.contains("value") && pbo["value"].is_number()
                     ? fmt::format("{:.1f}% (S = {}, {} splits)", pbo["value"].get<double>() * 100.0,
                                   pbo.value("partitions", 0), pbo.value("combinations", 0))
                     : "");
  for (const auto& w : o.value("warnings", nlohmann::json::array()))
    if (w.is_string()) warnings.push_back(w.get<std::string>());
  return fmt::format("overfitting: {} trials; deflated Sharpe ratio of the best variant {}; PBO {}\n",
                     o.value("trials", 0), dsr_text, pbo_text);
}

}  // namespace qsweep
