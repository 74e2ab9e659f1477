// report.html of a backtest output folder: reads the folder's files, renders the panels with the
// SVG toolkit and writes one self-contained page. docs/report.md describes the page.
#include "qsweep/report.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qsweep/config.hpp"
#include "qsweep/date.hpp"
#include "qsweep/error.hpp"
#include "qsweep/file_io.hpp"
#include "qsweep/stats.hpp"
#include "qsweep/version.hpp"
#include "report/backtest_report.hpp"
#include "report/html_page.hpp"
#include "report/svg_chart.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace qsweep {
namespace {

using svg::escape;
using svg::Format;

// ---------------------------------------------------------------- reading the run folder

using report::column_of;
using report::CsvFile;
using report::number_at;

// Reads a CSV file with a header line; every row must have the header's number of fields.
CsvFile read_csv_file(const fs::path& path) {
  if (!fs::exists(path)) throw IoError(fmt::format("{}: no such file (not a qsweep backtest folder?)", path.string()));
  return report::parse_csv(path, read_file(path), report::CsvQuotes::none);
}
Day date_at(const CsvFile& csv, std::size_t row, std::size_t col) {
  const std::optional<Day> day = parse_iso_date(csv.cell(row, col));
  if (!day) {
    throw InputError(fmt::format("{}:{}: column '{}': '{}' is not a date (YYYY-MM-DD)", csv.path.string(),
                                 csv.lines[row], csv.header[col], csv.cell(row, col)));
  }
  return *day;
}

// The dates of a file's "date" column, strictly increasing.
std::vector<Day> increasing_dates(const CsvFile& csv) {
  const std::size_t col = column_of(csv, "date");
  std::vector<Day> dates;
  for (std::size_t i = 0; i < csv.row_count(); ++i) {
    const Day d = date_at(csv, i, col);
    if (!dates.empty() && d <= dates.back()) {
      throw InputError(fmt::format("{}:{}: date {} is not after the previous row's {}", csv.path.string(), csv.lines[i],
                                   format_date(d), format_date(dates.back())));
    }
    dates.push_back(d);
  }
  return dates;
}

struct Curve {
  std::vector<Day> dates;
  std::vector<double> equity;
};

Curve read_equity(const fs::path& path) {
  const CsvFile csv = read_csv_file(path);
  Curve c;
  c.dates = increasing_dates(csv);
  const std::size_t col = column_of(csv, "equity");
  for (std::size_t i = 0; i < csv.row_count(); ++i) c.equity.push_back(number_at(csv, i, col));
  return c;
}

struct WeightsTable {
  std::vector<std::string> tickers;
  std::vector<Day> dates;
  std::vector<std::vector<double>> weights;  // [ticker][rebalance]
};

WeightsTable read_weights(const fs::path& path) {
  const CsvFile csv = read_csv_file(path);
  WeightsTable w;
  w.dates = increasing_dates(csv);
  for (std::size_t col = 0; col < csv.header.size(); ++col) {
    if (csv.header[col] == "date") continue;
    w.tickers.push_back(csv.header[col]);
    std::vector<double>& values = w.weights.emplace_back();
    for (std::size_t i = 0; i < csv.row_count(); ++i) values.push_back(number_at(csv, i, col));
  }
  return w;
}

// Traded value (Σ |quantity × price|) per calendar year.
std::map<int, double> traded_value_by_year(const fs::path& path) {
  const CsvFile csv = read_csv_file(path);
  const std::size_t date_col = column_of(csv, "date");
  const std::size_t qty_col = column_of(csv, "quantity");
  const std::size_t price_col = column_of(csv, "price");
  std::map<int, double> out;
  Day previous = std::numeric_limits<Day>::min();
  for (std::size_t i = 0; i < csv.row_count(); ++i) {
    const Day day = date_at(csv, i, date_col);
    if (day < previous)  // fills come in order; a day may have several
      throw InputError(fmt::format("{}:{}: date {} is before the previous row's {}", csv.path.string(), csv.lines[i],
                                   format_date(day), format_date(previous)));
    previous = day;
    out[civil_from_day(day).year] += std::abs(number_at(csv, i, qty_col) * number_at(csv, i, price_col));
  }
  return out;
}

json read_summary(const fs::path& path) {
  if (!fs::exists(path)) throw IoError(fmt::format("{}: no such file (not a qsweep backtest folder?)", path.string()));
  json doc;
  try {
    doc = json::parse(read_file(path));
  } catch (const json::exception& e) {
    throw InputError(fmt::format("{}: not valid JSON: {}", path.string(), e.what()));
  }
  if (!doc.is_object() || !doc.contains("strategy") || !doc["strategy"].is_object())
    throw InputError(fmt::format("{}: no \"strategy\" object", path.string()));
  if (doc.contains("benchmark") && !doc["benchmark"].is_object())
    throw InputError(fmt::format("{}: \"benchmark\" is not an object", path.string()));
  return doc;
}

std::string string_or(const json& obj, const char* key, std::string fallback) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : fallback;
}

