#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/parallel.hpp"
#include "qsweep/backtest.hpp"
#include "qsweep/cpus.hpp"
#include "qsweep/error.hpp"
#include "qsweep/file_io.hpp"
#include "qsweep/report.hpp"
#include "qsweep/version.hpp"
#include "report/backtest_report.hpp"
#include "report/json_writer.hpp"
#include "report/number_text.hpp"

namespace fs = std::filesystem;

namespace qsweep {
namespace {

// format_date(day) of the rows of a CSV file, appended to a row: the days of a month share
// "YYYY-MM-", so in files written in date order only a month's first row converts its day
// number. Any order gives the same text.
class DateText {
 public:
  void append(fmt::memory_buffer& out, Day day) {
    if (day < month_first_ || day >= month_end_) start_month(day);
    if (!four_digit_year_) {
      out.append(format_date(day));
      return;
    }
    const int d = day - month_first_ + 1;
    text_[8] = static_cast<char>('0' + d / 10);
    text_[9] = static_cast<char>('0' + d % 10);
    out.append(text_, text_ + sizeof text_);
  }

 private:
  void start_month(Day day) {
    const CivilDate c = civil_from_day(day);
    month_first_ = day - (c.day - 1);
    month_end_ = month_first_ + days_in_month(c.year, c.month);
    four_digit_year_ = c.year >= 0 && c.year <= 9999;
    if (!four_digit_year_) return;
    const char prefix[8] = {static_cast<char>('0' + c.year / 1000),    static_cast<char>('0' + c.year / 100 % 10),
                            static_cast<char>('0' + c.year / 10 % 10), static_cast<char>('0' + c.year % 10),
                            '-',
                            static_cast<char>('0' + c.month / 10),     static_cast<char>('0' + c.month % 10),
                            '-'};
    std::copy_n(prefix, sizeof prefix, text_);
  }

  Day month_first_ = 1;  // [month_first_, month_end_): the month of text_ (empty at first)
  Day month_end_ = 0;
  bool four_digit_year_ = false;
  char text_[10] = {};
};

// Output files are written in pieces of this size as they are built, not built whole first: a
// large universe's files never sit in memory, and the pieces stay in cache.
constexpr std::size_t kPieceBytes = 64 * 1024;

// A CSV file written as its rows are built: append a row to buffer(), then call end_row().
class CsvStream {
 public:
  explicit CsvStream(const fs::path& path) : file_(path) { buf_.reserve(kPieceBytes + kPieceBytes / 4); }
  fmt::memory_buffer& buffer() { return buf_; }
  // Appends format_date(day) to the row.
  void date(Day day) { dates_.append(buf_, day); }
  void end_row() {
    buf_.push_back('\n');
    if (buf_.size() >= kPieceBytes) flush();
  }
  void close() {
    flush();
    file_.close();
  }

 private:
  void flush() {
    file_.write(std::string_view(buf_.data(), buf_.size()));
    buf_.clear();
  }
  NewFile file_;
  fmt::memory_buffer buf_;
  DateText dates_;
};

// "date,<ticker>,<ticker>..." as a row.
void ticker_header(CsvStream& csv, const std::vector<std::string>& tickers) {
  fmt::memory_buffer& out = csv.buffer();
  out.append(std::string_view("date"));
  for (const std::string& t : tickers) {
    out.push_back(',');
    out.append(t);
  }
  csv.end_row();
}

// A row: the day, `label` when not empty, then the values.
void dated_row(CsvStream& csv, Day day, std::span<const double> values, std::string_view label = {}) {
  csv.date(day);
  fmt::memory_buffer& out = csv.buffer();
  if (!label.empty()) {
    out.push_back(',');
    out.append(label);
  }
  for (const double v : values) {
    out.push_back(',');
    report::append_shortest(out, v);
  }
  csv.end_row();
}

// The text of a value that often repeats the previous one (cash between trades): formatted
// only when its bits change.
class RepeatedNumber {
 public:
  std::string_view text(double v) {
    if (text_.size() == 0 || std::bit_cast<std::uint64_t>(v) != bits_) {
      bits_ = std::bit_cast<std::uint64_t>(v);
      text_.clear();
      report::append_shortest(text_, v);
    }
    return {text_.data(), text_.size()};
  }

