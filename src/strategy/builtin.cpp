#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "qsweep/error.hpp"
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

namespace {

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
    ranked_.clear();
    for (AssetIndex a : ctx.universe) ranked_.push_back({momentum_signal(ctx.history->closes(a), lookback_), a});
    // Descending, stable: equal momenta keep the universe order (Python sorted(reverse=True)).
    std::stable_sort(ranked_.begin(), ranked_.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
    const std::size_t n = std::min(top_n_, ranked_.size());
    for (std::size_t i = 0; i < n; ++i) weights[ranked_[i].second] = 1.0 / static_cast<double>(top_n_);
  }

 private:
  std::vector<std::string> assets_;
  std::size_t lookback_;
  std::size_t top_n_;
  std::vector<std::pair<double, AssetIndex>> ranked_;
};

}  // namespace

void register_builtin_strategies(StrategyRegistry& registry) {
  registry.add("fixed_weights", [](const StrategyParams& p) { return std::make_unique<FixedWeights>(p); });
  registry.add("momentum", [](const StrategyParams& p) { return std::make_unique<Momentum>(p); });
}

}  // namespace qsweep
