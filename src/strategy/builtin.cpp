#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "qsweep/engine.hpp"
#include "qsweep/error.hpp"
#include "qsweep/stats.hpp"
#include "strategy/builtin.hpp"

namespace qsweep {

double momentum_signal(std::span<const double> closes, std::size_t lookback) noexcept {
  const std::size_t n = std::min(closes.size(), lookback + 1);
  if (n < 2) return 0.0;
  const std::span<const double> window = closes.subspan(closes.size() - n);
  double product = 1.0 + (window[1] / window[0] - 1.0);
  for (std::size_t i = 2; i < n; ++i) product *= 1.0 + (window[i] / window[i - 1] - 1.0);
  return product - 1.0;
}

double sma_signal(std::span<const double> closes, std::size_t lookback) noexcept {
  return np_mean(closes.subspan(closes.size() - std::min(closes.size(), lookback)));
}

double volatility_signal(std::span<const double> closes, std::size_t lookback) {
  const std::size_t n = std::min(closes.size(), lookback + 1);
  if (n < 2) return 0.0;
  const std::span<const double> window = closes.subspan(closes.size() - n);
  std::vector<double> returns(n - 1);
  for (std::size_t i = 1; i < n; ++i) returns[i - 1] = window[i] / window[i - 1] - 1.0;
  return np_std(returns, 0) * std::sqrt(252.0);
}

namespace {

// An indicator's value per asset at each close rebalance day of a session.
struct DayTable {
  std::vector<std::ptrdiff_t> row_of_day;  // -1: not a rebalance day
  std::vector<double> values;              // row-major: rows × assets
  std::size_t assets = 0;

  // value(a, t) must use only closes up to day t.
  template <class Value>
  static DayTable build(const PreparedSession& s, Value&& value) {
    DayTable table;
    table.assets = s.asset_count();
    table.row_of_day.assign(s.day_count(), -1);
    table.values.reserve(s.rebalance_days().size() * table.assets);
    std::ptrdiff_t row = 0;
    for (std::size_t t : s.rebalance_days()) {
      table.row_of_day[t] = row++;
      for (AssetIndex a = 0; a < table.assets; ++a) table.values.push_back(value(a, t));
    }
    return table;
  }
  const double* row(std::size_t t) const noexcept {
    const std::ptrdiff_t r = row_of_day[t];
    return r < 0 ? nullptr : values.data() + static_cast<std::size_t>(r) * assets;
  }
};

// Each close's growth factor 1 + (c[i]/c[i-1] - 1), per asset and day, shared by every lookback:
// momentum over a window is then a product of factors, the same doubles in the same order as
// momentum_signal() computes, without its divisions.
struct GrowthFactors {
  std::vector<double> factors;  // assets × days; index 0 of each asset unused
  std::size_t days = 0;

  static GrowthFactors build(const PreparedSession& s) {
    GrowthFactors g;
    g.days = s.day_count();
    g.factors.assign(s.asset_count() * g.days, 0.0);
    for (AssetIndex a = 0; a < s.asset_count(); ++a) {
      const std::span<const double> c = s.closes(a);
      for (std::size_t i = 1; i < g.days; ++i) g.factors[a * g.days + i] = 1.0 + (c[i] / c[i - 1] - 1.0);
    }
    return g;
  }
  // momentum_signal() of the closes [first, last] (day indices) of asset a.
  double momentum(AssetIndex a, std::ptrdiff_t first, std::ptrdiff_t last, std::size_t lookback) const noexcept {
    const std::ptrdiff_t available = last - first + 1;
    const std::ptrdiff_t n = std::min(available, static_cast<std::ptrdiff_t>(lookback) + 1);
    if (n < 2) return 0.0;
    const double* f = factors.data() + a * days;
    double product = f[last - n + 2];
    for (std::ptrdiff_t i = last - n + 3; i <= last; ++i) product *= f[i];
    return product - 1.0;
  }
};

// Constant target weights at every rebalance (QSTrader's FixedSignalsAlphaModel).
class FixedWeights final : public Strategy {
 public:
  explicit FixedWeights(const StrategyParams& params) {
    for (auto& [ticker, weight] : params.get_weights("weights")) {
      tickers_.push_back(ticker);
      weights_.push_back(weight);
    }
    if (tickers_.empty()) params.fail("weights", "needs at least one asset");
  }
  std::vector<std::string> assets() const override { return tickers_; }
  void target_weights(const DecisionContext&, std::span<double> weights) override {
    std::copy(weights_.begin(), weights_.end(), weights.begin());
  }

