// report.html of a sweep from its summary in memory (internal to libqsweep).
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

namespace qsweep::report {

// write_sweep_report(sweep_dir, sync), given `summary`, the content of the folder's
// sweep_summary.json, instead of reading that file back: the same bytes, as JSON numbers
// round-trip exactly. A summary holding a non-finite number (which the file would carry as null)
// is read back from the file instead.
void write_sweep_report(const std::filesystem::path& sweep_dir, nlohmann::json summary, bool sync);

}  // namespace qsweep::report
