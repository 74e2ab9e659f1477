// Headless Chromium for the report browser tests: find it on PATH, run it on a page offline with a
// fresh profile, pick console messages out of its log, read a PNG screenshot's size. The tests
// skip (with a message) when find_chromium() finds none; CI installs it (scripts/setup-debian.sh).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace qsweep::test {

// `s` quoted for /bin/sh.
inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The first Chromium found on PATH, or "" when there is none.
inline std::string find_chromium() {
  const std::filesystem::path dir = fresh_temp_dir("which-chromium");
  std::string found;
  for (const char* name : {"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}) {
    const std::string cmd =
        std::string("command -v ") + name + " > " + shell_quote((dir / "path").string()) + " 2>/dev/null";
    if (std::system(cmd.c_str()) == 0) {
      found = slurp(dir / "path");
      while (!found.empty() && (found.back() == '\n' || found.back() == '\r')) found.pop_back();
      if (!found.empty()) break;
    }
  }
  std::filesystem::remove_all(dir);
  return found;
}

struct BrowserRun {
  int exit_code = -1;
  std::string out;  // stdout (the DOM with --dump-dom)
  std::string log;  // stderr with Chromium's log, console messages included
};

// Runs headless Chromium on `page` with a fresh profile, offline, in a 1400 x `window_height`
// window, with `mode_args` (--dump-dom or --screenshot=...).
inline BrowserRun run_chromium(const std::string& chromium, const std::filesystem::path& page,
                               const std::string& mode_args, int window_height) {
  const std::filesystem::path work = fresh_temp_dir("chromium");
  const std::string cmd =
      "cd " + shell_quote(work.string()) + " && HOME=" + shell_quote(work.string()) + " timeout 180 " +
      shell_quote(chromium) +
      " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
      " --disable-component-update --disable-sync --hide-scrollbars --enable-logging=stderr --v=0"
      " --user-data-dir=" +
      shell_quote((work / "profile").string()) + " --window-size=1400," + std::to_string(window_height) + " " +
      mode_args + " " + shell_quote("file://" + std::filesystem::absolute(page).string()) +
      " > out.txt 2> log.txt < /dev/null";
  const int status = std::system(cmd.c_str());
  BrowserRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(work / "out.txt");
  r.log = slurp(work / "log.txt");
  std::filesystem::remove_all(work);
  return r;
}

// Console messages (uncaught exceptions, console.error ...) in Chromium's log.
inline std::vector<std::string> console_lines(const std::string& log) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < log.size()) {
    std::size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    const std::string line = log.substr(start, end - start);
    if (line.find(":CONSOLE") != std::string::npos || line.find("Uncaught") != std::string::npos)
      lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

// The big-endian 32-bit number at byte `at` (PNG header fields).
inline std::uint32_t big_endian(const std::string& bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
  return v;
}

// The console check can fail: a page with a script error (written into `dir`) is caught by it.
inline void expect_console_errors_detected(const std::string& chromium, const std::filesystem::path& dir,
                                           int window_height) {
  write_text(dir / "bad.html", "<!DOCTYPE html><html><body><script>missing_function();</script></body></html>");
  const BrowserRun r = run_chromium(chromium, dir / "bad.html", "--dump-dom", window_height);
  ASSERT_EQ(r.exit_code, 0) << r.log;
  EXPECT_FALSE(console_lines(r.log).empty()) << r.log;
}

// `page` as a user sees it in headless Chromium: it loads without console errors, has an element
// with each id of `ids`, and paints a 1400 x window_height screenshot (written to `png`) of at
// least `min_png_bytes` (painted charts compress far worse than text). `dom` gets the DOM.
inline void expect_page_renders(const std::string& chromium, const std::filesystem::path& page,
                                const std::vector<std::string>& ids, const std::filesystem::path& png,
                                int window_height, std::size_t min_png_bytes, std::string& dom) {
  const BrowserRun loaded = run_chromium(chromium, page, "--dump-dom", window_height);
  ASSERT_EQ(loaded.exit_code, 0) << loaded.log;
  EXPECT_TRUE(console_lines(loaded.log).empty()) << loaded.log;
  for (const std::string& id : ids) EXPECT_NE(loaded.out.find("id=\"" + id + "\""), std::string::npos) << id;
  dom = loaded.out;

  const BrowserRun shot = run_chromium(chromium, page, "--screenshot=" + shell_quote(png.string()), window_height);
  ASSERT_EQ(shot.exit_code, 0) << shot.log;
  EXPECT_TRUE(console_lines(shot.log).empty()) << shot.log;
  ASSERT_TRUE(std::filesystem::exists(png)) << shot.log;
  const std::string bytes = slurp(png);
  ASSERT_GT(bytes.size(), 24u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(big_endian(bytes, 16), 1400u);                                      // IHDR width
  EXPECT_EQ(big_endian(bytes, 20), static_cast<std::uint32_t>(window_height));  // IHDR height
  EXPECT_GT(bytes.size(), min_png_bytes);
}

}  // namespace qsweep::test
