#include "sweep/results_table.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include <unistd.h>

#include <fmt/compile.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/parallel.hpp"
#include "qsweep/backtest.hpp"
#include "qsweep/error.hpp"
#include "qsweep/file_io.hpp"
#include "qsweep/overfitting.hpp"
#include "report/number_text.hpp"
#include "report/sweep_report.hpp"
#include "sweep/sweep_internal.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace qsweep::sweep {
namespace {

using Extractor = std::optional<double> (*)(const SessionResult&, const PerformanceStats&);

struct Column {
  const char* name;
  Extractor extract;
};

const std::vector<Column>& columns() {
  static const std::vector<Column> cols = {
      {"total_return", [](const SessionResult&, const PerformanceStats& s) { return s.total_return; }},
      {"cagr", [](const SessionResult&, const PerformanceStats& s) { return s.cagr; }},
      {"sharpe", [](const SessionResult&, const PerformanceStats& s) { return s.sharpe; }},
      {"sortino", [](const SessionResult&, const PerformanceStats& s) { return s.sortino; }},
      {"annual_volatility", [](const SessionResult&, const PerformanceStats& s) { return s.annual_volatility; }},
      {"max_drawdown",
       [](const SessionResult&, const PerformanceStats& s) { return std::optional<double>(s.max_drawdown); }},
      {"max_drawdown_duration",
       [](const SessionResult&, const PerformanceStats& s) {
         return std::optional<double>(static_cast<double>(s.max_drawdown_duration));
       }},
      {"calmar", [](const SessionResult&, const PerformanceStats& s) { return s.calmar; }},
      {"final_equity",
       [](const SessionResult& r, const PerformanceStats&) -> std::optional<double> {
         if (r.equity.empty()) return std::nullopt;
         return r.equity.back();
       }},
      {"fills",
       [](const SessionResult& r, const PerformanceStats&) {
         return std::optional<double>(static_cast<double>(r.fill_count));
       }},
  };
  return cols;
}

// Appends a CSV field: ',' then the value in shortest round-trip form, nothing when it is
// undefined or not finite.
void append_field(fmt::memory_buffer& out, const std::optional<double>& v) {
  out.push_back(',');
  if (v && std::isfinite(*v)) report::append_shortest(out, *v);
}

bool parse_number(std::string_view text, double& out) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && ptr == text.data() + text.size();
}

std::vector<std::string_view> split(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t pos = line.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(line.substr(start));
      return out;
    }
    out.push_back(line.substr(start, pos - start));
    start = pos + 1;
  }
}

std::string journal_header() {
  std::string h = "id";
  for (const Column& c : columns()) h += fmt::format(",{}", c.name);
  return h + ",observations,block_sum,block_sumsq";
}

// Appends the values separated by ';'.
void append_numbers(fmt::memory_buffer& out, const std::vector<double>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(';');
    report::append_shortest(out, values[i]);
  }
}