 private:
  std::vector<std::string> tickers_;
  std::vector<double> weights_;
};

std::vector<std::string> read_assets(const StrategyParams& params) {
  std::vector<std::string> assets = params.get_string_list("assets");
  if (assets.empty()) params.fail("assets", "needs at least one asset");
  std::vector<std::string> sorted = assets;
  std::sort(sorted.begin(), sorted.end());
  if (auto dup = std::adjacent_find(sorted.begin(), sorted.end()); dup != sorted.end())
    params.fail("assets", fmt::format("'{}' is listed twice", *dup));
  return assets;
}

std::size_t read_positive(const StrategyParams& params, const std::string& name) {
  const std::int64_t v = params.get_int(name);
  if (v < 1) params.fail(name, fmt::format("must be at least 1, got {}", v));
  return static_cast<std::size_t>(v);
}

// QSTrader's momentum_taa example: once `lookback` closes have been seen, hold the `top_n`
// assets with the highest momentum at 1/top_n each (ties keep the universe order).
class Momentum final : public Strategy {
 public:
  explicit Momentum(const StrategyParams& params)
      : assets_(read_assets(params)), lookback_(read_positive(params, "lookback")),
        top_n_(read_positive(params, "top_n")) {
    if (top_n_ > assets_.size())
      params.fail("top_n", fmt::format("{} is more than the {} assets", top_n_, assets_.size()));
  }
  std::vector<std::string> assets() const override { return assets_; }
  void target_weights(const DecisionContext& ctx, std::span<double> weights) override {
    if (ctx.closes_seen < lookback_) return;
    // Momentum at every close rebalance is shared by all runs of the session with this lookback.
    const double* shared = nullptr;
    if (ctx.indicators != nullptr && ctx.closes_seen == ctx.day_index + 1) {
      if (!table_) {
        const std::size_t lookback = lookback_;
        table_ = ctx.indicators->get<DayTable>(
            fmt::format("momentum:{}", lookback_),
            [lookback, cache = ctx.indicators](const PreparedSession& s) {
              const auto factors = cache->get<GrowthFactors>("growth_factors", &GrowthFactors::build);
              return DayTable::build(s, [&](AssetIndex a, std::size_t t) {
                return factors->momentum(a, static_cast<std::ptrdiff_t>(s.entry_index(a)),
                                         std::min(static_cast<std::ptrdiff_t>(t),
                                                  static_cast<std::ptrdiff_t>(s.exit_index(a))),
                                         lookback);
              });
            });
      }
      shared = table_->row(ctx.day_index);
    }
    ranked_.clear();
    for (AssetIndex a : ctx.universe)
      ranked_.push_back({shared ? shared[a] : momentum_signal(ctx.history->closes(a), lookback_), a});
    // Descending, stable: equal momenta keep the universe order (Python sorted(reverse=True)).
    // Insertion sort (stable, no allocation; universes are small).
    for (std::size_t i = 1; i < ranked_.size(); ++i) {
      const auto item = ranked_[i];
      std::size_t j = i;
      for (; j > 0 && ranked_[j - 1].first < item.first; --j) ranked_[j] = ranked_[j - 1];
      ranked_[j] = item;
    }
    const std::size_t n = std::min(top_n_, ranked_.size());
    for (std::size_t i = 0; i < n; ++i) weights[ranked_[i].second] = 1.0 / static_cast<double>(top_n_);
  }

 private:
  std::vector<std::string> assets_;
  std::size_t lookback_;
  std::size_t top_n_;
  std::vector<std::pair<double, AssetIndex>> ranked_;
  std::shared_ptr<const DayTable> table_;
};

// Trend following: each asset of the universe is held while the SMA of its last `fast` closes is
// strictly above the SMA of its last `slow` closes (QSTrader's SMASignal), at 1/k each for the k
// assets held; all cash when none is. No position until `slow` closes have been seen.
class SmaTrend final : public Strategy {
 public:
  explicit SmaTrend(const StrategyParams& params)
      : assets_(read_assets(params)), fast_(read_positive(params, "fast")),
        slow_(read_positive(params, "slow")) {
    if (fast_ >= slow_) params.fail("fast", fmt::format("must be less than slow ({}), got {}", slow_, fast_));
  }
  std::vector<std::string> assets() const override { return assets_; }
  void target_weights(const DecisionContext& ctx, std::span<double> weights) override {
    if (ctx.closes_seen < slow_) return;
    std::size_t held = 0;
    for (AssetIndex a : ctx.universe) {
      const std::span<const double> closes = ctx.history->closes(a);
      if (closes.empty() || !(sma_signal(closes, fast_) > sma_signal(closes, slow_))) continue;
      weights[a] = 1.0;
      ++held;
    }
    if (held == 0) return;
    const double weight = 1.0 / static_cast<double>(held);
    for (AssetIndex a : ctx.universe)
      if (weights[a] != 0.0) weights[a] = weight;
  }

 private:
  std::vector<std::string> assets_;
  std::size_t fast_;
  std::size_t slow_;
};

// Risk parity without correlations: weights proportional to 1/σ over the universe, σ being
// QSTrader's VolatilitySignal over `lookback`; assets with σ = 0 (or fewer than two closes) are
// left out. No position until `lookback` closes have been seen.
class InverseVolatility final : public Strategy {
 public:
  explicit InverseVolatility(const StrategyParams& params)
      : assets_(read_assets(params)), lookback_(read_positive(params, "lookback")) {}
  std::vector<std::string> assets() const override { return assets_; }
  void target_weights(const DecisionContext& ctx, std::span<double> weights) override {
    if (ctx.closes_seen < lookback_) return;
    double total = 0.0;
    for (AssetIndex a : ctx.universe) {
      const double vol = volatility_signal(ctx.history->closes(a), lookback_);
      if (!(vol > 0.0) || !std::isfinite(vol)) continue;
      weights[a] = 1.0 / vol;
      total += weights[a];
    }
    if (total == 0.0) return;
    for (AssetIndex a : ctx.universe) weights[a] /= total;
  }

 private:
  std::vector<std::string> assets_;
  std::size_t lookback_;
};

}  // namespace

void register_builtin_strategies(StrategyRegistry& registry) {
  registry.add("fixed_weights", [](const StrategyParams& p) { return std::make_unique<FixedWeights>(p); });
  registry.add("momentum", [](const StrategyParams& p) { return std::make_unique<Momentum>(p); });
  registry.add("sma_trend", [](const StrategyParams& p) { return std::make_unique<SmaTrend>(p); });
  registry.add("inverse_volatility",
               [](const StrategyParams& p) { return std::make_unique<InverseVolatility>(p); });
}

}  // namespace qsweep