Mode mode_of(const json& session, const fs::path& summary_path) {
  const std::string mode = string_or(session, "mode", "strict");
  if (mode == "qstrader") return Mode::qstrader;
  if (mode == "strict") return Mode::strict;
  throw InputError(fmt::format("{}: \"mode\": unknown mode '{}'", summary_path.string(), mode));
}

// One session (strategy or benchmark) as the report shows it.
struct Session {
  Curve curve;
  PerformanceStats stats;
  std::vector<double> growth;                    // equity / first equity
  std::vector<std::optional<double>> rolling;    // rolling Sharpe, aligned with the dates
};

// A session from its equity curve, the statistics of that curve and, when known, their rolling
// Sharpe series.
Session make_session(Curve curve, PerformanceStats stats, std::optional<std::vector<std::optional<double>>> rolling = {}) {
  Session s;
  s.curve = std::move(curve);
  s.stats = std::move(stats);
  s.growth.reserve(s.curve.equity.size());
  for (const double e : s.curve.equity)
    s.growth.push_back(s.curve.equity.front() != 0.0 ? e / s.curve.equity.front() : std::nan(""));
  s.rolling = rolling ? std::move(*rolling)
                      : rolling_sharpe(s.stats.returns, kRollingSharpeWindow, s.stats.periods_per_year);
  return s;
}

Session load_session(const json& summary, const fs::path& equity_path, const fs::path& summary_path) {
  Curve curve = read_equity(equity_path);
  PerformanceStats stats = compute_performance(curve.dates, curve.equity, mode_of(summary, summary_path));
  return make_session(std::move(curve), std::move(stats));
}

// ---------------------------------------------------------------- statistics table

enum class Kind { percent, ratio, multiple, days, count, money, years, text };

struct StatRow {
  const char* label;
  const char* path;     // key in a session's summary, "a/b" for nested objects
  Kind kind;
  bool negate = false;  // shown with the opposite sign (drawdowns as losses)
};

struct StatSection {
  const char* title;
  std::vector<StatRow> rows;
};

// Every statistic of summary.json the report knows, in display order.
const std::vector<StatSection>& stat_sections() {
  static const std::vector<StatSection> sections = {
      {"Returns",
       {{"Total return", "total_return", Kind::percent},
        {"CAGR", "cagr", Kind::percent},
        {"Best day", "best_day", Kind::percent},
        {"Worst day", "worst_day", Kind::percent},
        {"Best month", "best_month", Kind::percent},
        {"Worst month", "worst_month", Kind::percent},
        {"Best year", "best_year", Kind::percent},
        {"Worst year", "worst_year", Kind::percent},
        {"Mean daily return", "mean_return", Kind::percent}}},
      {"Risk and risk-adjusted return",
       {{"Annual volatility", "annual_volatility", Kind::percent},
        {"Daily standard deviation", "stdev_return", Kind::percent},
        {"Max drawdown", "max_drawdown", Kind::percent, true},
        {"Max drawdown duration (days)", "max_drawdown_duration", Kind::count},
        {"Sharpe ratio", "sharpe", Kind::ratio},
        {"Sortino ratio", "sortino", Kind::ratio},
        {"Calmar ratio", "calmar", Kind::ratio},
        {"Rolling Sharpe, last", "rolling_sharpe/last", Kind::ratio},
        {"Rolling Sharpe, min", "rolling_sharpe/min", Kind::ratio},
        {"Rolling Sharpe, max", "rolling_sharpe/max", Kind::ratio}}},
      {"Exposure and turnover",
       {{"Time invested", "time_invested", Kind::percent},
        {"Average gross leverage", "average_gross_leverage", Kind::multiple},
        {"Average net leverage", "average_net_leverage", Kind::multiple},
        {"Turnover (per year)", "turnover", Kind::multiple},
        {"Traded value", "traded_value", Kind::money},
        {"Fills", "fills", Kind::count}}},
      {"Closed trades",
       {{"Trades", "trades/count", Kind::count},
        {"Winning", "trades/winning", Kind::count},
        {"Losing", "trades/losing", Kind::count},
        {"Win rate", "trades/win_rate", Kind::percent},
        {"Average win", "trades/average_win", Kind::money},
        {"Average loss", "trades/average_loss", Kind::money},
        {"Largest win", "trades/largest_win", Kind::money},
        {"Largest loss", "trades/largest_loss", Kind::money},
        {"Profit factor", "trades/profit_factor", Kind::ratio},
        {"Average holding (days)", "trades/average_holding_days", Kind::days},
        {"Total P&L", "trades/total_pnl", Kind::money}}},
      {"Period",
       {{"First date", "first_date", Kind::text},
        {"Last date", "last_date", Kind::text},
        {"Points (days)", "points", Kind::count},
        {"Years", "years", Kind::years},
        {"Initial equity", "initial_equity", Kind::money},
        {"Final equity", "final_equity", Kind::money}}},
  };
  return sections;
}

