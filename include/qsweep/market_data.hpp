// Daily bars loaded from Yahoo-style CSV files, stored column-wise per asset.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qsweep/date.hpp"

namespace qsweep {

// One asset's bars, sorted by strictly increasing date. `open` and `close` are the prices the
// engine trades at: adjusted the way QSTrader does (open * AdjClose/Close, close = AdjClose)
// unless loaded with adjust = false. Immutable after loading; safe to share across threads.
struct AssetSeries {
  std::string ticker;
  std::filesystem::path path;
  std::vector<Day> dates;
  std::vector<double> open;
  std::vector<double> close;
  std::string sha256;  // hex digest of the file's bytes; empty unless LoadOptions::checksum

  std::size_t size() const noexcept { return dates.size(); }
  Day first_day() const noexcept { return dates.front(); }
  Day last_day() const noexcept { return dates.back(); }
};

struct LoadOptions {
  bool adjust = true;     // scale opens by AdjClose/Close and trade at AdjClose
  bool checksum = false;  // fill AssetSeries::sha256
  unsigned threads = 1;   // MarketData::load: files read on up to this many threads
};

// A problem found in a data file: where, and what.
struct DataProblem {
  std::filesystem::path path;
  std::size_t line = 0;   // 1-based; 0 when the problem is about the whole file
  std::string column;     // empty when not about one column
  std::string message;

  std::string to_string() const;  // "path:line: column 'X': message"
};

// Parses one CSV file. Reads columns Date, Open, Close and Adj Close (or "Adjusted Close") in
// any order; High, Low, Volume and unknown columns are ignored (a required column named twice is
// an error). Throws InputError (missing file or bad content) or IoError (exists but unreadable)
// on the first problem.
AssetSeries load_asset_csv(const std::filesystem::path& path, std::string ticker,
                           const LoadOptions& options = {});

// Same, but records every problem in `problems` instead of throwing. Returns nullopt when the
// file had problems.
std::optional<AssetSeries> load_asset_csv_collecting(const std::filesystem::path& path,
                                                     std::string ticker,
                                                     const LoadOptions& options,
                                                     std::vector<DataProblem>& problems);

// All assets a session needs, loaded from `<dir>/<TICKER>.csv`. Owns its series.
class MarketData {
 public:
  // Loads the given tickers (duplicates ignored). Throws InputError/IoError.
  static MarketData load(const std::filesystem::path& dir, const std::vector<std::string>& tickers,
                         const LoadOptions& options = {});

  const std::vector<AssetSeries>& assets() const noexcept { return assets_; }
  // Index of a ticker, or nullopt.
  std::optional<std::size_t> find(std::string_view ticker) const noexcept;
  const AssetSeries& at(std::size_t index) const { return assets_.at(index); }
  void add(AssetSeries series) { assets_.push_back(std::move(series)); }

 private:
  std::vector<AssetSeries> assets_;
};

// Checks every *.csv file in `dir`; returns all problems found (empty when all is well).
std::vector<DataProblem> check_data_dir(const std::filesystem::path& dir, const LoadOptions& options);

}  // namespace qsweep
