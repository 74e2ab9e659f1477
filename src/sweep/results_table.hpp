// Internal: one results row per variant, the journal that makes sweeps resumable and safe
// against killed processes, and the final merge into results.csv.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qsweep/config.hpp"
#include "qsweep/engine.hpp"
#include "qsweep/market_data.hpp"
#include "qsweep/stats.hpp"
#include "qsweep/sweep.hpp"

namespace qsweep::sweep {

// Number of contiguous blocks the return series is cut into for CSCV (PBO). 16 blocks give
// C(16, 8) = 12,870 train/test combinations.
inline constexpr std::size_t kPboPartitions = 16;

// The statistics of one variant, in result_columns() order, plus the inputs of the
// overfitting statistics: per block of the daily returns (QSTrader's leading 0 dropped),
// the sum and the sum of squares.
struct ResultRow {
  std::uint64_t id = 0;
  std::vector<std::optional<double>> values;
  std::size_t observations = 0;  // daily returns in the blocks
  std::vector<double> block_sum;
  std::vector<double> block_sumsq;
  double asset_days = 0.0;       // assets × simulated days (for throughput; not stored)
};

// Statistic columns of results.csv, after id, hash and the swept parameters.
const std::vector<std::string>& result_columns();
bool is_result_column(const std::string& name);
std::string result_column_list();

ResultRow make_result_row(std::uint64_t id, const SessionResult& result, const PerformanceStats& stats,
                          std::size_t partitions);

// Append-only CSV of finished rows (any order). Opening it reads the complete lines already
// there (a line cut short by a killed process is dropped and truncated away), so a sweep can
// resume. Keeps only a done-bitmap in memory. Not thread-safe: one writer.
class Journal {
 public:
  // With `keep_rows`, the rows read at opening and those appended are also kept in memory, so
  // take_rows() need not read the file back (for grids small enough to hold).
  Journal(std::filesystem::path path, std::uint64_t grid_size, bool keep_rows);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  bool contains(std::uint64_t id) const { return id < done_.size() && done_[id]; }
  void append(const ResultRow& row);
  void flush();  // to the OS (survives a killed process)
  void sync();   // to the disk (survives a crashed machine)
  // Every row, sorted by id, each as the file holds it (non-finite statistics are empty). Kept
  // rows are handed over (and no longer kept); otherwise they are read back from the file.
  // Throws InputError on a malformed line.
  std::vector<ResultRow> take_rows();
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::vector<ResultRow> read_all() const;

  std::filesystem::path path_;
  std::vector<bool> done_;
  bool keep_rows_;
  std::vector<ResultRow> kept_;
  std::FILE* file_ = nullptr;
};

// Prepared sessions shared by all variants with the same session shape (calendar, prices,
// schedule), created on first use. Thread-safe.
class SessionPool {
 public:
  explicit SessionPool(const MarketData& data) : data_(data) {}
  std::shared_ptr<const PreparedSession> get(const SessionConfig& s, const std::vector<std::string>& tickers);

 private:
  const MarketData& data_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const PreparedSession>> sessions_;
};

// After every variant is done: writes results.csv (id order), curves.csv (equity of the top
// `keep_curves` variants and the median one, re-run), sweep_summary.json (ranking, deflated
// Sharpe, PBO) and report.html into `out`, on up to `threads` threads. Returns
// sweep_summary.json's content.
nlohmann::json finish_sweep(const std::filesystem::path& out, const SweepSpec& spec,
                            const std::function<Config(std::uint64_t)>& config_of, Journal& journal,
                            const std::vector<std::uint64_t>& valid_ids, std::size_t keep_curves,
                            SessionPool& sessions, unsigned threads);

}  // namespace qsweep::sweep