// `text` as a CSV field: quoted when it holds a comma, a quote or a line end.
std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// Deflated Sharpe ratio of the best variant (daily returns `best_returns`) and PBO over all
// variants from the rows' block sums, on `threads` threads.
json overfitting_summary(const std::vector<ResultRow>& rows, const std::vector<double>& best_returns,
                         unsigned threads) {
  json j;
  j["trials"] = rows.size();
  std::vector<double> trial_sharpes;
  bool same_periods = true;
  for (const ResultRow& r : rows) {
    same_periods = same_periods && r.observations == rows.front().observations;
    double sum = 0.0, sum_sq = 0.0;
    for (std::size_t b = 0; b < r.block_sum.size(); ++b) {
      sum += r.block_sum[b];
      sum_sq += r.block_sumsq[b];
    }
    const double t = static_cast<double>(r.observations);
    const double variance = t > 1 ? (sum_sq - sum * sum / t) / (t - 1.0) : 0.0;
    if (t > 1 && variance > 0.0) trial_sharpes.push_back((sum / t) / std::sqrt(variance));
  }
  json dsr;
  if (trial_sharpes.size() != rows.size()) {
    dsr["value"] = nullptr;
    dsr["undefined_because"] = "some variants have flat or too short equity curves";
  } else {
    const auto result = deflated_sharpe_from_returns(best_returns, trial_sharpes);
    if (result) {
      dsr["value"] = result.value->probability;
      dsr["expected_max_sharpe_per_period"] = result.value->expected_max_sharpe;
    } else {
      dsr["value"] = nullptr;
      dsr["undefined_because"] = result.undefined_because;
    }
  }
  if (const auto moments = return_moments(best_returns)) {
    dsr["selected_sharpe_per_period"] = moments.value->sharpe;
    dsr["selected_skewness"] = moments.value->skewness;
    dsr["selected_kurtosis"] = moments.value->kurtosis;
    dsr["observations"] = moments.value->count;
  }
  j["deflated_sharpe"] = dsr;

  json pbo;
  pbo["partitions"] = kPboPartitions;
  if (!same_periods) {
    pbo["value"] = nullptr;
    pbo["undefined_because"] = "the variants cover different dates, so their returns cannot be compared period by period";
  } else {
    BlockReturnSums blocks;
    blocks.trials = rows.size();
    const std::size_t s = kPboPartitions;
    const std::size_t t = rows.front().observations;
    for (std::size_t b = 0; b < s; ++b) blocks.rows.push_back(static_cast<double>((b + 1) * t / s - b * t / s));
    blocks.sum.resize(s * rows.size());
    blocks.sum_sq.resize(s * rows.size());
    for (std::size_t n = 0; n < rows.size(); ++n)
      for (std::size_t b = 0; b < s; ++b) {
        blocks.sum[b * rows.size() + n] = rows[n].block_sum[b];
        blocks.sum_sq[b * rows.size() + n] = rows[n].block_sumsq[b];
      }
    PboOptions options;
    options.threads = std::max(1u, threads);
    const auto result = probability_of_backtest_overfitting(blocks, options);
    if (result) {
      pbo["value"] = result.value->probability;
      pbo["combinations"] = result.value->combinations;
      pbo["logits"] = result.value->logits;
    } else {
      pbo["value"] = nullptr;
      pbo["undefined_because"] = result.undefined_because;
    }
  }
  j["pbo"] = pbo;

  json warnings = json::array();
  if (pbo["value"].is_number() && pbo["value"].get<double>() > 0.5)
    warnings.push_back(fmt::format(
        "Probability of backtest overfitting is {:.0f}%: in most train/test splits the variant that looked best "
        "in-sample did worse than the median variant out of sample. The ranking is more likely luck than skill.",
        pbo["value"].get<double>() * 100.0));
  if (dsr["value"].is_number() && dsr["value"].get<double>() < 0.95)
    warnings.push_back(fmt::format(
        "Deflated Sharpe ratio of the best variant is {:.2f} (< 0.95): after accounting for the {} variants tried, "
        "its Sharpe ratio is not significantly above what the best of that many random strategies would show.",
        dsr["value"].get<double>(), rows.size()));
  j["warnings"] = warnings;
  return j;
}

// Sorts rows by id and keeps one row per id: the order results.csv and the ranking use.
void sort_by_id(std::vector<ResultRow>& rows) {
  std::sort(rows.begin(), rows.end(), [](const ResultRow& a, const ResultRow& b) { return a.id < b.id; });
  rows.erase(std::unique(rows.begin(), rows.end(), [](const ResultRow& a, const ResultRow& b) { return a.id == b.id; }),
             rows.end());
}

}  // namespace

