// The built-in sma_trend and inverse_volatility strategies on hand-made price histories whose
// weights are computed by hand; and every built-in strategy giving the same weights from the
// indicator tables a sweep shares as from its own computation.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "qsweep/config.hpp"
#include "qsweep/engine.hpp"
#include "qsweep/error.hpp"
#include "qsweep/market_data.hpp"
#include "qsweep/strategy.hpp"
#include "strategy/builtin.hpp"

namespace qsweep {
namespace {

// Closes per asset, oldest first, as the engine's PriceHistory provides them.
class FakeHistory final : public PriceHistory {
 public:
  explicit FakeHistory(std::vector<std::vector<double>> closes) : closes_(std::move(closes)) {}
  std::span<const double> closes(AssetIndex asset) const override { return closes_.at(asset); }

 private:
  std::vector<std::vector<double>> closes_;
};

std::unique_ptr<Strategy> make(const std::string& kind, std::map<std::string, ParamValue> values) {
  return StrategyRegistry::global().create(StrategyParams(kind, "strategy", "test.toml", std::move(values)));
}

std::vector<std::string> tickers(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(std::string(1, static_cast<char>('A' + i)));
  return out;
}

// Runs one decision with every asset of the history in the universe (in index order).
std::vector<double> decide(Strategy& strategy, const FakeHistory& history, std::size_t asset_count,
                           std::size_t closes_seen) {
  std::vector<AssetIndex> universe;
  for (AssetIndex a = 0; a < asset_count; ++a) universe.push_back(a);
  DecisionContext ctx;
  ctx.closes_seen = closes_seen;
  ctx.day_index = closes_seen - 1;
  ctx.universe = universe;
  ctx.history = &history;
  std::vector<double> weights(asset_count, 0.0);
  strategy.target_weights(ctx, weights);
  return weights;
}

std::string error_of(const std::string& kind, std::map<std::string, ParamValue> values) {
  try {
    make(kind, std::move(values));
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(BuiltinStrategies, AreRegistered) {
  EXPECT_TRUE(StrategyRegistry::global().contains("sma_trend"));
  EXPECT_TRUE(StrategyRegistry::global().contains("inverse_volatility"));
}

TEST(SmaSignal, AveragesTheLastLookbackCloses) {
  const std::vector<double> closes{1.0, 2.0, 3.0, 4.0};
  EXPECT_EQ(sma_signal(closes, 2), 3.5);       // (3 + 4) / 2
  EXPECT_EQ(sma_signal(closes, 3), 3.0);       // (2 + 3 + 4) / 3
  EXPECT_EQ(sma_signal(closes, 10), 2.5);      // partial buffer: all four
  EXPECT_TRUE(std::isnan(sma_signal({}, 3)));  // np.mean of an empty buffer
}

TEST(SmaTrend, HoldsAssetsWhoseFastAverageIsStrictlyAbove) {
  // fast = 2, slow = 3 (hand-computed SMAs over the last 2 / 3 closes):
  //   A 1 2 3 4   fast 3.5 > slow 3    held
  //   B 4 3 2 1   fast 1.5 < slow 2    not held
  //   C 2 2 2 2   fast 2  == slow 2    not held (strictly above only)
  //   D 9 1 5 6   fast 5.5 > slow 4    held; the oldest close (9) is outside both windows
  //   E 5         one close: fast = slow = 5, not held
  // Two held: 1/2 each.
  const FakeHistory history({{1, 2, 3, 4}, {4, 3, 2, 1}, {2, 2, 2, 2}, {9, 1, 5, 6}, {5}});
  auto strategy =
      make("sma_trend", {{"assets", tickers(5)}, {"fast", std::int64_t{2}}, {"slow", std::int64_t{3}}});
  EXPECT_EQ(strategy->assets(), tickers(5));
  EXPECT_EQ(decide(*strategy, history, 5, 4), (std::vector<double>{0.5, 0.0, 0.0, 0.5, 0.0}));
  // Before `slow` closes have been seen: no position at all.
  EXPECT_EQ(decide(*strategy, history, 5, 2), (std::vector<double>(5, 0.0)));
}

TEST(SmaTrend, PartialBuffersAndEqualWeights) {
  // fast = 1, slow = 3, decided after 3 closes of the session:
  //   A 1 2 3   fast 3 > slow 2              held
  //   B 3 2     joined late: fast 2 < slow (3 + 2)/2 = 2.5   not held
  //   C 1 2     joined late: fast 2 > slow 1.5               held
  //   D 1 3 2   fast 2 == slow 2             not held
  //   E 2 4 9   fast 9 > slow 5              held
  // Three held: 1/3 each.
  const FakeHistory history({{1, 2, 3}, {3, 2}, {1, 2}, {1, 3, 2}, {2, 4, 9}});
  auto strategy =
      make("sma_trend", {{"assets", tickers(5)}, {"fast", std::int64_t{1}}, {"slow", std::int64_t{3}}});
  const double third = 1.0 / 3.0;
  EXPECT_EQ(decide(*strategy, history, 5, 3), (std::vector<double>{third, 0.0, third, 0.0, third}));
}

TEST(SmaTrend, AllBelowMeansCash) {
  const FakeHistory history({{4, 3, 2, 1}, {5, 5, 5, 4}});
  auto strategy =
      make("sma_trend", {{"assets", tickers(2)}, {"fast", std::int64_t{2}}, {"slow", std::int64_t{4}}});
  EXPECT_EQ(decide(*strategy, history, 2, 4), (std::vector<double>{0.0, 0.0}));
}

TEST(SmaTrend, OnlyTheUniverseIsConsidered) {
  // B qualifies (fast 3.5 > slow 3) but is not in the universe yet.
  const FakeHistory history({{1, 2, 3, 4}, {1, 2, 3, 4}});
  auto strategy =
      make("sma_trend", {{"assets", tickers(2)}, {"fast", std::int64_t{2}}, {"slow", std::int64_t{3}}});
  const std::vector<AssetIndex> universe{0};
  DecisionContext ctx;
  ctx.closes_seen = 4;
  ctx.day_index = 3;
  ctx.universe = universe;
  ctx.history = &history;
  std::vector<double> weights(2, 0.0);
  strategy->target_weights(ctx, weights);
  EXPECT_EQ(weights, (std::vector<double>{1.0, 0.0}));
}

TEST(SmaTrend, RejectsBadParameters) {
  const auto fast_not_below =
      error_of("sma_trend", {{"assets", tickers(2)}, {"fast", std::int64_t{5}}, {"slow", std::int64_t{5}}});
  EXPECT_NE(fast_not_below.find("test.toml: strategy.fast"), std::string::npos) << fast_not_below;
  EXPECT_NE(fast_not_below.find("slow"), std::string::npos) << fast_not_below;
  const auto zero =
      error_of("sma_trend", {{"assets", tickers(2)}, {"fast", std::int64_t{0}}, {"slow", std::int64_t{5}}});
  EXPECT_NE(zero.find("strategy.fast"), std::string::npos) << zero;
  const auto missing = error_of("sma_trend", {{"assets", tickers(2)}, {"fast", std::int64_t{2}}});
  EXPECT_NE(missing.find("strategy.slow"), std::string::npos) << missing;
  const auto unknown = error_of("sma_trend", {{"assets", tickers(2)},
                                              {"fast", std::int64_t{2}},
                                              {"slow", std::int64_t{3}},
                                              {"lookback", std::int64_t{3}}});
  EXPECT_NE(unknown.find("strategy.lookback"), std::string::npos) << unknown;
  const auto no_assets = error_of(
      "sma_trend",
      {{"assets", std::vector<std::string>{}}, {"fast", std::int64_t{2}}, {"slow", std::int64_t{3}}});
  EXPECT_NE(no_assets.find("strategy.assets"), std::string::npos) << no_assets;
}

TEST(VolatilitySignal, AnnualisedPopulationStdevOfPctReturns) {
  // Window of lookback + 1 = 3 closes: 100, 110, 99 -> returns +0.1, -0.1 (mean 0, population
  // stdev 0.1), annualised by sqrt(252). The older close 50 is outside the window.
  const std::vector<double> closes{50.0, 100.0, 110.0, 99.0};
  EXPECT_NEAR(volatility_signal(closes, 2), 0.1 * std::sqrt(252.0), 1e-13);
  // Partial buffer: 100, 110 -> one return, stdev 0.
  EXPECT_EQ(volatility_signal(std::vector<double>{100.0, 110.0}, 5), 0.0);
  // Fewer than two closes: QSTrader's 0.0.
  EXPECT_EQ(volatility_signal(std::vector<double>{100.0}, 5), 0.0);
  EXPECT_EQ(volatility_signal(std::vector<double>{}, 5), 0.0);
}

TEST(InverseVolatility, WeightsProportionalToInverseVolatility) {
  // lookback = 2: each asset's last 3 closes.
  //   A 50 100 110 99    returns +0.1, -0.1     σ = 0.1 sqrt(252)
  //   B 100 105 99.75    returns +0.05, -0.05   σ = 0.05 sqrt(252)
  //   C 100 100 100      σ = 0: skipped
  //   D 80               one close: skipped
  //   E 100 120 96       returns +0.2, -0.2     σ = 0.2 sqrt(252)
  // 1/σ ∝ 10 : 20 : 5 (the sqrt(252) cancels), so weights 10/35, 20/35, 5/35.
  const FakeHistory history({{50, 100, 110, 99}, {100, 105, 99.75}, {100, 100, 100}, {80}, {100, 120, 96}});
  auto strategy = make("inverse_volatility", {{"assets", tickers(5)}, {"lookback", std::int64_t{2}}});
  const std::vector<double> w = decide(*strategy, history, 5, 4);
  EXPECT_NEAR(w[0], 10.0 / 35.0, 1e-12);
  EXPECT_NEAR(w[1], 20.0 / 35.0, 1e-12);
  EXPECT_EQ(w[2], 0.0);
  EXPECT_EQ(w[3], 0.0);
  EXPECT_NEAR(w[4], 5.0 / 35.0, 1e-12);
  EXPECT_NEAR(w[0] + w[1] + w[4], 1.0, 1e-15);
}

TEST(InverseVolatility, WaitsForLookbackClosesAndHoldsCashWithoutVolatility) {
  const FakeHistory history({{100, 110, 99}, {100, 100, 100}});
  auto strategy = make("inverse_volatility", {{"assets", tickers(2)}, {"lookback", std::int64_t{3}}});
  EXPECT_EQ(decide(*strategy, history, 2, 2), (std::vector<double>{0.0, 0.0}));  // 2 < lookback 3
  // After 3 closes: A alone has a volatility, so it takes everything.
  EXPECT_EQ(decide(*strategy, history, 2, 3), (std::vector<double>{1.0, 0.0}));
  const FakeHistory flat({{100, 100, 100}, {7, 7, 7}});
  EXPECT_EQ(decide(*strategy, flat, 2, 3), (std::vector<double>{0.0, 0.0}));
}

TEST(InverseVolatility, RejectsBadParameters) {
  const auto zero = error_of("inverse_volatility", {{"assets", tickers(2)}, {"lookback", std::int64_t{0}}});
  EXPECT_NE(zero.find("test.toml: strategy.lookback"), std::string::npos) << zero;
  const auto missing = error_of("inverse_volatility", {{"assets", tickers(2)}});
  EXPECT_NE(missing.find("strategy.lookback"), std::string::npos) << missing;
  const auto twice = error_of(
      "inverse_volatility", {{"assets", std::vector<std::string>{"A", "A"}}, {"lookback", std::int64_t{2}}});
  EXPECT_NE(twice.find("strategy.assets"), std::string::npos) << twice;
}

// The closes a session's strategies see at the close of day index `last`.
class SessionCloses final : public PriceHistory {
 public:
  SessionCloses(const PreparedSession& session, std::size_t last) : session_(session), last_(last) {}
  std::span<const double> closes(AssetIndex a) const override {
    return session_.history(a, static_cast<std::ptrdiff_t>(last_));
  }

 private:
  const PreparedSession& session_;
  std::size_t last_;
};

// Four assets on the weekdays of 2024-01-01 .. 2024-03-24 with uneven moves; C's data starts on
// 2024-01-29 (it joins the universe on 2024-02-07), D's ends on 2024-03-04.
MarketData uneven_market() {
  MarketData data;
  const char* names[] = {"A", "B", "C", "D"};
  for (std::size_t a = 0; a < 4; ++a) {
    AssetSeries s;
    s.ticker = names[a];
    s.path = s.ticker + ".csv";
    double price = 50.0 + 10.0 * static_cast<double>(a);
    Day d = *parse_iso_date("2024-01-01");
    for (std::size_t i = 0; i < 84; ++i, ++d) {
      if (!is_weekday(d)) continue;
      price *= 1.0 + 0.03 * std::sin(0.7 * static_cast<double>(i) + static_cast<double>(a)) -
               0.004 * static_cast<double>(a);
      if ((a == 2 && i < 28) || (a == 3 && i > 63)) continue;
      s.dates.push_back(d);
      s.open.push_back(price * 0.995);
      s.close.push_back(price);
    }
    data.add(std::move(s));
  }
  return data;
}

TEST(IndicatorTables, EveryBuiltinGivesTheSameWeightsAsWithoutThem) {
  const MarketData data = uneven_market();
  const std::vector<std::pair<std::string, std::map<std::string, ParamValue>>> strategies = {
      {"momentum", {{"assets", tickers(4)}, {"lookback", std::int64_t{5}}, {"top_n", std::int64_t{2}}}},
      {"sma_trend", {{"assets", tickers(4)}, {"fast", std::int64_t{3}}, {"slow", std::int64_t{7}}}},
      {"inverse_volatility", {{"assets", tickers(4)}, {"lookback", std::int64_t{6}}}},
  };
  for (const Mode mode : {Mode::strict, Mode::qstrader}) {
    for (const auto& [kind, params] : strategies) {
      SCOPED_TRACE(kind + (mode == Mode::strict ? " strict" : " qstrader"));
      SessionConfig config;
      config.label = "strategy";
      config.mode = mode;
      config.start = *parse_iso_date("2024-01-01");
      config.end = *parse_iso_date("2024-03-22");
      config.rebalance = RebalanceFrequency::daily;
      config.universe_entries = {{"C", *parse_iso_date("2024-02-07")}};
      config.strategy = StrategyParams(kind, "strategy", "test.toml", params);
      const std::unique_ptr<Strategy> with_tables = StrategyRegistry::global().create(config.strategy);
      const std::unique_ptr<Strategy> without = StrategyRegistry::global().create(config.strategy);
      const PreparedSession session(data, config, with_tables->assets());
      std::vector<AssetIndex> universe;
      std::size_t weighted_days = 0;
      for (const std::size_t t : session.rebalance_days()) {
        session.universe_at(t, universe);
        const SessionCloses history(session, t);
        DecisionContext ctx;
        ctx.day = session.days()[t];
        ctx.day_index = t;
        ctx.closes_seen = t + 1;
        ctx.universe = universe;
        ctx.history = &history;
        std::vector<double> shared(4, 0.0), own(4, 0.0);
        ctx.indicators = &session.indicators();
        with_tables->target_weights(ctx, shared);
        ctx.indicators = nullptr;
        without->target_weights(ctx, own);
        for (std::size_t a = 0; a < 4; ++a)
          EXPECT_EQ(std::bit_cast<std::uint64_t>(shared[a]), std::bit_cast<std::uint64_t>(own[a]))
              << format_date(ctx.day) << " asset " << a << ": " << shared[a] << " vs " << own[a];
        weighted_days += std::any_of(own.begin(), own.end(), [](double w) { return w != 0.0; });
      }
      EXPECT_GT(weighted_days, 30u);  // the comparison is not vacuous
    }
  }
}

}  // namespace
}  // namespace qsweep
