// Strict mode against qstrader mode on tiny hand-made markets. Every expected quantity, cash and
// equity below is worked out by hand in the comments (docs/engine.md gives the rules, docs/modes.md
// the differences). Unless a test says otherwise: long-only, cash buffer 0, no fees, and sizing
// is target = floor(equity * w / close) with the weights normalised to sum 1 over the universe
// and the holdings; orders fill at the next simulated day's open, sells first.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "qsweep/backtest.hpp"
#include "qsweep/config.hpp"
#include "qsweep/engine.hpp"
#include "qsweep/error.hpp"
#include "qsweep/market_data.hpp"
#include "qsweep/stats.hpp"
#include "qsweep/strategy.hpp"
#include "test_support.hpp"

namespace qsweep {
namespace {

constexpr double kMoney = 1e-9;  // tolerance for cash and equity, in currency units

Day day(const char* iso) { return *parse_iso_date(iso); }

// One bar: date, open, close (already "adjusted": the engine trades at these prices).
using Bar = std::tuple<const char*, double, double>;

AssetSeries series(const std::string& ticker, const std::vector<Bar>& bars) {
  AssetSeries s;
  s.ticker = ticker;
  s.path = ticker + ".csv";
  for (const auto& [date, open, close] : bars) {
    s.dates.push_back(day(date));
    s.open.push_back(open);
    s.close.push_back(close);
  }
  return s;
}

MarketData market(const std::vector<AssetSeries>& assets) {
  MarketData data;
  for (const AssetSeries& s : assets) data.add(s);
  return data;
}

StrategyParams fixed_weights(const WeightList& weights) {
  return StrategyParams("fixed_weights", "strategy", "strict_mode_test", {{"weights", ParamValue{weights}}});
}

SessionConfig session_config(Mode mode, const char* start, const char* end, RebalanceFrequency rebalance,
                             StrategyParams strategy, double cash) {
  SessionConfig c;
  c.label = "strategy";
  c.mode = mode;
  c.start = day(start);
  c.end = day(end);
  c.rebalance = rebalance;
  c.initial_cash = cash;
  c.long_only = true;
  c.cash_buffer = 0.0;
  c.strategy = std::move(strategy);
  return c;
}

SessionResult run(const MarketData& data, const SessionConfig& config, Strategy& strategy) {
  const PreparedSession session(data, config, strategy.assets());
  return run_session(session, strategy);
}

SessionResult run(const MarketData& data, const SessionConfig& config) {
  std::unique_ptr<Strategy> strategy = StrategyRegistry::global().create(config.strategy);
  return run(data, config, *strategy);
}

std::vector<Day> days(std::initializer_list<const char*> isos) {
  std::vector<Day> out;
  for (const char* iso : isos) out.push_back(day(iso));
  return out;
}

void expect_money(const std::vector<double>& actual, const std::vector<double>& expected, const char* what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(actual[i], expected[i], kMoney) << what << "[" << i << "]";
}

struct ExpectedFill {
  const char* date;
  const char* ticker;
  double quantity;
  double price;
  double commission;
  double cash_after;
};

void expect_fills(const SessionResult& r, const std::vector<ExpectedFill>& expected) {
  ASSERT_EQ(r.fills.size(), expected.size()) << "number of fills";
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Fill& f = r.fills[i];
    const ExpectedFill& e = expected[i];
    const std::string where = "fill " + std::to_string(i) + " (" + e.date + " " + e.ticker + ")";
    EXPECT_EQ(format_date(f.day), e.date) << where;
    EXPECT_EQ(r.tickers[f.asset], e.ticker) << where;
    EXPECT_EQ(f.quantity, e.quantity) << where;
    EXPECT_NEAR(f.price, e.price, 1e-12) << where;
    EXPECT_NEAR(f.commission, e.commission, kMoney) << where;
    EXPECT_NEAR(f.cash_after, e.cash_after, kMoney) << where;
  }
}

// Quantity of `ticker` held at the close of `date`.
double position(const SessionResult& r, const char* date, const std::string& ticker) {
  const auto t = static_cast<std::size_t>(std::find(r.dates.begin(), r.dates.end(), day(date)) - r.dates.begin());
  const auto a = static_cast<std::size_t>(std::find(r.tickers.begin(), r.tickers.end(), ticker) - r.tickers.begin());
  if (t >= r.dates.size() || a >= r.tickers.size()) ADD_FAILURE() << "no position for " << ticker << " on " << date;
  return r.positions.at(t * r.tickers.size() + a);
}

std::vector<Day> rebalance_days(const SessionResult& r) {
  std::vector<Day> out;
  for (const RebalanceRecord& rec : r.rebalances) out.push_back(rec.day);
  return out;
}

// ---------------------------------------------------------------------------------------------
// (a) Calendar. Mon 2024-01-08 .. Fri 2024-01-12; Wed 01-10 is a market holiday (no bars).
//   A: 08 10/10, 09 10/12, 11 13/13, 12 13/14      (open/close)
//   B: 08 20/20, 09 20/20, 11 20/22, 12 22/22
// 50/50 daily, 10,000 cash.
MarketData holiday_market() {
  return market({series("A", {{"2024-01-08", 10, 10}, {"2024-01-09", 10, 12}, {"2024-01-11", 13, 13}, {"2024-01-12", 13, 14}}),
                 series("B", {{"2024-01-08", 20, 20}, {"2024-01-09", 20, 20}, {"2024-01-11", 20, 22}, {"2024-01-12", 22, 22}})});
}

TEST(StrictMode, HolidayIsNotSimulated) {
  const SessionConfig config = session_config(Mode::strict, "2024-01-08", "2024-01-12", RebalanceFrequency::daily,
                                              fixed_weights({{"A", 0.5}, {"B", 0.5}}), 10000);
  const SessionResult r = run(holiday_market(), config);
  // 08 close: E 10000 -> A floor(5000/10)=500, B floor(5000/20)=250.
  // 09 open: buy A 500@10 (cash 5000), B 250@20 (cash 0). 09 close: 500*12 + 250*20 = 11000.
  //   Targets 5500: A floor(458.3)=458 (-42), B 275 (+25).
  // 10: holiday, skipped. 11 open: sell A 42@13 -> 546; buy B 25@20 -> 46.
  // 11 close: 458*13 + 275*22 = 5954 + 6050 = 12004, E 12050. Targets 6025: A floor(463.5)=463 (+5),
  //   B floor(273.9)=273 (-2). 12 open: sell B 2@22 -> 90; buy A 5@13 -> 25.
  // 12 close: 463*14 + 273*22 = 6482 + 6006 = 12488, E 12513.
  EXPECT_EQ(r.dates, days({"2024-01-08", "2024-01-09", "2024-01-11", "2024-01-12"}));
  expect_money(r.equity, {10000, 11000, 12050, 12513}, "equity");
  expect_money(r.cash, {10000, 0, 46, 25}, "cash");
  expect_money(r.market_value, {0, 11000, 12004, 12488}, "market value");
  expect_fills(r, {{"2024-01-09", "A", 500, 10, 0, 5000},
                   {"2024-01-09", "B", 250, 20, 0, 0},
                   {"2024-01-11", "A", -42, 13, 0, 546},
                   {"2024-01-11", "B", 25, 20, 0, 46},
                   {"2024-01-12", "B", -2, 22, 0, 90},
                   {"2024-01-12", "A", 5, 13, 0, 25}});
}

TEST(QstraderMode, HolidayIsSimulatedWithStalePrices) {
  const SessionConfig config = session_config(Mode::qstrader, "2024-01-08", "2024-01-12", RebalanceFrequency::daily,
                                              fixed_weights({{"A", 0.5}, {"B", 0.5}}), 10000);
  const SessionResult r = run(holiday_market(), config);
  // 08 and 09 as in strict mode: 09 close E 11000, orders A -42, B +25.
  // 10 (holiday) open: prices pad to 09's close: sell A 42@12 -> 504; buy B 25@20 -> 4.
  // 10 close: 458*12 + 275*20 = 10996, E 11000 (flat). Targets 5500: A 458, B 275: no orders.
  // 11 close: 458*13 + 275*22 = 12004, E 12008. Targets 6004: A floor(461.8)=461 (+3),
  //   B floor(272.9)=272 (-3). 12 open: sell B 3@22 -> 70; buy A 3@13 -> 31.
  // 12 close: 461*14 + 272*22 = 6454 + 5984 = 12438, E 12469.
  EXPECT_EQ(r.dates, days({"2024-01-08", "2024-01-09", "2024-01-10", "2024-01-11", "2024-01-12"}));
  expect_money(r.equity, {10000, 11000, 11000, 12008, 12469}, "equity");
  expect_money(r.cash, {10000, 0, 4, 4, 31}, "cash");
  expect_fills(r, {{"2024-01-09", "A", 500, 10, 0, 5000},
                   {"2024-01-09", "B", 250, 20, 0, 0},
                   {"2024-01-10", "A", -42, 12, 0, 504},
                   {"2024-01-10", "B", 25, 20, 0, 4},
                   {"2024-01-12", "B", -3, 22, 0, 70},
                   {"2024-01-12", "A", 3, 13, 0, 31}});
}

// ---------------------------------------------------------------------------------------------
// (b), (e) An asset whose data starts mid-session. Mon 01-08 .. Thu 01-11.
//   A: 10/10 every day.   C: 10 40/40, 11 40/50, Fri 12 60/60 (after the session: the file's last row).
// Fixed weights A 0.5, C 0.5, daily, 10,000 cash.
MarketData late_start_market() {
  return market({series("A", {{"2024-01-08", 10, 10}, {"2024-01-09", 10, 10}, {"2024-01-10", 10, 10}, {"2024-01-11", 10, 10}}),
                 series("C", {{"2024-01-10", 40, 40}, {"2024-01-11", 40, 50}, {"2024-01-12", 60, 60}})});
}

TEST(StrictMode, AssetIsNotBoughtBeforeItsFirstBar) {
  const SessionConfig config = session_config(Mode::strict, "2024-01-08", "2024-01-11", RebalanceFrequency::daily,
                                              fixed_weights({{"A", 0.5}, {"C", 0.5}}), 10000);
  const SessionResult r = run(late_start_market(), config);
  // 08 close: C is not in the universe, its weight is dropped; A's 0.5 normalises to 1:
  //   A floor(10000/10) = 1000. 09 open: buy A 1000@10 -> cash 0. 09 close: no change.
  // 10 close: C joins (first bar). E 10000: A 500 (-500), C floor(5000/40)=125 (+125).
  // 11 open: sell A 500@10 -> 5000; buy C 125@40 -> 0. 11 close: 5000 + 125*50 = 11250.
  expect_money(r.equity, {10000, 10000, 10000, 11250}, "equity");
  expect_money(r.cash, {10000, 0, 0, 0}, "cash");
  expect_fills(r, {{"2024-01-09", "A", 1000, 10, 0, 0},
                   {"2024-01-11", "A", -500, 10, 0, 5000},
                   {"2024-01-11", "C", 125, 40, 0, 0}});
  EXPECT_EQ(position(r, "2024-01-10", "C"), 0);
  EXPECT_EQ(position(r, "2024-01-11", "C"), 125);
  // (e) The recorded target weights: C is zeroed while outside the universe.
  ASSERT_EQ(r.rebalances.size(), 4u);
  EXPECT_EQ(r.rebalances[0].weights, (std::vector<double>{0.5, 0.0}));
  EXPECT_EQ(r.rebalances[1].weights, (std::vector<double>{0.5, 0.0}));
  EXPECT_EQ(r.rebalances[2].weights, (std::vector<double>{0.5, 0.5}));
  // 11 close (the last): targets 5625: A 562 (+62), C floor(112.5) = 112 (-13), never filled;
  // pending in the order they would fill, the sell first.
  ASSERT_EQ(r.pending.size(), 2u);
  EXPECT_EQ(r.pending[0].asset, 1u);
  EXPECT_EQ(r.pending[0].quantity, -13);
  EXPECT_EQ(r.pending[1].asset, 0u);
  EXPECT_EQ(r.pending[1].quantity, 62);
}

TEST(QstraderMode, AssetIsBoughtBeforeItsFirstBarAtItsLastPrice) {
  const SessionConfig config = session_config(Mode::qstrader, "2024-01-08", "2024-01-11", RebalanceFrequency::daily,
                                              fixed_weights({{"A", 0.5}, {"C", 0.5}}), 10000);
  const SessionResult r = run(late_start_market(), config);
  // Before its first bar C's price is the file's last close, 60 (QSTrader's look-ahead).
  // 08 close: A floor(5000/10)=500, C floor(5000/60)=83. 09 open: buy A 500@10 -> 5000,
  //   C 83@60 = 4980 -> 20. 09 close: 5000 + 4980 + 20 = 10000; no orders.
  // 10 close: 5000 + 83*40 = 8320, E 8340. Targets 4170: A 417 (-83), C floor(104.25)=104 (+21).
  // 11 open: sell A 83@10 -> 850; buy C 21@40 -> 10. 11 close: 4170 + 104*50 + 10 = 9380.
  expect_money(r.equity, {10000, 10000, 8340, 9380}, "equity");
  expect_money(r.cash, {10000, 20, 20, 10}, "cash");
  expect_fills(r, {{"2024-01-09", "A", 500, 10, 0, 5000},
                   {"2024-01-09", "C", 83, 60, 0, 20},
                   {"2024-01-11", "A", -83, 10, 0, 850},
                   {"2024-01-11", "C", 21, 40, 0, 10}});
  EXPECT_EQ(r.rebalances[0].weights, (std::vector<double>{0.5, 0.5}));
}

// Records what the strategy is shown at each decision; targets nothing.
class UniverseRecorder final : public Strategy {
 public:
  struct Seen {
    Day day;
    std::vector<AssetIndex> universe;
    std::vector<double> c_history;  // closes of asset 1 ("C")
  };
  std::vector<std::string> assets() const override { return {"A", "C"}; }
  void target_weights(const DecisionContext& ctx, std::span<double>) override {
    const std::span<const double> c = ctx.history->closes(1);
    seen.push_back({ctx.day, {ctx.universe.begin(), ctx.universe.end()}, {c.begin(), c.end()}});
  }
  std::vector<Seen> seen;
};

// (b) A [universe] entry date before the asset's first bar (QSTrader's XLC case): the entry is
// max(universe date, first bar) in strict mode. C joins on Tue 01-09 but trades from Wed 01-10.
TEST(StrictMode, UniverseEntryWaitsForTheFirstBar) {
  for (const Mode mode : {Mode::strict, Mode::qstrader}) {
    SCOPED_TRACE(to_string(mode));
    SessionConfig config = session_config(mode, "2024-01-08", "2024-01-11", RebalanceFrequency::daily,
                                          fixed_weights({{"A", 1.0}}), 10000);
    config.universe_entries = {{"C", day("2024-01-09")}};
    UniverseRecorder recorder;
    run(late_start_market(), config, recorder);
    ASSERT_EQ(recorder.seen.size(), 4u);
    using V = std::vector<AssetIndex>;
    using H = std::vector<double>;
    EXPECT_EQ(recorder.seen[0].universe, V{0});
    EXPECT_EQ(recorder.seen[0].c_history, H{});
    if (mode == Mode::strict) {
      // 09: C has no bar yet, so it cannot be ranked; 10: joins with its first close, 40.
      EXPECT_EQ(recorder.seen[1].universe, V{0});
      EXPECT_EQ(recorder.seen[1].c_history, H{});
      EXPECT_EQ(recorder.seen[2].universe, (V{0, 1}));
      EXPECT_EQ(recorder.seen[2].c_history, H{40});
      EXPECT_EQ(recorder.seen[3].c_history, (H{40, 50}));
    } else {
      // 09: C is in the universe and its "close" is the look-ahead 60.
      EXPECT_EQ(recorder.seen[1].universe, (V{0, 1}));
      EXPECT_EQ(recorder.seen[1].c_history, H{60});
      EXPECT_EQ(recorder.seen[2].c_history, (H{60, 40}));
      EXPECT_EQ(recorder.seen[3].c_history, (H{60, 40, 50}));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// (b) An asset whose data ends mid-session. Mon 01-08 .. Thu 01-11.
//   A: 10/10 every day.   D: 08 20/20, 09 20/20, 10 20/25 (its last bar).
// Fixed weights A 0.5, D 0.5, daily, 10,000 cash.
MarketData early_end_market() {
  return market({series("A", {{"2024-01-08", 10, 10}, {"2024-01-09", 10, 10}, {"2024-01-10", 10, 10}, {"2024-01-11", 10, 10}}),
                 series("D", {{"2024-01-08", 20, 20}, {"2024-01-09", 20, 20}, {"2024-01-10", 20, 25}})});
}

TEST(StrictMode, AssetWhoseDataEndsIsSoldAtItsLastClose) {
  const SessionConfig config = session_config(Mode::strict, "2024-01-08", "2024-01-11", RebalanceFrequency::daily,
                                              fixed_weights({{"A", 0.5}, {"D", 0.5}}), 10000);
  const SessionResult r = run(early_end_market(), config);
  // 08 close: A 500, D 250. 09 open: buy A 500@10 -> 5000, D 250@20 -> 0. 09 close: E 10000.
  // 10 close: D's last bar: sell D 250@25 (the close) -> cash 6250. E = 5000 + 6250 = 11250.
  //   Rebalance: D has left the universe, A's 0.5 normalises to 1: A floor(11250/10)=1125 (+625).
  // 11 open: buy A 625@10 -> 0. 11 close: 1125*10 = 11250. Nothing is left pending.
  expect_money(r.equity, {10000, 10000, 11250, 11250}, "equity");
  expect_money(r.cash, {10000, 0, 6250, 0}, "cash");
  expect_fills(r, {{"2024-01-09", "A", 500, 10, 0, 5000},
                   {"2024-01-09", "D", 250, 20, 0, 0},
                   {"2024-01-10", "D", -250, 25, 0, 6250},
                   {"2024-01-11", "A", 625, 10, 0, 0}});
  EXPECT_EQ(position(r, "2024-01-10", "D"), 0);
  EXPECT_EQ(position(r, "2024-01-11", "A"), 1125);
  EXPECT_EQ(r.rebalances[2].weights, (std::vector<double>{0.5, 0.0}));
  EXPECT_TRUE(r.pending.empty());
}

TEST(QstraderMode, AssetWhoseDataEndsIsHeldAtItsLastPrice) {
  const SessionConfig config = session_config(Mode::qstrader, "2024-01-08", "2024-01-11", RebalanceFrequency::daily,
                                              fixed_weights({{"A", 0.5}, {"D", 0.5}}), 10000);
  const SessionResult r = run(early_end_market(), config);
  // 10 close: 5000 + 250*25 = 11250. Targets 5625: A floor(562.5)=562 (+62), D 225 (-25).
  // 11 open: D pads to 25: sell D 25@25 -> 625; buy A 62@10 -> 5. 11 close: 5620 + 5625 + 5 = 11250.
  expect_money(r.equity, {10000, 10000, 11250, 11250}, "equity");
  expect_money(r.cash, {10000, 0, 0, 5}, "cash");
  EXPECT_EQ(position(r, "2024-01-11", "A"), 562);
  EXPECT_EQ(position(r, "2024-01-11", "D"), 225);
}

// ---------------------------------------------------------------------------------------------
// (c), (d) A gap-up open. A: Mon 01-08 10/10, Tue 01-09 10.5/10.5. 100% A, daily, 10,000 cash,
// fees 0.1% commission + 0.5% tax.
// 08 close sizing: D = 10000, fee estimate 0.006*10000 = 60, target floor(9940/10) = 994.
SessionConfig gap_config(Mode mode) {
  SessionConfig config = session_config(mode, "2024-01-08", "2024-01-09", RebalanceFrequency::daily,
                                        fixed_weights({{"A", 1.0}}), 10000);
  config.fees = {FeeModelKind::percent, 0.001, 0.005};
  return config;
}
MarketData gap_market() { return market({series("A", {{"2024-01-08", 10, 10}, {"2024-01-09", 10.5, 10.5}})}); }

TEST(QstraderMode, GapUpOpenMakesCashNegative) {
  const SessionResult r = run(gap_market(), gap_config(Mode::qstrader));
  // 09 open: buy 994@10.5 = 10437; commission 0.006*round(10437) = 62.622;
  // cash 10000 - 10499.622 = -499.622. 09 close: 10437 - 499.622 = 9937.378.
  expect_fills(r, {{"2024-01-09", "A", 994, 10.5, 62.622, -499.622}});
  EXPECT_LT(r.cash.back(), 0.0);
  expect_money(r.equity, {10000, 9937.378}, "equity");
}

TEST(StrictMode, GapUpOpenIsCutToWhatCashAffords) {
  const SessionResult r = run(gap_market(), gap_config(Mode::strict));
  // 994 would cost 10499.622 > 10000. The largest q with q*10.5*1.006 <= 10000 is 946:
  //   946: 9933 + 0.006*9933 = 9933 + 59.598 = 9992.598 <= 10000;
  //   947: 9943.5 + 59.661 = 10003.161 > 10000.
  // Cash after: 10000 - 9992.598 = 7.402. 09 close: 9933 + 7.402 = 9940.402.
  expect_fills(r, {{"2024-01-09", "A", 946, 10.5, 59.598, 7.402}});
  for (double c : r.cash) EXPECT_GE(c, 0.0);
  expect_money(r.equity, {10000, 9940.402}, "equity");
}

TEST(StrictMode, GapUpCutTerminatesPastTwoToThe53Shares) {
  // 1e20 cash at a price of 10 is 1e19 shares, past 2^53, where ±1 no longer changes a double:
  // the cut to what cash affords must still end, and still never overdraw.
  SessionConfig config = gap_config(Mode::strict);
  config.initial_cash = 1e20;
  const SessionResult r = run(gap_market(), config);
  ASSERT_EQ(r.fill_count, 1u);
  for (double c : r.cash) EXPECT_GE(c, 0.0);
}

TEST(Sizing, APriceTooSmallToSizeIsAnErrorNotASkippedTrade) {
  // 10000 / 1e-320 overflows: no quantity reaches the target, in either mode or kind of session.
  const MarketData data = market({series("A", {{"2024-01-08", 1e-320, 1e-320}, {"2024-01-09", 1e-320, 1e-320}})});
  for (const Mode mode : {Mode::strict, Mode::qstrader}) {
    for (const bool long_only : {true, false}) {
      SessionConfig config = session_config(mode, "2024-01-08", "2024-01-09", RebalanceFrequency::daily,
                                            fixed_weights({{"A", 1.0}}), 10000);
      config.long_only = long_only;
      try {
        run(data, config);
        ADD_FAILURE() << "no error, long_only " << long_only;
      } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("strategy: sizing A on 2024-01-08 at price 1e-320 gives an infinite "
                                             "quantity"),
                  std::string::npos)
            << e.what();
      }
    }
  }
}

// (d) Commission on the exact traded value. A: 10.25/10.25 on Mon 01-08 and Tue 01-09; 100% A,
// 10,000 cash, 1% commission. Sizing: floor((10000 - 100) / 10.25) = floor(965.85) = 965.
// Tue open: traded value 965*10.25 = 9891.25.
TEST(StrictMode, CommissionIsOnTheExactTradedValue) {
  const MarketData data = market({series("A", {{"2024-01-08", 10.25, 10.25}, {"2024-01-09", 10.25, 10.25}})});
  for (const Mode mode : {Mode::strict, Mode::qstrader}) {
    SCOPED_TRACE(to_string(mode));
    SessionConfig config = session_config(mode, "2024-01-08", "2024-01-09", RebalanceFrequency::daily,
                                          fixed_weights({{"A", 1.0}}), 10000);
    config.fees = {FeeModelKind::percent, 0.01, 0.0};
    const SessionResult r = run(data, config);
    if (mode == Mode::strict) {
      // 1% of 9891.25 = 98.9125; cash 10000 - 9891.25 - 98.9125 = 9.8375.
      expect_fills(r, {{"2024-01-09", "A", 965, 10.25, 98.9125, 9.8375}});
    } else {
      // QSTrader: 1% of round(9891.25) = 9891 -> 98.91; cash 10000 - 9891.25 - 98.91 = 9.84.
      expect_fills(r, {{"2024-01-09", "A", 965, 10.25, 98.91, 9.84}});
    }
  }
}

// ---------------------------------------------------------------------------------------------
// (g) end_of_month: Fri 2024-05-31, the month's last weekday, is a holiday. Session Tue 05-28 ..
// Tue 06-04; A trades 05-28, 05-29, 05-30, 06-03, 06-04 and 06-05 (after the session end).
//   A: 10/10 in May, 06-03 10/12, 06-04 12/12, 06-05 12/12. 100% A, 1,000 cash.
TEST(StrictMode, EndOfMonthIsTheLastTradingDayInTheData) {
  const MarketData data = market({series("A", {{"2024-05-28", 10, 10}, {"2024-05-29", 10, 10}, {"2024-05-30", 10, 10},
                                               {"2024-06-03", 10, 12}, {"2024-06-04", 12, 12}, {"2024-06-05", 12, 12}})});
  for (const Mode mode : {Mode::strict, Mode::qstrader}) {
    SCOPED_TRACE(to_string(mode));
    const SessionConfig config = session_config(mode, "2024-05-28", "2024-06-04", RebalanceFrequency::end_of_month,
                                                fixed_weights({{"A", 1.0}}), 1000);
    const SessionResult r = run(data, config);
    // Strict: May's last trading day is Thu 05-30; 06-04 is not June's (06-05 follows).
    // QSTrader: pandas 'BME' gives Fri 05-31, a phantom day priced at 05-30's close.
    // Either way: target floor(1000/10) = 100, bought at Mon 06-03's open 10 -> cash 0;
    // 06-03 and 06-04 close at 12: equity 1200.
    if (mode == Mode::strict) {
      EXPECT_EQ(rebalance_days(r), days({"2024-05-30"}));
      EXPECT_EQ(r.dates, days({"2024-05-28", "2024-05-29", "2024-05-30", "2024-06-03", "2024-06-04"}));
      expect_money(r.equity, {1000, 1000, 1000, 1200, 1200}, "equity");
    } else {
      EXPECT_EQ(rebalance_days(r), days({"2024-05-31"}));
      EXPECT_EQ(r.dates, days({"2024-05-28", "2024-05-29", "2024-05-30", "2024-05-31", "2024-06-03", "2024-06-04"}));
      expect_money(r.equity, {1000, 1000, 1000, 1000, 1200, 1200}, "equity");
    }
    expect_fills(r, {{"2024-06-03", "A", 100, 10, 0, 0}});
  }
}

// (g) weekly on Wednesdays, Mon 2024-01-08 .. Fri 01-26. Holidays: Wed 01-10, Wed 01-24 and
// Thu 01-25. A trades every other weekday at 10/10. 100% A, 1,000 cash.
TEST(StrictMode, WeeklyIsTheFirstTradingDayOnOrAfterTheWeekday) {
  std::vector<Bar> bars;
  for (const char* d : {"2024-01-08", "2024-01-09", "2024-01-11", "2024-01-12", "2024-01-15", "2024-01-16",
                        "2024-01-17", "2024-01-18", "2024-01-19", "2024-01-22", "2024-01-23", "2024-01-26"})
    bars.emplace_back(d, 10.0, 10.0);
  const MarketData data = market({series("A", bars)});
  for (const Mode mode : {Mode::strict, Mode::qstrader}) {
    SCOPED_TRACE(to_string(mode));
    SessionConfig config = session_config(mode, "2024-01-08", "2024-01-26", RebalanceFrequency::weekly,
                                          fixed_weights({{"A", 1.0}}), 1000);
    config.weekday = 2;  // WED
    const SessionResult r = run(data, config);
    // Target floor(1000/10) = 100 at the first rebalance, filled at the next simulated open.
    if (mode == Mode::strict) {
      // Week 1: Wed 10 closed -> Thu 11. Week 2: Wed 17. Week 3: Wed 24 and Thu 25 closed -> Fri 26.
      EXPECT_EQ(rebalance_days(r), days({"2024-01-11", "2024-01-17", "2024-01-26"}));
      expect_fills(r, {{"2024-01-12", "A", 100, 10, 0, 0}});
    } else {
      // Every Wednesday, holidays included; 10's orders fill on Thu 11.
      EXPECT_EQ(rebalance_days(r), days({"2024-01-10", "2024-01-17", "2024-01-24"}));
      expect_fills(r, {{"2024-01-11", "A", 100, 10, 0, 0}});
    }
  }
}

// ---------------------------------------------------------------------------------------------
// buy_and_hold with a burn-in. Mon 01-08 .. Fri 01-12, burn-in Wed 01-10, 1% cash buffer,
// 1,000 cash. A: 08 10/10, 09 10/10, 10 8/10, 11 10/11, 12 11/12.
TEST(StrictMode, BuyAndHoldBuysAtTheBurnInOpen) {
  const MarketData data = market({series("A", {{"2024-01-08", 10, 10}, {"2024-01-09", 10, 10}, {"2024-01-10", 8, 10},
                                               {"2024-01-11", 10, 11}, {"2024-01-12", 11, 12}})});
  for (const Mode mode : {Mode::strict, Mode::qstrader}) {
    SCOPED_TRACE(to_string(mode));
    SessionConfig config = session_config(mode, "2024-01-08", "2024-01-12", RebalanceFrequency::buy_and_hold,
                                          fixed_weights({{"A", 1.0}}), 1000);
    config.cash_buffer = 0.01;
    config.burn_in = day("2024-01-10");
    const SessionResult r = run(data, config);
    EXPECT_EQ(r.dates, days({"2024-01-10", "2024-01-11", "2024-01-12"}));
    if (mode == Mode::strict) {
      // 10 open: budget 1000*0.99 = 990, floor(990/8) = floor(123.75) = 123; 123*8 = 984 -> cash 16.
      // Closes: 123*10 + 16 = 1246; 123*11 + 16 = 1369; 123*12 + 16 = 1492.
      expect_fills(r, {{"2024-01-10", "A", 123, 8, 0, 16}});
      expect_money(r.equity, {1246, 1369, 1492}, "equity");
    } else {
      // QSTrader quirk: the single buy-and-hold event is the first day's open, before the
      // burn-in, so it never trades.
      EXPECT_TRUE(r.fills.empty());
      expect_money(r.equity, {1000, 1000, 1000}, "equity");
    }
  }
}

// Without a burn-in both modes buy at the first open: floor(990/10) = 99 -> cash 10.
TEST(StrictMode, BuyAndHoldWithoutBurnInMatchesQstrader) {
  const MarketData data = market({series("A", {{"2024-01-08", 10, 10}, {"2024-01-09", 10, 12}})});
  for (const Mode mode : {Mode::strict, Mode::qstrader}) {
    SCOPED_TRACE(to_string(mode));
    SessionConfig config = session_config(mode, "2024-01-08", "2024-01-09", RebalanceFrequency::buy_and_hold,
                                          fixed_weights({{"A", 1.0}}), 1000);
    config.cash_buffer = 0.01;
    const SessionResult r = run(data, config);
    expect_fills(r, {{"2024-01-08", "A", 99, 10, 0, 10}});
    expect_money(r.equity, {1000, 1198}, "equity");  // 99*10 + 10; 99*12 + 10
  }
}

// (f) A buy-and-hold order for an asset with no bar at the buying open waits for its next bar.
// Mon 01-08 .. Tue 01-09. A: 08 10/10, 09 10/10. B: Fri 01-05 20/20 (before the session), no bar
// on 08, 09 16/20. 50/50, 10,000 cash. At 08's open B is priced at its last close, 20.
TEST(StrictMode, BuyAndHoldOrderWaitsForTheAssetsNextBar) {
  const MarketData data = market({series("A", {{"2024-01-08", 10, 10}, {"2024-01-09", 10, 10}}),
                                  series("B", {{"2024-01-05", 20, 20}, {"2024-01-09", 16, 20}})});
  for (const Mode mode : {Mode::strict, Mode::qstrader}) {
    SCOPED_TRACE(to_string(mode));
    const SessionConfig config = session_config(mode, "2024-01-08", "2024-01-09", RebalanceFrequency::buy_and_hold,
                                                fixed_weights({{"A", 0.5}, {"B", 0.5}}), 10000);
    const SessionResult r = run(data, config);
    // 08 open: E 10000; A floor(5000/10) = 500, B floor(5000/20) = 250.
    if (mode == Mode::strict) {
      // A fills at once (cash 5000); B waits for 09's open: 250@16 = 4000 -> cash 1000.
      // 08 close: 5000 + 5000 = 10000. 09 close: 5000 + 250*20 + 1000 = 11000.
      expect_fills(r, {{"2024-01-08", "A", 500, 10, 0, 5000}, {"2024-01-09", "B", 250, 16, 0, 1000}});
      expect_money(r.equity, {10000, 11000}, "equity");
    } else {
      // QSTrader fills B at once at its stale close 20 -> cash 0; 09 close: 5000 + 5000 = 10000.
      expect_fills(r, {{"2024-01-08", "A", 500, 10, 0, 5000}, {"2024-01-08", "B", 250, 20, 0, 0}});
      expect_money(r.equity, {10000, 10000}, "equity");
    }
  }
}

// (f) A queued order for an asset with no bar on the next day waits for its next bar.
// Weekly on Tuesdays, Mon 01-08 .. Fri 01-12. A: 10/10 every day. B: 08 20/20, 09 20/20, no bar
// on Wed 10, 11 18/25, 12 25/25. 50/50, 10,000 cash.
TEST(StrictMode, PendingOrderWaitsForTheAssetsNextBar) {
  const MarketData data = market({series("A", {{"2024-01-08", 10, 10}, {"2024-01-09", 10, 10}, {"2024-01-10", 10, 10},
                                               {"2024-01-11", 10, 10}, {"2024-01-12", 10, 10}}),
                                  series("B", {{"2024-01-08", 20, 20}, {"2024-01-09", 20, 20}, {"2024-01-11", 18, 25},
                                               {"2024-01-12", 25, 25}})});
  for (const Mode mode : {Mode::strict, Mode::qstrader}) {
    SCOPED_TRACE(to_string(mode));
    SessionConfig config = session_config(mode, "2024-01-08", "2024-01-12", RebalanceFrequency::weekly,
                                          fixed_weights({{"A", 0.5}, {"B", 0.5}}), 10000);
    config.weekday = 1;  // TUE
    const SessionResult r = run(data, config);
    // 09 close: A floor(5000/10) = 500, B floor(5000/20) = 250.
    EXPECT_EQ(r.dates, days({"2024-01-08", "2024-01-09", "2024-01-10", "2024-01-11", "2024-01-12"}));
    if (mode == Mode::strict) {
      // 10 open: A 500@10 -> 5000; B has no bar and waits. 10 close: 5000 + 5000 = 10000.
      // 11 open: B 250@18 = 4500 -> 500. 11 and 12 close: 5000 + 6250 + 500 = 11750.
      expect_fills(r, {{"2024-01-10", "A", 500, 10, 0, 5000}, {"2024-01-11", "B", 250, 18, 0, 500}});
      expect_money(r.equity, {10000, 10000, 10000, 11750, 11750}, "equity");
      EXPECT_EQ(position(r, "2024-01-10", "B"), 0);
    } else {
      // 10 open: B fills at its stale close 20 -> cash 0. 11, 12 close: 5000 + 6250 = 11250.
      expect_fills(r, {{"2024-01-10", "A", 500, 10, 0, 5000}, {"2024-01-10", "B", 250, 20, 0, 0}});
      expect_money(r.equity, {10000, 10000, 10000, 11250, 11250}, "equity");
    }
  }
}

// (f) A new rebalance replaces orders still waiting. Daily, Tue 01-09 .. Fri 01-12.
// A: 10/10 every day. B: 09 20/20, no bar on Wed 10, 11 10/10, 12 10/10. 50/50, 10,000 cash.
TEST(StrictMode, NewRebalanceReplacesUnfilledOrders) {
  const MarketData data = market({series("A", {{"2024-01-09", 10, 10}, {"2024-01-10", 10, 10}, {"2024-01-11", 10, 10},
                                               {"2024-01-12", 10, 10}}),
                                  series("B", {{"2024-01-09", 20, 20}, {"2024-01-11", 10, 10}, {"2024-01-12", 10, 10}})});
  const SessionConfig config = session_config(Mode::strict, "2024-01-09", "2024-01-12", RebalanceFrequency::daily,
                                              fixed_weights({{"A", 0.5}, {"B", 0.5}}), 10000);
  const SessionResult r = run(data, config);
  // 09 close: A 500, B 250. 10 open: A 500@10 -> 5000; B waits.
  // 10 close: E 10000; A on target; B floor(5000/20) = 250 (+250) replaces the waiting +250.
  // 11 open: B 250@10 -> 2500 (a second, stale +250 would have bought 500). 11 close: E 10000;
  //   B floor(5000/10) = 500 (+250). 12 open: B 250@10 -> 0. 12 close: E 10000.
  expect_fills(r, {{"2024-01-10", "A", 500, 10, 0, 5000},
                   {"2024-01-11", "B", 250, 10, 0, 2500},
                   {"2024-01-12", "B", 250, 10, 0, 0}});
  expect_money(r.equity, {10000, 10000, 10000, 10000}, "equity");
  EXPECT_EQ(position(r, "2024-01-11", "B"), 250);
}

// (f) An order still waiting when the session ends is reported with the day that sized it.
// Weekly on Mondays, Mon 01-08 .. Fri 01-12. A: 10/10 every day. B: 08 20/20, then no bar until
// Mon 01-15 (after the session end). 50/50, 10,000 cash.
TEST(StrictMode, OrderWaitingAtTheEndIsPendingFromItsDecisionDay) {
  const MarketData data = market({series("A", {{"2024-01-08", 10, 10}, {"2024-01-09", 10, 10}, {"2024-01-10", 10, 10},
                                               {"2024-01-11", 10, 10}, {"2024-01-12", 10, 10}}),
                                  series("B", {{"2024-01-08", 20, 20}, {"2024-01-15", 20, 20}})});
  SessionConfig config = session_config(Mode::strict, "2024-01-08", "2024-01-12", RebalanceFrequency::weekly,
                                        fixed_weights({{"A", 0.5}, {"B", 0.5}}), 10000);
  config.weekday = 0;  // MON
  const SessionResult r = run(data, config);
  // 08 close: A 500, B 250. 09 open: A 500@10 -> 5000; B waits all week (its data goes on after
  // the session, so it stays in the universe and is never sold).
  expect_fills(r, {{"2024-01-09", "A", 500, 10, 0, 5000}});
  ASSERT_EQ(r.pending.size(), 1u);
  EXPECT_EQ(r.pending[0].created, day("2024-01-08"));
  EXPECT_EQ(r.tickers[r.pending[0].asset], "B");
  EXPECT_EQ(r.pending[0].quantity, 250);
}

// ---------------------------------------------------------------------------------------------
// Strict statistics annualise over calendar time: 4 points spanning 1461 days = 4 years exactly.
// Equity 100, 110, 99, 121: returns 0, 0.1, -0.1, 121/99 - 1 = 2/9.
//   periods per year = (4 - 1) / 4 = 0.75; total return 0.21; CAGR 1.21^(1/4) - 1 = sqrt(1.1) - 1.
//   mean = (0.1 - 0.1 + 2/9) / 4 = 1/18; std (ddof 0) = sqrt(mean of squared deviations):
//   deviations -1/18, 0.1 - 1/18, -0.1 - 1/18, 2/9 - 1/18 = 1/6.
//   Sharpe = sqrt(0.75) * mean / std.
TEST(StrictMode, StatisticsAnnualiseOverCalendarTime) {
  const Day d0 = day("2020-01-06");
  const std::vector<Day> dates{d0, d0 + 1, d0 + 2, d0 + 1461};
  const std::vector<double> equity{100, 110, 99, 121};
  const PerformanceStats s = compute_performance(dates, equity, Mode::strict);
  EXPECT_DOUBLE_EQ(s.periods_per_year, 0.75);
  ASSERT_TRUE(s.total_return && s.cagr && s.sharpe);
  EXPECT_NEAR(*s.total_return, 0.21, 1e-12);
  EXPECT_NEAR(*s.cagr, std::sqrt(1.1) - 1.0, 1e-12);
  const double mean = 1.0 / 18.0;
  const double devs[] = {-mean, 0.1 - mean, -0.1 - mean, 1.0 / 6.0};
  double sq = 0.0;
  for (double d : devs) sq += d * d;
  EXPECT_NEAR(*s.sharpe, std::sqrt(0.75) * mean / std::sqrt(sq / 4.0), 1e-12);
  // qstrader mode keeps 252 periods a year and counts points for the CAGR: 1.21^(252/4) - 1.
  const PerformanceStats q = compute_performance(dates, equity, Mode::qstrader);
  EXPECT_DOUBLE_EQ(q.periods_per_year, 252.0);
  EXPECT_NEAR(*q.cagr / (std::pow(1.21, 63.0) - 1.0), 1.0, 1e-12);
}

// ---------------------------------------------------------------------------------------------
// Weight checks: the engine rejects what a strategy must never return, naming asset and day.

// Returns the same weights at every rebalance.
class ConstantWeights final : public Strategy {
 public:
  explicit ConstantWeights(std::vector<double> weights) : weights_(std::move(weights)) {}
  std::vector<std::string> assets() const override { return {"A", "B"}; }
  void target_weights(const DecisionContext&, std::span<double> weights) override {
    std::copy(weights_.begin(), weights_.end(), weights.begin());
  }

 private:
  std::vector<double> weights_;
};

TEST(WeightCheck, RejectsNonFiniteWeightsAndNegativeOnesWhenLongOnly) {
  const MarketData data = holiday_market();
  for (const bool long_only : {true, false}) {
    SessionConfig config = session_config(Mode::strict, "2024-01-08", "2024-01-12", RebalanceFrequency::daily,
                                          fixed_weights({{"A", 1.0}}), 10000);
    config.long_only = long_only;
    const double inf = std::numeric_limits<double>::infinity();
    for (const double bad : {std::nan(""), inf, -inf}) {
      ConstantWeights strategy({0.5, bad});
      try {
        run(data, config, strategy);
        ADD_FAILURE() << "weight " << bad << " accepted";
      } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("non-finite weight for B on 2024-01-08"), std::string::npos) << e.what();
      }
    }
    ConstantWeights negative({-0.25, 0.5});
    if (long_only) {
      try {
        run(data, config, negative);
        ADD_FAILURE() << "negative weight accepted in a long-only session";
      } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("negative weight for A on 2024-01-08"), std::string::npos) << e.what();
      }
    } else {
      EXPECT_NO_THROW(run(data, config, negative));
    }
    // -0.0 is a zero weight, not a negative one; the largest finite weight is finite.
    ConstantWeights signed_zero({-0.0, std::numeric_limits<double>::max()});
    EXPECT_NO_THROW(run(data, config, signed_zero)) << (long_only ? "long-only" : "long/short");
  }
}