// Strategy relative to the benchmark (summary.json: strategy.relative_to_benchmark).
const std::vector<StatRow>& relative_rows() {
  static const std::vector<StatRow> rows = {
      {"Beta", "beta", Kind::ratio},
      {"Alpha (annualised)", "alpha", Kind::percent},
      {"Correlation", "correlation", Kind::ratio},
      {"Tracking error", "tracking_error", Kind::percent},
      {"Information ratio", "information_ratio", Kind::ratio},
      {"Common days", "common_points", Kind::count},
  };
  return rows;
}

// The value at `path` ("a/b"), or nullptr when a key is missing.
const json* find_path(const json& obj, std::string_view path) {
  const json* cur = &obj;
  while (true) {
    const std::size_t slash = path.find('/');
    const std::string key(path.substr(0, slash));
    if (!cur->is_object()) return nullptr;
    const auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (slash == std::string_view::npos) return cur;
    path.remove_prefix(slash + 1);
  }
}

std::optional<double> number_at_path(const json& obj, std::string_view path) {
  const json* v = find_path(obj, path);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  const double d = v->get<double>();
  return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
}

// The JSON text of `v` for an error message, cut to about 40 bytes at a UTF-8 character start.
std::string shown_value(const json& v) {
  std::string shown = v.dump();
  if (shown.size() <= 40) return shown;
  std::size_t cut = 37;
  while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;
  return shown.substr(0, cut) + "...";
}

// Refuses a statistic of `session` (named `name` in summary.json, e.g. "strategy") whose value
// the report cannot show as what it is: a number where text belongs or the reverse, a count that
// is negative or fractional. Absent fields and null (undefined statistics) are shown as "n/a".
void check_statistics(const json& session, const std::string& name, const std::vector<StatRow>& rows,
                      const fs::path& summary_path) {
  for (const StatRow& row : rows) {
    const json* v = find_path(session, row.path);
    if (v == nullptr || v->is_null()) continue;
    const char* expected = nullptr;
    if (row.kind == Kind::text) {
      if (!v->is_string()) expected = "text";
    } else if (!v->is_number() || !std::isfinite(v->get<double>())) {
      expected = "a number";
    } else if (row.kind == Kind::count && (v->get<double>() < 0 || v->get<double>() != std::floor(v->get<double>()))) {
      expected = "a whole number >= 0";
    }
    if (expected == nullptr) continue;
    std::string field = name + "." + row.path;
    std::replace(field.begin(), field.end(), '/', '.');
    throw InputError(
        fmt::format("{}: \"{}\": expected {} or null, got {}", summary_path.string(), field, expected, shown_value(*v)));
  }
}

// check_statistics() of every session of a summary.json, after checking that the groups of
// statistics are objects.
void check_summary_statistics(const json& summary, const fs::path& summary_path) {
  for (const char* name : {"strategy", "benchmark"}) {
    if (!summary.contains(name)) continue;
    const json& session = summary.at(name);
    for (const char* group : {"trades", "rolling_sharpe", "relative_to_benchmark"}) {
      const json* v = find_path(session, group);
      if (v != nullptr && !v->is_null() && !v->is_object())
        throw InputError(fmt::format("{}: \"{}.{}\": expected an object or null, got {}", summary_path.string(), name,
                                     group, shown_value(*v)));
    }
    for (const StatSection& section : stat_sections()) check_statistics(session, name, section.rows, summary_path);
    if (const json* relative = find_path(session, "relative_to_benchmark"); relative != nullptr && relative->is_object())
      check_statistics(*relative, std::string(name) + ".relative_to_benchmark", relative_rows(), summary_path);
  }
}

// A statistic formatted for the table; "n/a" for null or a wrong type.
std::string format_stat(const json& v, const StatRow& row) {
  if (row.kind == Kind::text) return v.is_string() ? escape(v.get<std::string>()) : "n/a";
  if (!v.is_number()) return "n/a";
  double d = v.get<double>();
  if (!std::isfinite(d)) return "n/a";
  if (row.negate && d != 0.0) d = -d;
  switch (row.kind) {
    case Kind::percent: return svg::format_value(d, Format::percent, 2);
    case Kind::ratio: return svg::format_value(d, Format::number, 2);
    case Kind::multiple: return svg::format_value(d, Format::multiple, 2);
    case Kind::days: return svg::format_value(d, Format::number, 1);
    case Kind::count: return svg::format_value(d, Format::integer, 0);
    case Kind::money: return svg::format_value(d, Format::money, 0);
    case Kind::years: return svg::format_value(d, Format::number, 1);
    case Kind::text: break;
  }
  return "n/a";
}

