// report.html as a person sees it: a backtest's report rendered by headless Chromium must load
// without console errors, contain every panel, and paint a full screenshot. Skipped (with a
// message) only when no Chromium is installed; CI installs it (scripts/setup-debian.sh).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace qsweep::test {
namespace {

namespace fs = std::filesystem;

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The first Chromium found on PATH, or "" when there is none.
std::string find_chromium() {
  const fs::path dir = fresh_temp_dir("which-chromium");
  std::string found;
  for (const char* name : {"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}) {
    const std::string cmd = std::string("command -v ") + name + " > " + shell_quote((dir / "path").string()) + " 2>/dev/null";
    if (std::system(cmd.c_str()) == 0) {
      found = slurp(dir / "path");
      while (!found.empty() && (found.back() == '\n' || found.back() == '\r')) found.pop_back();
      if (!found.empty()) break;
    }
  }
  fs::remove_all(dir);
  return found;
}

struct BrowserRun {
  int exit_code = -1;
  std::string out;  // stdout (the DOM with --dump-dom)
  std::string log;  // stderr with Chromium's log, console messages included
};

// Runs headless Chromium on `page` with a fresh profile, offline, with `mode_args`
// (--dump-dom or --screenshot=...).
BrowserRun run_chromium(const std::string& chromium, const fs::path& page, const std::string& mode_args) {
  const fs::path work = fresh_temp_dir("chromium");
  const std::string cmd =
      "cd " + shell_quote(work.string()) + " && HOME=" + shell_quote(work.string()) + " timeout 180 " +
      shell_quote(chromium) +
      " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
      " --disable-component-update --disable-sync --hide-scrollbars --enable-logging=stderr --v=0"
      " --user-data-dir=" + shell_quote((work / "profile").string()) + " --window-size=1400,4000 " + mode_args +
      " " + shell_quote("file://" + fs::absolute(page).string()) + " > out.txt 2> log.txt < /dev/null";
  const int status = std::system(cmd.c_str());
  BrowserRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(work / "out.txt");
  r.log = slurp(work / "log.txt");
  fs::remove_all(work);
  return r;
}

// Console messages (uncaught exceptions, console.error ...) in Chromium's log.
std::vector<std::string> console_lines(const std::string& log) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < log.size()) {
    std::size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    const std::string line = log.substr(start, end - start);
    if (line.find(":CONSOLE") != std::string::npos || line.find("Uncaught") != std::string::npos) lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::uint32_t big_endian(const std::string& bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
  return v;
}

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
  const BrowserRun r = run_chromium(chromium_, dir_ / "bad.html", "--dump-dom");
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

  const BrowserRun dom = run_chromium(chromium_, page, "--dump-dom");
  ASSERT_EQ(dom.exit_code, 0) << dom.log;
  EXPECT_TRUE(console_lines(dom.log).empty()) << dom.log;
  for (const char* id : {"panel-equity", "panel-drawdown", "panel-monthly", "panel-yearly", "panel-rolling-sharpe",
                         "panel-weights", "panel-distribution", "panel-turnover", "panel-stats"}) {
    EXPECT_NE(dom.out.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_NE(dom.out.find("<h1>sixty_forty</h1>"), std::string::npos);
  EXPECT_NE(dom.out.find("<svg"), std::string::npos);

  const fs::path png = dir_ / "report.png";
  const BrowserRun shot = run_chromium(chromium_, page, "--screenshot=" + shell_quote(png.string()));
  ASSERT_EQ(shot.exit_code, 0) << shot.log;
  EXPECT_TRUE(console_lines(shot.log).empty()) << shot.log;
  ASSERT_TRUE(fs::exists(png)) << shot.log;
  const std::string bytes = slurp(png);
  ASSERT_GT(bytes.size(), 24u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(big_endian(bytes, 16), 1400u);  // IHDR width
  EXPECT_EQ(big_endian(bytes, 20), 4000u);  // IHDR height
  // Painted charts compress far worse than text: this page gives about 600 kB, a text-only page
  // under 30 kB, and the same report with every chart replaced by a placeholder about 190 kB.
  EXPECT_GT(bytes.size(), 300'000u);
}

}  // namespace
}  // namespace qsweep::test
