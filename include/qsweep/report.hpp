// The HTML tearsheet of a backtest output folder (docs/report.md): report.html.
#pragma once

#include <filesystem>

namespace qsweep {

// Reads the backtest output folder `run_dir` (equity.csv, summary.json, weights.csv, fills.csv,
// and benchmark_equity.csv when summary.json has a benchmark) and writes run_dir/report.html
// atomically: one self-contained page (inline CSS and SVG, no scripts, no network access),
// readable on screen and printable. The same files always give the same bytes.
// Throws IoError when the folder or one of the files cannot be read or the page written, and
// InputError naming the file (and line and column) when a file is malformed.
// Thread-safe for distinct folders. With `sync` the page is forced to disk (fsync) before it is
// renamed into place; write_backtest_outputs() skips that, its folder rename being the commit
// point for all the folder's files (file_io.hpp).
void write_backtest_report(const std::filesystem::path& run_dir, bool sync = true);

// Reads the sweep output folder `sweep_dir` (manifest.json, results.csv, curves.csv,
// sweep_summary.json; docs/sweep.md) and writes sweep_dir/report.html atomically, to the same
// standards as the backtest report: overfitting statistics and warnings, the top-20 ranking, a
// heatmap of rank_by over two parameters (cell = mean over the other parameters), its
// sensitivity to each parameter, its distribution, and the best against the median variant's
// equity curve. The same files always give the same bytes. Throws IoError when the folder or a
// file cannot be read or the page written, InputError naming the file (and line, column or key)
// when a file is malformed. Thread-safe for distinct folders. `sync` as for write_file_atomic()
// (a sweep skips it: the page is derived from files a --resume rewrites).
void write_sweep_report(const std::filesystem::path& sweep_dir, bool sync = true);

}  // namespace qsweep