// A table cell: the formatted value, with returns and money below zero marked.
std::string stat_cell(const json* v, const StatRow& row) {
  if (v == nullptr) return "<td class=\"na\">&#8211;</td>";
  const std::string text = format_stat(*v, row);
  const bool signed_kind = row.kind == Kind::percent || row.kind == Kind::money;
  const bool negative = signed_kind && text.front() == '-';
  return fmt::format("<td{}>{}</td>", text == "n/a" ? " class=\"na\"" : (negative ? " class=\"neg\"" : ""), text);
}

std::string stats_panel(const json& strategy, const json* benchmark, const json* relative) {
  std::string out = "<div class=\"stats-grid\">";
  for (const StatSection& section : stat_sections()) {
    std::string rows;
    for (const StatRow& row : section.rows) {
      const json* s = find_path(strategy, row.path);
      const json* b = benchmark ? find_path(*benchmark, row.path) : nullptr;
      if (s == nullptr && b == nullptr) continue;  // not in this summary.json
      rows += fmt::format("<tr><th scope=\"row\">{}</th>{}{}</tr>", escape(row.label), stat_cell(s, row),
                          benchmark ? stat_cell(b, row) : "");
    }
    if (rows.empty()) continue;
    out += fmt::format(
        "<table class=\"stats\"><caption>{}</caption><thead><tr><th></th><th scope=\"col\">Strategy</th>{}</tr></thead>"
        "<tbody>{}</tbody></table>",
        escape(section.title), benchmark ? "<th scope=\"col\">Benchmark</th>" : "", rows);
  }
  if (relative != nullptr && relative->is_object()) {
    std::string rows;
    for (const StatRow& row : relative_rows()) {
      const json* v = find_path(*relative, row.path);
      if (v != nullptr) rows += fmt::format("<tr><th scope=\"row\">{}</th>{}</tr>", escape(row.label), stat_cell(v, row));
    }
    if (!rows.empty()) {
      out += fmt::format(
          "<table class=\"stats\"><caption>Strategy relative to the benchmark</caption><thead><tr><th></th>"
          "<th scope=\"col\">Value</th></tr></thead><tbody>{}</tbody></table>",
          rows);
    }
  }
  return out + "</div>";
}

// ---------------------------------------------------------------- page pieces

using report::kFullWidth;
using report::kWideWidth;
using report::kNarrowWidth;
constexpr double kHalfWidth = 572.0;
constexpr double kTimeAxisMargin = 58.0;  // aligns the plot areas of the full-width time charts
constexpr const char* kStrategyColor = "#1f5fa8";
constexpr const char* kBenchmarkColor = "#8a9099";
using report::kLossColor;

std::vector<double> as_x(const std::vector<Day>& days) { return {days.begin(), days.end()}; }

std::vector<double> optional_values(const std::vector<std::optional<double>>& v) {
  std::vector<double> out;
  for (const auto& x : v) out.push_back(x ? *x : std::nan(""));
  return out;
}

// A titled panel with a text note; `body` is HTML.
std::string text_panel(std::string_view id, std::string_view title, std::string_view note, std::string_view body) {
  return report::panel(id, title, escape(note), body);
}

std::string kpis(const json& strategy, const json* benchmark) {
  struct Card {
    const char* label;
    const char* key;
    Format format;
    int decimals;
    bool negate;
  };
  static const Card cards[] = {
      {"Total return", "total_return", Format::percent, 1, false},
      {"CAGR", "cagr", Format::percent, 2, false},
      {"Volatility", "annual_volatility", Format::percent, 1, false},
      {"Sharpe", "sharpe", Format::number, 2, false},
      {"Sortino", "sortino", Format::number, 2, false},
      {"Max drawdown", "max_drawdown", Format::percent, 1, true},
  };
  auto show = [](const json& session, const Card& card) {
    std::optional<double> v = number_at_path(session, card.key);
    if (v && card.negate && *v != 0.0) v = -*v;
    return v ? svg::format_value(*v, card.format, card.decimals) : std::string("n/a");
  };
  std::string out = "<div class=\"kpis\">";
  for (const Card& card : cards) {
    const std::string s = show(strategy, card);
    out += report::kpi(card.label, s,
                       benchmark ? std::optional<std::string>("Benchmark " + show(*benchmark, card)) : std::nullopt,
                       card.format == Format::percent && s.front() == '-');
  }
  return out + "</div>";
}

// The x range shared by the time charts: every curve's dates.
struct TimeRange {
  double first = 0.0;
  double last = 0.0;
};

