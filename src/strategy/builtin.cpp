#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <numeric>
#include <string_view>

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

// Each close's growth factor 1 + (c[t]/c[t-1] - 1), day-major (factors[t * stride + a], the
// stride a multiple of kChunk), shared by every lookback. 1.0 on an asset's entry day, outside its
// data and in the padding: the product of the factors of the `lookback` days ending at day t is
// then momentum_signal() of the asset's closes up to t, bit for bit (the same doubles multiplied
// in the same order; a factor 1.0 changes nothing).
struct GrowthFactors {
  static constexpr std::size_t kChunk = 4;  // assets multiplied together (one AVX2 register)
  std::vector<double> factors;
  std::size_t stride = 0;

  static GrowthFactors build(const PreparedSession& s) {
    GrowthFactors g;
    g.stride = (s.asset_count() + kChunk - 1) / kChunk * kChunk;
    g.factors.assign(s.day_count() * g.stride, 1.0);
    for (AssetIndex a = 0; a < s.asset_count(); ++a) {
      const std::span<const double> c = s.closes(a);
      for (std::size_t t = s.entry_index(a) + 1; t <= s.exit_index(a) && t < s.day_count(); ++t)
        g.factors[t * g.stride + a] = 1.0 + (c[t] / c[t - 1] - 1.0);
    }
    return g;
  }
  // The product of asset a's factors over the `lookback` days ending at day `last`.
  double product(AssetIndex a, std::size_t last, std::size_t lookback) const noexcept {
    double p = 1.0;
    for (std::size_t t = last + 1 >= lookback ? last + 1 - lookback : 0; t <= last; ++t) p *= factors[t * stride + a];
    return p;
  }
  // out[r * stride + a] = product(a, last_r, lookback) for the assets of every chunk, with
  // last_r = ends[r] >= lookback - 1. Four windows at a time keep 4 × kChunk independent
  // multiplications in flight (enough to cover the multiplier's latency).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  __attribute__((target_clones("avx2", "default")))  // an AVX2 version for CPUs that have it
#endif
  void products(std::span<const std::size_t> ends, std::size_t lookback, std::vector<double>& out) const {
    constexpr std::size_t kWindows = 4;
    out.assign(ends.size() * stride, 1.0);
    for (std::size_t a0 = 0; a0 < stride; a0 += kChunk) {
      std::size_t r = 0;
      for (; r + kWindows <= ends.size(); r += kWindows) {
        double p[kWindows][kChunk];
        const double* f[kWindows];
        for (std::size_t w = 0; w < kWindows; ++w) {
          for (std::size_t k = 0; k < kChunk; ++k) p[w][k] = 1.0;
          f[w] = factors.data() + (ends[r + w] + 1 - lookback) * stride + a0;
        }
        for (std::size_t j = 0; j < lookback; ++j)
          for (std::size_t w = 0; w < kWindows; ++w)
            for (std::size_t k = 0; k < kChunk; ++k) p[w][k] *= f[w][j * stride + k];
        for (std::size_t w = 0; w < kWindows; ++w) std::copy(p[w], p[w] + kChunk, out.data() + (r + w) * stride + a0);
      }
      for (; r < ends.size(); ++r)
        for (std::size_t a = a0; a < a0 + kChunk; ++a) out[r * stride + a] = product(a, ends[r], lookback);
    }
  }
};

// The universe at each close rebalance day of a session, ranked by `lookback`-day momentum
// (descending; equal momenta keep the universe order), shared by every run with that lookback.
// Rows exist for the rebalance days t with t + 1 >= lookback (earlier, the strategy holds nothing).
class MomentumRanking {
 public:
  static MomentumRanking build(const PreparedSession& s, const GrowthFactors& g, std::size_t lookback) {
    MomentumRanking table;
    const std::size_t n_assets = s.asset_count();
    table.assets_ = n_assets;
    table.row_of_day_.assign(s.day_count(), -1);
    std::vector<std::size_t> days;
    for (std::size_t t : s.rebalance_days())
      if (t + 1 >= lookback) days.push_back(t);
    std::vector<double> momentum;  // + 1
    g.products(days, lookback, momentum);
    std::vector<AssetIndex> universe;
    for (std::size_t r = 0; r < days.size(); ++r) {
      const std::size_t t = days[r];
      double* m = momentum.data() + r * g.stride;
      // An asset whose data ended before t: its window ends on its last close instead.
      for (AssetIndex a = 0; a < n_assets; ++a)
        if (s.exit_index(a) < t) m[a] = g.product(a, s.exit_index(a), lookback);

      s.universe_at(t, universe);
      table.row_of_day_[t] = static_cast<std::ptrdiff_t>(r);
      table.counts_.push_back(universe.size());
      const std::size_t begin = table.ranked_.size();
      for (AssetIndex a : universe) {  // stable insertion sort, descending
        std::size_t j = table.ranked_.size();
        table.ranked_.push_back(a);
        for (; j > begin && m[table.ranked_[j - 1]] < m[a]; --j) table.ranked_[j] = table.ranked_[j - 1];
        table.ranked_[j] = a;
      }
      table.ranked_.resize(begin + n_assets);
    }
    return table;
  }

