#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qsweep/backtest.hpp"
#include "qsweep/file_io.hpp"
#include "qsweep/report.hpp"
#include "qsweep/version.hpp"

namespace fs = std::filesystem;
// Ordered: the documents keep their keys in the order written (QSTrader's for statistics.json).
using json = nlohmann::ordered_json;

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

// Target weights at each rebalance, as the strategy returned them: date, then one column per ticker.
std::string weights_csv(const SessionResult& r) {
  std::string out = "date";
  for (const std::string& t : r.tickers) out += "," + t;
  out += '\n';
  for (const RebalanceRecord& rb : r.rebalances) {
    out += format_date(rb.day);
    for (const double w : rb.weights) out += fmt::format(",{}", w);
    out += '\n';
  }
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

json quantiles_json(const std::optional<Quantiles>& q) {
  if (!q) return nullptr;
  json j;
  j["min"] = q->min;
  j["lq"] = q->lq;
  j["med"] = q->med;
  j["uq"] = q->uq;
  j["max"] = q->max;
  return j;
}

json rolling_sharpe_json(const PerformanceStats& s) {
  const auto series = rolling_sharpe(s.returns, kRollingSharpeWindow, s.periods_per_year);
  std::optional<double> last;
  std::optional<double> lo;
  std::optional<double> hi;
  for (const auto& v : series) {
    if (!v) continue;
    last = v;
    lo = std::min(lo.value_or(*v), *v);
    hi = std::max(hi.value_or(*v), *v);
  }
  json j;
  j["window"] = kRollingSharpeWindow;
  j["last"] = number_or_null(last);
  j["min"] = number_or_null(lo);
  j["max"] = number_or_null(hi);
  return j;
}

json trades_json(const TradeStats& t) {
  json j;
  j["count"] = t.trades;
  j["winning"] = t.winning;
  j["losing"] = t.losing;
  j["win_rate"] = number_or_null(t.win_rate);
  j["average_win"] = number_or_null(t.average_win);
  j["average_loss"] = number_or_null(t.average_loss);
  j["largest_win"] = number_or_null(t.largest_win);
  j["largest_loss"] = number_or_null(t.largest_loss);
  j["profit_factor"] = number_or_null(t.profit_factor);
  j["average_holding_days"] = number_or_null(t.average_holding_days);
  j["total_pnl"] = number_or_null(t.total_pnl);
  return j;
}

json relative_json(const RelativeStats& r) {
  json j;
  j["common_points"] = r.common_points;
  j["beta"] = number_or_null(r.beta);
  j["alpha"] = number_or_null(r.alpha);
  j["correlation"] = number_or_null(r.correlation);
  j["tracking_error"] = number_or_null(r.tracking_error);
  j["information_ratio"] = number_or_null(r.information_ratio);
  return j;
}

// One session's entry of summary.json: every statistic, null where undefined.
json session_summary(const SessionRun& run, const SessionConfig& session) {
  const PerformanceStats& s = run.stats;
  const PortfolioStats& p = run.portfolio;
  json j;
  j["kind"] = session.strategy.kind();
  j["mode"] = to_string(session.mode);
  j["first_date"] = s.points ? json(format_date(s.first_day)) : json(nullptr);
  j["last_date"] = s.points ? json(format_date(s.last_day)) : json(nullptr);
  j["points"] = s.points;
  j["periods_per_year"] = s.periods_per_year;
  j["years"] = number_or_null(s.years);
  j["initial_equity"] = run.result.equity.empty() ? json(nullptr) : number_or_null(run.result.equity.front());
  j["final_equity"] = run.result.equity.empty() ? json(nullptr) : number_or_null(run.result.equity.back());
  j["total_return"] = number_or_null(s.total_return);
  j["cagr"] = number_or_null(s.cagr);
  j["sharpe"] = number_or_null(s.sharpe);
  j["sortino"] = number_or_null(s.sortino);
  j["calmar"] = number_or_null(s.calmar);
  j["annual_volatility"] = number_or_null(s.annual_volatility);
  j["annual_volatility_ddof0"] = number_or_null(s.annual_volatility_ddof0);
  j["mean_return"] = number_or_null(s.mean_return);
  j["stdev_return"] = number_or_null(s.stdev_return);
  j["max_drawdown"] = s.max_drawdown;
  j["max_drawdown_duration"] = s.max_drawdown_duration;
  j["best_day"] = number_or_null(s.best_day);
  j["worst_day"] = number_or_null(s.worst_day);
  j["best_month"] = number_or_null(s.best_month);
  j["worst_month"] = number_or_null(s.worst_month);
  j["best_year"] = number_or_null(s.best_year);
  j["worst_year"] = number_or_null(s.worst_year);
  j["rolling_sharpe"] = rolling_sharpe_json(s);
  j["returns_quantiles"] = {{"daily", quantiles_json(s.daily_quantiles)},
                            {"monthly", quantiles_json(s.monthly_quantiles)},
                            {"yearly", quantiles_json(s.yearly_quantiles)}};
  json monthly = json::array();
  for (const PeriodReturn& m : s.monthly_returns)
    monthly.push_back({{"year", m.year}, {"month", m.month}, {"return", number_or_null(m.value)}});
  j["monthly_returns"] = std::move(monthly);
  json yearly = json::array();
  for (const PeriodReturn& y : s.yearly_returns)
    yearly.push_back({{"year", y.year}, {"return", number_or_null(y.value)}});
  j["yearly_returns"] = std::move(yearly);
  j["traded_value"] = number_or_null(p.traded_value);
  j["turnover"] = number_or_null(p.turnover);
  j["time_invested"] = number_or_null(p.time_invested);
  j["average_gross_leverage"] = number_or_null(p.average_gross_leverage);
  j["average_net_leverage"] = number_or_null(p.average_net_leverage);
  j["trades"] = trades_json(p.trades);
  j["fills"] = run.result.fills.size();
  return j;
}

// Milliseconds since the epoch at the day's UTC midnight (QSTrader run with TZ=UTC).
std::int64_t epoch_ms(Day day) { return static_cast<std::int64_t>(day) * 86'400'000; }

json dated_series(std::span<const Day> dates, std::span<const double> values) {
  json out = json::array();
  for (std::size_t i = 0; i < values.size(); ++i) out.push_back({epoch_ms(dates[i]), number_or_null(values[i])});
  return out;
}

json percent(const std::optional<double>& v) { return v ? number_or_null(*v * 100.0) : json(nullptr); }

// One curve of QSTrader's JSONStatistics (json_statistics.py: _calculate_statistics), in its
// key order. Differences: undefined values are null where QSTrader writes NaN.
json qstrader_curve_statistics(const SessionRun& run) {
  const PerformanceStats& s = run.stats;
  const std::span<const Day> dates = run.result.dates;
  json j;
  j["equity_curve"] = dated_series(dates, run.result.equity);
  j["returns"] = dated_series(dates, s.returns);
  j["cum_returns"] = dated_series(dates, s.cum_returns);

  json monthly = json::array();
  for (const PeriodReturn& m : s.monthly_returns) monthly.push_back({{m.year, m.month}, number_or_null(m.value)});
  j["monthly_agg_returns"] = std::move(monthly);
  // Highcharts heatmap cells [month0, year index, 100 r], by month then year; missing skipped.
  std::vector<int> years;
  for (const PeriodReturn& y : s.yearly_returns) years.push_back(y.year);
  json monthly_hc = json::array();
  for (int month = 1; month <= 12; ++month) {
    for (std::size_t yi = 0; yi < years.size(); ++yi) {
      for (const PeriodReturn& m : s.monthly_returns) {
        if (m.year == years[yi] && m.month == month) monthly_hc.push_back({month - 1, yi, percent(m.value)});
      }
    }
  }
  j["monthly_agg_returns_hc"] = std::move(monthly_hc);
  json yearly = json::array();
  json yearly_hc = json::array();
  for (const PeriodReturn& y : s.yearly_returns) {
    yearly.push_back({y.year, number_or_null(y.value)});
    yearly_hc.push_back(percent(y.value));
  }
  j["yearly_agg_returns"] = std::move(yearly);
  j["yearly_agg_returns_hc"] = std::move(yearly_hc);

  const std::optional<Quantiles>* sets[] = {&s.daily_quantiles, &s.monthly_quantiles, &s.yearly_quantiles};
  j["returns_quantiles"] = {{"daily", quantiles_json(s.daily_quantiles)},
                            {"monthly", quantiles_json(s.monthly_quantiles)},
                            {"yearly", quantiles_json(s.yearly_quantiles)}};
  json quantiles_hc = json::array();
  for (const auto* q : sets) {
    if (!*q) {
      quantiles_hc.push_back(nullptr);
      continue;
    }
    quantiles_hc.push_back({percent((*q)->min), percent((*q)->lq), percent((*q)->med), percent((*q)->uq),
                            percent((*q)->max)});
  }
  j["returns_quantiles_hc"] = std::move(quantiles_hc);

  j["drawdowns"] = dated_series(dates, s.drawdown);
  j["max_drawdown"] = s.max_drawdown;
  j["max_drawdown_duration"] = s.max_drawdown_duration;
  j["mean_returns"] = number_or_null(s.mean_return);
  j["stdev_returns"] = number_or_null(s.stdev_return);
  j["cagr"] = number_or_null(s.cagr);
  j["annualised_vol"] = number_or_null(s.annual_volatility_ddof0);
  j["sharpe"] = number_or_null(s.sharpe);
  j["sortino"] = number_or_null(s.sortino);
  return j;
}

// QSTrader's target_allocations: each rebalance's weights (before normalisation) forward-filled
// onto the equity dates, 0 before the first rebalance; one entry per ticker, sorted by name.
json target_allocations(const SessionResult& r) {
  std::vector<std::size_t> order(r.tickers.size());
  for (std::size_t a = 0; a < order.size(); ++a) order[a] = a;
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return r.tickers[x] < r.tickers[y]; });
  json out = json::array();
  for (std::size_t a : order) {
    json data = json::array();
    double weight = 0.0;
    std::size_t next = 0;
    for (Day day : r.dates) {
      while (next < r.rebalances.size() && r.rebalances[next].day <= day) weight = r.rebalances[next++].weights[a];
      data.push_back({epoch_ms(day), number_or_null(weight)});
    }
    out.push_back({{"name", r.tickers[a]}, {"data", std::move(data)}});
  }
  return out;
}

}  // namespace