 private:
  std::uint64_t bits_ = 0;
  fmt::memory_buffer text_;
};

void write_equity_csv(const fs::path& path, const SessionResult& r) {
  CsvStream csv(path);
  csv.buffer().append(std::string_view("date,equity,cash,market_value"));
  csv.end_row();
  RepeatedNumber cash;
  for (std::size_t i = 0; i < r.dates.size(); ++i) {
    csv.date(r.dates[i]);
    fmt::memory_buffer& out = csv.buffer();
    out.push_back(',');
    report::append_shortest(out, r.equity[i]);
    out.push_back(',');
    out.append(cash.text(r.cash[i]));
    out.push_back(',');
    report::append_shortest(out, r.market_value[i]);
    csv.end_row();
  }
  csv.close();
}

void write_fills_csv(const fs::path& path, const SessionResult& r) {
  CsvStream csv(path);
  csv.buffer().append(std::string_view("date,ticker,quantity,price,commission,cash_after"));
  csv.end_row();
  for (const Fill& f : r.fills)
    dated_row(csv, f.day, std::array{f.quantity, f.price, f.commission, f.cash_after}, r.tickers[f.asset]);
  csv.close();
}

// Target weights at each rebalance, as the strategy returned them: date, then one column per ticker.
void write_weights_csv(const fs::path& path, const SessionResult& r) {
  CsvStream csv(path);
  ticker_header(csv, r.tickers);
  for (const RebalanceRecord& rb : r.rebalances) dated_row(csv, rb.day, rb.weights);
  csv.close();
}

void write_positions_csv(const fs::path& path, const SessionResult& r) {
  CsvStream csv(path);
  ticker_header(csv, r.tickers);
  const std::size_t n = r.tickers.size();
  // Holdings change only on fill days: a row's quantities are formatted when they differ from
  // the previous row's, and copied otherwise.
  fmt::memory_buffer quantities;  // ",q1,q2..." of the previous row
  for (std::size_t i = 0; i < r.dates.size(); ++i) {
    const std::span<const double> row = std::span<const double>(r.positions).subspan(i * n, n);
    if (i == 0 || std::memcmp(row.data(), row.data() - n, n * sizeof(double)) != 0) {  // bits differ
      quantities.clear();
      for (const double q : row) {
        quantities.push_back(',');
        report::append_shortest(quantities, q);
      }
    }
    csv.date(r.dates[i]);
    fmt::memory_buffer& out = csv.buffer();
    out.append(quantities);
    csv.end_row();
  }
  csv.close();
}

using report::JsonWriter;

void quantiles_json(JsonWriter& w, const std::optional<Quantiles>& q) {
  if (!q) return w.null();
  w.begin_object();
  w.field("min", q->min);
  w.field("lq", q->lq);
  w.field("med", q->med);
  w.field("uq", q->uq);
  w.field("max", q->max);
  w.end_object();
}

void returns_quantiles_json(JsonWriter& w, const PerformanceStats& s) {
  w.begin_object();
  w.key("daily");
  quantiles_json(w, s.daily_quantiles);
  w.key("monthly");
  quantiles_json(w, s.monthly_quantiles);
  w.key("yearly");
  quantiles_json(w, s.yearly_quantiles);
  w.end_object();
}

void rolling_sharpe_json(JsonWriter& w, const std::vector<std::optional<double>>& series) {
  std::optional<double> last;
  std::optional<double> lo;
  std::optional<double> hi;
  for (const auto& v : series) {
    if (!v) continue;
    last = v;
    lo = std::min(lo.value_or(*v), *v);
    hi = std::max(hi.value_or(*v), *v);
  }
  w.begin_object();
  w.field("window", kRollingSharpeWindow);
  w.field("last", last);
  w.field("min", lo);
  w.field("max", hi);
  w.end_object();
}

void trades_json(JsonWriter& w, const TradeStats& t) {
  w.begin_object();
  w.field("count", t.trades);
  w.field("winning", t.winning);
  w.field("losing", t.losing);
  w.field("win_rate", t.win_rate);
  w.field("average_win", t.average_win);
  w.field("average_loss", t.average_loss);
  w.field("largest_win", t.largest_win);
  w.field("largest_loss", t.largest_loss);
  w.field("profit_factor", t.profit_factor);
  w.field("average_holding_days", t.average_holding_days);
  w.field("total_pnl", t.total_pnl);
  w.end_object();
}

void relative_json(JsonWriter& w, const RelativeStats& r) {
  w.begin_object();
  w.field("common_points", r.common_points);
  w.field("beta", r.beta);
  w.field("alpha", r.alpha);
  w.field("correlation", r.correlation);
  w.field("tracking_error", r.tracking_error);
  w.field("information_ratio", r.information_ratio);
  w.end_object();
}

// One session's entry of summary.json: every statistic, null where undefined. Leaves the
// object open for the caller's extra members.
void begin_session_summary(JsonWriter& w, const SessionRun& run, const SessionConfig& session,
                           const std::vector<std::optional<double>>& rolling) {
  const PerformanceStats& s = run.stats;
  const PortfolioStats& p = run.portfolio;
  const std::vector<double>& equity = run.result.equity;
  auto member = [&w](const char* name, const auto& v) {
    w.field(name, v);
  };
  auto date_member = [&](const char* name, Day day) {
    w.key(name);
    if (s.points) w.value(format_date(day));
    else w.null();
  };
  auto equity_member = [&](const char* name, bool first) {
    w.key(name);
    if (equity.empty()) w.null();
    else w.value(first ? equity.front() : equity.back());
  };
  w.begin_object();
  member("kind", session.strategy.kind());
  member("mode", to_string(session.mode));
  date_member("first_date", s.first_day);
  date_member("last_date", s.last_day);
  member("points", s.points);
  member("periods_per_year", s.periods_per_year);
  member("years", s.years);
  equity_member("initial_equity", true);
  equity_member("final_equity", false);
  member("total_return", s.total_return);
  member("cagr", s.cagr);
  member("sharpe", s.sharpe);
  member("sortino", s.sortino);
  member("calmar", s.calmar);
  member("annual_volatility", s.annual_volatility);
  member("annual_volatility_ddof0", s.annual_volatility_ddof0);
  member("mean_return", s.mean_return);
  member("stdev_return", s.stdev_return);
  member("max_drawdown", s.max_drawdown);
  member("max_drawdown_duration", s.max_drawdown_duration);
  member("best_day", s.best_day);
  member("worst_day", s.worst_day);
  member("best_month", s.best_month);
  member("worst_month", s.worst_month);
  member("best_year", s.best_year);
  member("worst_year", s.worst_year);
  w.key("rolling_sharpe");
  rolling_sharpe_json(w, rolling);
  w.key("returns_quantiles");
  returns_quantiles_json(w, s);
  w.key("monthly_returns");
  w.begin_array();
  for (const PeriodReturn& m : s.monthly_returns) {
    w.begin_object();
    member("year", m.year);
    member("month", m.month);
    member("return", m.value);
    w.end_object();
  }
  w.end_array();
  w.key("yearly_returns");
  w.begin_array();
  for (const PeriodReturn& y : s.yearly_returns) {
    w.begin_object();
    member("year", y.year);
    member("return", y.value);
    w.end_object();
  }
  w.end_array();
  member("traded_value", p.traded_value);
  member("turnover", p.turnover);
  member("time_invested", p.time_invested);
  member("average_gross_leverage", p.average_gross_leverage);
  member("average_net_leverage", p.average_net_leverage);
  w.key("trades");
  trades_json(w, p.trades);
  member("fills", run.result.fills.size());
}

// Milliseconds since the epoch at the day's UTC midnight (QSTrader run with TZ=UTC).
std::int64_t epoch_ms(Day day) { return static_cast<std::int64_t>(day) * 86'400'000; }

// "[<epoch ms>," for each date of a curve: the start of its [date, value] pairs, formatted once
// for all the series of the curve.
class PairStarts {
 public:
  explicit PairStarts(std::span<const Day> dates) {
    ends_.reserve(dates.size());
    for (const Day day : dates) {
      const fmt::format_int ms(epoch_ms(day));
      text_.push_back('[');
      text_.append(ms.data(), ms.size());
      text_.push_back(',');
      ends_.push_back(text_.size());
    }
  }
  // The longest text of one start: '[', the 20 characters of any int64, ','.
  static constexpr std::size_t kMaxChars = 22;