TimeRange time_range(const Session& s, const std::optional<Session>& b) {
  std::optional<TimeRange> r;
  for (const Session* x : {&s, b ? &*b : nullptr}) {
    if (x == nullptr || x->curve.dates.empty()) continue;
    const double first = x->curve.dates.front();
    const double last = x->curve.dates.back();
    r = r ? TimeRange{std::min(r->first, first), std::max(r->last, last)} : TimeRange{first, last};
  }
  return r.value_or(TimeRange{});
}

svg::LineChart time_chart(const TimeRange& range, double height, std::string title) {
  svg::LineChart c;
  c.frame = {kFullWidth, height, std::move(title), kTimeAxisMargin};
  if (range.last > range.first) {
    c.x_min = range.first;
    c.x_max = range.last;
  }
  return c;
}

std::string equity_panel(const Session& s, const std::optional<Session>& b, const TimeRange& range) {
  auto chart = [&](svg::YScale scale) {
    svg::LineChart c = time_chart(range, 360.0, scale == svg::YScale::log ? "Cumulative return, log scale"
                                                                          : "Cumulative return");
    c.y_format = Format::percent;
    c.y_label_shift = -1.0;  // growth of 1 shown as a return: 1.5 -> +50%
    c.y_scale = scale;
    c.reference_line = 1.0;
    c.series.push_back({"Strategy", as_x(s.curve.dates), s.growth, kStrategyColor, 1.8});
    if (b) c.series.push_back({"Benchmark", as_x(b->curve.dates), b->growth, kBenchmarkColor, 1.4});
    return svg::line_chart(c);
  };
  const std::string body = fmt::format(
      "<input type=\"radio\" name=\"equity-scale\" id=\"equity-linear\" class=\"scale-radio\" checked>"
      "<input type=\"radio\" name=\"equity-scale\" id=\"equity-log\" class=\"scale-radio\">"
      "<div class=\"scale-switch\" role=\"group\" aria-label=\"y axis scale\">"
      "<label for=\"equity-linear\">Linear</label><label for=\"equity-log\">Log</label></div>"
      "<div class=\"scale-linear\">{}</div><div class=\"scale-log\">{}</div>",
      chart(svg::YScale::linear), chart(svg::YScale::log));
  return text_panel("panel-equity", "Cumulative return",
               b ? "Strategy and benchmark, from the first equity point of each; dashed line: break-even."
                 : "From the first equity point; dashed line: break-even.",
               body);
}

std::string drawdown_panel(const Session& s, const std::optional<Session>& b, const TimeRange& range) {
  svg::LineChart c = time_chart(range, 210.0, "Drawdown");
  c.y_format = Format::percent;
  c.y_max = 0.0;  // nothing above the peak, even for a curve never in drawdown
  auto underwater = [](const Session& x) {
    std::vector<double> out;
    for (const double d : x.stats.drawdown) out.push_back(d == 0.0 ? 0.0 : -d);
    return out;
  };
  svg::LineSeries strategy{"Strategy", as_x(s.curve.dates), underwater(s), kLossColor, 1.2};
  strategy.fill = true;
  strategy.fill_opacity = 0.28;
  c.series.push_back(std::move(strategy));
  if (b) c.series.push_back({"Benchmark", as_x(b->curve.dates), underwater(*b), kBenchmarkColor, 1.1});
  if (!s.stats.drawdown.empty() && s.stats.max_drawdown > 0.0) {
    const auto it = std::max_element(s.stats.drawdown.begin(), s.stats.drawdown.end());
    const auto i = static_cast<std::size_t>(it - s.stats.drawdown.begin());
    c.annotations.push_back({static_cast<double>(s.curve.dates[i]), -*it,
                             fmt::format("Max {} on {}", svg::format_value(-*it, Format::percent, 1),
                                         format_date(s.curve.dates[i]))});
  }
  return text_panel("panel-drawdown", "Underwater (drawdown from the running peak)",
               "Fall of the cumulative return below its highest value so far.", svg::line_chart(c));
}

struct ReturnGrid {
  std::vector<int> years;
  std::vector<double> values;  // years x 12, NaN where there is no month
};

ReturnGrid monthly_grid(const PerformanceStats& st) {
  ReturnGrid g;
  for (const PeriodReturn& m : st.monthly_returns)
    if (g.years.empty() || g.years.back() != m.year) g.years.push_back(m.year);
  g.values.assign(g.years.size() * 12, std::nan(""));
  for (const PeriodReturn& m : st.monthly_returns) {
    const auto y = static_cast<std::size_t>(std::find(g.years.begin(), g.years.end(), m.year) - g.years.begin());
    g.values[y * 12 + static_cast<std::size_t>(m.month - 1)] = m.value;
  }
  return g;
}

constexpr double kHeatmapCell = 24.0;

