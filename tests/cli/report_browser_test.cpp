// report.html as a person sees it: a backtest's report rendered by headless Chromium must load
// without console errors, contain every panel, and paint a full screenshot. Skipped (with a
// message) only when no Chromium is installed; CI installs it (scripts/setup-debian.sh).
#include <cstdint>
#include <cstdlib>
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

// The check below can fail: a page with a script error is caught by it.
TEST_F(ReportBrowser, ConsoleErrorsAreDetected) {
  write_text(dir_ / "bad.html", "<!DOCTYPE html><html><body><script>missing_function();</script></body></html>");
  const BrowserRun r = run_chromium(chromium_, dir_ / "bad.html", "--dump-dom", kWindowHeight);
  ASSERT_EQ(r.exit_code, 0) << r.log;
  EXPECT_FALSE(console_lines(r.log).empty()) << r.log;
}

TEST_F(ReportBrowser, BacktestReportLoadsCleanlyWithEveryPanel) {
  const fs::path run = dir_ / "run";
  const RunResult bt = run_qsweep("backtest " + shell_quote((source_dir() / "examples/qstrader/sixty_forty.toml").string()) +
                                  " --quiet --out " + shell_quote(run.string()));
  ASSERT_EQ(bt.exit_code, 0) << bt.err;
  const fs::path page = run / "report.html";
  ASSERT_TRUE(fs::exists(page));

  const BrowserRun dom = run_chromium(chromium_, page, "--dump-dom", kWindowHeight);
  ASSERT_EQ(dom.exit_code, 0) << dom.log;
  EXPECT_TRUE(console_lines(dom.log).empty()) << dom.log;
  for (const char* id : {"panel-equity", "panel-drawdown", "panel-monthly", "panel-yearly", "panel-rolling-sharpe",
                         "panel-weights", "panel-distribution", "panel-turnover", "panel-stats"}) {
    EXPECT_NE(dom.out.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_NE(dom.out.find("<h1>sixty_forty</h1>"), std::string::npos);
  EXPECT_NE(dom.out.find("<svg"), std::string::npos);

  const fs::path png = dir_ / "report.png";
  const BrowserRun shot = run_chromium(chromium_, page, "--screenshot=" + shell_quote(png.string()), kWindowHeight);
  ASSERT_EQ(shot.exit_code, 0) << shot.log;
  EXPECT_TRUE(console_lines(shot.log).empty()) << shot.log;
  ASSERT_TRUE(fs::exists(png)) << shot.log;
  const std::string bytes = slurp(png);
  ASSERT_GT(bytes.size(), 24u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(big_endian(bytes, 16), 1400u);  // IHDR width
  EXPECT_EQ(big_endian(bytes, 20), static_cast<std::uint32_t>(kWindowHeight));  // IHDR height
  // Painted charts compress far worse than text: this page gives about 600 kB, a text-only page
  // under 30 kB, and the same report with every chart replaced by a placeholder about 190 kB.
  EXPECT_GT(bytes.size(), 300'000u);
}

}  // namespace
}  // namespace qsweep::test
