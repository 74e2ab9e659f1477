// report.html of a backtest rendered from the run in memory (internal to libqsweep).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "qsweep/backtest.hpp"

namespace qsweep::report {

// The text of report.html for the output folder that write_backtest_outputs() writes for `run`,
// given `summary_text`, that folder's summary.json: the same bytes as write_backtest_report() on
// the folder, without reading its files back (every value in them round-trips exactly). nullopt
// when `run` holds something the files would carry differently (a non-finite value, rebalance
// dates not increasing, a ticker that is not a plain CSV column name): the caller then renders
// from the files, which reports the problem as before.
std::optional<std::string> backtest_report_from_run(const BacktestRun& run, std::string_view summary_text);

}  // namespace qsweep::report
