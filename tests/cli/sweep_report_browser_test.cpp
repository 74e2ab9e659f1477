// The sweep report of a real sweep: written by `qsweep sweep`, re-rendered byte for byte by
// `qsweep report DIR`, independent of --jobs, with --heatmap honoured; and rendered by headless
// Chromium without console errors and with every panel. The browser tests are skipped (with a
// message) only when no Chromium is installed, as in report_browser_test.cpp.
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
  return momentum_grid_config(
      "\"strategy.top_n\" = [1, 2]\n\"backtest.rebalance\" = [\"end_of_month\", \"daily\"]\nrank_by = \"sharpe\"\n");
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

  expect_console_errors_detected(chromium, work_, kWindowHeight);
  // Charts, heatmap colours and tables compress far worse than a blank or text-only page.
  std::string dom;
  expect_page_renders(chromium, page, kPanelIds, work_ / "report.png", kWindowHeight, 150'000, dom);
  EXPECT_NE(dom.find("<h1>grid</h1>"), std::string::npos);
  EXPECT_NE(dom.find("<svg"), std::string::npos);
}

}  // namespace
}  // namespace qsweep::test
