// Dual momentum (after Antonacci) as a qsweep strategy plug-in, built against the installed
// library (see README.md). At each rebalance:
//  - relative momentum: rank the universe's `assets` by their total return over the last
//    `lookback` closes and pick the `top_n` best (ties keep the order of `assets`);
//  - absolute momentum: a pick keeps its slot (weight 1/top_n) only if that return is above
//    `threshold`; otherwise the slot goes to `safe_asset`, or to cash when none is named.
// An asset with fewer than lookback + 1 closes cannot be picked (its slot falls back too).
// The engine normalises long-only weights to sum 1, so without a safe asset the portfolio is in
// cash only when no pick passes; passing picks then share the whole portfolio.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <qsweep/strategy.hpp>

namespace {

using qsweep::AssetIndex;

std::size_t read_count(const qsweep::StrategyParams& params, const std::string& name, std::int64_t fallback) {
  const std::int64_t value = params.get_int(name, fallback);
  if (value < 1) params.fail(name, "must be at least 1, got " + std::to_string(value));
  return static_cast<std::size_t>(value);
}

class DualMomentum final : public qsweep::Strategy {
 public:
  explicit DualMomentum(const qsweep::StrategyParams& params)
      : risky_(params.get_string_list("assets")),
        lookback_(read_count(params, "lookback", 252)),
        top_n_(read_count(params, "top_n", 1)),
        threshold_(params.get_double("threshold", 0.0)) {
    if (risky_.empty()) params.fail("assets", "needs at least one asset");
    std::vector<std::string> sorted = risky_;
    std::sort(sorted.begin(), sorted.end());
    if (auto dup = std::adjacent_find(sorted.begin(), sorted.end()); dup != sorted.end())
      params.fail("assets", "'" + *dup + "' is listed twice");
    if (top_n_ > risky_.size())
      params.fail("top_n", std::to_string(top_n_) + " is more than the " + std::to_string(risky_.size()) + " assets");
    if (!std::isfinite(threshold_)) params.fail("threshold", "must be a finite number");
    if (params.has("safe_asset")) {
      const std::string safe = params.get_string("safe_asset");
      if (std::find(risky_.begin(), risky_.end(), safe) != risky_.end())
        params.fail("safe_asset", "'" + safe + "' is also one of `assets`");
      has_safe_ = true;
      safe_index_ = risky_.size();  // assets() = risky assets, then the safe asset
      safe_ticker_ = safe;
    }
  }

  std::vector<std::string> assets() const override {
    std::vector<std::string> all = risky_;
    if (has_safe_) all.push_back(safe_ticker_);
    return all;
  }

  void target_weights(const qsweep::DecisionContext& ctx, std::span<double> weights) override {
    ranked_.clear();
    bool safe_tradable = false;
    for (AssetIndex a : ctx.universe) {
      if (has_safe_ && a == safe_index_) {
        safe_tradable = true;
        continue;
      }
      const std::span<const double> closes = ctx.history->closes(a);
      if (closes.size() < lookback_ + 1) continue;
      const double momentum = closes.back() / closes[closes.size() - 1 - lookback_] - 1.0;
      if (std::isfinite(momentum)) ranked_.emplace_back(momentum, a);
    }
    // Descending, stable: equal returns keep the universe order.
    std::stable_sort(ranked_.begin(), ranked_.end(), [](const auto& x, const auto& y) { return x.first > y.first; });

    const double slot = 1.0 / static_cast<double>(top_n_);
    for (std::size_t i = 0; i < top_n_; ++i) {
      if (i < ranked_.size() && ranked_[i].first > threshold_) {
        weights[ranked_[i].second] = slot;
      } else if (safe_tradable) {
        weights[safe_index_] += slot;
      }
    }
  }

 private:
  std::vector<std::string> risky_;
  std::size_t lookback_;
  std::size_t top_n_;
  double threshold_;
  bool has_safe_ = false;
  AssetIndex safe_index_ = 0;
  std::string safe_ticker_;
  std::vector<std::pair<double, AssetIndex>> ranked_;  // scratch: (momentum, asset)
};

}  // namespace

// The plug-in's entry points: qsweep calls this once, when it loads the library.
QSWEEP_PLUGIN(registry) {
  registry.add("dual_momentum", [](const qsweep::StrategyParams& params) {
    return std::make_unique<DualMomentum>(params);
  });
}
