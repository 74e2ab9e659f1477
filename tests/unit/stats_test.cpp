// Statistics on tiny hand-made inputs. Every expected value is worked out by hand in the comments
// (docs/statistics.md gives the formulas). The edge cases at the end run `qsweep backtest` on
// hand-made data and check summary.json (null, never NaN) and the terminal table ("n/a").
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qsweep/engine.hpp"
#include "qsweep/market_data.hpp"
#include "qsweep/stats.hpp"
#include "test_support.hpp"

namespace qsweep {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Day day(const char* iso) { return *parse_iso_date(iso); }

std::vector<Day> days(std::initializer_list<const char*> isos) {
  std::vector<Day> out;
  for (const char* iso : isos) out.push_back(day(iso));
  return out;
}

// |expected - actual| <= 1e-12 relative (absolute for expected == 0).
#define EXPECT_REL(expected, actual)                                                                  \
  do {                                                                                                \
    const double e_ = (expected);                                                                     \
    const std::optional<double> a_ = (actual);                                                        \
    ASSERT_TRUE(a_.has_value()) << #actual << " is undefined";                                        \
    EXPECT_NEAR(e_, *a_, 1e-12 * std::max(1.0, std::abs(e_))) << #actual;                             \
  } while (0)

// ---- Equity-curve statistics -------------------------------------------------------------------

// Daily returns r = 0, .02, -.02, .02, -.01, .03 over a year end and two month ends.
const std::vector<Day> kDates = days({"2019-12-30", "2019-12-31", "2020-01-02", "2020-01-03", "2020-01-31",
                                      "2020-02-03"});
std::vector<double> sample_equity() {
  const double r[] = {0.0, 0.02, -0.02, 0.02, -0.01, 0.03};
  std::vector<double> e{100.0};
  for (std::size_t i = 1; i < 6; ++i) e.push_back(e.back() * (1.0 + r[i]));
  return e;
}

TEST(Performance, QstraderFormulasOnAHandExample) {
  const PerformanceStats s = compute_performance(kDates, sample_equity(), Mode::qstrader);
  ASSERT_EQ(s.points, 6u);
  EXPECT_EQ(s.returns[0], 0.0);
  // Σr = .04, mean = .04/6; Σ(r-mean)² = .0019333..., std0 = sqrt(that/6) = .0179505.
  EXPECT_REL(0.04 / 6.0, s.mean_return);
  EXPECT_REL(0.017950549357115014, s.stdev_return);
  // Sharpe = sqrt(252) * mean / std0.
  EXPECT_REL(std::sqrt(252.0) * (0.04 / 6.0) / 0.017950549357115014, s.sharpe);
  // Sortino: the negatives -.02 and -.01 have std .005 about their own mean.
  EXPECT_REL(std::sqrt(252.0) * (0.04 / 6.0) / 0.005, s.sortino);
  // Volatilities: std with ddof 1 is .0196638, ddof 0 .0179505, times sqrt(252).
  EXPECT_REL(0.0196638416050035 * std::sqrt(252.0), s.annual_volatility);
  EXPECT_REL(0.017950549357115014 * std::sqrt(252.0), s.annual_volatility_ddof0);
  // C_end = 1.02 * .98 * 1.02 * .99 * 1.03 = 1.0396779624; CAGR over 6/252 years.
  EXPECT_REL(1.0396779624 - 1.0, s.total_return);
  EXPECT_REL(std::pow(1.0396779624, 252.0 / 6.0) - 1.0, s.cagr);
  EXPECT_REL(6.0 / 252.0, s.years);
  // C = 1, 1.02, .9996, 1.019592, 1.00939608, 1.03968: the HWM 1.02 is last reached at point 1,
  // so points 2..4 are in drawdown (.02, .000408 / 1.02 = .0004, .01060392 / 1.02) and the max is .02.
  EXPECT_NEAR(s.max_drawdown, 0.02, 1e-14);
  EXPECT_EQ(s.max_drawdown_duration, 3u);
  EXPECT_NEAR(s.drawdown[3], 0.000408 / 1.02, 1e-14);
  EXPECT_EQ(s.drawdown[5], 0.0);
  EXPECT_REL((std::pow(1.0396779624, 252.0 / 6.0) - 1.0) / 0.02, s.calmar);
  // Months: Dec 2019 = .02, Jan 2020 = .98 * 1.02 * .99 - 1 = -.010396, Feb 2020 = .03.
  ASSERT_EQ(s.monthly_returns.size(), 3u);
  EXPECT_EQ(s.monthly_returns[0].year, 2019);
  EXPECT_EQ(s.monthly_returns[0].month, 12);
  EXPECT_NEAR(s.monthly_returns[0].value, 0.02, 1e-14);
  EXPECT_NEAR(s.monthly_returns[1].value, -0.010396, 1e-14);
  EXPECT_EQ(s.monthly_returns[2].month, 2);
  EXPECT_NEAR(s.monthly_returns[2].value, 0.03, 1e-14);
  // Years: 2019 = .02, 2020 = .98 * 1.02 * .99 * 1.03 - 1 = .01929212.
  ASSERT_EQ(s.yearly_returns.size(), 2u);
  EXPECT_EQ(s.yearly_returns[1].year, 2020);
  EXPECT_NEAR(s.yearly_returns[1].value, 0.01929212, 1e-14);
  // Extremes without the leading 0.
  EXPECT_REL(0.03, s.best_day);
  EXPECT_REL(-0.02, s.worst_day);
  EXPECT_REL(0.03, s.best_month);
  EXPECT_REL(-0.010396, s.worst_month);
  EXPECT_REL(0.02, s.best_year);
  EXPECT_REL(0.01929212, s.worst_year);
}

TEST(Performance, QuantilesUseNumpysLinearPercentile) {
  const PerformanceStats s = compute_performance(kDates, sample_equity(), Mode::qstrader);
  // Daily, sorted: -.02 -.01 0 .02 .02 .03. 25th: position 1.25 -> -.01 + .25 * .01 = -.0075;
  // median (0 + .02) / 2 = .01; 75th: position 3.75, between .02 and .02 -> .02.
  ASSERT_TRUE(s.daily_quantiles);
  EXPECT_NEAR(s.daily_quantiles->min, -0.02, 1e-14);
  EXPECT_NEAR(s.daily_quantiles->lq, -0.0075, 1e-14);
  EXPECT_NEAR(s.daily_quantiles->med, 0.01, 1e-14);
  EXPECT_NEAR(s.daily_quantiles->uq, 0.02, 1e-14);
  EXPECT_NEAR(s.daily_quantiles->max, 0.03, 1e-14);
  // Monthly, sorted: -.010396 .02 .03: 25th at position .5 -> .004802; 75th at 1.5 -> .025.
  ASSERT_TRUE(s.monthly_quantiles);
  EXPECT_NEAR(s.monthly_quantiles->lq, 0.004802, 1e-14);
  EXPECT_NEAR(s.monthly_quantiles->med, 0.02, 1e-14);
  EXPECT_NEAR(s.monthly_quantiles->uq, 0.025, 1e-14);
  // Yearly, sorted: .01929212 .02 (difference .00070788): 25th .01946909, median .01964606,
  // 75th .01982303.
  ASSERT_TRUE(s.yearly_quantiles);
  EXPECT_NEAR(s.yearly_quantiles->lq, 0.01946909, 1e-14);
  EXPECT_NEAR(s.yearly_quantiles->med, 0.01964606, 1e-14);
  EXPECT_NEAR(s.yearly_quantiles->uq, 0.01982303, 1e-14);

  // An odd count: the median is the middle value; {1, 2, 3, 4}: quartiles 1.75 and 3.25.
  const std::vector<double> four{4.0, 1.0, 3.0, 2.0};
  const auto q = quantiles_of(four);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->lq, 1.75);
  EXPECT_EQ(q->med, 2.5);
  EXPECT_EQ(q->uq, 3.25);
  const std::vector<double> three{5.0, -1.0, 2.0};
  EXPECT_EQ(quantiles_of(three)->med, 2.0);
  EXPECT_FALSE(quantiles_of(std::vector<double>{}));
}