TEST(Sizing, WeightsWhoseSumOverflowsAreAnErrorNotAllCash) {
  const MarketData data = holiday_market();
  for (const bool long_only : {true, false}) {
    SessionConfig config = session_config(Mode::strict, "2024-01-08", "2024-01-12", RebalanceFrequency::daily,
                                          fixed_weights({{"A", 1.0}}), 10000);
    config.long_only = long_only;
    ConstantWeights huge({1e308, 1e308});
    try {
      run(data, config, huge);
      ADD_FAILURE() << "no error, long_only " << long_only;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("returned weights on 2024-01-08 whose sum is inf"), std::string::npos)
          << e.what();
    }
  }
}

// A strategy (a plug-in's, say) whose decision fails in its own way.
class FailingStrategy final : public Strategy {
 public:
  explicit FailingStrategy(bool throw_int) : throw_int_(throw_int) {}
  std::vector<std::string> assets() const override { return {"A", "B"}; }
  void target_weights(const DecisionContext&, std::span<double>) override {
    if (throw_int_) throw 42;
    throw std::runtime_error("boom");
  }

 private:
  bool throw_int_;
};

TEST(StrategyFailure, IsTheStrategysInputErrorNamingItAndTheDay) {
  const MarketData data = holiday_market();
  const SessionConfig config = session_config(Mode::strict, "2024-01-08", "2024-01-12", RebalanceFrequency::daily,
                                              fixed_weights({{"A", 1.0}}), 10000);
  for (const bool throw_int : {false, true}) {
    FailingStrategy strategy(throw_int);
    try {
      run(data, config, strategy);
      ADD_FAILURE() << "no error";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(throw_int ? "strategy: strategy 'fixed_weights' failed on 2024-01-08 (it "
                                                       "threw a non-exception)"
                                                     : "strategy: strategy 'fixed_weights' failed on 2024-01-08: boom"),
                std::string::npos)
          << e.what();
    }
  }
}

