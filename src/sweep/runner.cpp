#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "config/config_toml.hpp"
#include "qsweep/backtest.hpp"
#include "qsweep/cpus.hpp"
#include "qsweep/engine.hpp"
#include "qsweep/error.hpp"
#include "qsweep/file_io.hpp"
#include "qsweep/sweep.hpp"
#include "qsweep/version.hpp"
#include "sweep/results_table.hpp"
#include "sweep/sweep_internal.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace qsweep {

namespace sweep {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop.store(true); }

// Installs SIGINT/SIGTERM handlers that ask the sweep to stop; restores the old ones after.
class StopSignals {
 public:
  StopSignals() {
    g_stop.store(false);
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// Builds the config of each variant from the base table and the grid.
class VariantFactory {
 public:
  // `base` is the parsed config (with its line information; copies drop it).
  VariantFactory(const toml::table& base, const SweepGrid& grid, fs::path path)
      : base_(base), grid_(grid), file_(std::move(path)) {
    record_locations(base, "");
    for (const SweepDimension& d : grid_.dimensions()) {
      locations_[d.key] = d.line > 0 ? fmt::format("{}:{}", file_.path.string(), d.line)
                                     : fmt::format("{} (--set)", file_.path.string());
      std::vector<const toml::node*> nodes;  // a table's nodes stay put when the table moves
      for (const std::string& text : d.values) nodes.push_back(parsed_.emplace_back(parse_value_text(text)).get("v"));
      values_.push_back(std::move(nodes));
      key_parts_.push_back(config::key_parts(d.key));  // views of the grid's keys, split once
      for (const SweepDimension& other : grid_.dimensions())
        if (other.key.size() > d.key.size() && other.key.rfind(d.key + ".", 0) == 0) nested_keys_ = true;
      if (d.key.find('"') != std::string::npos) quoted_keys_ = true;
    }
  }

  // A working copy of the base table owned by one thread (empty at first).
  struct Scratch {
    std::optional<toml::table> table;
    std::vector<std::size_t> held;  // by dimension: the index of the value the table holds, or kUnknown
  };

  // A variant's config has no source lines (it is built, not parsed). When an error names a key
  // ("FILE: strategy.top_n: ..."), this locates it as a backtest would: a swept key at its line
  // in [sweep], any other key at its line in the file; "FILE (--set)" for keys set by --set.
  std::string located(const std::string& message) const {
    const std::string prefix = file_.path.string() + ": ";
    if (message.rfind(prefix, 0) != 0) return message;
    const std::size_t key_end = message.find(": ", prefix.size());
    if (key_end == std::string::npos) return message;
    const auto where = locations_.find(message.substr(prefix.size(), key_end - prefix.size()));
    if (where == locations_.end()) return message;
    return where->second + message.substr(prefix.size() - 2);
  }

  const fs::path& file() const noexcept { return file_.path; }

  std::string describe(std::uint64_t id) const {
    std::string out = fmt::format("variant {} (", id);
    bool first = true;
    for (const auto& [key, value] : grid_.assignments(id)) {
      out += fmt::format("{}{}={}", first ? "" : ", ", key, value);
      first = false;
    }
    return out + ")";
  }

  // Throws InputError prefixed with the variant's description.
  // `scratch`, when given, is reused: every variant sets every swept key, so the copy is made once
  // (unless one swept key lies inside another, when what a variant leaves could change the next),
  // and a key that already holds the variant's value is left as it is (unless a key is quoted:
  // then two keys could name the same value).
  Config config(std::uint64_t id, Scratch* scratch = nullptr) const {
    Scratch own;
    Scratch& s = scratch != nullptr && !nested_keys_ ? *scratch : own;
    if (!s.table) {
      s.table = base_;
      s.held.assign(values_.size(), kUnknown);
    }
    const std::vector<std::size_t> indices = grid_.value_indices(id);
    try {
      for (std::size_t i = 0; i < indices.size(); ++i) {
        if (s.held[i] == indices[i]) continue;
        s.held[i] = kUnknown;  // until set
        config::set_value(*s.table, grid_.dimensions()[i].key, key_parts_[i], *values_[i][indices[i]]);
        if (!quoted_keys_) s.held[i] = indices[i];
      }
      return config::from_table(*s.table, file_);
    } catch (const Error& e) {
      throw InputError(fmt::format("{}: {}", describe(id), located(e.what())));
    }
  }

 private:
  // Each key path of the parsed config ("strategy.top_n") and of the grid: where it is set.
  void record_locations(const toml::table& table, const std::string& prefix) {
    for (const auto& [key, node] : table) {
      const std::string path = prefix.empty() ? std::string(key.str()) : fmt::format("{}.{}", prefix, key.str());
      locations_[path] = config::location(file_.path, node);
      if (const toml::table* inner = node.as_table()) record_locations(*inner, path);
    }
  }

  toml::table base_;
  std::map<std::string, std::string> locations_;
  const SweepGrid& grid_;
  config::ConfigFile file_;
  std::vector<toml::table> parsed_;                   // each value, as "v = <value>"
  std::vector<std::vector<const toml::node*>> values_;  // by dimension: its values' nodes in parsed_
  std::vector<std::vector<std::string_view>> key_parts_;  // by dimension: its key's parts
  bool nested_keys_ = false;  // a swept key lies inside another (e.g. "a.b" and "a.b.c")
  bool quoted_keys_ = false;  // a swept key has a quoted component (e.g. "a.\"b.c\"")
  static constexpr std::size_t kUnknown = std::numeric_limits<std::size_t>::max();
};

// Grids up to this many variants keep the strategy sessions their validation built (a variant
// runs nothing else), so that running them does not build their configs again (about 1 KB each).
constexpr std::uint64_t kKeepSessionsUpTo = 4096;
// Grids up to this many variants keep their result rows in memory for the ranking, instead of
// reading the journal back (about 1 KB each); larger ones stream them through the file.
constexpr std::uint64_t kKeepRowsUpTo = 100000;

// How often a running sweep forces its journal to disk.
constexpr std::chrono::seconds kJournalSyncInterval{10};

struct Validation {
  std::vector<std::uint64_t> valid;  // in id order
  std::vector<std::string> skipped;  // the invalid variants' errors, in id order
  std::set<std::string> tickers;     // every asset a valid variant trades
  std::vector<std::optional<SessionConfig>> sessions;  // by id, valid ones only, when the grid is small
};

// Builds every variant's config and strategy, on `threads` threads (ids split into contiguous
// ranges, merged in id order, so the outcome does not depend on the thread count). Without
// `skip_invalid`, throws the InputError of the first invalid variant.
Validation validate_variants(const VariantFactory& factory, std::uint64_t count, const Config& base,
                             const DataFileIndex& data_files, unsigned threads, bool skip_invalid) {
  struct Range {
    Validation result;
    std::exception_ptr failure;  // anything but an InputError
  };
  const std::uint64_t workers = std::clamp<std::uint64_t>(threads, 1, std::max<std::uint64_t>(1, count / 64));
  std::vector<Range> ranges(workers);
  std::vector<std::optional<SessionConfig>> sessions(count <= kKeepSessionsUpTo ? count : 0);
  auto validate = [&](std::uint64_t w) {
    Range& range = ranges[w];
    std::vector<std::string> last_assets;
    VariantFactory::Scratch scratch;
    try {
      for (std::uint64_t id = w * count / workers; id < (w + 1) * count / workers; ++id) {
        if (g_stop.load(std::memory_order_relaxed)) return;  // the caller sees it too
        try {
          Config config = factory.config(id, &scratch);
          if (config.data_dir != base.data_dir || config.adjust_prices != base.adjust_prices)
            throw InputError(
                fmt::format("{}: the data folder and price adjustment cannot be swept", factory.describe(id)));
          std::vector<std::string> assets = make_strategy(config, config.strategy, &data_files)->assets();
          if (assets != last_assets) {  // neighbours usually trade the same assets
            range.result.tickers.insert(assets.begin(), assets.end());
            last_assets = std::move(assets);
          }
          range.result.valid.push_back(id);
          if (!sessions.empty()) sessions[id] = std::move(config.strategy);  // ids of one range: one thread
        } catch (const InputError& e) {
          std::string message = e.what();
          if (message.rfind("variant ", 0) != 0)
            message = fmt::format("{}: {}", factory.describe(id), factory.located(message));
          range.result.skipped.push_back(std::move(message));
          if (!skip_invalid) return;
        }
      }
    } catch (...) {
      range.failure = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (std::uint64_t w = 1; w < workers; ++w) pool.emplace_back(validate, w);
  validate(0);
  for (std::thread& t : pool) t.join();

  Validation out;
  out.sessions = std::move(sessions);
  for (Range& range : ranges) {
    if (range.failure) std::rethrow_exception(range.failure);
    if (!skip_invalid && !range.result.skipped.empty())
      throw InputError(range.result.skipped.front() + " (use --skip-invalid to skip invalid variants)");
    out.valid.insert(out.valid.end(), range.result.valid.begin(), range.result.valid.end());
    for (std::string& m : range.result.skipped) out.skipped.push_back(std::move(m));
    out.tickers.merge(range.result.tickers);
  }
  return out;
}

// Runs one variant and turns it into a results row.
// `kept` is the strategy session validation kept for it, if any.
// An InputError found only now (the data has no bars in the variant's range, or no trading day
// after its burn-in) names the variant; it stops the sweep, which keeps what it finished.
ResultRow run_variant(std::uint64_t id, std::optional<SessionConfig> kept, const VariantFactory& factory,
                      SessionPool& pool, std::size_t partitions) try {
  const SessionConfig variant = kept ? std::move(*kept) : factory.config(id).strategy;
  std::unique_ptr<Strategy> strategy = StrategyRegistry::global().create(variant.strategy);
  const std::vector<std::string> tickers = strategy->assets();
  const std::shared_ptr<const PreparedSession> session = pool.get(variant, tickers);
  const RecordOptions record{.fills = false, .positions = false, .rebalances = false, .balances = false};
  const SessionResult result = run_session(*session, variant, *strategy, record);
  const PerformanceStats stats = compute_performance(result.dates, result.equity, variant.mode, StatsDetail::core);
  ResultRow row = make_result_row(id, result, stats, partitions);
  row.asset_days = static_cast<double>(tickers.size()) * static_cast<double>(session->day_count());
  return row;
} catch (const InputError& e) {
  const std::string message = e.what();
  if (message.rfind("variant ", 0) == 0) throw;
  throw InputError(fmt::format("{}: {}: {}", factory.describe(id), factory.file().string(), message));
}

std::string manifest_text(const SweepSpec& spec, const toml::table& base, const fs::path& config_path,
                          const MarketData& data, std::uint64_t valid, const std::vector<std::string>& skipped,
                          std::size_t partitions) {
  json m;
  m["qsweep_version"] = kVersion;
  m["config"] = config_path.filename().string();
  std::ostringstream base_text;
  base_text << toml::toml_formatter(base);
  m["base_config"] = base_text.str();
  json grid = json::array();
  for (const SweepDimension& d : spec.grid.dimensions()) grid.push_back({{"key", d.key}, {"values", d.values}});
  m["grid"] = grid;
  m["order"] = "dimensions sorted by key; id = mixed-radix index, last dimension fastest";
  m["variants"] = spec.grid.size();
  m["valid_variants"] = valid;
  m["skipped_variants"] = skipped;
  m["rank_by"] = spec.rank_by;
  if (!spec.heatmap.empty()) m["heatmap"] = spec.heatmap;  // the report's heatmap axes
  m["pbo_partitions"] = partitions;
  json files = json::object();
  for (const AssetSeries& s : data.assets()) files[s.path.filename().string()] = {{"sha256", s.sha256}, {"rows", s.size()}};
  m["data_files"] = files;
  return m.dump(1) + "\n";
}

// Everything in a manifest that must match for --resume to reuse earlier results.
constexpr std::string_view kManifestIdentityKeys[] = {"base_config", "grid", "data_files", "pbo_partitions"};

// Whether `file` is a manifest a sweep wrote (a JSON object with the identity keys): a folder
// with any other manifest.json is someone else's.
bool is_sweep_manifest(const fs::path& file) {
  std::string text;
  try {
    text = read_file(file);
  } catch (const IoError&) {
    return false;
  }
  const json m = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return m.is_object() && std::all_of(std::begin(kManifestIdentityKeys), std::end(kManifestIdentityKeys),
                                      [&](std::string_view key) { return m.contains(key); });
}

json manifest_identity(const json& m) {
  json identity = json::object();
  for (const std::string_view key : kManifestIdentityKeys) identity[std::string(key)] = m.at(std::string(key));
  return identity;
}

class Progress {
 public:
  Progress(bool enabled, std::uint64_t total) : enabled_(enabled), total_(total), tty_(::isatty(2) != 0) {
    start_ = last_ = std::chrono::steady_clock::now();
  }
  void update(std::uint64_t done, bool final = false) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    const double since_last = std::chrono::duration<double>(now - last_).count();
    if (!final && since_last < (tty_ ? 0.1 : 10.0)) return;
    last_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
    // No ETA before a variant is done (there is no rate yet); rates below 1/s with a decimal.
    const std::string eta = rate > 0 ? fmt::format("{:.0f}s", static_cast<double>(total_ - done) / rate) : "-";
    const std::string rate_text = rate >= 1.0 || rate == 0.0 ? fmt::format("{:.0f}", rate) : fmt::format("{:.2f}", rate);
    const double frac = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
    if (tty_) {
      const int width = 30;
      const int filled = static_cast<int>(frac * width);
      fmt::print(stderr, "\r[{}{}] {}/{} {} variants/s ETA {}   ", std::string(static_cast<std::size_t>(filled), '#'),
                 std::string(static_cast<std::size_t>(width - filled), '.'), done, total_, rate_text, eta);
      if (final) fmt::print(stderr, "\n");
    } else {
      fmt::print(stderr, "sweep: {}/{} variants done ({:.0f}%), {} variants/s, ETA {}\n", done, total_,
                 frac * 100.0, rate_text, eta);
    }
    std::fflush(stderr);
  }

 private:
  bool enabled_;
  std::uint64_t total_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace
}  // namespace sweep

// The lock file of an --out folder: held (flock) for as long as a sweep uses the folder.
constexpr std::string_view kLockFile = ".qsweep.lock";

// An exclusive lock on an --out folder, released when destroyed (or when the process ends).
// flock works on local file systems and, as a lock on the whole file, over NFS.
class FolderLock {
 public:
  explicit FolderLock(const fs::path& dir) {
    const fs::path path = dir / kLockFile;
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw IoError(fmt::format("{}: cannot create: {}", path.string(), std::strerror(errno)));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd_);
      if (err == EWOULDBLOCK)
        throw InputError(fmt::format("{}: another qsweep sweep is using this folder; wait for it or choose "
                                     "another --out", dir.string()));
      throw IoError(fmt::format("{}: cannot lock: {}", path.string(), std::strerror(err)));
    }
  }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  ~FolderLock() { ::close(fd_); }

 private:
  int fd_ = -1;
};

// What an --out folder holds for a sweep: its results (or other files named like a sweep's),
// temporary files of a killed write, and anything else. The lock file counts as none of them.
struct SweepFolder {
  bool has_manifest = false;
  bool foreign_manifest = false;  // a manifest.json a sweep did not write
  std::vector<fs::path> results;
  std::vector<fs::path> temporaries;
  std::vector<std::string> foreign;  // names, sorted
};

SweepFolder inspect_sweep_folder(const fs::path& out) {
  static constexpr std::string_view kOwnFiles[] = {"manifest.json", "journal.csv", "results.csv",
                                                   "curves.csv",    "sweep_summary.json", "report.html"};
  FolderContents contents = output_folder_contents(out, kOwnFiles, kLockFile);
  SweepFolder folder;
  folder.foreign = std::move(contents.others);
  for (fs::path& file : contents.own) {
    const std::string name = file.filename().string();
    if (name == "manifest.json") {
      if (!sweep::is_sweep_manifest(file)) {
        folder.foreign_manifest = true;
        folder.foreign.push_back(name);
        continue;
      }
      folder.has_manifest = true;
    }
    (name.front() == '.' ? folder.temporaries : folder.results).push_back(std::move(file));
  }
  // The manifest is written before anything else, so without it a sweep's folder holds only
  // temporary files: files named like results are someone else's.
  if (!folder.has_manifest && !folder.results.empty()) {
    for (const fs::path& file : folder.results) folder.foreign.push_back(file.filename().string());
    folder.results.clear();
    std::sort(folder.foreign.begin(), folder.foreign.end());
  }
  return folder;
}

SweepSummary run_sweep(const SweepOptions& options) {
  using namespace sweep;
  // From the start: a SIGINT or SIGTERM at any point ends the sweep with exit code 130.
  StopSignals stop_signals;
  const fs::path& path = options.config_path;
  toml::table root = config::parse_file(path);
  for (const std::string& assignment : options.overrides) config::apply_assignment(root, assignment);
  SweepSpec spec = spec_from_table(root, path);
  // A --set of a swept key (or of a key inside or around one) would be replaced by every
  // variant's value: refused rather than ignored.
  for (const std::string& assignment : options.overrides) {
    // Compared part by part, so that strategy."lookback" is strategy.lookback.
    const std::vector<std::string_view> set_parts = config::key_parts(config::assignment_key(assignment));
    for (const SweepDimension& d : spec.grid.dimensions()) {
      const std::vector<std::string_view> swept_parts = config::key_parts(d.key);
      const std::size_t common = std::min(set_parts.size(), swept_parts.size());
      if (std::equal(set_parts.begin(), set_parts.begin() + static_cast<std::ptrdiff_t>(common), swept_parts.begin()))
        throw UsageError(fmt::format("--set '{}': '{}' is swept in [sweep], whose values replace it; change the grid "
                                     "instead, e.g. --set 'sweep.\"{}\"=[...]'",
                                     assignment, d.key, d.key));
    }
  }
  if (!options.heatmap.empty()) spec.heatmap = options.heatmap;
  for (const std::string& key : options.heatmap) {
    const auto& dims = spec.grid.dimensions();
    if (std::none_of(dims.begin(), dims.end(), [&](const SweepDimension& d) { return d.key == key; }))
      throw UsageError(fmt::format("--heatmap: '{}' is not a swept key", key));
  }
  if (options.heatmap.size() == 2 && options.heatmap[0] == options.heatmap[1])
    throw UsageError("--heatmap: expects two different swept keys");
  root.erase("sweep");

  const Config base_config = config::from_table(root, path);
  load_config_plugins(base_config);
  SweepSummary summary;
  summary.variants = spec.grid.size();
  summary.out_dir = options.out_dir.empty() ? fs::path("runs") / (base_config.name + "-sweep") : options.out_dir;
  const fs::path& out = summary.out_dir;

  // Validate every variant before running anything.
  const unsigned threads = options.jobs ? options.jobs : available_cpus();
  const VariantFactory factory(root, spec.grid, path);
  // The data folder is every variant's: a wrong one is the config's error, not each variant's.
  if (std::error_code ec; !fs::is_directory(base_config.data_dir, ec)) {
    const toml::node* dir = root.at_path("data.dir").node();
    throw InputError(fmt::format("{}: data.dir: {} is not a folder", dir ? config::location(path, *dir) : path.string(),
                                 base_config.data_dir.string()));
  }
  const DataFileIndex data_files(base_config.data_dir);
  // A sweep does not run the benchmark, but a [benchmark] table it cannot read (a misplaced
  // [benchmark.data], an unknown key, a bad value, data without bars in its range) is as wrong
  // here as in a backtest. Its data is loaded for this check only.
  if (base_config.benchmark) {
    const std::vector<std::string> assets = make_strategy(base_config, *base_config.benchmark, &data_files)->assets();
    // The range is checked with the base config's dates, unless the grid sweeps what they come
    // from (then the base dates may be placeholders no variant uses).
    const auto& dims = spec.grid.dimensions();
    const bool range_swept = std::any_of(dims.begin(), dims.end(), [](const SweepDimension& d) {
      const std::vector<std::string_view> parts = config::key_parts(d.key);
      static constexpr std::string_view kRangeKeys[] = {"start", "end", "burn_in", "mode"};
      return parts[0] == "benchmark" ||
             (parts[0] == "backtest" && parts.size() == 2 &&
              std::find(std::begin(kRangeKeys), std::end(kRangeKeys), parts[1]) != std::end(kRangeKeys));
    });
    if (!range_swept) {
      const MarketData benchmark_data =
          MarketData::load(base_config.data_dir, assets, LoadOptions{base_config.adjust_prices, /*checksum=*/false, 1});
      try {
        const PreparedSession checked(benchmark_data, *base_config.benchmark, assets);
      } catch (const InputError& e) {
        throw InputError(fmt::format("{}: {}", path.string(), e.what()));
      }
    }
  }
  const LoadOptions load_options{base_config.adjust_prices, /*checksum=*/true, threads};
  // With more than one thread, the base config's assets are loaded while the variants are
  // validated: most grids trade exactly those. Its result (or error) is used only if so.
  std::set<std::string> base_tickers;
  std::future<MarketData> early_data;
  if (threads > 1) {
    try {
      for (const std::string& t : make_strategy(base_config, base_config.strategy, &data_files)->assets())
        base_tickers.insert(t);
      early_data = std::async(std::launch::async, [&base_config, &base_tickers, load_options] {
        return MarketData::load(base_config.data_dir, {base_tickers.begin(), base_tickers.end()},
                                LoadOptions{load_options.adjust, load_options.checksum, 1});
      });
    } catch (const InputError&) {
      // The base config alone is not a valid variant (the grid may still be): no early load.
    }
  }
  Validation validation = validate_variants(factory, spec.grid.size(), base_config, data_files, threads,
                                            options.skip_invalid);
  const Interrupted stopped("interrupted before any variant ran; nothing was written");
  if (g_stop.load()) throw stopped;
  summary.skipped = std::move(validation.skipped);
  const std::vector<std::uint64_t>& valid_ids = validation.valid;
  const std::set<std::string>& tickers_needed = validation.tickers;
  summary.valid = valid_ids.size();
  if (valid_ids.empty()) throw InputError(fmt::format("{}: no valid variant in the grid", path.string()));

  // The same tickers in the same (sorted) order give the same MarketData and the same errors.
  const MarketData data = early_data.valid() && base_tickers == tickers_needed
                              ? early_data.get()
                              : MarketData::load(base_config.data_dir, {tickers_needed.begin(), tickers_needed.end()},
                                                 load_options);
  if (g_stop.load()) throw stopped;
  const std::size_t partitions = kPboPartitions;
  const std::string manifest = manifest_text(spec, root, path, data, summary.valid, summary.skipped, partitions);

  // The output folder: new, resumed, or overwritten, locked against other sweeps first. Only a
  // sweep's own files are ever removed.
  std::error_code ec;
  const fs::path manifest_path = out / "manifest.json";
  auto refuse_foreign = [&](const SweepFolder& f) {
    if (f.foreign_manifest)
      throw InputError(fmt::format("{}: not the manifest of a qsweep sweep, so not a sweep folder; choose another --out",
                                   manifest_path.string()));
    if (!f.foreign.empty() && !f.has_manifest)
      throw InputError(fmt::format("{}: holds {}, which a sweep does not write, and no manifest.json: not a "
                                   "sweep folder; choose another --out",
                                   out.string(), f.foreign.front()));
  };
  refuse_foreign(inspect_sweep_folder(out));  // before the lock file is created in it
  fs::create_directories(out, ec);
  if (ec) throw IoError(fmt::format("{}: cannot create: {}", out.string(), ec.message()));
  const FolderLock folder_lock(out);
  const SweepFolder folder = inspect_sweep_folder(out);
  refuse_foreign(folder);
  // Temporary files alone (a run killed while writing) are no results: removed, then a fresh start.
  for (const fs::path& file : folder.temporaries) fs::remove(file, ec);
  if (!folder.results.empty()) {
    if (options.overwrite) {
      for (const fs::path& file : folder.results) {
        fs::remove(file, ec);
        if (ec) throw IoError(fmt::format("{}: cannot remove: {}", file.string(), ec.message()));
      }
    } else if (!options.resume) {
      throw InputError(fmt::format("{}: output folder already holds results; use --resume to continue it or "
                                   "--overwrite to start over", out.string()));
    } else if (fs::exists(manifest_path)) {
      json previous;
      try {
        previous = json::parse(read_file(manifest_path));
      } catch (const json::exception& e) {
        throw InputError(fmt::format("{}: not a valid manifest: {}", manifest_path.string(), e.what()));
      }
      if (manifest_identity(previous) != manifest_identity(json::parse(manifest)))
        throw InputError(fmt::format("{}: holds a different sweep (config, grid or data changed); "
                                     "use --overwrite or another --out", out.string()));
    }
  }
  // In place before the journal (a journal never exists without its manifest). A resumed
  // folder's manifest is replaced durably at once (a crash must not leave an empty one beside a
  // journal on disk); a new folder's is synced on a thread while variants run, before the
  // journal's first sync, so no synced result lacks a synced manifest.
  const bool replacing_manifest = fs::exists(manifest_path, ec);
  write_file_atomic(manifest_path, manifest, /*sync=*/replacing_manifest);
  std::future<void> manifest_sync;
  if (!replacing_manifest)
    manifest_sync = std::async(std::launch::async, [&manifest_path] { sync_file(manifest_path); });

  // Earlier results (--resume) and the journal new ones are appended to.
  Journal journal(out / "journal.csv", spec.grid.size(), /*keep_rows=*/spec.grid.size() <= kKeepRowsUpTo);
  std::vector<std::uint64_t> pending;
  for (std::uint64_t id : valid_ids)
    if (!journal.contains(id)) pending.push_back(id);
  summary.resumed = summary.valid - pending.size();

  // Run the pending variants on a pool of worker threads; this thread writes the journal.
  const unsigned jobs =
      std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(1, pending.size()))));
  SessionPool pool(data);
  std::mutex mutex;
  std::condition_variable wake;
  std::vector<ResultRow> finished;
  std::exception_ptr failure;
  // Syncs the journal, the manifest first; a failed manifest sync stops the run like a failed
  // variant (recorded in `failure`), and the journal is still synced.
  auto sync_journal = [&] {
    if (manifest_sync.valid()) {
      try {
        manifest_sync.get();
      } catch (...) {
        std::lock_guard guard(mutex);
        if (!failure) failure = std::current_exception();
      }
    }
    journal.sync();
  };
  std::atomic<std::size_t> next{0};
  const std::size_t chunk = std::clamp<std::size_t>(pending.size() / (std::size_t{jobs} * 16), 1, 64);
  std::atomic<std::size_t> workers_left{jobs};
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < jobs; ++w) {
    workers.emplace_back([&] {
      // Rows are handed over in batches (one lock per 8 fast variants), and at least every
      // 100 ms so that the journal and the progress follow slow variants.
      std::vector<ResultRow> batch;
      auto last_flush = std::chrono::steady_clock::now();
      auto flush = [&] {
        last_flush = std::chrono::steady_clock::now();
        if (batch.empty()) return;
        std::lock_guard lock(mutex);
        for (ResultRow& r : batch) finished.push_back(std::move(r));
        batch.clear();
        wake.notify_one();
      };
      try {
        for (;;) {
          if (g_stop.load()) break;
          {
            std::lock_guard lock(mutex);
            if (failure) break;
          }
          // Claim a run of consecutive ids: neighbours share indicator tables, so workers on
          // different runs rarely wait for each other's computations.
          const std::size_t first = next.fetch_add(chunk);
          if (first >= pending.size()) break;
          for (std::size_t i = first; i < std::min(first + chunk, pending.size()) && !g_stop.load(); ++i) {
            std::optional<SessionConfig> kept =
                validation.sessions.empty() ? std::nullopt : std::move(validation.sessions[pending[i]]);
            batch.push_back(run_variant(pending[i], std::move(kept), factory, pool, partitions));
            if (batch.size() >= 8 || std::chrono::steady_clock::now() - last_flush >= std::chrono::milliseconds(100))
              flush();
          }
        }
        flush();
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
      }
      std::lock_guard lock(mutex);
      --workers_left;
      wake.notify_one();
    });
  }
  Progress progress(options.progress, pending.size());
  auto last_sync = std::chrono::steady_clock::now();
  std::uint64_t done = 0;
  for (;;) {
    std::vector<ResultRow> rows;
    bool all_done = false;
    {
      std::unique_lock lock(mutex);
      wake.wait_for(lock, std::chrono::milliseconds(100), [&] { return !finished.empty() || workers_left == 0; });
      rows.swap(finished);
      all_done = workers_left == 0 && finished.empty();
    }
    for (const ResultRow& r : rows) {
      journal.append(r);
      summary.asset_days += r.asset_days;
    }
    // Flushed, a killed process keeps every line; synced now and then, a power loss all but the
    // last few seconds.
    journal.flush();
    if (std::chrono::steady_clock::now() - last_sync >= kJournalSyncInterval) {
      sync_journal();
      last_sync = std::chrono::steady_clock::now();
    }
    done += rows.size();
    summary.ran = done;
    progress.update(done, all_done);
    if (all_done) break;
  }
  for (std::thread& t : workers) t.join();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const bool interrupted = g_stop.load() && done < pending.size();
  if (failure || interrupted) sync_journal();  // what is done stays done
  if (failure) std::rethrow_exception(failure);
  if (interrupted) {
    summary.interrupted = true;
    return summary;
  }

  // All variants done: the ranked table, overfitting statistics, curves and report, while the
  // journal (flushed: complete for readers) is forced to disk; done before returning.
  if (manifest_sync.valid()) manifest_sync.get();
  std::future<void> journal_synced = std::async(std::launch::async, [&journal] { journal.sync(); });
  const json summary_json = finish_sweep(out, spec, [&](std::uint64_t id) { return factory.config(id); }, journal,
                                     valid_ids, options.keep_curves, pool, threads);
  summary.overfitting = format_overfitting(summary_json, out / "sweep_summary.json", summary.overfitting_warnings);
  journal_synced.get();
  // A stop asked for while the results were written: they are complete, but the run still ends
  // as interrupted, as asked (a --resume rewrites them).
  summary.interrupted = g_stop.load();
  return summary;
}

}  // namespace qsweep