  std::string_view operator[](std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(text_).substr(begin, ends_[i] - begin);
  }
  // Copies the i-th start to `out` (room for kMaxChars); returns its end.
  char* write(char* out, std::size_t i) const {
    const std::string_view start = (*this)[i];
    std::memcpy(out, start.data(), start.size());
    return out + start.size();
  }

 private:
  std::string text_;
  std::vector<std::size_t> ends_;
};

// [[epoch ms, value], ...]; values[i] belongs to the i-th date of `starts`.
void dated_series(JsonWriter& w, const PairStarts& starts, std::span<const double> values) {
  w.begin_array();
  w.values(values.size(), PairStarts::kMaxChars + report::kShortestMaxChars + 1, [&](char* out, std::size_t i) {
    out = starts.write(out, i);
    out = report::write_json_number(out, values[i]);
    *out = ']';
    return out + 1;
  });
  w.end_array();
}

void percent(JsonWriter& w, const std::optional<double>& v) {
  if (v) w.value(*v * 100.0);
  else w.null();
}

// One curve of QSTrader's JSONStatistics (json_statistics.py: _calculate_statistics), in its
// key order. Differences: undefined values are null where QSTrader writes NaN. Leaves the
// object open for the caller's extra members.
void begin_qstrader_curve_statistics(JsonWriter& w, const SessionRun& run, const PairStarts& starts) {
  const PerformanceStats& s = run.stats;
  w.begin_object();
  w.key("equity_curve");
  dated_series(w, starts, run.result.equity);
  w.key("returns");
  dated_series(w, starts, s.returns);
  w.key("cum_returns");
  dated_series(w, starts, s.cum_returns);

  w.key("monthly_agg_returns");
  w.begin_array();
  for (const PeriodReturn& m : s.monthly_returns) {
    w.begin_array();
    w.begin_array();
    w.value(m.year);
    w.value(m.month);
    w.end_array();
    w.value(m.value);
    w.end_array();
  }
  w.end_array();
  // Highcharts heatmap cells [month0, year index, 100 r], by month then year; missing skipped.
  std::vector<int> years;
  for (const PeriodReturn& y : s.yearly_returns) years.push_back(y.year);
  w.key("monthly_agg_returns_hc");
  w.begin_array();
  for (int month = 1; month <= 12; ++month) {
    for (std::size_t yi = 0; yi < years.size(); ++yi) {
      for (const PeriodReturn& m : s.monthly_returns) {
        if (m.year != years[yi] || m.month != month) continue;
        w.begin_array();
        w.value(month - 1);
        w.value(yi);
        percent(w, m.value);
        w.end_array();
      }
    }
  }
  w.end_array();
  w.key("yearly_agg_returns");
  w.begin_array();
  for (const PeriodReturn& y : s.yearly_returns) {
    w.begin_array();
    w.value(y.year);
    w.value(y.value);
    w.end_array();
  }
  w.end_array();
  w.key("yearly_agg_returns_hc");
  w.begin_array();
  for (const PeriodReturn& y : s.yearly_returns) percent(w, y.value);
  w.end_array();

  w.key("returns_quantiles");
  returns_quantiles_json(w, s);
  w.key("returns_quantiles_hc");
  w.begin_array();
  for (const std::optional<Quantiles>* q : {&s.daily_quantiles, &s.monthly_quantiles, &s.yearly_quantiles}) {
    if (!*q) {
      w.null();
      continue;
    }
    w.begin_array();
    for (const double v : {(*q)->min, (*q)->lq, (*q)->med, (*q)->uq, (*q)->max}) percent(w, v);
    w.end_array();
  }
  w.end_array();

  w.key("drawdowns");
  dated_series(w, starts, s.drawdown);
  w.field("max_drawdown", s.max_drawdown);
  w.field("max_drawdown_duration", s.max_drawdown_duration);
  w.field("mean_returns", s.mean_return);
  w.field("stdev_returns", s.stdev_return);
  w.field("cagr", s.cagr);
  w.field("annualised_vol", s.annual_volatility_ddof0);
  w.field("sharpe", s.sharpe);
  w.field("sortino", s.sortino);
}

// QSTrader's target_allocations: each rebalance's weights (before normalisation) forward-filled
// onto the equity dates, 0 before the first rebalance; one entry per ticker, sorted by name.
void target_allocations(JsonWriter& w, const SessionResult& r, const PairStarts& starts) {
  std::vector<std::size_t> order(r.tickers.size());
  for (std::size_t a = 0; a < order.size(); ++a) order[a] = a;
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return r.tickers[x] < r.tickers[y]; });
  w.begin_array();
  std::string weight_text;  // the current weight, formatted once per rebalance
  for (std::size_t a : order) {
    w.begin_object();
    w.field("name", r.tickers[a]);
    w.key("data");
    w.begin_array();
    std::size_t next = 0;
    weight_text.clear();
    JsonWriter::append_number(weight_text, 0.0);
    w.values(r.dates.size(), PairStarts::kMaxChars + report::kShortestMaxChars + 1, [&](char* out, std::size_t i) {
      if (next < r.rebalances.size() && r.rebalances[next].day <= r.dates[i]) {
        double weight = 0.0;
        while (next < r.rebalances.size() && r.rebalances[next].day <= r.dates[i]) weight = r.rebalances[next++].weights[a];
        weight_text.clear();
        JsonWriter::append_number(weight_text, weight);
      }
      out = starts.write(out, i);
      std::memcpy(out, weight_text.data(), weight_text.size());
      out += weight_text.size();
      *out = ']';
      return out + 1;
    });
    w.end_array();
    w.end_object();
  }
  w.end_array();
}

}  // namespace