  // The ranked universe at close rebalance day index t; empty when t is not one.
  std::span<const AssetIndex> ranked(std::size_t t) const noexcept {
    const std::ptrdiff_t row = row_of_day_[t];
    if (row < 0) return {};
    const auto r = static_cast<std::size_t>(row);
    return {ranked_.data() + r * assets_, counts_[r]};
  }

 private:
  std::size_t assets_ = 0;
  std::vector<std::ptrdiff_t> row_of_day_;  // -1: not a close rebalance day
  std::vector<AssetIndex> ranked_;          // rows × assets; the first counts_[row] are used
  std::vector<std::size_t> counts_;
};

// One signal value per asset at each close rebalance day of a session, shared by every run with
// the same signal and window: signal(closes) of the asset's history through that close (as the
// strategy's PriceHistory gives it), NaN while the asset has no history.
class SignalTable {
 public:
  template <class Signal>
  static SignalTable build(const PreparedSession& s, const Signal& signal) {
    SignalTable table;
    table.assets_ = s.asset_count();
    table.row_of_day_.assign(s.day_count(), -1);
    std::ptrdiff_t rows = 0;
    for (const std::size_t t : s.rebalance_days()) {
      table.row_of_day_[t] = rows++;
      for (AssetIndex a = 0; a < s.asset_count(); ++a) {
        const std::span<const double> closes = s.history(a, static_cast<std::ptrdiff_t>(t));
        table.values_.push_back(closes.empty() ? std::numeric_limits<double>::quiet_NaN() : signal(closes));
      }
    }
    return table;
  }

  // The values at close rebalance day index t (one per asset), or null when t is not one.
  const double* row(std::size_t t) const noexcept {
    const std::ptrdiff_t r = row_of_day_[t];
    return r < 0 ? nullptr : values_.data() + static_cast<std::size_t>(r) * assets_;
  }

 private:
  std::size_t assets_ = 0;
  std::vector<std::ptrdiff_t> row_of_day_;  // -1: not a close rebalance day
  std::vector<double> values_;              // rows × assets
};

// Whether `ctx` can use shared tables: a cache is there, and the decision is at a close (the
// history then ends on the decision day).
bool at_close_with_cache(const DecisionContext& ctx) {
  return ctx.indicators != nullptr && ctx.closes_seen == ctx.day_index + 1;
}

// The shared table of `name` (e.g. "sma") with window `lookback` for the session of `ctx`.
template <class Signal>
std::shared_ptr<const SignalTable> signal_table(const DecisionContext& ctx, const char* name, std::size_t lookback,
                                                Signal signal) {
  return ctx.indicators->get<SignalTable>(fmt::format("{}:{}", name, lookback), [signal](const PreparedSession& s) {
    return SignalTable::build(s, signal);
  });
}

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
  std::vector<std::string_view> sorted(assets.begin(), assets.end());
  std::sort(sorted.begin(), sorted.end());
  if (auto dup = std::adjacent_find(sorted.begin(), sorted.end()); dup != sorted.end())
    params.fail("assets", fmt::format("'{}' is listed twice", *dup));
  return assets;
}

// An integer parameter of at least `least`; `why` (optional) says why the bound is what it is.
std::size_t read_at_least(const StrategyParams& params, const std::string& name, std::int64_t least,
                          std::string_view why = {}) {
  const std::int64_t v = params.get_int(name);
  if (v < least) params.fail(name, fmt::format("must be at least {}{}, got {}", least, why, v));
  return static_cast<std::size_t>(v);
}

