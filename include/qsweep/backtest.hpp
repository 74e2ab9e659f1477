// A whole backtest as `qsweep backtest` runs it: load the data a config needs, run the strategy
// session and the optional benchmark session, compute their statistics.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

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

// Creates the session's strategy and checks every asset it trades has a data file.
// Throws InputError naming the config key.
std::unique_ptr<Strategy> make_strategy(const Config& config, const SessionConfig& session);

// Loads the data of both sessions and runs them. Throws InputError / IoError.
BacktestRun run_backtest(const Config& config);

// Writes equity.csv, fills.csv, positions.csv, summary.json, statistics.json, weights.csv (and
// benchmark_*.csv), then report.html from those files (qsweep/report.hpp), into `out_dir`,
// replacing it atomically: readers never see a half-written folder.
void write_backtest_outputs(const BacktestRun& run, const std::filesystem::path& out_dir);

// The summary.json document ({"strategy": {...}, "benchmark": {...}}), pretty-printed.
std::string summary_json(const BacktestRun& run);

// QSTrader's JSONStatistics document (statistics.json), compact like QSTrader's; docs/statistics.md.
std::string statistics_json(const BacktestRun& run);

// A compact strategy-vs-benchmark statistics table for the terminal.
std::string summary_table(const BacktestRun& run);

}  // namespace qsweep
