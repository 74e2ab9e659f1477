// report.html as a person sees it: a backtest's report rendered by headless Chromium must load
// without console errors, contain every panel, and paint a full screenshot. Skipped (with a
// message) only when no Chromium is installed; CI installs it (scripts/setup-debian.sh).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "browser_support.hpp"
#include "test_support.hpp"

namespace qsweep::test {
namespace {

namespace fs = std::filesystem;

constexpr int kWindowHeight = 4000;  // px of the browser window and the screenshot

class ReportBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = find_chromium();
    if (chromium_.empty()) GTEST_SKIP() << "chromium is not installed (apt-get install -y chromium); report not rendered";
    dir_ = fresh_temp_dir("report-browser");
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  std::string chromium_;
  fs::path dir_;
};

TEST_F(ReportBrowser, ConsoleErrorsAreDetected) { expect_console_errors_detected(chromium_, dir_, kWindowHeight); }

TEST_F(ReportBrowser, BacktestReportLoadsCleanlyWithEveryPanel) {
  const fs::path run = dir_ / "run";
  const RunResult bt = run_qsweep("backtest " + shell_quote((source_dir() / "examples/qstrader/sixty_forty.toml").string()) +
                                  " --quiet --out " + shell_quote(run.string()));
  ASSERT_EQ(bt.exit_code, 0) << bt.err;
  const fs::path page = run / "report.html";
  ASSERT_TRUE(fs::exists(page));

  // Painted charts compress far worse than text: this page gives about 600 kB, a text-only page
  // under 30 kB, and the same report with every chart replaced by a placeholder about 190 kB.
  std::string dom;
  expect_page_renders(chromium_, page,
                      {"panel-equity", "panel-drawdown", "panel-monthly", "panel-yearly", "panel-rolling-sharpe",
                       "panel-weights", "panel-distribution", "panel-turnover", "panel-stats"},
                      dir_ / "report.png", kWindowHeight, 300'000, dom);
  EXPECT_NE(dom.find("<h1>sixty_forty</h1>"), std::string::npos);
  EXPECT_NE(dom.find("<svg"), std::string::npos);
}

}  // namespace
}  // namespace qsweep::test