TEST(Performance, StrictModeAnnualisesOverCalendarTime) {
  const PerformanceStats s = compute_performance(kDates, sample_equity(), Mode::strict);
  // 35 calendar days = .0958248 years; 5 returns in them -> 52.1786 periods per year.
  const double years = 35.0 / 365.25;
  EXPECT_NEAR(s.periods_per_year, 5.0 / years, 1e-12);
  EXPECT_REL(years, s.years);
  EXPECT_REL(std::pow(1.0396779624, 1.0 / years) - 1.0, s.cagr);
  EXPECT_REL(std::sqrt(5.0 / years) * (0.04 / 6.0) / 0.017950549357115014, s.sharpe);
  EXPECT_REL(0.0196638416050035 * std::sqrt(5.0 / years), s.annual_volatility);
}

// Strict cumulative returns are E_t / E_0 exactly: equity 100, 101, 96, 101 is back at its high
// on the last point, so its drawdown there is exactly 0 and the longest drawdown lasts 1 point
// (96). QSTrader's exp(cumsum(log(1 + r))) gives 1.0099999999999998 < 1.01 there.
TEST(Performance, StrictCumulativeReturnsAreExactRatios) {
  const std::vector<Day> dates = days({"2024-01-08", "2024-01-09", "2024-01-10", "2024-01-11"});
  const std::vector<double> equity = {100.0, 101.0, 96.0, 101.0};
  const PerformanceStats s = compute_performance(dates, equity, Mode::strict);
  ASSERT_EQ(s.cum_returns.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(s.cum_returns[i], equity[i] / 100.0) << i;
  EXPECT_EQ(s.drawdown[3], 0.0);
  EXPECT_EQ(s.max_drawdown_duration, 1u);
  EXPECT_DOUBLE_EQ(s.max_drawdown, (1.01 - 0.96) / 1.01);
}

// A long/short curve whose equity goes below zero: the returns around it have no meaning
// (log(1 + r) of r <= -1), so the month and year holding them have no return, and the best and
// worst month and year and the quantiles are unknown, not the extremes of the other periods.
TEST(Performance, EquityBelowZeroLeavesExtremesUndefined) {
  const std::vector<Day> dates = days({"2024-01-30", "2024-01-31", "2024-02-01", "2024-02-02", "2024-03-01", "2024-03-04"});
  const std::vector<double> equity = {100.0, 110.0, -50.0, 20.0, 30.0, 33.0};
  for (Mode mode : {Mode::qstrader, Mode::strict}) {
    const PerformanceStats s = compute_performance(dates, equity, mode);
    ASSERT_EQ(s.monthly_returns.size(), 3u);
    EXPECT_TRUE(std::isfinite(s.monthly_returns[0].value));  // January: 100 -> 110
    EXPECT_FALSE(std::isfinite(s.monthly_returns[1].value));  // February holds the -50
    EXPECT_FALSE(s.best_month);
    EXPECT_FALSE(s.worst_month);
    EXPECT_FALSE(s.best_year);
    EXPECT_FALSE(s.monthly_quantiles);
    EXPECT_FALSE(s.yearly_quantiles);
  }
}

// Returns so large that their squared deviations overflow: the deviation is undefined, and so
// are the ratios over it (a finite mean over an infinite deviation is not a Sharpe ratio of 0).
TEST(Performance, OverflowedDeviationLeavesTheRatiosUndefined) {
  const std::vector<Day> dates = days({"2024-01-08", "2024-01-09", "2024-01-10", "2024-01-11"});
  // Returns 0, ~1e200, -1, ~1e200; then 0, -1e200, ~-1, -1e200, whose negative ones overflow the
  // downside deviation too.
  for (const std::vector<double>& equity : {std::vector<double>{1.0, 1e200, 1.0, 1e200},
                                            std::vector<double>{1.0, -1e200, 1.0, -1e200}}) {
    for (Mode mode : {Mode::qstrader, Mode::strict}) {
      const PerformanceStats s = compute_performance(dates, equity, mode);
      EXPECT_FALSE(s.stdev_return) << equity[1];
      EXPECT_FALSE(s.sharpe) << equity[1];
      EXPECT_FALSE(s.sortino) << equity[1];
    }
  }
}

TEST(Performance, SinglePointCurveHasOnlyTrivialStatistics) {
  const std::vector<Day> dates = days({"2020-01-02"});
  const std::vector<double> equity{100.0};
  for (Mode mode : {Mode::qstrader, Mode::strict}) {
    const PerformanceStats s = compute_performance(dates, equity, mode);
    EXPECT_EQ(s.points, 1u);
    EXPECT_REL(0.0, s.total_return);
    EXPECT_FALSE(s.sharpe);
    EXPECT_FALSE(s.sortino);
    EXPECT_FALSE(s.annual_volatility);
    EXPECT_FALSE(s.annual_volatility_ddof0);
    EXPECT_FALSE(s.calmar);
    EXPECT_FALSE(s.best_day);
    EXPECT_FALSE(s.worst_month);
    EXPECT_FALSE(s.best_year);
    EXPECT_EQ(s.max_drawdown, 0.0);
    EXPECT_EQ(s.max_drawdown_duration, 0u);
    ASSERT_TRUE(s.daily_quantiles);
    EXPECT_EQ(s.daily_quantiles->max, 0.0);
  }
  // QSTrader: 1 ** (252 / 1) - 1 = 0; strict: zero calendar time, so no CAGR and no years.
  EXPECT_REL(0.0, compute_performance(dates, equity, Mode::qstrader).cagr);
  EXPECT_FALSE(compute_performance(dates, equity, Mode::strict).cagr);
  EXPECT_FALSE(compute_performance(dates, equity, Mode::strict).years);
}

TEST(Performance, FlatCurveHasNoSharpeOrSortino) {
  const std::vector<double> equity(6, 100.0);
  const PerformanceStats s = compute_performance(kDates, equity, Mode::qstrader);
  EXPECT_FALSE(s.sharpe);
  EXPECT_FALSE(s.sortino);
  EXPECT_REL(0.0, s.annual_volatility);
  EXPECT_FALSE(s.calmar);  // no drawdown
  EXPECT_REL(0.0, s.best_day);
}

TEST(Performance, NoNegativeReturnMeansNoSortino) {
  const std::vector<double> equity{100.0, 101.0, 103.0, 103.0, 104.0, 110.0};
  const PerformanceStats s = compute_performance(kDates, equity, Mode::qstrader);
  ASSERT_TRUE(s.sharpe);
  EXPECT_GT(*s.sharpe, 0.0);
  EXPECT_FALSE(s.sortino);
  EXPECT_REL(0.0, s.worst_day);  // 103 -> 103
  EXPECT_FALSE(s.calmar);
  // One negative return: its std about its own mean is 0, so Sortino is still undefined.
  const std::vector<double> one_loss{100.0, 101.0, 99.0, 103.0, 104.0, 110.0};
  EXPECT_FALSE(compute_performance(kDates, one_loss, Mode::qstrader).sortino);
}

TEST(Performance, RollingSharpeUsesTrailingWindowsWithDdof1) {
  const std::vector<double> r{0.01, -0.01, 0.02, 0.0, 0.0, 0.0, 0.0};
  const auto s = rolling_sharpe(r, 3, 4.0);
  ASSERT_EQ(s.size(), r.size());
  EXPECT_FALSE(s[0]);
  EXPECT_FALSE(s[1]);
  // (.01, -.01, .02): mean .0066667, std (ddof 1) .0152753 -> 2 * mean / std = .8728716.
  EXPECT_REL(0.8728715609439696, s[2]);
  // (-.01, .02, 0): mean .0033333, std .0152753 -> .4364358.
  EXPECT_REL(0.4364357804719847, s[3]);
  // (.02, 0, 0): mean .0066667, std .0115470 -> 1.1547005.
  EXPECT_REL(1.1547005383792515, s[4]);
  EXPECT_FALSE(s[5]);  // (0, 0, 0): std 0
  EXPECT_FALSE(s[6]);
  for (const auto& v : rolling_sharpe(r, 1, 252.0)) EXPECT_FALSE(v);
  for (const auto& v : rolling_sharpe(r, 8, 252.0)) EXPECT_FALSE(v);
}

// ---- Trades ------------------------------------------------------------------------------------

Fill fill(const char* date, AssetIndex asset, double quantity, double price, double commission) {
  return Fill{day(date), asset, quantity, price, commission, 0.0};
}

TEST(Trades, FifoRoundTripsWithFeesAndAFlipToShort) {
  const std::vector<Fill> fills{
      fill("2020-01-01", 0, 10, 100.0, 1.0),   // lot 1: 10 @ 100, fee .1 per unit
      fill("2020-01-11", 0, 10, 110.0, 1.0),   // lot 2: 10 @ 110, fee .1 per unit
      fill("2020-01-05", 1, 7, 50.0, 0.0),     // another asset, never closed
      // Closes lot 1 (10 * 20 - 10 * .2 = 198, held 20 days) and half of lot 2 (5 * 10 - 5 * .2 =
      // 49, held 10 days): pnl 247, holding (10 * 20 + 5 * 10) / 15 = 16.667 days.
      fill("2020-01-21", 0, -15, 120.0, 1.5),
      // Closes the rest of lot 2 (5 * -10 - 5 * .2 = -51, held 20 days), then opens 5 short @ 100.
      fill("2020-01-31", 0, -10, 100.0, 1.0),
      // Covers the short: 5 * 10 - 5 * (.1 + .1) = 49, held 10 days.
      fill("2020-02-10", 0, 5, 90.0, 0.5),
  };
  const TradeStats t = compute_trade_stats(fills, 2);
  EXPECT_EQ(t.trades, 3u);
  EXPECT_EQ(t.winning, 2u);
  EXPECT_EQ(t.losing, 1u);
  EXPECT_REL(2.0 / 3.0, t.win_rate);
  EXPECT_REL((247.0 + 49.0) / 2.0, t.average_win);
  EXPECT_REL(-51.0, t.average_loss);
  EXPECT_REL(247.0, t.largest_win);
  EXPECT_REL(-51.0, t.largest_loss);
  EXPECT_REL(296.0 / 51.0, t.profit_factor);
  EXPECT_REL((250.0 / 15.0 + 20.0 + 10.0) / 3.0, t.average_holding_days);
  EXPECT_NEAR(t.total_pnl, 245.0, 1e-9);
}

TEST(Trades, NoClosedTradesLeavesEverythingUndefined) {
  const std::vector<Fill> buys{fill("2020-01-01", 0, 10, 100.0, 0.0), fill("2020-02-01", 0, 5, 90.0, 0.0)};
  for (const auto& fills : {std::vector<Fill>{}, buys}) {
    const TradeStats t = compute_trade_stats(fills, 1);
    EXPECT_EQ(t.trades, 0u);
    EXPECT_FALSE(t.win_rate);
    EXPECT_FALSE(t.average_win);
    EXPECT_FALSE(t.average_loss);
    EXPECT_FALSE(t.profit_factor);
    EXPECT_FALSE(t.average_holding_days);
    EXPECT_EQ(t.total_pnl, 0.0);
  }
  // Only winners: no profit factor (it would be infinite).
  const std::vector<Fill> win{fill("2020-01-01", 0, 10, 100.0, 0.0), fill("2020-01-02", 0, -10, 101.0, 0.0)};
  const TradeStats t = compute_trade_stats(win, 1);
  EXPECT_EQ(t.trades, 1u);
  EXPECT_REL(1.0, t.win_rate);
  EXPECT_FALSE(t.profit_factor);
  EXPECT_FALSE(t.average_loss);
  EXPECT_REL(1.0, t.average_holding_days);
}

// ---- Exposure and turnover ---------------------------------------------------------------------

AssetSeries series(const std::string& ticker, const std::vector<Day>& dates, const std::vector<double>& closes) {
  AssetSeries s;
  s.ticker = ticker;
  s.path = ticker + ".csv";
  s.dates = dates;
  s.open = closes;
  s.close = closes;
  return s;
}

TEST(PortfolioStatistics, ExposureLeverageAndTurnoverOfAHandMadeSession) {
  const std::vector<Day> dates = days({"2020-01-06", "2020-01-07", "2020-01-08", "2020-01-09"});
  MarketData data;
  data.add(series("A", dates, {10.0, 11.0, 12.0, 12.0}));
  data.add(series("B", dates, {20.0, 20.0, 19.0, 18.0}));
  SessionConfig config;
  config.label = "strategy";
  config.mode = Mode::strict;
  config.start = dates.front();
  config.end = dates.back();
  config.rebalance = RebalanceFrequency::daily;
  const PreparedSession session(data, config, {"A", "B"});

  // Flat on day 0, long 10 A and short 5 B on days 1-2, flat again on day 3.
  SessionResult r;
  r.tickers = {"A", "B"};
  r.dates = dates;
  r.equity = {1000.0, 1010.0, 1020.0, 1030.0};
  r.positions = {0, 0, 10, -5, 10, -5, 0, 0};
  r.fills = {fill("2020-01-07", 0, 10, 10.5, 0.0), fill("2020-01-07", 1, -5, 20.0, 0.0),
             fill("2020-01-09", 0, -10, 12.0, 0.0), fill("2020-01-09", 1, 5, 18.5, 0.0)};
  const PerformanceStats perf = compute_performance(r.dates, r.equity, Mode::strict);
  const PortfolioStats p = compute_portfolio_stats(r, session, perf);

  EXPECT_REL(0.5, p.time_invested);
  // Gross: day 1 10 * 11 + 5 * 20 = 210 of 1010; day 2 10 * 12 + 5 * 19 = 215 of 1020.
  EXPECT_REL((210.0 / 1010.0 + 215.0 / 1020.0) / 4.0, p.average_gross_leverage);
  // Net: day 1 110 - 100 = 10; day 2 120 - 95 = 25.
  EXPECT_REL((10.0 / 1010.0 + 25.0 / 1020.0) / 4.0, p.average_net_leverage);
  // Traded 105 + 100 + 120 + 92.5 = 417.5 against a mean equity of 1015 over 3 / 365.25 years.
  EXPECT_REL(417.5, p.traded_value);
  EXPECT_REL(417.5 / 1015.0 / (3.0 / 365.25), p.turnover);
  // Round trips: A +15 (2 days), B +7.5 (2 days).
  EXPECT_EQ(p.trades.trades, 2u);
  EXPECT_REL(11.25, p.trades.average_win);
  EXPECT_REL(2.0, p.trades.average_holding_days);
}

// ---- Relative to a benchmark -------------------------------------------------------------------

// n weekdays from 2020-01-06 (Mon).
std::vector<Day> weekdays(std::size_t n) {
  std::vector<Day> out;
  for (Day d = day("2020-01-06"); out.size() < n; ++d)
    if (is_weekday(d)) out.push_back(d);
  return out;
}

std::vector<double> curve(const std::vector<double>& returns, double start) {
  std::vector<double> e{start};
  for (double r : returns) e.push_back(e.back() * (1.0 + r));
  return e;
}

TEST(Relative, LeveredBenchmarkPlusConstantHasBetaTwoAndKnownAlpha) {
  // Benchmark returns rb_k = .01 * ((k * 7) % 5 - 2): a repeating -.02 .. .02 pattern.
  std::vector<double> rb;
  std::vector<double> rs;
  for (int k = 0; k < 40; ++k) {
    rb.push_back(0.01 * ((k * 7) % 5 - 2));
    rs.push_back(2.0 * rb.back() + 0.001);
  }
  const std::vector<Day> dates = weekdays(41);
  const RelativeStats r = compute_relative_stats(dates, curve(rs, 1e6), dates, curve(rb, 500.0), 252.0);
  EXPECT_EQ(r.common_points, 41u);
  EXPECT_REL(2.0, r.beta);
  EXPECT_REL(1.0, r.correlation);
  // alpha = (mean(rs) - 2 mean(rb)) * 252 = .001 * 252.
  EXPECT_NEAR(*r.alpha, 0.252, 1e-10);
  // Active returns rs - rb = rb + .001: std(rb) with ddof 1 times sqrt(252); IR = mean * 252 / TE.
  double mean = 0.0;
  for (double v : rb) mean += v;
  mean /= 40.0;
  double ss = 0.0;
  for (double v : rb) ss += (v - mean) * (v - mean);
  const double te = std::sqrt(ss / 39.0) * std::sqrt(252.0);
  EXPECT_REL(te, r.tracking_error);
  EXPECT_REL((mean + 0.001) * 252.0 / te, r.information_ratio);
}

TEST(Relative, IdenticalCurvesHaveNoInformationRatio) {
  std::vector<double> rb;
  for (int k = 0; k < 30; ++k) rb.push_back(0.01 * ((k * 3) % 4 - 1.5));
  const std::vector<Day> dates = weekdays(31);
  const std::vector<double> e = curve(rb, 100.0);
  const RelativeStats r = compute_relative_stats(dates, e, dates, e, 252.0);
  EXPECT_REL(1.0, r.beta);
  EXPECT_REL(0.0, r.alpha);
  EXPECT_REL(0.0, r.tracking_error);
  EXPECT_FALSE(r.information_ratio);
}

TEST(Relative, ShorterBenchmarkUsesTheOverlapAndTooLittleIsUndefined) {
  std::vector<double> rs;
  for (int k = 0; k < 59; ++k) rs.push_back(0.01 * ((k * 7) % 5 - 2));
  const std::vector<Day> dates = weekdays(60);
  const std::vector<double> es = curve(rs, 1e6);
  // The benchmark exists on the last 25 dates only and moves at half the strategy's returns
  // there: over the 24 paired returns beta is 2 and correlation 1.
  std::vector<Day> bdates(dates.end() - 25, dates.end());
  std::vector<double> rb;
  for (std::size_t k = 35; k < 59; ++k) rb.push_back(rs[k] / 2.0);
  const RelativeStats r = compute_relative_stats(dates, es, bdates, curve(rb, 300.0), 252.0);
  EXPECT_EQ(r.common_points, 25u);
  EXPECT_REL(2.0, r.beta);
  EXPECT_REL(1.0, r.correlation);

  // 15 common dates give 14 paired returns, fewer than kMinRelativeReturns (20).
  std::vector<Day> short_dates(dates.end() - 15, dates.end());
  const std::vector<double> short_curve(15, 100.0);
  const RelativeStats none = compute_relative_stats(dates, es, short_dates, short_curve, 252.0);
  EXPECT_EQ(none.common_points, 15u);
  EXPECT_FALSE(none.beta);
  EXPECT_FALSE(none.alpha);
  EXPECT_FALSE(none.correlation);
  EXPECT_FALSE(none.tracking_error);
  EXPECT_FALSE(none.information_ratio);
  // No common date at all.
  const std::vector<Day> later = days({"2021-01-04", "2021-01-05"});
  EXPECT_EQ(compute_relative_stats(dates, es, later, std::vector<double>{1.0, 2.0}, 252.0).common_points, 0u);
}

// ---- Edge cases through `qsweep backtest` --------------------------------------------------------

// A data folder with one CSV per ticker (open = close = the given price on consecutive weekdays
// from 2020-01-06) and a strict-mode config; returns the config path.
class CliEdgeCases : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::fresh_temp_dir("stats-edge"); }
  void TearDown() override { fs::remove_all(dir_); }

  void write_prices(const std::string& ticker, const std::vector<double>& prices) {
    std::string csv = "Date,Open,Close,Adj Close\n";
    const std::vector<Day> dates = weekdays(prices.size());
    for (std::size_t i = 0; i < prices.size(); ++i)
      csv += format_date(dates[i]) + "," + std::to_string(prices[i]) + "," + std::to_string(prices[i]) + "," +
             std::to_string(prices[i]) + "\n";
    test::write_text(dir_ / "data" / (ticker + ".csv"), csv);
  }

  // Runs the backtest; returns summary.json, and the terminal table in `table`.
  json run(const std::string& backtest, const std::string& extra = "") {
    test::write_text(dir_ / "edge.toml", "[data]\ndir = \"data\"\n[backtest]\ninitial_cash = 10000.0\n" + backtest +
                                             "\n[strategy]\nkind = \"fixed_weights\"\nweights = { A = 1.0 }\n" +
                                             extra);
    const test::RunResult r = test::run_qsweep("backtest '" + (dir_ / "edge.toml").string() + "' --out '" +
                                               (dir_ / "out").string() + "'");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    table_ = r.out;
    const std::string text = test::slurp(dir_ / "out" / "summary.json");
    for (const char* bad : {"NaN", "nan", "Infinity", " inf"}) {
      EXPECT_EQ(text.find(bad), std::string::npos) << bad;
      EXPECT_EQ(table_.find(bad), std::string::npos) << bad;
    }
    EXPECT_TRUE(json::parse(test::slurp(dir_ / "out" / "statistics.json")).is_object());
    return json::parse(text);
  }

  // The table's row `name`, e.g. "Sharpe   n/a   0.12".
  std::string row(const std::string& name) const {
    const auto at = table_.find("\n" + name + " ");
    if (at == std::string::npos) return "";
    return table_.substr(at + 1, table_.find('\n', at + 1) - at - 1);
  }

  fs::path dir_;
  std::string table_;
};

