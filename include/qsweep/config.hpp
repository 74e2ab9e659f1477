// Typed configuration of a backtest: what `qsweep backtest CONFIG` reads from TOML.
// The file format is documented in docs/config.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "qsweep/date.hpp"

namespace qsweep {

enum class Mode {
  strict,    // the default: QSTrader's timing with its flaws fixed (docs/modes.md)
  qstrader,  // reproduce QSTrader 0.3.0 exactly, quirks included
};
enum class RebalanceFrequency { buy_and_hold, daily, weekly, end_of_month };
enum class FeeModelKind { zero, percent };

const char* to_string(Mode mode) noexcept;
const char* to_string(RebalanceFrequency frequency) noexcept;

struct FeeConfig {
  FeeModelKind model = FeeModelKind::zero;
  double commission = 0.0;  // fraction of traded value, e.g. 0.001 = 10 bp
  double tax = 0.0;         // fraction of traded value, charged on buys and sells
};

// Ordered (ticker, weight) pairs, as written in the config.
using WeightList = std::vector<std::pair<std::string, double>>;
using ParamValue = std::variant<bool, std::int64_t, double, std::string, std::vector<std::string>, WeightList>;

// A strategy's parameters as written in its config table. Accessors throw InputError naming the
// full key path (e.g. "strategy.lookback") when a key is missing or has the wrong type.
// Every key must be read (or declared optional via has()) before check_all_used(), which
// rejects unknown keys. Not thread-safe (tracks which keys were read).
class StrategyParams {
 public:
  StrategyParams() = default;
  // `origin` prefixes messages (the config file); `locations` optionally maps a key to a more
  // precise prefix such as "file.toml:12" or "file.toml (--set)". `unreadable` maps keys whose
  // values are no ParamValue to the complete error message: reading one throws it, and one the
  // strategy never reads is an unknown key like any other.
  StrategyParams(std::string kind, std::string key_prefix, std::string origin,
                 std::map<std::string, ParamValue> values,
                 std::map<std::string, std::string> locations = {},
                 std::map<std::string, std::string> unreadable = {});

  const std::string& kind() const noexcept { return kind_; }
  // "strategy" or "benchmark": the config table the parameters came from.
  const std::string& key_prefix() const noexcept { return key_prefix_; }
  // The readable values; a key in `unreadable` is not among them (has() and the accessors see it).
  const std::map<std::string, ParamValue>& values() const noexcept { return values_; }

  bool has(const std::string& name) const;
  std::int64_t get_int(const std::string& name) const;
  std::int64_t get_int(const std::string& name, std::int64_t fallback) const;
  double get_double(const std::string& name) const;
  double get_double(const std::string& name, double fallback) const;
  std::string get_string(const std::string& name) const;
  std::vector<std::string> get_string_list(const std::string& name) const;
  WeightList get_weights(const std::string& name) const;

  // Throws InputError naming the first key that no accessor read.
  void check_all_used() const;
  // An InputError for a bad value of `name`, with the config file and key path in the message.
  [[noreturn]] void fail(const std::string& name, const std::string& message) const;
  // fail() for one entry of a table parameter (the `SPY` of `weights`), located at the entry:
  // it may come from --set while the table is in the file.
  [[noreturn]] void fail_entry(const std::string& name, const std::string& entry, const std::string& message) const;

 private:
  const ParamValue& require(const std::string& name) const;
  std::string kind_;
  std::string key_prefix_;
  std::string origin_;  // config file path, for messages
  std::map<std::string, ParamValue> values_;
  std::map<std::string, std::string> locations_;  // key -> "file:line", for messages
  std::map<std::string, std::string> unreadable_;  // key -> its value's error message
  mutable std::map<std::string, bool> used_;
};

// One trading session: a strategy run over a date range with its own cash and fees.
struct SessionConfig {
  std::string label;                   // "strategy" or "benchmark"
  Day start = 0;                       // the session begins at this day's market open
  Day end = 0;                         // inclusive: the last close simulated
  std::optional<Day> burn_in;          // no rebalances and no equity points before this day's open
  double initial_cash = 1'000'000.0;
  RebalanceFrequency rebalance = RebalanceFrequency::end_of_month;
  int weekday = -1;                    // weekly only: 0 = Monday .. 4 = Friday
  bool long_only = true;
  double cash_buffer = 0.0;            // long-only: fraction of equity held back as cash
  double gross_leverage = 1.0;         // long/short: target sum of |weights|
  Mode mode = Mode::strict;
  FeeConfig fees;
  StrategyParams strategy;
  std::vector<std::pair<std::string, Day>> universe_entries;  // ticker -> day it joins
};

struct Config {
  std::filesystem::path path;          // the config file
  std::string name;                    // config_name(path), e.g. "sixty_forty"
  std::filesystem::path data_dir;      // absolute or relative to the working directory
  bool adjust_prices = true;
  SessionConfig strategy;
  std::optional<SessionConfig> benchmark;
  std::vector<std::filesystem::path> plugins;  // strategy plug-in libraries to load
};

// A config's name, which default output folders and report titles use: its file name without
// ".toml" ("a.toml.bak" stays whole), or the whole file name where removing ".toml" would leave
// "", "." or "..".
std::string config_name(const std::filesystem::path& file);

// Reads and validates a config file, applying `--set key=value` overrides first.
// Throws InputError (bad content; the message names the file, line and key) or IoError.
Config load_config(const std::filesystem::path& path, const std::vector<std::string>& overrides = {});

}  // namespace qsweep