std::size_t read_positive(const StrategyParams& params, const std::string& name) { return read_at_least(params, name, 1); }

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
    const double weight = 1.0 / static_cast<double>(top_n_);
    // At a close rebalance, the ranking is shared by all runs of the session with this lookback.
    if (at_close_with_cache(ctx)) {
      if (!table_) {  // one session per strategy instance: fetched once
        const std::size_t lookback = lookback_;
        table_ = ctx.indicators->get<MomentumRanking>(
            fmt::format("momentum_ranking:{}", lookback_), [lookback, cache = ctx.indicators](const PreparedSession& s) {
              return MomentumRanking::build(s, *cache->get<GrowthFactors>("growth_factors", &GrowthFactors::build),
                                            lookback);
            });
      }
      const std::span<const AssetIndex> ranked = table_->ranked(ctx.day_index);
      for (std::size_t i = 0; i < std::min(top_n_, ranked.size()); ++i) weights[ranked[i]] = weight;
      if (!ranked.empty()) return;  // else not a scheduled day (or no universe): computed below
    }
    ranked_.clear();
    for (AssetIndex a : ctx.universe) ranked_.push_back({momentum_signal(ctx.history->closes(a), lookback_), a});
    // Descending, stable: equal momenta keep the universe order (Python sorted(reverse=True)).
    // Insertion sort (stable, no allocation; universes are small).
    for (std::size_t i = 1; i < ranked_.size(); ++i) {
      const auto item = ranked_[i];
      std::size_t j = i;
      for (; j > 0 && ranked_[j - 1].first < item.first; --j) ranked_[j] = ranked_[j - 1];
      ranked_[j] = item;
    }
    const std::size_t n = std::min(top_n_, ranked_.size());
    for (std::size_t i = 0; i < n; ++i) weights[ranked_[i].second] = weight;
  }

 private:
  std::vector<std::string> assets_;
  std::size_t lookback_;
  std::size_t top_n_;
  std::vector<std::pair<double, AssetIndex>> ranked_;
  std::shared_ptr<const MomentumRanking> table_;
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
    // At a close rebalance, the averages come from tables shared by all runs of the session.
    const double* fast = nullptr;
    const double* slow = nullptr;
    if (at_close_with_cache(ctx)) {
      if (!fast_table_) {  // one session per strategy instance: fetched once
        fast_table_ = signal_table(ctx, "sma", fast_, [n = fast_](auto closes) { return sma_signal(closes, n); });
        slow_table_ = signal_table(ctx, "sma", slow_, [n = slow_](auto closes) { return sma_signal(closes, n); });
      }
      fast = fast_table_->row(ctx.day_index);
      slow = slow_table_->row(ctx.day_index);
    }
    std::size_t held = 0;
    for (AssetIndex a : ctx.universe) {
      if (fast != nullptr && slow != nullptr) {
        if (!(fast[a] > slow[a])) continue;  // NaN (no history yet) holds nothing
      } else {
        const std::span<const double> closes = ctx.history->closes(a);
        if (closes.empty() || !(sma_signal(closes, fast_) > sma_signal(closes, slow_))) continue;
      }
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
  std::shared_ptr<const SignalTable> fast_table_;  // kept alive while their rows are read
  std::shared_ptr<const SignalTable> slow_table_;
};

// Risk parity without correlations: weights proportional to 1/σ over the universe, σ being
// QSTrader's VolatilitySignal over `lookback`; assets with σ = 0 (or fewer than two closes) are
// left out. No position until `lookback` closes have been seen.
class InverseVolatility final : public Strategy {
 public:
  explicit InverseVolatility(const StrategyParams& params)
      : assets_(read_assets(params)),
        lookback_(read_at_least(params, "lookback", 2, " (the volatility of a single return is 0: always cash)")) {}
  std::vector<std::string> assets() const override { return assets_; }
  void target_weights(const DecisionContext& ctx, std::span<double> weights) override {
    if (ctx.closes_seen < lookback_) return;
    // At a close rebalance, the volatilities come from a table shared by all runs of the session.
    const double* shared = nullptr;
    if (at_close_with_cache(ctx)) {
      if (!table_)  // one session per strategy instance: fetched once
        table_ = signal_table(ctx, "volatility", lookback_,
                              [n = lookback_](auto closes) { return volatility_signal(closes, n); });
      shared = table_->row(ctx.day_index);
    }
    double total = 0.0;
    for (AssetIndex a : ctx.universe) {
      // No history yet: NaN in the table, 0 computed here; neither gets a weight.
      const double vol = shared != nullptr ? shared[a] : volatility_signal(ctx.history->closes(a), lookback_);
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
  std::shared_ptr<const SignalTable> table_;
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