TEST_F(CliEdgeCases, SinglePointCurve) {
  write_prices("A", {10.0, 11.0, 12.0});
  const json s = run("start = \"2020-01-06\"\nend = \"2020-01-06\"\nrebalance = \"buy_and_hold\"")["strategy"];
  EXPECT_EQ(s["points"], 1);
  EXPECT_TRUE(s["sharpe"].is_null());
  EXPECT_TRUE(s["sortino"].is_null());
  EXPECT_TRUE(s["cagr"].is_null());
  EXPECT_TRUE(s["annual_volatility"].is_null());
  EXPECT_TRUE(s["calmar"].is_null());
  EXPECT_TRUE(s["best_day"].is_null());
  EXPECT_TRUE(s["turnover"].is_null());
  EXPECT_TRUE(s["rolling_sharpe"]["last"].is_null());
  EXPECT_EQ(s["total_return"], 0.0);
  EXPECT_NE(row("Sharpe").find("n/a"), std::string::npos) << table_;
  EXPECT_NE(row("CAGR").find("n/a"), std::string::npos) << table_;
}

TEST_F(CliEdgeCases, AllZeroReturnsHaveNoSharpe) {
  write_prices("A", std::vector<double>(30, 10.0));
  const json s = run("start = \"2020-01-06\"\nend = \"2020-02-14\"\nrebalance = \"buy_and_hold\"")["strategy"];
  EXPECT_EQ(s["points"], 30);
  EXPECT_TRUE(s["sharpe"].is_null());
  EXPECT_TRUE(s["sortino"].is_null());
  EXPECT_TRUE(s["calmar"].is_null());
  EXPECT_EQ(s["annual_volatility"], 0.0);
  EXPECT_EQ(s["max_drawdown"], 0.0);
  EXPECT_NE(row("Sharpe").find("n/a"), std::string::npos) << table_;
}

