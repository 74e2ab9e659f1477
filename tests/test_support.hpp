// Shared helpers for tests: repository paths, CSV reading, running the CLI.
#pragma once

#include <cstdlib>
#include <stdexcept>

#include <sys/wait.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace qsweep::test {

inline std::filesystem::path source_dir() { return QSWEEP_SOURCE_DIR; }
inline std::filesystem::path qsweep_binary() { return QSWEEP_BINARY; }

// The directories fresh_temp_dir() made; each (only it, never its parent) is removed when the
// test process exits normally.
class TempDirs {
 public:
  ~TempDirs() {
    for (const std::filesystem::path& dir : dirs_) {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  }
  void add(const std::filesystem::path& dir) { dirs_.push_back(dir); }

 private:
  std::vector<std::filesystem::path> dirs_;
};

// A fresh empty directory under the system temp dir, unique per call, removed at exit.
inline std::filesystem::path fresh_temp_dir(const std::string& name) {
  static int counter = 0;
  static TempDirs made;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("qsweep-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  made.add(dir);
  return dir;
}

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A parsed CSV file: header names and rows of fields.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t column(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    throw std::runtime_error("no column " + name);
  }
};

inline CsvTable read_csv(const std::filesystem::path& path) {
  CsvTable table;
  std::istringstream in(slurp(path));
  std::string line;
  auto split = [](const std::string& l) {
    std::vector<std::string> out;
    std::string field;
    std::istringstream ls(l);
    while (std::getline(ls, field, ',')) out.push_back(field);
    if (!l.empty() && l.back() == ',') out.emplace_back();
    return out;
  };
  if (std::getline(in, line)) table.header = split(line);
  while (std::getline(in, line))
    if (!line.empty()) table.rows.push_back(split(line));
  return table;
}

// Result of running the qsweep binary.
struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `qsweep ARGS` through the shell (args are passed verbatim), capturing stdout and stderr.
inline RunResult run_qsweep(const std::string& args, const std::filesystem::path& cwd = {}) {
  const auto dir = fresh_temp_dir("run");
  const auto out = dir / "stdout";
  const auto err = dir / "stderr";
  std::string cmd;
  if (!cwd.empty()) cmd.append("cd '").append(cwd.string()).append("' && ");
  cmd.append("'").append(qsweep_binary().string()).append("' ").append(args);
  cmd.append(" > '").append(out.string()).append("' 2> '").append(err.string()).append("' < /dev/null");
  const int status = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  std::filesystem::remove_all(dir);
  return r;
}

// A momentum sweep config on four sector ETFs (bundled data), 2014-2020, monthly, with a [sweep]
// table of 3 lookbacks followed by `sweep_keys` (the other dimensions, rank_by, ...).
inline std::string momentum_grid_config(const std::string& sweep_keys) {
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
)" + sweep_keys;
}

}  // namespace qsweep::test
