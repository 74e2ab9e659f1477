// Performance statistics of a backtest. In qstrader mode the equity-curve formulas are QSTrader
// 0.3.0's exactly; strict mode annualises over the data's real trading days. docs/statistics.md
// states every formula, unit and mode difference. Undefined values (e.g. Sharpe of a flat curve)
// are std::nullopt, never NaN. All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "qsweep/config.hpp"
#include "qsweep/date.hpp"
#include "qsweep/engine.hpp"

namespace qsweep {

// numpy's pairwise summation (np.sum / np.mean on a contiguous float64 array).
double pairwise_sum(std::span<const double> values) noexcept;
// np.mean and np.std with the given ddof; NaN for too few values.
double np_mean(std::span<const double> values) noexcept;
double np_std(std::span<const double> values, int ddof) noexcept;
// np.percentile(values, q) with linear interpolation; `values` need not be sorted.
double np_percentile(std::vector<double> values, double q);

struct PeriodReturn {
  int year = 0;
  int month = 0;  // 1..12 for monthly returns, 0 for yearly
  double value = 0.0;
};

// QSTrader's JSON quantiles of a set of returns: np.min, np.percentile 25 (linear), np.median,
// np.percentile 75, np.max.
struct Quantiles {
  double min = 0.0;
  double lq = 0.0;
  double med = 0.0;
  double uq = 0.0;
  double max = 0.0;
};
// std::nullopt for an empty set, or one holding a non-finite value (a period without a return).
std::optional<Quantiles> quantiles_of(std::span<const double> values);

// Rolling annualised Sharpe ratio, as in QSTrader's legacy tearsheet:
// sqrt(periods_per_year) * (mean / std) (ddof 1) over a trailing window, with pandas' rolling mean
// and std (the same values, bit for bit; O(n)). Value i uses the returns (i - window, i]; it is
// std::nullopt for the first window - 1 points, where the window holds a NaN return, where its
// std is 0 (as over equal values) or the result is not finite, and everywhere when window < 2.
std::vector<std::optional<double>> rolling_sharpe(std::span<const double> returns, std::size_t window,
                                                  double periods_per_year);

// Everything derived from one equity curve.
struct PerformanceStats {
  std::size_t points = 0;
  Day first_day = 0;
  Day last_day = 0;
  double periods_per_year = 252.0;
  std::vector<double> returns;       // r0 = 0, r_t = E_t/E_{t-1} - 1
  std::vector<double> cum_returns;   // exp(cumsum(log(1 + r)))
  std::vector<double> drawdown;      // (hwm - C) / hwm, hwm starting at 0 (QSTrader)
  std::optional<double> total_return;
  std::optional<double> cagr;
  std::optional<double> sharpe;
  std::optional<double> sortino;
  std::optional<double> annual_volatility;       // ddof 1 (QSTrader's tearsheet)
  std::optional<double> annual_volatility_ddof0; // ddof 0 (QSTrader's JSON "annualised_vol")
  std::optional<double> mean_return;             // np.mean(r)
  std::optional<double> stdev_return;            // np.std(r), ddof 0
  double max_drawdown = 0.0;
  std::size_t max_drawdown_duration = 0;         // longest run of points in drawdown
  std::vector<PeriodReturn> monthly_returns;     // compounded per calendar month, in date order
  std::vector<PeriodReturn> yearly_returns;      // compounded per calendar year, in date order
  // Quantiles of the daily returns (leading 0 included, as QSTrader), of the monthly and of the
  // yearly returns. std::nullopt for an empty curve.
  std::optional<Quantiles> daily_quantiles;
  std::optional<Quantiles> monthly_quantiles;
  std::optional<Quantiles> yearly_quantiles;
  // Length of the curve in years: points / 252 in qstrader mode (QSTrader's CAGR), calendar
  // days / 365.25 in strict mode. std::nullopt when zero.
  std::optional<double> years;
  std::optional<double> calmar;                  // cagr / max_drawdown
  // Extremes of r_1..r_{n-1} (the leading 0 excluded) and of the monthly / yearly returns;
  // std::nullopt when the curve has fewer than 2 points.
  std::optional<double> best_day;
  std::optional<double> worst_day;
  std::optional<double> best_month;
  std::optional<double> worst_month;
  std::optional<double> best_year;
  std::optional<double> worst_year;
};

// How much compute_performance derives. `core` stops after the scalar statistics a sweep ranks
// by (returns, cumulative returns, drawdowns, total return, CAGR, Sharpe, Sortino, volatility,
// max drawdown and its duration, years, Calmar): no monthly/yearly returns, quantiles or
// best/worst periods. The values it does compute are the same as with `full`.
enum class StatsDetail { full, core };

// Computes the statistics of `equity` (one value per date). In qstrader mode a year is 252
// points; in strict mode it is the number of points per calendar year of the curve.
PerformanceStats compute_performance(std::span<const Day> dates, std::span<const double> equity, Mode mode,
                                     StatsDetail detail = StatsDetail::full);

// The rolling Sharpe window of summaries and reports: one year of daily points.
inline constexpr std::size_t kRollingSharpeWindow = 252;

// Closed round trips, matched FIFO per asset from the fills. A fill that reduces or flips a
// position closes quantity against the oldest open lots; everything it closes is one trade.
struct TradeStats {
  std::size_t trades = 0;                 // closing fills
  std::size_t winning = 0;                // pnl > 0
  std::size_t losing = 0;                 // pnl < 0
  std::optional<double> win_rate;         // winning / trades
  std::optional<double> average_win;      // mean pnl of winning trades, in cash
  std::optional<double> average_loss;     // mean pnl of losing trades, in cash (negative)
  std::optional<double> largest_win;
  std::optional<double> largest_loss;
  std::optional<double> profit_factor;    // Σ wins / |Σ losses|; undefined without losses
  std::optional<double> average_holding_days;  // calendar days entry fill -> exit fill
  double total_pnl = 0.0;                 // Σ pnl of closed trades, fees included
};

// What a session traded and held. Needs the session's fills and positions recorded.
struct PortfolioStats {
  double traded_value = 0.0;              // Σ |quantity * price| over all fills
  std::optional<double> turnover;         // traded_value / mean equity / years (>= 2 points)
  std::optional<double> time_invested;    // fraction of points with any position held
  std::optional<double> average_gross_leverage;  // mean of Σ|q * close| / equity
  std::optional<double> average_net_leverage;    // mean of Σ q * close / equity
  TradeStats trades;
};

// Turnover, exposure and trade statistics of a session run on `session` (the close prices come
// from it). `perf` is compute_performance() of the same result. Without recorded positions the
// exposure values are std::nullopt; without recorded fills turnover and trades count as zero.
PortfolioStats compute_portfolio_stats(const SessionResult& result, const PreparedSession& session,
                                       const PerformanceStats& perf);
// FIFO round trips of a fill list, in fill order; fills of assets >= asset_count are ignored.
TradeStats compute_trade_stats(std::span<const Fill> fills, std::size_t asset_count);

// Statistics of a strategy relative to a benchmark, over their common dates: paired returns
// r_k = E(d_k) / E(d_{k-1}) - 1 between consecutive common dates d_k of both curves.
struct RelativeStats {
  std::size_t common_points = 0;          // dates present in both curves
  std::optional<double> beta;             // cov(rs, rb) / var(rb)
  std::optional<double> alpha;            // (mean(rs) - beta * mean(rb)) * periods_per_year
  std::optional<double> correlation;      // Pearson correlation of rs and rb
  std::optional<double> tracking_error;   // std(rs - rb, ddof 1) * sqrt(periods_per_year)
  std::optional<double> information_ratio;  // mean(rs - rb) * periods_per_year / tracking_error
};
// Fewer paired returns than this make every relative statistic undefined.
inline constexpr std::size_t kMinRelativeReturns = 20;

// equity[i] is the value at dates[i] (likewise for the benchmark); both date lists strictly
// increasing.
RelativeStats compute_relative_stats(std::span<const Day> dates, std::span<const double> equity,
                                     std::span<const Day> benchmark_dates,
                                     std::span<const double> benchmark_equity, double periods_per_year);

}  // namespace qsweep