TEST_F(CliEdgeCases, NoNegativeReturnsHaveNoSortino) {
  std::vector<double> prices;
  for (int i = 0; i < 30; ++i) prices.push_back(10.0 + i);
  write_prices("A", prices);
  const json s = run("start = \"2020-01-06\"\nend = \"2020-02-14\"\nrebalance = \"buy_and_hold\"")["strategy"];
  EXPECT_GT(s["sharpe"].get<double>(), 0.0);
  EXPECT_TRUE(s["sortino"].is_null());
  EXPECT_GE(s["worst_day"].get<double>(), 0.0);
  EXPECT_NE(row("Sortino").find("n/a"), std::string::npos) << table_;
}

TEST_F(CliEdgeCases, ShorterBenchmarkUsesTheOverlap) {
  std::vector<double> a;
  std::vector<double> b;
  for (int i = 0; i < 60; ++i) {
    a.push_back(10.0 + (i % 3) + 0.1 * i);
    b.push_back(20.0 + (i % 4) + 0.05 * i);
  }
  write_prices("A", a);
  write_prices("B", b);
  // 60 weekdays from 2020-01-06 end on 2020-03-27; the benchmark starts 25 weekdays before.
  const std::string backtest = "start = \"2020-01-06\"\nend = \"2020-03-27\"\nrebalance = \"buy_and_hold\"";
  json doc = run(backtest, "[benchmark]\nweights = { B = 1.0 }\nstart = \"2020-02-24\"\n");
  EXPECT_EQ(doc["strategy"]["points"], 60);
  EXPECT_EQ(doc["benchmark"]["points"], 25);
  const json& rel = doc["strategy"]["relative_to_benchmark"];
  EXPECT_EQ(rel["common_points"], 25);
  EXPECT_TRUE(rel["beta"].is_number());
  EXPECT_TRUE(rel["information_ratio"].is_number());
  EXPECT_NE(table_.find("vs benchmark (25 common days)"), std::string::npos) << table_;

  // 10 common days: too little overlap, every relative statistic is null / n/a.
  doc = run(backtest, "[benchmark]\nweights = { B = 1.0 }\nstart = \"2020-03-16\"\n");
  const json& none = doc["strategy"]["relative_to_benchmark"];
  EXPECT_EQ(none["common_points"], 10);
  for (const char* key : {"beta", "alpha", "correlation", "tracking_error", "information_ratio"})
    EXPECT_TRUE(none[key].is_null()) << key;
  EXPECT_NE(row("Beta").find("n/a"), std::string::npos) << table_;
  EXPECT_TRUE(doc["benchmark"]["sharpe"].is_number());
}

TEST_F(CliEdgeCases, NoClosedTrades) {
  write_prices("A", {10.0, 11.0, 10.5, 12.0, 12.5});
  const json s = run("start = \"2020-01-06\"\nend = \"2020-01-10\"\nrebalance = \"buy_and_hold\"")["strategy"];
  EXPECT_EQ(s["trades"]["count"], 0);
  for (const char* key : {"win_rate", "average_win", "average_loss", "profit_factor", "average_holding_days"})
    EXPECT_TRUE(s["trades"][key].is_null()) << key;
  EXPECT_TRUE(s["relative_to_benchmark"].is_null());
  EXPECT_EQ(s["time_invested"], 1.0);
  EXPECT_NE(row("Win rate").find("n/a"), std::string::npos) << table_;
  EXPECT_NE(row("Profit factor").find("n/a"), std::string::npos) << table_;
}

}  // namespace
}  // namespace qsweep