std::string summary_json(const BacktestRun& run) {
  json doc;
  doc["qsweep_version"] = kVersion;
  doc["config"] = run.config.name;
  doc["strategy"] = session_summary(run.strategy, run.config.strategy);
  doc["strategy"]["relative_to_benchmark"] = run.relative ? relative_json(*run.relative) : json(nullptr);
  if (run.benchmark) doc["benchmark"] = session_summary(*run.benchmark, *run.config.benchmark);
  return doc.dump(1) + "\n";
}

std::string statistics_json(const BacktestRun& run) {
  json doc;
  doc["strategy"] = qstrader_curve_statistics(run.strategy);
  doc["strategy"]["target_allocations"] = target_allocations(run.strategy.result);
  if (run.benchmark) doc["benchmark"] = qstrader_curve_statistics(*run.benchmark);
  doc["strategy_id"] = run.config.name;
  doc["strategy_name"] = run.config.name;
  if (run.benchmark) {
    doc["benchmark_id"] = run.config.name + "_benchmark";
    doc["benchmark_name"] = run.config.name + " benchmark";
  }
  return doc.dump() + "\n";
}

std::string summary_table(const BacktestRun& run) {
  using Value = std::optional<double>;
  auto pct = [](const Value& v) { return v ? fmt::format("{:.2f}%", *v * 100.0) : std::string("n/a"); };
  auto num = [](const Value& v) { return v ? fmt::format("{:.2f}", *v) : std::string("n/a"); };
  auto days = [](const Value& v) { return v ? fmt::format("{:.0f}", *v) : std::string("n/a"); };
  auto count = [](std::size_t v) { return fmt::format("{}", v); };
  const SessionRun& st = run.strategy;
  const SessionRun* bm = run.benchmark ? &*run.benchmark : nullptr;
  const PerformanceStats& s = st.stats;
  std::string out = fmt::format("{} ({} mode, {} to {})\n", run.config.name, to_string(run.config.strategy.mode),
                                s.points ? format_date(s.first_day) : "-", s.points ? format_date(s.last_day) : "-");
  // One line of the table: a label, the strategy's value and, with a benchmark, its value.
  auto line = [&](const char* name, const std::string& sv, const std::string& bv) {
    out += bm ? fmt::format("{:<24}{:>14}{:>14}\n", name, sv, bv) : fmt::format("{:<24}{:>14}\n", name, sv);
  };
  line("", "strategy", "benchmark");
  // One row: the statistic `get` picks, formatted by `show`, for the strategy and benchmark.
  auto row = [&](const char* name, auto show, auto get) {
    line(name, show(get(st)), bm ? show(get(*bm)) : std::string());
  };
  row("Total return", pct, [](const SessionRun& r) { return r.stats.total_return; });
  row("CAGR", pct, [](const SessionRun& r) { return r.stats.cagr; });
  row("Sharpe", num, [](const SessionRun& r) { return r.stats.sharpe; });
  row("Sortino", num, [](const SessionRun& r) { return r.stats.sortino; });
  row("Calmar", num, [](const SessionRun& r) { return r.stats.calmar; });
  row("Annual volatility", pct, [](const SessionRun& r) { return r.stats.annual_volatility; });
  row("Max drawdown", pct, [](const SessionRun& r) { return Value(r.stats.max_drawdown); });
  row("Max DD duration (d)", count, [](const SessionRun& r) { return r.stats.max_drawdown_duration; });
  row("Best month", pct, [](const SessionRun& r) { return r.stats.best_month; });
  row("Worst month", pct, [](const SessionRun& r) { return r.stats.worst_month; });
  row("Time invested", pct, [](const SessionRun& r) { return r.portfolio.time_invested; });
  row("Avg gross leverage", num, [](const SessionRun& r) { return r.portfolio.average_gross_leverage; });
  row("Turnover (per year)", num, [](const SessionRun& r) { return r.portfolio.turnover; });
  row("Closed trades", count, [](const SessionRun& r) { return r.portfolio.trades.trades; });
  row("Win rate", pct, [](const SessionRun& r) { return r.portfolio.trades.win_rate; });
  row("Profit factor", num, [](const SessionRun& r) { return r.portfolio.trades.profit_factor; });
  row("Avg holding (days)", days, [](const SessionRun& r) { return r.portfolio.trades.average_holding_days; });
  row("Fills", count, [](const SessionRun& r) { return r.result.fills.size(); });
  if (run.relative) {
    const RelativeStats& rel = *run.relative;
    out += fmt::format("vs benchmark ({} common days)\n", rel.common_points);
    auto single = [&](const char* name, const std::string& v) { out += fmt::format("{:<24}{:>14}\n", name, v); };
    single("Beta", num(rel.beta));
    single("Alpha (annualised)", pct(rel.alpha));
    single("Correlation", num(rel.correlation));
    single("Tracking error", pct(rel.tracking_error));
    single("Information ratio", num(rel.information_ratio));
  }
  return out;
}

void write_backtest_outputs(const BacktestRun& run, const fs::path& out_dir) {
  // The folder rename is the commit point, so its files need no fsync of their own.
  write_dir_atomic(out_dir, [&](const fs::path& dir) {
    write_file_atomic(dir / "equity.csv", equity_csv(run.strategy.result), /*sync=*/false);
    write_file_atomic(dir / "fills.csv", fills_csv(run.strategy.result), /*sync=*/false);
    write_file_atomic(dir / "positions.csv", positions_csv(run.strategy.result), /*sync=*/false);
    if (run.benchmark) {
      write_file_atomic(dir / "benchmark_equity.csv", equity_csv(run.benchmark->result), /*sync=*/false);
      write_file_atomic(dir / "benchmark_fills.csv", fills_csv(run.benchmark->result), /*sync=*/false);
    }
    write_file_atomic(dir / "summary.json", summary_json(run), /*sync=*/false);
    write_file_atomic(dir / "statistics.json", statistics_json(run), /*sync=*/false);
    write_file_atomic(dir / "weights.csv", weights_csv(run.strategy.result), /*sync=*/false);
    write_backtest_report(dir);  // reads the files above
  });
}

}  // namespace qsweep
