// Parameter sweeps: a grid of config variants run on all local cores (or as shards elsewhere),
// streamed to disk, resumable, merged into a ranked results table. docs/sweep.md has the rules.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "qsweep/config.hpp"
#include "qsweep/cpus.hpp"  // available_cpus(), the default --jobs

namespace qsweep {

// One swept config key and its values, as TOML text (e.g. "126", "\"weekly\"", "0.001").
struct SweepDimension {
  std::string key;                  // dotted config path, e.g. "strategy.lookback"
  std::vector<std::string> values;  // canonical TOML text of each value
  std::size_t line = 0;             // of the key in [sweep] of the config file; 0 if unknown
};

// The most variants one grid may have: a grid's bookkeeping (ids, hashes, validation state)
// must fit in memory; a larger study is split into several sweeps.
inline constexpr std::uint64_t kMaxSweepVariants = 100'000'000;

// The Cartesian product of the dimensions. Canonical order: dimensions sorted by key; a
// variant's id is its mixed-radix index with the LAST dimension varying fastest. Ids are
// therefore stable for a given grid, whatever the number of jobs, shards or machines.
class SweepGrid {
 public:
  SweepGrid() = default;
  explicit SweepGrid(std::vector<SweepDimension> dimensions);

  const std::vector<SweepDimension>& dimensions() const noexcept { return dimensions_; }
  std::uint64_t size() const noexcept { return size_; }
  // Index of each dimension's value for variant `id` (id < size()).
  std::vector<std::size_t> value_indices(std::uint64_t id) const;
  // (key, TOML text) pairs of variant `id`, in dimension order.
  std::vector<std::pair<std::string, std::string>> assignments(std::uint64_t id) const;
  // A stable 64-bit FNV-1a hash of the variant's canonical "key=value;..." text, as 16 hex digits.
  std::string variant_hash(std::uint64_t id) const;

 private:
  std::vector<SweepDimension> dimensions_;
  std::uint64_t size_ = 0;
};

// The [sweep] table of a config.
struct SweepSpec {
  SweepGrid grid;
  std::string rank_by = "sharpe";             // a summary statistic (a results.csv column)
  std::vector<std::string> heatmap;           // optional two keys for the report heatmap
};

// Reads [sweep] from a config file (after --set overrides). Throws InputError naming the key.
SweepSpec load_sweep_spec(const std::filesystem::path& config_path, const std::vector<std::string>& overrides);

// Whether a larger value of `statistic` ranks higher (false for drawdowns, volatility...).
bool higher_is_better(const std::string& statistic);

struct SweepOptions {
  std::filesystem::path config_path;
  std::vector<std::string> overrides;       // --set key=value, applied before the grid
  std::filesystem::path out_dir;            // default: runs/<config name>-sweep
  unsigned jobs = 0;                        // 0: every core this process may use
  std::size_t keep_curves = 10;             // equity curves kept for the top K variants
  bool resume = false;                      // skip variants already in out_dir
  bool overwrite = false;                   // discard an existing out_dir
  bool skip_invalid = false;                // list and skip invalid variants instead of failing
  std::vector<std::string> heatmap;         // --heatmap a,b
  bool progress = true;                     // progress bar / periodic lines on stderr
};

struct SweepSummary {
  std::uint64_t variants = 0;      // in the grid
  std::uint64_t valid = 0;         // runnable (grid minus skipped invalid ones)
  std::uint64_t ran = 0;           // run by this invocation
  std::uint64_t resumed = 0;       // found done from an earlier run
  std::vector<std::string> skipped;  // "id: reason" of each skipped invalid variant
  bool interrupted = false;        // stopped by SIGINT/SIGTERM; finished work is kept
  double seconds = 0.0;            // wall time of the runs
  double asset_days = 0.0;         // assets × simulated days, summed over variants run
  std::filesystem::path out_dir;
  // When the sweep finished: what format_overfitting() gives for out_dir, without reading it.
  std::string overfitting;
  std::vector<std::string> overfitting_warnings;
};

// Runs (or resumes) a sweep. Throws InputError for an invalid config or variant, IoError for
// file problems. Installs SIGINT/SIGTERM handlers for the duration of the run.
SweepSummary run_sweep(const SweepOptions& options);

// The ranking of a finished sweep's results.csv as a terminal table (top `top` variants).
std::string format_ranking(const std::filesystem::path& sweep_dir, std::size_t top, const std::string& rank_by = "");

// One line summing up a finished sweep's overfitting statistics (sweep_summary.json), e.g.
// "overfitting: 1020 trials; deflated Sharpe ratio of the best variant 0.962; PBO 24.8% (...)".
// Appends the plain-language warnings (PBO > 0.5, DSR < 0.95) to `warnings`. Throws InputError.
std::string format_overfitting(const std::filesystem::path& sweep_dir, std::vector<std::string>& warnings);

}  // namespace qsweep
