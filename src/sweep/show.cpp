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

std::string format_ranking(const fs::path& dir, std::size_t top, const std::string& rank_by_arg) {
  std::error_code ec;
  require_output_folder(dir, "sweep");
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
  const report::ResultsTable table = report::read_results_table(results, grid.size);
  const report::CsvFile& csv = table.csv;
  if (csv.row_count() == 0) throw InputError(fmt::format("{}: no variant's results (header only)", results.string()));
  const std::size_t rank_col = report::column_of(csv, rank_by);
  // Every row needs a finite number in the ranked column, or nothing (undefined).
  std::vector<std::pair<std::optional<double>, std::size_t>> ranked;  // value, row
  for (std::size_t i = 0; i < csv.row_count(); ++i) {
    std::optional<double> key;
    if (!csv.cell(i, rank_col).empty()) key = report::number_at(csv, i, rank_col);
    ranked.emplace_back(key, i);
  }
  const bool higher = higher_is_better(rank_by);
  std::stable_sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
    const auto& x = a.first;
    const auto& y = b.first;
    if (!x || !y) return x.has_value() && !y.has_value();
    return higher ? *x > *y : *x < *y;
  });
  std::vector<std::size_t> rows;  // the rows shown, best first
  for (std::size_t r = 0; r < std::min(top, ranked.size()); ++r) rows.push_back(ranked[r].second);

  // Columns shown: rank, id, the swept parameters, then a few key statistics.
  std::vector<std::string> shown = {"id"};
  for (const std::string& k : swept) shown.push_back(k);
  for (const char* s : {"sharpe", "cagr", "max_drawdown", "sortino", "total_return"})
    if (std::find(shown.begin(), shown.end(), s) == shown.end()) shown.emplace_back(s);
  if (std::find(shown.begin(), shown.end(), rank_by) == shown.end()) shown.push_back(rank_by);
  // Every column shown must be there (a results.csv a sweep wrote has them all).
  std::vector<std::size_t> idx;
  for (const std::string& s : shown) idx.push_back(report::column_of(csv, s));

  auto cell = [&](std::size_t row, std::size_t c) -> std::string {
    const std::string v(csv.cell(row, idx[c]));
    const std::string& name = shown[c];
    if (name == "id" || c <= swept.size()) return v;
    if (v.empty()) return "n/a";  // undefined
    const double x = report::number_at(csv, row, idx[c]);  // anything else but a finite number is damage
    if (std::abs(x) >= 1e9) return fmt::format("{:.4g}", x);  // compact, whatever its kind
    if (name == "cagr" || name == "max_drawdown" || name == "total_return" || name == "annual_volatility")
      return fmt::format("{:.2f}%", x * 100.0);
    if (name == "max_drawdown_duration" || name == "fills") return fmt::format("{:.0f}", x);
    if (name == "final_equity") return fmt::format("{:.2f}", x);
    return fmt::format("{:.3f}", x);
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
