// report.html of a sweep from its summary in memory (internal to libqsweep).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qsweep/date.hpp"
#include "report/html_page.hpp"

namespace qsweep::report {

// The equity curves curves.csv holds, in memory.
struct SweepCurves {
  std::vector<Day> dates;                   // the rows
  std::vector<std::uint64_t> ids;           // the columns, in order
  std::vector<std::vector<double>> equity;  // per column, one value per row (NaN: empty cell)
};

// write_sweep_report(sweep_dir, sync), given `summary` and `curves`, the content of the folder's
// sweep_summary.json and curves.csv, instead of reading those files back: the same bytes, as
// their numbers round-trip exactly (non-finite equity values become NaN, as an empty cell does).
// A summary holding a non-finite number (which the file carries as null) is taken as its text
// reads back, so the summary file need not exist yet. Builds the panels on up to `threads` threads.
void write_sweep_report(const std::filesystem::path& sweep_dir, nlohmann::json summary, SweepCurves curves,
                        bool sync, unsigned threads);

// The grid of a sweep folder's manifest.json, checked as the report reads it (InputError naming
// the file and key): the swept keys in grid order, the number of variants in the grid, and
// rank_by ("sharpe" when absent).
struct ManifestGrid {
  std::vector<std::string> keys;
  std::uint64_t size = 1;
  std::string rank_by;
};
ManifestGrid read_sweep_grid(const std::filesystem::path& manifest_path);

// A sweep folder's results.csv, checked as `qsweep report` and `qsweep show` read it (InputError
// naming file:line and column): a header with an "id" column, rows with the header's fields, each
// id a variant id of a grid of `grid_size` variants and listed once, and a last line that ends
// with a line end (the file is written whole, so one without is damaged). `ids[i]` is row i's id.
struct ResultsTable {
  CsvFile csv;
  std::vector<std::uint64_t> ids;
};
ResultsTable read_results_table(const std::filesystem::path& path, std::uint64_t grid_size);

}  // namespace qsweep::report
