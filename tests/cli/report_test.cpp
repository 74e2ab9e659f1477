// report.html and `qsweep report RUN_DIR`: the page's content for hand-written run folders
// (formatting, n/a, escaping, degenerate curves), the errors for broken folders, weights.csv
// against QSTrader's target weights, and re-rendering a backtest's report byte for byte.
#include <cmath>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace qsweep::test {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kPanelIds = {"panel-equity",   "panel-drawdown",       "panel-monthly",
                                            "panel-yearly",   "panel-rolling-sharpe", "panel-weights",
                                            "panel-distribution", "panel-turnover",   "panel-stats"};

const char* kSummary = R"({
 "qsweep_version": "0.1.0",
 "config": "<script>alert(1)</script> & co",
 "strategy": {
  "kind": "fixed_weights", "mode": "strict", "first_date": "2020-01-02", "last_date": "2020-01-08",
  "points": 5, "total_return": 0.1, "sharpe": null, "max_drawdown": 0.25, "max_drawdown_duration": 12,
  "initial_equity": 1234567.0, "frobnicate": 42, "trades": {"count": 3, "win_rate": null}
 }
})";

// A minimal run folder with a five-day curve and no benchmark.
fs::path write_run(const std::string& name) {
  const fs::path dir = fresh_temp_dir(name);
  write_text(dir / "summary.json", kSummary);
  write_text(dir / "equity.csv",
             "date,equity,cash,market_value\n2020-01-02,100,100,0\n2020-01-03,110,10,100\n"
             "2020-01-06,99,10,89\n2020-01-07,104.5,10,94.5\n2020-01-08,110,10,100\n");
  write_text(dir / "weights.csv", "date,AAA,BBB\n2020-01-02,0.5,-0.25\n");
  write_text(dir / "fills.csv", "date,ticker,quantity,price,commission,cash_after\n2020-01-03,AAA,10,9,0,10\n");
  return dir;
}

// The <tr> of the statistics table whose label is `label`.
std::string stat_row(const std::string& html, const std::string& label) {
  const std::size_t at = html.find("<th scope=\"row\">" + label + "</th>");
  if (at == std::string::npos) return "";
  return html.substr(at, html.find("</tr>", at) - at);
}

TEST(Report, RendersEveryPanelWithFormattedStatistics) {
  const fs::path dir = write_run("report-basic");
  const RunResult r = run_qsweep("report '" + dir.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("report.html"), std::string::npos);
  const std::string html = slurp(dir / "report.html");
  for (const std::string& id : kPanelIds) EXPECT_NE(html.find("id=\"" + id + "\""), std::string::npos) << id;

  EXPECT_NE(stat_row(html, "Total return").find("<td>10.00%</td>"), std::string::npos);
  EXPECT_NE(stat_row(html, "Sharpe ratio").find("<td class=\"na\">n/a</td>"), std::string::npos);
  EXPECT_NE(stat_row(html, "Max drawdown").find("<td class=\"neg\">-25.00%</td>"), std::string::npos);
  EXPECT_NE(stat_row(html, "Max drawdown duration (days)").find("<td>12</td>"), std::string::npos);
  EXPECT_NE(stat_row(html, "Initial equity").find("<td>1,234,567</td>"), std::string::npos);
  EXPECT_NE(stat_row(html, "Trades").find("<td>3</td>"), std::string::npos);
  EXPECT_NE(stat_row(html, "Win rate").find("n/a"), std::string::npos);
  EXPECT_EQ(stat_row(html, "Sortino ratio"), "");  // not in this summary.json: no row
  EXPECT_EQ(html.find("frobnicate"), std::string::npos);
  EXPECT_EQ(html.find("Benchmark"), std::string::npos);
  // The five-day curve is too short for a 252-day rolling Sharpe.
  EXPECT_NE(html.find("Needs more than 252 daily points"), std::string::npos);
  // Short weights are drawn (below zero) and named.
  EXPECT_NE(html.find("<title>BBB</title>"), std::string::npos);
  fs::remove_all(dir);
}

