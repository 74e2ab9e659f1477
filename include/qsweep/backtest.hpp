// A whole backtest as `qsweep backtest` runs it: load the data a config needs, run the strategy
// session and the optional benchmark session, compute their statistics.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <unordered_set>

#include "qsweep/config.hpp"
#include "qsweep/engine.hpp"
#include "qsweep/market_data.hpp"
#include "qsweep/stats.hpp"

namespace qsweep {

struct SessionRun {
  SessionResult result;
  PerformanceStats stats;
  PortfolioStats portfolio;  // turnover, exposure, closed trades
};

struct BacktestRun {
  Config config;
  SessionRun strategy;
  std::optional<SessionRun> benchmark;
  std::optional<RelativeStats> relative;  // strategy vs benchmark, when there is one
};

// Loads the plug-ins a config names (safe to call more than once). Throws InputError.
void load_config_plugins(const Config& config);

// The tickers that have a data file (<TICKER>.csv, a regular file) in a folder, listed once so
// that many configs can be checked without a file-system call each. An unreadable or missing
// folder lists nothing.
class DataFileIndex {
 public:
  explicit DataFileIndex(const std::filesystem::path& dir);
  bool contains(const std::string& ticker) const { return tickers_.count(ticker) != 0; }

 private:
  // A hasher of its own: with std::hash<std::string>, libstdc++ looks up sets of up to 20 strings
  // by comparing the key with each of them.
  struct Hash {
    std::size_t operator()(const std::string& s) const noexcept { return std::hash<std::string>{}(s); }
  };
  std::unordered_set<std::string, Hash> tickers_;
};

// Creates the session's strategy and checks every asset it trades has a data file: in `index`
// when given (it must list config.data_dir), on disk otherwise. Throws InputError naming the
// config key.
std::unique_ptr<Strategy> make_strategy(const Config& config, const SessionConfig& session,
                                        const DataFileIndex* index = nullptr);

// Loads the data of both sessions and runs them. Throws InputError / IoError.
BacktestRun run_backtest(const Config& config);

// Writes equity.csv, fills.csv, positions.csv, summary.json, statistics.json, weights.csv (and
// benchmark_*.csv), then report.html from those files (qsweep/report.hpp), into `out_dir`,
// replacing it atomically: readers never see a half-written folder. An existing `out_dir` must
// hold only files a backtest writes (InputError naming another entry; IoError if it is not a
// folder): nothing else is ever deleted.
void write_backtest_outputs(const BacktestRun& run, const std::filesystem::path& out_dir);

// The summary.json document ({"strategy": {...}, "benchmark": {...}}), pretty-printed.
std::string summary_json(const BacktestRun& run);

// QSTrader's JSONStatistics document (statistics.json), compact like QSTrader's; docs/statistics.md.
std::string statistics_json(const BacktestRun& run);

// A compact strategy-vs-benchmark statistics table for the terminal.
std::string summary_table(const BacktestRun& run);

}  // namespace qsweep
