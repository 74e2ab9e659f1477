// Internal: registration of the built-in strategies into a registry.
#pragma once

#include "qsweep/strategy.hpp"

namespace qsweep {

void register_builtin_strategies(StrategyRegistry& registry);

// QSTrader's MomentumSignal: the sequential product of (1 + pct_change) over the last
// `lookback + 1` closes, minus 1; 0 with fewer than two closes.
double momentum_signal(std::span<const double> closes, std::size_t lookback) noexcept;

// QSTrader's SMASignal: np.mean of the last `lookback` closes (a buffer of maxlen lookback, so
// fewer while it fills), with numpy's pairwise summation; NaN with no closes.
double sma_signal(std::span<const double> closes, std::size_t lookback) noexcept;

// QSTrader's VolatilitySignal: np.std (ddof 0) of the pct returns c[i]/c[i-1] - 1 over the
// last `lookback + 1` closes (fewer while the buffer fills), times sqrt(252); 0 with fewer than
// two closes.
double volatility_signal(std::span<const double> closes, std::size_t lookback);

}  // namespace qsweep