std::string monthly_panel(const Session& s) {
  const ReturnGrid g = monthly_grid(s.stats);
  svg::Heatmap h;
  h.frame = {kWideWidth, 120.0, "Monthly returns heatmap", 0.0};  // the height of a placeholder only
  for (const int y : g.years) h.row_labels.push_back(std::to_string(y));
  h.column_labels = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  h.values = g.values;
  h.cell_height = kHeatmapCell;
  return text_panel("panel-monthly", "Monthly returns",
               "Compounded return of each calendar month (first and last months may be partial).", svg::heatmap(h));
}

std::string yearly_panel(const Session& s, const std::optional<Session>& b) {
  std::set<int> year_set;
  for (const PeriodReturn& y : s.stats.yearly_returns) year_set.insert(y.year);
  if (b)
    for (const PeriodReturn& y : b->stats.yearly_returns) year_set.insert(y.year);
  const std::vector<int> years(year_set.begin(), year_set.end());
  auto values_of = [&](const PerformanceStats& st) {
    std::vector<double> v(years.size(), std::nan(""));
    for (const PeriodReturn& y : st.yearly_returns)
      v[static_cast<std::size_t>(std::lower_bound(years.begin(), years.end(), y.year) - years.begin())] = y.value;
    return v;
  };
  svg::BarChart c;
  // As tall as the heatmap beside it.
  const double rows = static_cast<double>(std::max<std::size_t>(monthly_grid(s.stats).years.size(), 1));
  c.frame = {kNarrowWidth, std::max(20.0 + kHeatmapCell * rows + 38.0, 160.0), "Yearly returns", 0.0};
  c.horizontal = true;
  for (const int y : years) c.categories.push_back(std::to_string(y));
  c.series.push_back({"Strategy", values_of(s.stats), ""});
  if (b) c.series.push_back({"Benchmark", values_of(b->stats), kBenchmarkColor});
  c.positive_color = "#2f7d4f";
  c.negative_color = kLossColor;
  return text_panel("panel-yearly", "Yearly returns", "Compounded return of each calendar year.", svg::bar_chart(c));
}

std::string rolling_panel(const Session& s, const std::optional<Session>& b, const TimeRange& range) {
  const std::string title = fmt::format("Rolling {}-day Sharpe ratio", kRollingSharpeWindow);
  const std::string note = fmt::format(
      "Annualised Sharpe ratio of the trailing {} daily returns; dashed line: 0.", kRollingSharpeWindow);
  auto defined = [](const Session& x) {
    return std::any_of(x.rolling.begin(), x.rolling.end(), [](const auto& v) { return v.has_value(); });
  };
  svg::LineChart c = time_chart(range, 250.0, title);
  if (!defined(s) && !(b && defined(*b))) {
    return text_panel("panel-rolling-sharpe", title, note,
                 svg::placeholder(c.frame, fmt::format("Needs more than {} daily points", kRollingSharpeWindow)));
  }
  c.y_format = Format::number;
  c.reference_line = 0.0;
  c.series.push_back({"Strategy", as_x(s.curve.dates), optional_values(s.rolling), kStrategyColor, 1.5});
  if (b) c.series.push_back({"Benchmark", as_x(b->curve.dates), optional_values(b->rolling), kBenchmarkColor, 1.2});
  return text_panel("panel-rolling-sharpe", title, note, svg::line_chart(c));
}

std::string weights_panel(const WeightsTable& w, const Session& s, const TimeRange& range) {
  svg::StackedArea c;
  c.frame = {kFullWidth, 280.0, "Target weights over time", kTimeAxisMargin};
  c.x = as_x(w.dates);
  if (!s.curve.dates.empty()) c.x_end = std::max<double>(range.last, s.curve.dates.back());
  for (std::size_t t = 0; t < w.tickers.size(); ++t) {
    const auto& v = w.weights[t];
    if (std::all_of(v.begin(), v.end(), [](double x) { return x == 0.0; })) continue;
    c.layers.push_back({w.tickers[t], v, svg::palette(c.layers.size())});
  }
  std::string body;
  if (w.dates.empty()) body = svg::placeholder(c.frame, "No rebalances");
  else if (c.layers.empty()) body = svg::placeholder(c.frame, "All target weights are zero");
  else body = svg::stacked_area(c);
  return text_panel("panel-weights", "Target weights",
               "Weights the strategy asked for at each rebalance (before cash buffer and leverage scaling), held "
               "until the next one; short weights stack below zero.",
               body);
}

