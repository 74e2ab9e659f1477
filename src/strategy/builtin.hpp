// Internal: registration of the built-in strategies into a registry.
#pragma once

#include "qsweep/strategy.hpp"

namespace qsweep {

void register_builtin_strategies(StrategyRegistry& registry);

// QSTrader's MomentumSignal: the sequential product of (1 + pct_change) over the last
// `lookback + 1` closes, minus 1; 0 with fewer than two closes.
double momentum_signal(std::span<const double> closes, std::size_t lookback) noexcept;

}  // namespace qsweep