TEST(Report, EscapesTextAndIsSelfContained) {
  const fs::path dir = write_run("report-escape");
  ASSERT_EQ(run_qsweep("report -q '" + dir.string() + "'").exit_code, 0);
  const std::string html = slurp(dir / "report.html");
  EXPECT_NE(html.find("<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</h1>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  // Nothing is fetched: no external references of any kind (the SVG namespace is a name only).
  std::string stripped = std::regex_replace(html, std::regex("xmlns=\"http://www.w3.org/2000/svg\""), "");
  for (const char* needle : {"http://", "https://", "src=", "<link", "@import", "url(", "@font-face"})
    EXPECT_EQ(stripped.find(needle), std::string::npos) << needle;
  fs::remove_all(dir);
}

TEST(Report, NeverPrintsNonFiniteNumbers) {
  const fs::path dir = write_run("report-nan");
  // A flat curve: every return 0, Sharpe and Sortino undefined, no drawdown.
  write_text(dir / "equity.csv",
             "date,equity,cash,market_value\n2020-01-02,100,100,0\n2020-01-03,100,100,0\n2020-01-06,100,100,0\n");
  ASSERT_EQ(run_qsweep("report '" + dir.string() + "'").exit_code, 0);
  const std::string html = slurp(dir / "report.html");
  EXPECT_FALSE(std::regex_search(html, std::regex("[^a-z](nan|inf)[^a-z]", std::regex::icase)));
  fs::remove_all(dir);
}

TEST(Report, NegativeEquityHasNoLogChart) {
  const fs::path dir = write_run("report-negative");
  // A leveraged book that loses more than its equity: growth 1, 0.5, -0.2, 0.1.
  write_text(dir / "equity.csv",
             "date,equity,cash,market_value\n2020-01-02,100,100,0\n2020-01-03,50,0,0\n2020-01-06,-20,0,0\n"
             "2020-01-07,10,0,0\n");
  const RunResult r = run_qsweep("report '" + dir.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = slurp(dir / "report.html");
  const std::size_t log_chart = html.find("<div class=\"scale-log\">");
  ASSERT_NE(log_chart, std::string::npos);
  EXPECT_NE(html.find("Log scale needs positive values", log_chart), std::string::npos);
  EXPECT_FALSE(std::regex_search(html, std::regex("[^a-z](nan|inf)[^a-z]", std::regex::icase)));
  fs::remove_all(dir);
}

TEST(Report, DegenerateCurvesRenderPlaceholders) {
  const fs::path dir = write_run("report-degenerate");
  write_text(dir / "equity.csv", "date,equity,cash,market_value\n2020-01-02,100,100,0\n");
  RunResult r = run_qsweep("report '" + dir.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string html = slurp(dir / "report.html");
  for (const std::string& id : kPanelIds) EXPECT_NE(html.find("id=\"" + id + "\""), std::string::npos) << id;

  write_text(dir / "equity.csv", "date,equity,cash,market_value\n");
  write_text(dir / "weights.csv", "date,AAA\n");
  write_text(dir / "fills.csv", "date,ticker,quantity,price,commission,cash_after\n");
  r = run_qsweep("report '" + dir.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  html = slurp(dir / "report.html");
  EXPECT_NE(html.find("No data"), std::string::npos);
  EXPECT_NE(html.find("No rebalances"), std::string::npos);
  fs::remove_all(dir);
}

struct BrokenCase {
  const char* name;
  const char* file;     // file to overwrite ("" = none), or to delete when content is null
  const char* content;  // null: delete the file
  int exit_code;
  const char* message;  // expected in stderr
};

// Names the case in test listings (instead of its bytes).
void PrintTo(const BrokenCase& c, std::ostream* os) { *os << c.name; }

class ReportErrors : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(ReportErrors, NameTheFile) {
  const BrokenCase& c = GetParam();
  const fs::path dir = write_run(std::string("report-broken-") + c.name);
  if (c.content == nullptr) fs::remove(dir / c.file);
  else write_text(dir / c.file, c.content);
  const RunResult r = run_qsweep("report '" + dir.string() + "'");
  EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
  EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("internal"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "report.html"));
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(
    Report, ReportErrors,
    ::testing::Values(
        BrokenCase{"no_summary", "summary.json", nullptr, 4, "summary.json: no such file"},
        BrokenCase{"no_equity", "equity.csv", nullptr, 4, "equity.csv: no such file"},
        BrokenCase{"no_weights", "weights.csv", nullptr, 4, "weights.csv: no such file"},
        BrokenCase{"no_fills", "fills.csv", nullptr, 4, "fills.csv: no such file"},
        BrokenCase{"bad_json", "summary.json", "{\"strategy\": {", 3, "summary.json: not valid JSON"},
        BrokenCase{"no_strategy", "summary.json", "{\"config\": \"x\"}", 3, "summary.json: no \"strategy\" object"},
        BrokenCase{"bad_mode", "summary.json", "{\"strategy\": {\"mode\": \"fast\"}}", 3, "unknown mode 'fast'"},
        BrokenCase{"no_benchmark_file", "summary.json", "{\"strategy\": {}, \"benchmark\": {}}", 4,
                   "benchmark_equity.csv: no such file"},
        BrokenCase{"text_statistic", "summary.json", "{\"strategy\": {\"sharpe\": \"high\"}}", 3,
                   "summary.json: \"strategy.sharpe\": expected a number or null, got \"high\""},
        BrokenCase{"negative_count", "summary.json", "{\"strategy\": {\"trades\": {\"count\": -7}}}", 3,
                   "\"strategy.trades.count\": expected a whole number >= 0 or null, got -7"},
        BrokenCase{"fractional_count", "summary.json", "{\"strategy\": {\"points\": 2.5}}", 3,
                   "\"strategy.points\": expected a whole number >= 0 or null, got 2.5"},
        BrokenCase{"number_as_date", "summary.json", "{\"strategy\": {\"first_date\": 20200102}}", 3,
                   "\"strategy.first_date\": expected text or null, got 20200102"},
        BrokenCase{"relative_statistic", "summary.json",
                   "{\"strategy\": {\"relative_to_benchmark\": {\"beta\": [1]}}}", 3,
                   "\"strategy.relative_to_benchmark.beta\": expected a number or null, got [1]"},
        BrokenCase{"trades_not_object", "summary.json", "{\"strategy\": {\"trades\": 3}}", 3,
                   "\"strategy.trades\": expected an object or null, got 3"},
        BrokenCase{"number_overflow", "summary.json", "{\"strategy\": {\"points\": 1e400}}", 3,
                   "summary.json: not valid JSON"},
        BrokenCase{"bad_number", "equity.csv", "date,equity\n2020-01-02,100\n2020-01-03,abc\n", 3,
                   "equity.csv:3: column 'equity': 'abc' is not a finite number"},
        BrokenCase{"nan_number", "equity.csv", "date,equity\n2020-01-02,nan\n", 3, "equity.csv:2: column 'equity'"},
        BrokenCase{"bad_date", "weights.csv", "date,AAA\n2020-13-01,1\n", 3,
                   "weights.csv:2: column 'date': '2020-13-01' is not a date"},
        BrokenCase{"unordered", "equity.csv", "date,equity\n2020-01-03,100\n2020-01-02,100\n", 3,
                   "equity.csv:3: date 2020-01-02 is not after"},
        BrokenCase{"unordered_fills", "fills.csv",
                   "date,ticker,quantity,price\n2020-01-03,AAA,10,9\n2020-01-03,BBB,1,9\n2020-01-02,AAA,1,9\n", 3,
                   "fills.csv:4: date 2020-01-02 is before the previous row's 2020-01-03"},
        BrokenCase{"short_row", "fills.csv", "date,ticker,quantity,price\n2020-01-03,AAA,10\n", 3,
                   "fills.csv:2: expected 4 fields as in the header, found 3"},
        BrokenCase{"no_column", "fills.csv", "date,ticker,quantity\n", 3, "fills.csv:1: no column 'price'"},
        BrokenCase{"empty_file", "equity.csv", "", 3, "equity.csv: empty file"}),
    [](const ::testing::TestParamInfo<BrokenCase>& param) { return std::string(param.param.name); });

TEST(Report, MissingFolderIsAnIoError) {
  const fs::path dir = fresh_temp_dir("report-missing") / "no-such-run";
  const RunResult r = run_qsweep("report '" + dir.string() + "'");
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find(dir.string() + ": no such backtest output folder"), std::string::npos) << r.err;
  fs::remove_all(dir.parent_path());
}

TEST(Report, AFileIsNotAFolder) {
  const fs::path dir = write_run("report-file");
  for (const char* command : {"report", "show"}) {
    const RunResult r = run_qsweep(std::string(command) + " '" + (dir / "summary.json").string() + "'");
    EXPECT_EQ(r.exit_code, 4) << command;
    EXPECT_NE(r.err.find((dir / "summary.json").string() + ": not a folder"), std::string::npos) << r.err;
  }
  fs::remove_all(dir);
}

TEST(Report, FilesWithAByteOrderMarkAreRead) {
  // An editor may save a CSV file with a UTF-8 byte-order mark.
  const fs::path dir = write_run("report-bom");
  write_text(dir / "equity.csv", "\xEF\xBB\xBF" + slurp(dir / "equity.csv"));
  const RunResult r = run_qsweep("report '" + dir.string() + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  fs::remove_all(dir);
}

TEST(Report, UsageErrors) {
  EXPECT_EQ(run_qsweep("report").exit_code, 2);
  EXPECT_EQ(run_qsweep("report a b").exit_code, 2);
  EXPECT_EQ(run_qsweep("report ''").exit_code, 2);
  EXPECT_EQ(run_qsweep("show ''").exit_code, 2);
}

// A backtest writes report.html and weights.csv; `qsweep report` re-renders the same bytes.
class BacktestReport : public ::testing::TestWithParam<std::string> {};

TEST_P(BacktestReport, ReRenderIsIdenticalAndWeightsMatchQstrader) {
  const std::string scenario = GetParam();
  const fs::path dir = fresh_temp_dir("report-" + scenario);
  const fs::path run = dir / "run";
  RunResult r = run_qsweep("backtest '" + (source_dir() / "examples/qstrader" / (scenario + ".toml")).string() +
                           "' --quiet --out '" + run.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string first = slurp(run / "report.html");
  ASSERT_FALSE(first.empty());
  for (const std::string& id : kPanelIds) EXPECT_NE(first.find("id=\"" + id + "\""), std::string::npos) << id;
  fs::remove(run / "report.html");
  r = run_qsweep("report '" + run.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(slurp(run / "report.html") == first) << "re-rendered report differs";

  // weights.csv against QSTrader's target weights at each rebalance (tickers "EQ:X", times
  // at 21:00 UTC, an empty cell for an asset outside the universe where we write 0).
  const CsvTable ours = read_csv(run / "weights.csv");
  const CsvTable ref = read_csv(source_dir() / "tests/golden/qstrader" / scenario / "target_weights_at_rebalance.csv");
  ASSERT_EQ(ours.header.size(), ref.header.size());
  EXPECT_EQ(ours.header[0], "date");
  for (std::size_t c = 1; c < ref.header.size(); ++c) EXPECT_EQ("EQ:" + ours.header[c], ref.header[c]);
  ASSERT_EQ(ours.rows.size(), ref.rows.size());
  for (std::size_t i = 0; i < ref.rows.size(); ++i) {
    ASSERT_EQ(ours.rows[i][0], ref.rows[i][0].substr(0, 10)) << "row " << i;
    for (std::size_t c = 1; c < ref.header.size(); ++c) {
      const double expected = c < ref.rows[i].size() && !ref.rows[i][c].empty() ? std::stod(ref.rows[i][c]) : 0.0;
      EXPECT_EQ(std::stod(ours.rows[i][c]), expected) << ours.rows[i][0] << " " << ours.header[c];
    }
  }
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Qstrader, BacktestReport, ::testing::Values("sixty_forty", "long_short", "momentum_taa"));

// The backtest renders report.html from its run in memory; `qsweep report` reads the folder.
// Both give the same bytes, in either mode, with or without fees and a benchmark.
class BacktestReportInMemory : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(BacktestReportInMemory, MatchesTheReRenderedFolder) {
  const auto& [scenario, overrides] = GetParam();
  const fs::path run = fresh_temp_dir("report-mem-" + scenario) / "run";
  RunResult r = run_qsweep("backtest '" + (source_dir() / "examples/qstrader" / (scenario + ".toml")).string() +
                           "' --quiet --out '" + run.string() + "'" + overrides);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string from_memory = slurp(run / "report.html");
  ASSERT_FALSE(from_memory.empty());
  r = run_qsweep("report '" + run.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(slurp(run / "report.html") == from_memory) << "re-rendered report differs";
  fs::remove_all(run.parent_path());
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, BacktestReportInMemory,
    ::testing::Values(std::pair<std::string, std::string>{"buy_and_hold", ""},
                      std::pair<std::string, std::string>{"sixty_forty_fees", ""},
                      std::pair<std::string, std::string>{"sixty_forty", " --set backtest.mode=strict"},
                      std::pair<std::string, std::string>{"momentum_taa", " --set backtest.mode=strict"}),
    [](const auto& param_info) {
      return param_info.param.first + (param_info.param.second.empty() ? "" : "_strict");
    });

}  // namespace
}  // namespace qsweep::test