std::string distribution_panel(const Session& s) {
  svg::Histogram h;
  h.frame = {kHalfWidth, 250.0, "Distribution of daily returns", 0.0};
  if (s.stats.returns.size() > 1) h.values.assign(s.stats.returns.begin() + 1, s.stats.returns.end());
  h.x_format = Format::percent;
  h.color = kStrategyColor;
  if (h.values.size() >= 2) {
    const double mean = np_mean(h.values);
    const double var5 = np_percentile(h.values, 5.0);
    h.markers.push_back({var5, fmt::format("5% quantile {}", svg::format_value(var5, Format::percent, 2)), kLossColor});
    h.markers.push_back({mean, fmt::format("Mean {}", svg::format_value(mean, Format::percent, 3)), "#111827"});
  }
  return text_panel("panel-distribution", "Daily returns", "Histogram of the strategy's daily returns.", svg::histogram(h));
}

std::string turnover_panel(const std::map<int, double>& traded, const Session& s) {
  // Mean equity of each calendar year.
  std::map<int, std::pair<double, std::size_t>> equity;
  for (std::size_t i = 0; i < s.curve.dates.size(); ++i) {
    auto& [sum, count] = equity[civil_from_day(s.curve.dates[i]).year];
    sum += s.curve.equity[i];
    ++count;
  }
  svg::BarChart c;
  c.frame = {kHalfWidth, 250.0, "Turnover by year", 0.0};
  c.format = Format::multiple;
  c.label_decimals = 1;
  c.positive_color = "#5b7fb0";
  svg::BarSeries series{"Turnover", {}, ""};
  for (const auto& [year, e] : equity) {
    const auto it = traded.find(year);
    const double mean = e.first / static_cast<double>(e.second);
    c.categories.push_back(std::to_string(year));
    series.values.push_back(mean > 0.0 ? (it == traded.end() ? 0.0 : it->second) / mean : std::nan(""));
  }
  c.series.push_back(std::move(series));
  return text_panel("panel-turnover", "Turnover by year",
               "Value traded in the year (all fills) divided by the year's average equity.", svg::bar_chart(c));
}

// The backtest report's additions to the shared style sheet.
constexpr report::PageStyle kStyle{
    R"css(.row.halves{grid-template-columns:1fr 1fr}
)css",
    R"css(.stats-grid{display:grid;grid-template-columns:repeat(3,1fr);gap:6px 22px;align-items:start}
table.stats{border-collapse:collapse;width:100%;font-size:13px;font-variant-numeric:tabular-nums;margin-bottom:10px}
table.stats caption{text-align:left;font-weight:650;font-size:12px;letter-spacing:.05em;text-transform:uppercase;
 color:var(--muted);padding:6px 0 4px;border-bottom:2px solid var(--ink)}
table.stats th,table.stats td{padding:3px 6px;border-bottom:1px solid #eef0f2;text-align:right;white-space:nowrap}
table.stats thead th{font-size:11.5px;color:var(--muted);font-weight:600}
table.stats tbody th{text-align:left;font-weight:400;color:#374151;padding-left:0;white-space:normal}
td.neg,.kpi .value.neg{color:var(--neg)}
td.na{color:#9ca3af}
)css",
    R"css(.row,.row.halves{grid-template-columns:1fr}.kpis{grid-template-columns:repeat(3,1fr)}
 .stats-grid{grid-template-columns:1fr 1fr})css",
    R"css( .row{grid-template-columns:7fr 5fr}.row.halves{grid-template-columns:1fr 1fr}
)css"};

std::string page(const json& summary, const Session& s, const std::optional<Session>& b, const WeightsTable& weights,
                 const std::map<int, double>& traded) {
  const json& strategy = summary.at("strategy");
  const json* benchmark = b ? &summary.at("benchmark") : nullptr;
  const std::string name = string_or(summary, "config", "backtest");
  const TimeRange range = time_range(s, b);
  const std::string first = string_or(strategy, "first_date", s.curve.dates.empty() ? "-" : format_date(s.curve.dates.front()));
  const std::string last = string_or(strategy, "last_date", s.curve.dates.empty() ? "-" : format_date(s.curve.dates.back()));
  const std::optional<double> years = number_at_path(strategy, "years");

  std::string meta = fmt::format("<span>Strategy <b>{}</b></span><span>Mode <b>{}</b></span>"
                                 "<span>Period <b>{} to {}</b>{}</span>",
                                 escape(string_or(strategy, "kind", "?")), escape(string_or(strategy, "mode", "?")),
                                 escape(first), escape(last),
                                 years ? fmt::format(" ({} years)", svg::format_value(*years, Format::number, 1)) : "");
  if (benchmark) meta += fmt::format("<span>Benchmark <b>{}</b></span>", escape(string_or(*benchmark, "kind", "?")));
  if (const auto initial = number_at_path(strategy, "initial_equity"))
    meta += fmt::format("<span>Initial equity <b>{}</b></span>", svg::format_value(*initial, Format::money, 0));

  std::string html = report::page_start({fmt::format("{} ({} to {})", name, first, last), "qsweep backtest report",
                                          name, meta, "", kStyle});
  html += kpis(strategy, benchmark);
  html += "\n";
  html += equity_panel(s, b, range);
  html += drawdown_panel(s, b, range);
  html += "<div class=\"row\">" + monthly_panel(s) + yearly_panel(s, b) + "</div>\n";
  html += rolling_panel(s, b, range);
  html += weights_panel(weights, s, range);
  html += "<div class=\"row halves\">" + distribution_panel(s) + turnover_panel(traded, s) + "</div>\n";
  const json* relative = find_path(strategy, "relative_to_benchmark");
  html += text_panel("panel-stats", "Statistics",
                benchmark ? "Strategy and benchmark side by side; n/a: undefined for this curve (e.g. no losing days)."
                          : "n/a: undefined for this curve (e.g. no losing days).",
                stats_panel(strategy, benchmark, relative));
  html += report::page_end(string_or(summary, "qsweep_version", kVersion), "summary.json and the CSV files");
  return html;
}

}  // namespace