report::RunRolling report::rolling_of(const BacktestRun& run) {
  auto of = [](const PerformanceStats& s) { return rolling_sharpe(s.returns, kRollingSharpeWindow, s.periods_per_year); };
  RunRolling r;
  r.strategy = of(run.strategy.stats);
  if (run.benchmark) r.benchmark = of(run.benchmark->stats);
  return r;
}

std::string summary_json(const BacktestRun& run) { return report::summary_json(run, report::rolling_of(run)); }

std::string report::summary_json(const BacktestRun& run, const RunRolling& rolling) {
  JsonWriter w(1);
  w.begin_object();
  w.field("qsweep_version", kVersion);
  w.field("config", run.config.name);
  w.key("strategy");
  begin_session_summary(w, run.strategy, run.config.strategy, rolling.strategy);
  w.key("relative_to_benchmark");
  if (run.relative) relative_json(w, *run.relative);
  else w.null();
  w.end_object();
  if (run.benchmark) {
    w.key("benchmark");
    begin_session_summary(w, *run.benchmark, *run.config.benchmark, rolling.benchmark);
    w.end_object();
  }
  w.end_object();
  return w.take("\n");
}

namespace {

// The "strategy" member of statistics.json, appended to `w`: its curve statistics and target
// allocations (compact).
void strategy_statistics(JsonWriter& w, const BacktestRun& run) {
  const SessionResult& r = run.strategy.result;
  const PairStarts starts(r.dates);
  begin_qstrader_curve_statistics(w, run.strategy, starts);
  w.key("target_allocations");
  target_allocations(w, r, starts);
  w.end_object();
}

// The "benchmark" member of statistics.json; `run` must have a benchmark.
std::string benchmark_statistics_text(const BacktestRun& run) {
  JsonWriter w;
  w.reserve(40 * 4 * run.benchmark->result.dates.size());  // at most about 40 bytes per [date, value]
  begin_qstrader_curve_statistics(w, *run.benchmark, PairStarts(run.benchmark->result.dates));
  w.end_object();
  return w.take();
}

// The members after the sessions' in statistics.json, to the end of the file.
std::string statistics_json_names(const BacktestRun& run) {
  JsonWriter names;  // an object whose '{' becomes a ','
  names.begin_object();
  names.field("strategy_id", run.config.name);
  names.field("strategy_name", run.config.name);
  if (run.benchmark) {
    names.field("benchmark_id", run.config.name + "_benchmark");
    names.field("benchmark_name", run.config.name + " benchmark");
  }
  names.end_object();
  std::string text = names.take("\n");
  text.front() = ',';
  return text;
}

// statistics.json is the text sink_statistics_head() hands to `sink` (up to the end of the
// strategy's member, in kPieceBytes pieces), then what sink_statistics_rest() does, given the
// benchmark's member (unused without a benchmark). The file and statistics_json() both use them.
using Sink = std::function<void(std::string_view)>;
void sink_statistics_head(const BacktestRun& run, const Sink& sink) {
  sink(R"({"strategy":)");
  JsonWriter w;
  w.stream_to(sink, kPieceBytes);
  strategy_statistics(w, run);
  w.finish();
}
void sink_statistics_rest(const BacktestRun& run, std::string_view benchmark_text, const Sink& sink) {
  if (run.benchmark) {
    sink(R"(,"benchmark":)");
    sink(benchmark_text);
  }
  sink(statistics_json_names(run));
}

}  // namespace