TEST(StrategyRegistry, RefusesNamelessKindsAndMissingFactoriesAndNamesFailingOnes) {
  StrategyRegistry registry;
  EXPECT_THROW(registry.add("", [](const StrategyParams&) { return std::unique_ptr<Strategy>(); }), InputError);
  EXPECT_THROW(registry.add("no_factory", nullptr), InputError);
  registry.add("null", [](const StrategyParams&) { return std::unique_ptr<Strategy>(); });
  registry.add("throws", [](const StrategyParams&) -> std::unique_ptr<Strategy> { throw std::runtime_error("bad"); });
  registry.add("throws_int", [](const StrategyParams&) -> std::unique_ptr<Strategy> { throw 7; });
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"null", "strategy 'null': its factory returned no strategy"},
      {"throws", "strategy 'throws' failed to start: bad"},
      {"throws_int", "strategy 'throws_int' failed to start (it threw a non-exception)"}};
  for (const auto& [kind, message] : cases) {
    try {
      registry.create(StrategyParams(kind, "strategy", "cfg.toml", {}));
      ADD_FAILURE() << kind;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("cfg.toml"), std::string::npos) << e.what();
    }
  }
}

// A strategy (a plug-in's, say) listing an asset twice: its weights would go to one asset twice.
class TwiceListed final : public Strategy {
 public:
  std::vector<std::string> assets() const override { return {"SPY", "AGG", "SPY"}; }
  void target_weights(const DecisionContext&, std::span<double>) override {}
};

TEST(StrategyAssets, AnAssetListedTwiceIsAnError) {
  StrategyRegistry::global().add("test_twice_listed", [](const StrategyParams&) {
    return std::unique_ptr<Strategy>(std::make_unique<TwiceListed>());
  });
  Config config;
  config.path = "cfg.toml";
  config.data_dir = test::source_dir() / "data" / "synthetic";
  SessionConfig session = session_config(Mode::strict, "2024-01-08", "2024-01-12", RebalanceFrequency::daily,
                                         StrategyParams("test_twice_listed", "strategy", "cfg.toml", {}), 10000);
  try {
    make_strategy(config, session);
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("cfg.toml: strategy: strategy 'test_twice_listed' lists asset 'SPY' twice"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace qsweep
