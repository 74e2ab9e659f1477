// The sweep report of a real sweep: written by `qsweep sweep`, re-rendered byte for byte by
// `qsweep report DIR`, independent of --jobs, with --heatmap honoured; and rendered by headless
// Chromium without console errors and with every panel. The browser tests are skipped (with a
// message) only when no Chromium is installed, as in report_browser_test.cpp.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "browser_support.hpp"
#include "test_support.hpp"

namespace qsweep::test {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kPanelIds = {"panel-title",   "panel-overfitting", "panel-ranking",
                                            "panel-heatmap", "panel-sensitivity", "panel-distribution",
                                            "panel-equity"};

// A 12-variant momentum grid on four sector ETFs: 3 lookbacks × 2 top_n × 2 schedules (categorical).
std::string sweep_config() {
  return "[data]\ndir = \"" + (source_dir() / "data/synthetic").string() + "\"\n" + R"(
[backtest]
start = "2014-01-02"
end = "2020-12-31"
rebalance = "end_of_month"
cash_buffer = 0.01

[strategy]
kind = "momentum"
assets = ["XLB", "XLE", "XLF", "XLK"]
lookback = 63
top_n = 1

[sweep]
"strategy.lookback" = [21, 63, 126]
"strategy.top_n" = [1, 2]
"backtest.rebalance" = ["end_of_month", "daily"]
rank_by = "sharpe"
)";
}

class SweepReportRun : public ::testing::Test {
 protected:
  void SetUp() override {
    work_ = fresh_temp_dir("sweep-report");
    config_ = work_ / "grid.toml";
    write_text(config_, sweep_config());
  }
  void TearDown() override { fs::remove_all(work_); }
  RunResult sweep(const fs::path& out, const std::string& args = "") {
    return run_qsweep("sweep " + shell_quote(config_.string()) + " --quiet --out " +
                      shell_quote(out.string()) + " " + args);
  }
  fs::path work_;
  fs::path config_;
};

TEST_F(SweepReportRun, EverySweepWritesItAndReportRerendersTheSameBytes) {
  const fs::path out = work_ / "j1";
  const RunResult r = sweep(out, "--jobs 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(fs::exists(out / "report.html"));
  const std::string html = slurp(out / "report.html");
  for (const std::string& id : kPanelIds) EXPECT_NE(html.find("id=\"" + id + "\""), std::string::npos) << id;
  EXPECT_NE(html.find("<h1>grid</h1>"), std::string::npos);

  ASSERT_EQ(sweep(work_ / "j2", "--jobs 2").exit_code, 0);
  EXPECT_EQ(slurp(work_ / "j2/report.html"), html);  // whatever --jobs is

  fs::remove(out / "report.html");
  const RunResult again = run_qsweep("report " + shell_quote(out.string()));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("report.html"), std::string::npos);
  EXPECT_EQ(slurp(out / "report.html"), html);
}

TEST_F(SweepReportRun, HeatmapOptionIsStoredAndUsed) {
  const fs::path out = work_ / "out";
  const RunResult r = sweep(out, "--heatmap strategy.top_n,backtest.rebalance");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto manifest = nlohmann::json::parse(slurp(out / "manifest.json"));
  EXPECT_EQ(manifest.at("heatmap"), nlohmann::json({"strategy.top_n", "backtest.rebalance"}));
  const std::string html = slurp(out / "report.html");
  EXPECT_NE(html.find("Rows <b>strategy.top_n</b>"), std::string::npos);
  EXPECT_NE(html.find("Columns <b>backtest.rebalance</b>"), std::string::npos);

  const RunResult bad = sweep(work_ / "bad", "--heatmap strategy.top_n,strategy.nope");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("strategy.nope"), std::string::npos) << bad.err;
}

// ---- headless Chromium (tests/browser_support.hpp)

constexpr int kWindowHeight = 3600;  // px of the browser window and the screenshot

TEST_F(SweepReportRun, LoadsCleanlyInChromiumWithEveryPanel) {
  const std::string chromium = find_chromium();
  if (chromium.empty())
    GTEST_SKIP() << "chromium is not installed (apt-get install -y chromium); report not rendered";
  const fs::path out = work_ / "out";
  const RunResult r = sweep(out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path page = out / "report.html";

  // The check can fail: a page with a script error is caught by it.
  write_text(work_ / "bad.html",
             "<!DOCTYPE html><html><body><script>missing_function();</script></body></html>");
  const BrowserRun bad = run_chromium(chromium, work_ / "bad.html", "--dump-dom", kWindowHeight);
  ASSERT_EQ(bad.exit_code, 0) << bad.log;
  EXPECT_FALSE(console_lines(bad.log).empty()) << bad.log;

  const BrowserRun dom = run_chromium(chromium, page, "--dump-dom", kWindowHeight);
  ASSERT_EQ(dom.exit_code, 0) << dom.log;
  EXPECT_TRUE(console_lines(dom.log).empty()) << dom.log;
  for (const std::string& id : kPanelIds)
    EXPECT_NE(dom.out.find("id=\"" + id + "\""), std::string::npos) << id;
  EXPECT_NE(dom.out.find("<h1>grid</h1>"), std::string::npos);
  EXPECT_NE(dom.out.find("<svg"), std::string::npos);

  const fs::path png = work_ / "report.png";
  const BrowserRun shot = run_chromium(chromium, page, "--screenshot=" + shell_quote(png.string()), kWindowHeight);
  ASSERT_EQ(shot.exit_code, 0) << shot.log;
  EXPECT_TRUE(console_lines(shot.log).empty()) << shot.log;
  ASSERT_TRUE(fs::exists(png)) << shot.log;
  const std::string bytes = slurp(png);
  ASSERT_GT(bytes.size(), 24u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(big_endian(bytes, 16), 1400u);  // IHDR width
  EXPECT_EQ(big_endian(bytes, 20), static_cast<std::uint32_t>(kWindowHeight));  // IHDR height
  // Charts, heatmap colours and tables compress far worse than a blank or text-only page.
  EXPECT_GT(bytes.size(), 150'000u);
}

}  // namespace
}  // namespace qsweep::test