void write_backtest_report(const fs::path& run_dir, bool sync) {
  require_output_folder(run_dir, "backtest");
  const fs::path summary_path = run_dir / "summary.json";
  const json summary = read_summary(summary_path);
  check_summary_statistics(summary, summary_path);
  const Session strategy = load_session(summary.at("strategy"), run_dir / "equity.csv", summary_path);
  std::optional<Session> benchmark;
  if (summary.contains("benchmark"))
    benchmark = load_session(summary.at("benchmark"), run_dir / "benchmark_equity.csv", summary_path);
  const WeightsTable weights = read_weights(run_dir / "weights.csv");
  const std::map<int, double> traded = traded_value_by_year(run_dir / "fills.csv");
  write_file_atomic(run_dir / "report.html", page(summary, strategy, benchmark, weights, traded), sync);
}

namespace {

bool all_finite(std::span<const double> values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

// The session as load_session() reads it back from the folder; nullopt when the equity.csv
// written from `run` would not parse back to the same values.
std::optional<Session> session_from_run(const SessionRun& run, const SessionConfig& config, const json& summary,
                                        const std::vector<std::optional<double>>& rolling) {
  const SessionResult& r = run.result;
  if (!all_finite(r.equity) || std::adjacent_find(r.dates.begin(), r.dates.end(), std::greater_equal<>()) != r.dates.end())
    return std::nullopt;
  // The mode summary.json names is the session's (mode_of would throw on anything else).
  if (string_or(summary, "mode", "strict") != to_string(config.mode)) return std::nullopt;
  return make_session(Curve{r.dates, r.equity}, run.stats, rolling);
}

// A ticker that weights.csv's header (and fills.csv's rows) carry as one field, and that
// read_weights() keeps as a ticker.
bool plain_column_name(const std::string& name) {
  return name != "date" && name.find_first_of(",\r\n") == std::string::npos;
}

}  // namespace

std::optional<std::string> report::backtest_report_from_run(const BacktestRun& run, std::string_view summary_text,
                                                            const RunRolling& rolling) {
  json summary;
  try {
    summary = json::parse(summary_text);
  } catch (const json::exception&) {
    return std::nullopt;
  }
  if (!summary.is_object() || !summary.contains("strategy") || !summary["strategy"].is_object()) return std::nullopt;
  if (summary.contains("benchmark") != run.benchmark.has_value()) return std::nullopt;
  if (run.benchmark && !summary["benchmark"].is_object()) return std::nullopt;

  std::optional<Session> strategy = session_from_run(run.strategy, run.config.strategy, summary.at("strategy"), rolling.strategy);
  if (!strategy) return std::nullopt;
  std::optional<Session> benchmark;
  if (run.benchmark) {
    benchmark = session_from_run(*run.benchmark, *run.config.benchmark, summary.at("benchmark"), rolling.benchmark);
    if (!benchmark) return std::nullopt;
  }

  const SessionResult& r = run.strategy.result;
  WeightsTable weights;
  for (const std::string& t : r.tickers)
    if (!plain_column_name(t)) return std::nullopt;
  weights.tickers = r.tickers;
  weights.weights.resize(r.tickers.size());
  for (const RebalanceRecord& rb : r.rebalances) {
    if (!weights.dates.empty() && rb.day <= weights.dates.back()) return std::nullopt;
    if (rb.weights.size() != r.tickers.size() || !all_finite(rb.weights)) return std::nullopt;
    weights.dates.push_back(rb.day);
    for (std::size_t t = 0; t < rb.weights.size(); ++t) weights.weights[t].push_back(rb.weights[t]);
  }

  std::map<int, double> traded;
  for (const Fill& f : r.fills) {
    if (!std::isfinite(f.quantity) || !std::isfinite(f.price)) return std::nullopt;
    traded[civil_from_day(f.day).year] += std::abs(f.quantity * f.price);
  }
  return page(summary, *strategy, benchmark, weights, traded);
}

}  // namespace qsweep
