// The strategy interface: price history up to the decision time in, target weights out.
// Built-in strategies and user plug-ins implement it; see docs/strategies.md and
// examples/plugin/ for a plug-in built against the installed library.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "qsweep/config.hpp"
#include "qsweep/date.hpp"

namespace qsweep {

// Index of an asset in Strategy::assets().
using AssetIndex = std::size_t;

class IndicatorCache;  // engine.hpp: indicator tables shared by every run of one session

// Closes a strategy may look at, as QSTrader's signal buffers see them: for each asset, the
// close of every simulated day from the day it joined the universe through the decision day,
// oldest first. In qstrader mode these include QSTrader's stale holiday closes and its
// look-ahead price before an asset's first bar; in strict mode only real trading days.
class PriceHistory {
 public:
  virtual ~PriceHistory() = default;
  // Empty when the asset has not joined the universe yet. Valid until the strategy returns.
  virtual std::span<const double> closes(AssetIndex asset) const = 0;
};

// Everything a strategy is told at a rebalance (the decision happens at the day's close).
struct DecisionContext {
  Day day = 0;                          // the decision day
  std::size_t day_index = 0;            // index of `day` in the session's simulated calendar
  std::size_t closes_seen = 0;          // closes since the session began, today included
                                        // (QSTrader's SignalsCollection.warmup)
  std::span<const AssetIndex> universe; // assets tradable now, in ranking order: ties keep it
  const PriceHistory* history = nullptr;
  // Memo for indicators that many runs of the same session share (e.g. a sweep's variants);
  // null when the caller provides none. A strategy must give the same weights with or without it.
  // It belongs to the session that `universe` comes from (PreparedSession::universe_at).
  IndicatorCache* indicators = nullptr;
};

// A long-lived object per session. Not required to be thread-safe: each session (and each
// sweep variant) creates its own instance.
class Strategy {
 public:
  virtual ~Strategy() = default;
  // The tickers this strategy may hold, fixed for the session (called once, before the run).
  virtual std::vector<std::string> assets() const = 0;
  // Target weights at a rebalance: writes weights[i] for assets()[i]. `weights` arrives
  // zero-filled. Long-only sessions need weights >= 0; weights are normalised by the engine
  // (to sum 1 long-only, to gross leverage long/short). Assets outside ctx.universe must stay 0.
  virtual void target_weights(const DecisionContext& ctx, std::span<double> weights) = 0;
};

// Creates a strategy from its config parameters. Reads every parameter it knows through
// `params` (so unknown keys can be rejected) and throws InputError for bad values.
using StrategyFactory = std::function<std::unique_ptr<Strategy>(const StrategyParams& params)>;

// Strategy kinds by name. The global registry holds the built-ins and those of loaded plug-ins.
// Registration is not thread-safe; creation is (after registration has finished).
class StrategyRegistry {
 public:
  static StrategyRegistry& global();

  // Throws InputError if `kind` is empty or already registered, or `factory` is empty.
  void add(const std::string& kind, StrategyFactory factory);
  bool contains(const std::string& kind) const;
  std::vector<std::string> kinds() const;
  // Creates the strategy and checks that every parameter was read.
  // Throws InputError for an unknown kind or bad parameters, and for a factory that fails
  // (throws, or returns no strategy).
  std::unique_ptr<Strategy> create(const StrategyParams& params) const;

 private:
  std::vector<std::pair<std::string, StrategyFactory>> factories_;
};

// Loads a plug-in shared library and lets it register its strategies. The library must export
// `extern "C" int qsweep_plugin_abi()` returning QSWEEP_PLUGIN_ABI and
// `extern "C" void qsweep_register(qsweep::StrategyRegistry&)` (use QSWEEP_PLUGIN below).
// Loading the same path twice is a no-op. Throws InputError if the library cannot be loaded.
void load_strategy_plugin(const std::string& path);

}  // namespace qsweep

#define QSWEEP_PLUGIN_ABI 1

// Defines a plug-in's entry points: QSWEEP_PLUGIN(registry) { registry.add("kind", ...); }
// They stay exported when the plug-in is built with -fvisibility=hidden.
#define QSWEEP_PLUGIN_EXPORT __attribute__((visibility("default")))
#define QSWEEP_PLUGIN(registry_name)                                                      \
  extern "C" QSWEEP_PLUGIN_EXPORT int qsweep_plugin_abi() { return QSWEEP_PLUGIN_ABI; }   \
  extern "C" QSWEEP_PLUGIN_EXPORT void qsweep_register(::qsweep::StrategyRegistry& registry_name)
