// report.html of a backtest rendered from the run in memory (internal to libqsweep).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qsweep/backtest.hpp"

namespace qsweep::report {

// The rolling Sharpe series (rolling_sharpe() with kRollingSharpeWindow) of a run's strategy and
// benchmark returns: summary.json and report.html both need them.
struct RunRolling {
  std::vector<std::optional<double>> strategy;
  std::vector<std::optional<double>> benchmark;  // empty without a benchmark
};
RunRolling rolling_of(const BacktestRun& run);

// summary_json(run), given rolling_of(run).
std::string summary_json(const BacktestRun& run, const RunRolling& rolling);

// The text of report.html for the output folder that write_backtest_outputs() writes for `run`,
// given `summary_text`, that folder's summary.json: the same bytes as write_backtest_report() on
// the folder, without reading its files back (every value in them round-trips exactly). nullopt
// when `run` holds something the files would carry differently (a non-finite value, rebalance
// dates not increasing, a ticker that is not a plain CSV column name): the caller then renders
// from the files, which reports the problem as before.
// `rolling` is rolling_of(run).
std::optional<std::string> backtest_report_from_run(const BacktestRun& run, std::string_view summary_text,
                                                    const RunRolling& rolling);

}  // namespace qsweep::report