std::string statistics_json(const BacktestRun& run) {
  std::string text;
  const std::size_t days = run.strategy.result.dates.size() + (run.benchmark ? run.benchmark->result.dates.size() : 0);
  text.reserve(40 * days * (4 + run.strategy.result.tickers.size()));  // about 40 bytes per [date, value]
  const Sink append = [&](std::string_view piece) { text.append(piece); };
  sink_statistics_head(run, append);
  sink_statistics_rest(run, run.benchmark ? benchmark_statistics_text(run) : "", append);
  return text;
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

namespace {

// Every file write_backtest_outputs may write.
constexpr std::string_view kBacktestFiles[] = {"summary.json",         "report.html",          "statistics.json",
                                               "equity.csv",           "fills.csv",            "positions.csv",
                                               "benchmark_equity.csv", "benchmark_fills.csv", "weights.csv"};

// An existing output folder is replaced as a whole, so it must hold nothing but a backtest's
// files (or temporary files `qsweep report` left for them): a folder of data, configs or notes given as --out by mistake is refused, not deleted.
void check_replaceable(const fs::path& out_dir) {
  const std::vector<std::string> others = output_folder_contents(out_dir, kBacktestFiles).others;
  if (!others.empty())
    throw InputError(fmt::format("{}: holds {}{}, which a backtest does not write; refusing to replace the folder "
                                 "(choose another --out, or remove the folder first)",
                                 out_dir.string(), others.front(),
                                 others.size() > 1 ? fmt::format(" and {} more", others.size() - 1) : ""));
}

}  // namespace

void write_backtest_outputs(const BacktestRun& run, const fs::path& out_dir) {
  check_replaceable(out_dir);
  // The folder rename is the commit point: its files need no temporary names or fsync of their own.
  write_dir_atomic(out_dir, [&](const fs::path& dir) {
    // Independent tasks, the longest first, on every CPU. report.html is rendered from the
    // values summary.json holds, as `qsweep report` would render the folder, so the two are one
    // task.
    bool report_written = false;
    // statistics.json: the strategy's task streams its member into the file; the benchmark's
    // member is built whole. Whichever of the two finishes second writes the rest.
    NewFile statistics(dir / "statistics.json");
    std::string benchmark_statistics;
    std::atomic<int> statistics_parts_left{run.benchmark ? 2 : 1};
    const Sink to_statistics = [&](std::string_view piece) { statistics.write(piece); };
    auto statistics_part_done = [&] {
      if (--statistics_parts_left == 0) {
        sink_statistics_rest(run, benchmark_statistics, to_statistics);
        statistics.close();
      }
    };
    std::vector<std::function<void()>> tasks = {
        [&] {
          const report::RunRolling rolling = report::rolling_of(run);
          const std::string summary = report::summary_json(run, rolling);
          write_new_file(dir / "summary.json", summary);
          if (const auto html = report::backtest_report_from_run(run, summary, rolling)) {
            write_new_file(dir / "report.html", *html);
            report_written = true;
          }
        },
        [&] {
          sink_statistics_head(run, to_statistics);
          statistics_part_done();
        },
        [&] { write_equity_csv(dir / "equity.csv", run.strategy.result); },
        [&] { write_positions_csv(dir / "positions.csv", run.strategy.result); },
        [&] { write_fills_csv(dir / "fills.csv", run.strategy.result); },
        [&] { write_weights_csv(dir / "weights.csv", run.strategy.result); }};
    if (run.benchmark) {
      tasks.insert(tasks.begin() + 2, [&] {
        benchmark_statistics = benchmark_statistics_text(run);
        statistics_part_done();
      });
      tasks.insert(tasks.begin() + 4, [&] { write_equity_csv(dir / "benchmark_equity.csv", run.benchmark->result); });
      tasks.emplace_back([&] { write_fills_csv(dir / "benchmark_fills.csv", run.benchmark->result); });
    }
    run_tasks(tasks, available_cpus());
    if (!report_written) write_backtest_report(dir, /*sync=*/false);  // reads the files above
  });
}

}  // namespace qsweep
