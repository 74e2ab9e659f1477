// Performance statistics of an equity curve. In qstrader mode the formulas are QSTrader 0.3.0's
// exactly (docs/statistics.md lists them); strict mode annualises over the data's real trading
// days. Undefined values (e.g. Sharpe of a flat curve) are std::nullopt, never NaN.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "qsweep/config.hpp"
#include "qsweep/date.hpp"

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
  std::vector<PeriodReturn> monthly_returns;
  std::vector<PeriodReturn> yearly_returns;
};

// Computes the statistics of `equity` (one value per date). In qstrader mode a year is 252
// points; in strict mode it is the number of points per calendar year of the curve.
PerformanceStats compute_performance(std::span<const Day> dates, std::span<const double> equity, Mode mode);

}  // namespace qsweep