std::string param_text(const std::string& toml_text) {
  toml::table parsed;
  try {
    parsed = parse_value_text(toml_text);
  } catch (const toml::parse_error&) {
    return toml_text;
  }
  const toml::node* node = parsed.get("v");
  const std::optional<std::string> text = node ? node->value_exact<std::string>() : std::nullopt;
  if (!text) return toml_text;
  std::string out;
  for (const char c : *text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) fmt::format_to(std::back_inserter(out), "\\u{:04X}", byte);
    else out.push_back(c);
  }
  return out;
}

const std::vector<std::string>& result_columns() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const Column& c : columns()) n.emplace_back(c.name);
    return n;
  }();
  return names;
}

bool is_result_column(const std::string& name) {
  const auto& names = result_columns();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string result_column_list() {
  std::string out;
  for (const std::string& n : result_columns()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

ResultRow make_result_row(std::uint64_t id, const SessionResult& result, const PerformanceStats& stats,
                          std::size_t partitions) {
  ResultRow row;
  row.id = id;
  for (const Column& c : columns()) row.values.push_back(c.extract(result, stats));
  // Daily returns without the leading 0, cut into `partitions` contiguous blocks.
  const std::size_t n = stats.returns.size() > 0 ? stats.returns.size() - 1 : 0;
  row.observations = n;
  row.block_sum.assign(partitions, 0.0);
  row.block_sumsq.assign(partitions, 0.0);
  if (n >= partitions) {
    for (std::size_t b = 0; b < partitions; ++b) {
      const std::size_t lo = b * n / partitions;
      const std::size_t hi = (b + 1) * n / partitions;
      double sum = 0.0;  // in registers: two short dependency chains, not through memory
      double sumsq = 0.0;
      for (std::size_t i = lo; i < hi; ++i) {
        const double r = stats.returns[i + 1];
        sum += r;
        sumsq += r * r;
      }
      row.block_sum[b] = sum;
      row.block_sumsq[b] = sumsq;
    }
  }
  return row;
}

// --- Journal ---------------------------------------------------------------------------------

Journal::Journal(fs::path path, std::uint64_t grid_size, bool keep_rows)
    : path_(std::move(path)), done_(grid_size, false), keep_rows_(keep_rows) {
  std::error_code ec;
  if (fs::exists(path_, ec)) {
    std::string content = read_file(path_);
    const std::size_t complete = content.rfind('\n') == std::string::npos ? 0 : content.rfind('\n') + 1;
    if (complete < content.size()) {
      // A line cut short by a killed process: drop it.
      fs::resize_file(path_, complete, ec);
      if (ec) throw IoError(fmt::format("{}: cannot truncate a partial line: {}", path_.string(), ec.message()));
      content.resize(complete);
    }
    const std::size_t eol = content.find('\n');
    if (complete > 0 && content.substr(0, eol) != journal_header())
      throw InputError(fmt::format("{}: written by a different qsweep version (header differs); use --overwrite",
                                   path_.string()));
    std::vector<ResultRow> rows = read_all();
    for (const ResultRow& row : rows) done_[row.id] = true;
    if (keep_rows_) kept_ = std::move(rows);
  }
  const bool fresh = !fs::exists(path_, ec) || fs::file_size(path_, ec) == 0;
  file_ = std::fopen(path_.c_str(), "a");
  if (!file_) throw IoError(fmt::format("{}: cannot open for appending", path_.string()));
  if (fresh) {
    std::fputs((journal_header() + "\n").c_str(), file_);
    flush();
  }
}

Journal::~Journal() {
  if (file_) std::fclose(file_);
}

void Journal::append(const ResultRow& row) {
  fmt::memory_buffer line;
  fmt::format_to(std::back_inserter(line), FMT_COMPILE("{}"), row.id);
  for (const auto& v : row.values) append_field(line, v);
  fmt::format_to(std::back_inserter(line), FMT_COMPILE(",{},"), row.observations);
  append_numbers(line, row.block_sum);
  line.push_back(',');
  append_numbers(line, row.block_sumsq);
  line.push_back('\n');
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size())
    throw IoError(fmt::format("{}: write failed", path_.string()));
  done_[row.id] = true;
  if (keep_rows_) {
    ResultRow& kept = kept_.emplace_back(row);
    for (auto& v : kept.values)
      if (v && !std::isfinite(*v)) v.reset();  // as append_field writes it
  }
}

std::vector<ResultRow> Journal::take_rows() {
  if (!keep_rows_) return read_all();
  std::vector<ResultRow> rows = std::move(kept_);
  kept_.clear();
  keep_rows_ = false;
  sort_by_id(rows);
  return rows;
}

void Journal::flush() {
  if (std::fflush(file_) != 0) throw IoError(fmt::format("{}: write failed", path_.string()));
}

void Journal::sync() {
  flush();
  ::fsync(::fileno(file_));
}

std::vector<ResultRow> Journal::read_all() const {
  const std::string content = read_file(path_);
  std::vector<ResultRow> rows;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  const std::size_t n_values = columns().size();
  while (pos < content.size()) {
    const std::size_t eol = content.find('\n', pos);
    if (eol == std::string::npos) break;  // partial last line: ignored
    const std::string_view line(content.data() + pos, eol - pos);
    pos = eol + 1;
    if (++line_no == 1) continue;
    const auto fields = split(line, ',');
    auto bad = [&](const std::string& what) {
      return InputError(fmt::format("{}:{}: {}", path_.string(), line_no, what));
    };
    if (fields.size() != n_values + 4) throw bad(fmt::format("expected {} fields, found {}", n_values + 4, fields.size()));
    ResultRow row;
    double id = 0;
    if (!parse_number(fields[0], id) || id < 0 || static_cast<std::uint64_t>(id) >= done_.size())
      throw bad("bad variant id");
    row.id = static_cast<std::uint64_t>(id);
    for (std::size_t i = 0; i < n_values; ++i) {
      double v = 0;
      if (fields[1 + i].empty()) row.values.emplace_back();
      else if (parse_number(fields[1 + i], v)) row.values.emplace_back(v);
      else throw bad(fmt::format("column {}: not a number", columns()[i].name));
    }
    double obs = 0;
    if (!parse_number(fields[n_values + 1], obs)) throw bad("observations: not a number");
    row.observations = static_cast<std::size_t>(obs);
    for (auto [field, target] : {std::pair{fields[n_values + 2], &row.block_sum}, std::pair{fields[n_values + 3], &row.block_sumsq}}) {
      for (std::string_view part : split(field, ';')) {
        double v = 0;
        if (!parse_number(part, v)) throw bad("block statistics: not a number");
        target->push_back(v);
      }
    }
    rows.push_back(std::move(row));
  }
  sort_by_id(rows);
  return rows;
}

// --- finish ----------------------------------------------------------------------------------

namespace {

// The fields of a session that shape its PreparedSession (calendar, prices, schedule).
std::string session_key(const SessionConfig& s, const std::vector<std::string>& tickers) {
  std::string key = fmt::format(FMT_COMPILE("{}|{}|{}|{}|{}|{}"), s.start, s.end, s.burn_in ? *s.burn_in : -1,
                                static_cast<int>(s.rebalance), s.weekday, static_cast<int>(s.mode));
  for (const auto& [t, d] : s.universe_entries) key += fmt::format("|u{}={}", t, d);
  for (const std::string& t : tickers) key += "|" + t;
  return key;
}

}  // namespace

std::shared_ptr<const PreparedSession> SessionPool::get(const SessionConfig& s, const std::vector<std::string>& tickers) {
  const std::string key = session_key(s, tickers);
  std::lock_guard lock(mutex_);
  auto& slot = sessions_[key];
  if (!slot) slot = std::make_shared<const PreparedSession>(data_, s, tickers);
  return slot;
}

json finish_sweep(const fs::path& out, const SweepSpec& spec, const std::function<Config(std::uint64_t)>& config_of,
                  Journal& journal, const std::vector<std::uint64_t>& valid_ids, std::size_t keep_curves,
                  SessionPool& sessions, unsigned threads) {
  const SweepGrid& grid = spec.grid;
  std::vector<ResultRow> rows = journal.take_rows();
  {
    std::vector<bool> valid(grid.size(), false);
    for (std::uint64_t id : valid_ids) valid[id] = true;
    std::erase_if(rows, [&](const ResultRow& r) { return !valid[r.id]; });
    if (rows.size() != valid_ids.size())
      throw InputError(fmt::format("{}: {} of {} variants have results", journal.path().string(), rows.size(), valid_ids.size()));
  }

  // results.csv, in id order (written beside the curves and the overfitting statistics below).
  auto write_results = [&] {
    fmt::memory_buffer csv;
    auto csv_out = std::back_inserter(csv);
    fmt::format_to(csv_out, "id,hash");
    for (const SweepDimension& d : grid.dimensions()) fmt::format_to(csv_out, ",{}", csv_field(d.key));
    for (const std::string& c : result_columns()) fmt::format_to(csv_out, ",{}", c);
    csv.push_back('\n');
    // Each value's field, made once.
    std::vector<std::vector<std::string>> fields;
    for (const SweepDimension& d : grid.dimensions()) {
      fields.emplace_back();
      for (const std::string& value : d.values) fields.back().push_back(csv_field(param_text(value)));
    }
    for (const ResultRow& r : rows) {
      fmt::format_to(csv_out, FMT_COMPILE("{},{}"), r.id, grid.variant_hash(r.id));
      const std::vector<std::size_t> indices = grid.value_indices(r.id);
      for (std::size_t d = 0; d < indices.size(); ++d) fmt::format_to(csv_out, ",{}", fields[d][indices[d]]);
      for (const auto& v : r.values) append_field(csv, v);
      csv.push_back('\n');
    }
    // The derived files skip fsync: journal.csv and manifest.json are on disk, and --resume
    // rewrites these from them after a crash.
    write_file_atomic(out / "results.csv", fmt::to_string(csv), /*sync=*/false);
  };

  // Ranking: best first by rank_by (nulls last), ties by id.
  const auto& names = result_columns();
  const std::size_t rank_col = static_cast<std::size_t>(std::find(names.begin(), names.end(), spec.rank_by) - names.begin());
  const bool higher = higher_is_better(spec.rank_by);
  std::vector<std::size_t> order(rows.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = rows[a].values[rank_col];
    const auto& y = rows[b].values[rank_col];
    if (!x || !y) return x.has_value() && !y.has_value();
    return higher ? *x > *y : *x < *y;
  });

  // Equity curves of the top K and the median variant, re-run with full recording.
  std::vector<std::uint64_t> curve_ids;
  for (std::size_t i = 0; i < std::min(keep_curves, order.size()); ++i) curve_ids.push_back(rows[order[i]].id);
  const std::uint64_t median_id = rows[order[(order.size() - 1) / 2]].id;
  if (std::find(curve_ids.begin(), curve_ids.end(), median_id) == curve_ids.end()) curve_ids.push_back(median_id);
  std::vector<SessionResult> curves(curve_ids.size());
  auto run_curve = [&](std::uint64_t id) {
    const Config config = config_of(id);
    std::unique_ptr<Strategy> strategy = StrategyRegistry::global().create(config.strategy.strategy);
    const std::shared_ptr<const PreparedSession> session = sessions.get(config.strategy, strategy->assets());
    return run_session(*session, config.strategy, *strategy, RecordOptions{false, false, false, false});
  };
  auto rerun = [&](std::size_t i) { curves[i] = run_curve(curve_ids[i]); };
  // The best variant first: the deflated Sharpe ratio needs its returns. It is curves[0] unless
  // no curve is kept (--keep-curves 0), when it is run for them alone.
  const bool best_is_kept = curve_ids.front() == rows[order.front()].id;
  if (best_is_kept) rerun(0);
  const SessionResult best_alone = best_is_kept ? SessionResult{} : run_curve(rows[order.front()].id);
  std::vector<double> best_returns;  // daily returns of the best variant, leading 0 dropped
  const std::vector<double>& best_equity = (best_is_kept ? curves.front() : best_alone).equity;
  for (std::size_t i = 1; i < best_equity.size(); ++i) best_returns.push_back(best_equity[i] / best_equity[i - 1] - 1.0);

  // curves.csv beside results.csv and the overfitting statistics (on two threads when there are).
  report::SweepCurves curves_table;
  auto write_curves = [&] {
    for (std::size_t i = best_is_kept ? 1 : 0; i < curves.size(); ++i) rerun(i);
    std::vector<Day> dates;  // the union of the curves' dates
    for (const SessionResult& curve : curves) {
      std::vector<Day> merged;
      std::set_union(dates.begin(), dates.end(), curve.dates.begin(), curve.dates.end(), std::back_inserter(merged));
      dates.swap(merged);
    }
    fmt::memory_buffer curves_text;
    fmt::format_to(std::back_inserter(curves_text), "date");
    for (std::uint64_t id : curve_ids) fmt::format_to(std::back_inserter(curves_text), ",v{}", id);
    curves_text.push_back('\n');
    std::vector<std::size_t> next(curves.size(), 0);  // each curve's next point
    curves_table.ids = curve_ids;
    curves_table.equity.assign(curves.size(), {});
    for (const Day day : dates) {
      const std::string date = format_date(day);
      curves_text.append(date.data(), date.data() + date.size());
      for (std::size_t c = 0; c < curves.size(); ++c) {
        const SessionResult& curve = curves[c];
        const bool has_point = next[c] < curve.dates.size() && curve.dates[next[c]] == day;
        const double value = has_point ? curve.equity[next[c]++] : std::nan("");
        append_field(curves_text, has_point ? std::optional<double>(value) : std::nullopt);
        curves_table.equity[c].push_back(value);
      }
      curves_text.push_back('\n');
    }
    write_file_atomic(out / "curves.csv", fmt::to_string(curves_text), /*sync=*/false);
    curves_table.dates = std::move(dates);
  };
  json overfitting;
  run_tasks({write_results, write_curves, [&] { overfitting = overfitting_summary(rows, best_returns, threads); }},
            std::min(threads, 2u));

  // sweep_summary.json: the ranking and what the report needs.
  json summary;
  summary["rank_by"] = spec.rank_by;
  summary["higher_is_better"] = higher;
  summary["variants"] = rows.size();
  summary["best_id"] = rows[order.front()].id;
  summary["median_id"] = median_id;
  summary["curve_ids"] = curve_ids;
  json ranking = json::array();
  for (std::size_t i = 0; i < std::min<std::size_t>(20, order.size()); ++i) {
    const ResultRow& r = rows[order[i]];
    json entry{{"rank", i + 1}, {"id", r.id}, {"hash", grid.variant_hash(r.id)}};
    json params = json::object();
    for (const auto& [key, value] : grid.assignments(r.id)) params[key] = value;
    entry["params"] = params;
    for (std::size_t c = 0; c < names.size(); ++c)
      entry[names[c]] = r.values[c] ? json(*r.values[c]) : json(nullptr);
    ranking.push_back(entry);
  }
  summary["ranking"] = ranking;
  summary["overfitting"] = std::move(overfitting);
  // The report reads results.csv, written above, but not the summary file.
  run_tasks({[&] { write_file_atomic(out / "sweep_summary.json", summary.dump(1) + "\n", /*sync=*/false); },
             [&] { report::write_sweep_report(out, summary, std::move(curves_table), /*sync=*/false, threads); }},
            std::min(threads, 2u));
  return summary;
}

}  // namespace qsweep::sweep
