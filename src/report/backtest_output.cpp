#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qsweep/backtest.hpp"
#include "qsweep/file_io.hpp"
#include "qsweep/version.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace qsweep {
namespace {

json number_or_null(const std::optional<double>& v) {
  if (v && std::isfinite(*v)) return *v;
  return nullptr;
}

std::string equity_csv(const SessionResult& r) {
  std::string out = "date,equity,cash,market_value\n";
  for (std::size_t i = 0; i < r.dates.size(); ++i)
    out += fmt::format("{},{},{},{}\n", format_date(r.dates[i]), r.equity[i], r.cash[i], r.market_value[i]);
  return out;
}

std::string fills_csv(const SessionResult& r) {
  std::string out = "date,ticker,quantity,price,commission,cash_after\n";
  for (const Fill& f : r.fills)
    out += fmt::format("{},{},{},{},{},{}\n", format_date(f.day), r.tickers[f.asset], f.quantity, f.price,
                       f.commission, f.cash_after);
  return out;
}

std::string positions_csv(const SessionResult& r) {
  std::string out = "date";
  for (const std::string& t : r.tickers) out += "," + t;
  out += '\n';
  const std::size_t n = r.tickers.size();
  for (std::size_t i = 0; i < r.dates.size(); ++i) {
    out += format_date(r.dates[i]);
    for (std::size_t a = 0; a < n; ++a) out += fmt::format(",{}", r.positions[i * n + a]);
    out += '\n';
  }
  return out;
}

json session_summary(const SessionRun& run, const SessionConfig& session) {
  const PerformanceStats& s = run.stats;
  json j;
  j["kind"] = session.strategy.kind();
  j["mode"] = to_string(session.mode);
  j["first_date"] = s.points ? json(format_date(s.first_day)) : json(nullptr);
  j["last_date"] = s.points ? json(format_date(s.last_day)) : json(nullptr);
  j["points"] = s.points;
  j["periods_per_year"] = s.periods_per_year;
  j["initial_equity"] = run.result.equity.empty() ? json(nullptr) : json(run.result.equity.front());
  j["final_equity"] = run.result.equity.empty() ? json(nullptr) : json(run.result.equity.back());
  j["total_return"] = number_or_null(s.total_return);
  j["cagr"] = number_or_null(s.cagr);
  j["sharpe"] = number_or_null(s.sharpe);
  j["sortino"] = number_or_null(s.sortino);
  j["annual_volatility"] = number_or_null(s.annual_volatility);
  j["max_drawdown"] = s.max_drawdown;
  j["max_drawdown_duration"] = s.max_drawdown_duration;
  j["fills"] = run.result.fills.size();
  return j;
}

}  // namespace

std::string summary_json(const BacktestRun& run) {
  json doc;
  doc["qsweep_version"] = kVersion;
  doc["config"] = run.config.name;
  doc["strategy"] = session_summary(run.strategy, run.config.strategy);
  if (run.benchmark) doc["benchmark"] = session_summary(*run.benchmark, *run.config.benchmark);
  return doc.dump(1) + "\n";
}

std::string summary_table(const BacktestRun& run) {
  auto pct = [](const std::optional<double>& v) { return v ? fmt::format("{:.2f}%", *v * 100.0) : std::string("n/a"); };
  auto num = [](const std::optional<double>& v) { return v ? fmt::format("{:.2f}", *v) : std::string("n/a"); };
  const PerformanceStats& s = run.strategy.stats;
  const PerformanceStats* b = run.benchmark ? &run.benchmark->stats : nullptr;
  std::string out = fmt::format("{} ({} mode, {} to {})\n", run.config.name, to_string(run.config.strategy.mode),
                                s.points ? format_date(s.first_day) : "-", s.points ? format_date(s.last_day) : "-");
  out += fmt::format("{:<22}{:>14}{:>14}\n", "", "strategy", b ? "benchmark" : "");
  auto line = [&](const char* name, const std::string& sv, const std::string& bv) {
    out += fmt::format("{:<22}{:>14}{:>14}\n", name, sv, b ? bv : "");
  };
  line("Total return", pct(s.total_return), b ? pct(b->total_return) : "");
  line("CAGR", pct(s.cagr), b ? pct(b->cagr) : "");
  line("Sharpe", num(s.sharpe), b ? num(b->sharpe) : "");
  line("Sortino", num(s.sortino), b ? num(b->sortino) : "");
  line("Annual volatility", pct(s.annual_volatility), b ? pct(b->annual_volatility) : "");
  line("Max drawdown", pct(s.max_drawdown), b ? pct(b->max_drawdown) : "");
  line("Max DD duration (d)", fmt::format("{}", s.max_drawdown_duration), b ? fmt::format("{}", b->max_drawdown_duration) : "");
  line("Fills", fmt::format("{}", run.strategy.result.fills.size()), b ? fmt::format("{}", run.benchmark->result.fills.size()) : "");
  return out;
}

void write_backtest_outputs(const BacktestRun& run, const fs::path& out_dir) {
  write_dir_atomic(out_dir, [&](const fs::path& dir) {
    write_file_atomic(dir / "equity.csv", equity_csv(run.strategy.result));
    write_file_atomic(dir / "fills.csv", fills_csv(run.strategy.result));
    write_file_atomic(dir / "positions.csv", positions_csv(run.strategy.result));
    if (run.benchmark) {
      write_file_atomic(dir / "benchmark_equity.csv", equity_csv(run.benchmark->result));
      write_file_atomic(dir / "benchmark_fills.csv", fills_csv(run.benchmark->result));
    }
    write_file_atomic(dir / "summary.json", summary_json(run));
  });
}

}  // namespace qsweep
