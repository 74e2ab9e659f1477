#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "qsweep/stats.hpp"

namespace qsweep {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::optional<double> finite_or_null(double v) {
  if (std::isfinite(v)) return v;
  return std::nullopt;
}

// QSTrader's cumulate_returns: exp(cumsum(log(1 + x)))[-1] - 1.
double compound(std::span<const double> returns) {
  double log_sum = 0.0;
  for (double r : returns) log_sum += std::log(1.0 + r);
  return std::exp(log_sum) - 1.0;
}

// np.percentile(q) with linear interpolation of non-empty sorted values.
double percentile_of_sorted(std::span<const double> sorted, double q) {
  const double pos = (static_cast<double>(sorted.size()) - 1.0) * q / 100.0;
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double t = pos - static_cast<double>(lo);
  const double a = sorted[lo];
  const double b = sorted[hi];
  const double diff = b - a;
  // numpy's _lerp: a + diff*t, or b - diff*(1-t) for t >= 0.5.
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

// np.median of sorted values: the middle value, or the mean of the two middle ones.
double np_median_sorted(std::span<const double> sorted) {
  const std::size_t n = sorted.size();
  if (n % 2 == 1) return sorted[n / 2];
  return (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
}

bool all_finite(std::span<const double> values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

// The extremes of `values`; undefined when one of them is (a period whose equity fell to zero
// or below has no return): the extreme is then unknown, not the largest of the rest.
std::optional<double> max_of(std::span<const double> values) {
  if (values.empty() || !all_finite(values)) return std::nullopt;
  return *std::max_element(values.begin(), values.end());
}

std::optional<double> min_of(std::span<const double> values) {
  if (values.empty() || !all_finite(values)) return std::nullopt;
  return *std::min_element(values.begin(), values.end());
}

std::vector<double> values_of(const std::vector<PeriodReturn>& period_returns) {
  std::vector<double> out;
  out.reserve(period_returns.size());
  for (const PeriodReturn& p : period_returns) out.push_back(p.value);
  return out;
}

// numpy's pairwise summation (pairwise_sum) of value(first) .. value(first + n - 1), with the
// values computed on the fly: the same additions in the same order, without an array.
template <class Value>
double pairwise_sum_of(std::size_t first, std::size_t n, const Value& value) noexcept {
  if (n < 8) {
    double res = -0.0;
    for (std::size_t i = 0; i < n; ++i) res += value(first + i);
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (std::size_t j = 0; j < 8; ++j) r[j] = value(first + j);
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (std::size_t j = 0; j < 8; ++j) r[j] += value(first + i + j);
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += value(first + i);
    return res;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum_of(first, n2, value) + pairwise_sum_of(first + n2, n - n2, value);
}

// Pairwise Σ (v - mean)², as numpy sums it inside np.std.
double squared_deviations(std::span<const double> values, double mean) noexcept {
  return pairwise_sum_of(0, values.size(), [values, mean](std::size_t i) {
    const double d = values[i] - mean;
    return d * d;
  });
}

// np.std(values, ddof) given np.mean(values): sqrt(pairwise Σ (v - mean)² / (n - ddof)).
double std_about(std::span<const double> values, double mean, int ddof) noexcept {
  return std::sqrt(squared_deviations(values, mean) /
                   static_cast<double>(static_cast<std::ptrdiff_t>(values.size()) - ddof));
}

}  // namespace

double pairwise_sum(std::span<const double> a) noexcept {
  return pairwise_sum_of(0, a.size(), [a](std::size_t i) { return a[i]; });
}

double np_mean(std::span<const double> values) noexcept {
  if (values.empty()) return kNaN;
  return pairwise_sum(values) / static_cast<double>(values.size());
}

double np_std(std::span<const double> values, int ddof) noexcept {
  const auto n = static_cast<std::ptrdiff_t>(values.size());
  if (n - ddof <= 0) return kNaN;
  return std_about(values, np_mean(values), ddof);
}

double np_percentile(std::vector<double> values, double q) {
  if (values.empty()) return kNaN;
  // percentile_of_sorted reads the values of rank floor(pos) and the next one: select just those.
  const double pos = (static_cast<double>(values.size()) - 1.0) * q / 100.0;
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  if (lo >= values.size()) {  // q > 100 or NaN: as sorted (percentile_of_sorted reads past no end)
    std::sort(values.begin(), values.end());
    return percentile_of_sorted(values, q);
  }
  const auto nth = values.begin() + static_cast<std::ptrdiff_t>(lo);
  std::nth_element(values.begin(), nth, values.end());
  if (nth + 1 != values.end()) std::iter_swap(nth + 1, std::min_element(nth + 1, values.end()));
  return percentile_of_sorted(values, q);
}

std::optional<Quantiles> quantiles_of(std::span<const double> values) {
  if (values.empty() || !all_finite(values)) return std::nullopt;
  // Only a few order statistics are read: select them (nth_element, in increasing order, each on
  // the part above the previous one) instead of sorting. `sorted` then holds each of them at its
  // sorted position, which is all percentile_of_sorted and np_median_sorted look at.
  std::vector<double> sorted(values.begin(), values.end());
  const std::size_t n = sorted.size();
  auto rank_of = [n](double q) { return static_cast<std::size_t>(std::floor((static_cast<double>(n) - 1.0) * q / 100.0)); };
  std::vector<std::size_t> ranks = {0, n - 1, n / 2, n / 2 - (n % 2 == 0 && n > 1 ? 1 : 0)};
  for (const double q : {25.0, 75.0}) {
    ranks.push_back(rank_of(q));
    ranks.push_back(std::min(rank_of(q) + 1, n - 1));
  }
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  auto from = sorted.begin();
  for (const std::size_t r : ranks) {
    const auto nth = sorted.begin() + static_cast<std::ptrdiff_t>(r);
    std::nth_element(from, nth, sorted.end());
    from = nth + 1;
  }
  Quantiles q;
  q.min = sorted.front();
  q.lq = percentile_of_sorted(sorted, 25.0);
  q.med = np_median_sorted(sorted);
  q.uq = percentile_of_sorted(sorted, 75.0);
  q.max = sorted.back();
  return q;
}

namespace {

// pandas' rolling mean over a sliding window (window_aggregations.pyx: add_mean, remove_mean,
// calc_mean): a Kahan-compensated sum, with separate compensations for values added and removed.
class RollingMean {
 public:
  void add(double v) {
    if (std::isnan(v)) return;  // pandas skips missing values; their window has too few
    ++n_;
    const double y = v - add_compensation_;
    const double t = sum_ + y;
    add_compensation_ = t - sum_ - y;
    sum_ = t;
    if (std::signbit(v)) ++negatives_;
    same_ = v == last_ ? same_ + 1 : 1;  // a run of equal values
    last_ = v;
  }
  void remove(double v) {
    if (std::isnan(v)) return;
    --n_;
    const double y = -v - remove_compensation_;
    const double t = sum_ + y;
    remove_compensation_ = t - sum_ - y;
    sum_ = t;
    if (std::signbit(v)) --negatives_;
  }
  std::size_t count() const noexcept { return n_; }  // values in the window, NaN not counted
  double mean() const {
    const auto n = static_cast<double>(n_);
    double result = sum_ / n;
    if (same_ >= n_) result = last_;                     // every value in the window equal
    else if (negatives_ == 0 && result < 0) result = 0;  // all positive
    else if (negatives_ == n_ && result > 0) result = 0;  // all negative
    return result;
  }
  // Starts over with `first` as the value a run of equal values is compared with.
  explicit RollingMean(double first) : last_(first) {}

 private:
  std::size_t n_ = 0;
  std::size_t negatives_ = 0;
  std::size_t same_ = 0;
  double sum_ = 0.0;
  double add_compensation_ = 0.0;
  double remove_compensation_ = 0.0;
  double last_;
};

// pandas' rolling variance over a sliding window (add_var, remove_var, calc_var): Welford's
// online update with Kahan compensation; exactly 0 over a window of equal values.
class RollingVariance {
 public:
  explicit RollingVariance(double first) : last_(first) {}
  void add(double v) {
    if (std::isnan(v)) return;
    n_ += 1.0;
    same_ = v == last_ ? same_ + 1 : 1;
    last_ = v;
    const double previous_mean = mean_ - add_compensation_;
    const double y = v - add_compensation_;
    const double t = y - mean_;
    add_compensation_ = t + mean_ - y;
    mean_ = n_ != 0.0 ? mean_ + t / n_ : 0.0;
    squared_deviations_ += (v - previous_mean) * (v - mean_);
  }
  void remove(double v) {
    if (std::isnan(v)) return;
    n_ -= 1.0;
    if (n_ == 0.0) {
      mean_ = 0.0;
      squared_deviations_ = 0.0;
      return;
    }
    const double previous_mean = mean_ - remove_compensation_;
    const double y = v - remove_compensation_;
    const double t = y - mean_;
    remove_compensation_ = t + mean_ - y;
    mean_ -= t / n_;
    squared_deviations_ -= (v - previous_mean) * (v - mean_);
  }
  // The variance with `ddof` (< the number of values); never negative, as pandas' zsqrt reads it.
  double variance(int ddof) const {
    if (n_ == 1.0 || static_cast<double>(same_) >= n_) return 0.0;
    return std::max(squared_deviations_ / (n_ - static_cast<double>(ddof)), 0.0);
  }

 private:
  double n_ = 0.0;
  std::size_t same_ = 0;
  double mean_ = 0.0;
  double squared_deviations_ = 0.0;
  double add_compensation_ = 0.0;
  double remove_compensation_ = 0.0;
  double last_;
};

}  // namespace

std::vector<std::optional<double>> rolling_sharpe(std::span<const double> returns, std::size_t window,
                                                  double periods_per_year) {
  std::vector<std::optional<double>> out(returns.size());
  if (window < 2 || returns.size() < window) return out;
  const double sqrt_periods = std::sqrt(periods_per_year);
  // sqrt(P) * (r.rolling(window).mean() / r.rolling(window).std()), as QSTrader's legacy
  // tearsheet wrote it: one pass, each value added once and removed once.
  RollingMean mean(returns[0]);
  RollingVariance variance(returns[0]);
  for (std::size_t i = 0; i < returns.size(); ++i) {
    if (i >= window) {  // pandas removes the value leaving the window first, then adds
      mean.remove(returns[i - window]);
      variance.remove(returns[i - window]);
    }
    mean.add(returns[i]);
    variance.add(returns[i]);
    if (mean.count() < window) continue;  // the first window - 1 points, and windows holding a NaN
    const double sd = std::sqrt(variance.variance(1));
    if (sd > 0.0) out[i] = finite_or_null(sqrt_periods * (mean.mean() / sd));  // the tearsheet's order
  }
  return out;
}

PerformanceStats compute_performance(std::span<const Day> dates, std::span<const double> equity, Mode mode,
                                     StatsDetail detail) {
  PerformanceStats s;
  const std::size_t n = equity.size();
  s.points = n;
  if (n == 0) return s;
  s.first_day = dates.front();
  s.last_day = dates.back();

  s.returns.resize(n);
  s.returns[0] = 0.0;
  {
    double* __restrict const returns = s.returns.data();  // distinct from `equity`: vectorises
    const double* __restrict const values = equity.data();
    for (std::size_t i = 1; i < n; ++i) returns[i] = values[i] / values[i - 1] - 1.0;
  }
  s.cum_returns.resize(n);
  if (mode == Mode::qstrader) {  // QSTrader: exp(cumsum(log(1 + r)))
    double log_sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      log_sum += std::log(1.0 + s.returns[i]);
      s.cum_returns[i] = std::exp(log_sum);
    }
  } else {  // exact: no rounding accumulates, so a curve back at its high has no drawdown
    for (std::size_t i = 0; i < n; ++i) s.cum_returns[i] = equity[i] / equity[0];
  }

  // Periods per year: QSTrader's 252, or the curve's own density of trading days.
  const double calendar_years = static_cast<double>(s.last_day - s.first_day) / 365.25;
  if (mode == Mode::strict && n > 1 && calendar_years > 0.0) {
    s.periods_per_year = static_cast<double>(n - 1) / calendar_years;
  }
  const double sqrt_periods = std::sqrt(s.periods_per_year);

  s.total_return = finite_or_null(s.cum_returns.back() - 1.0);
  if (mode == Mode::qstrader) {
    s.cagr = finite_or_null(std::pow(s.cum_returns.back(), 1.0 / (static_cast<double>(n) / 252.0)) - 1.0);
  } else if (calendar_years > 0.0) {
    s.cagr = finite_or_null(std::pow(s.cum_returns.back(), 1.0 / calendar_years) - 1.0);
  }

  const double mean = np_mean(s.returns);
  // np_std(returns, 0) and np_std(returns, 1): the same sum, two divisors.
  const double squares = squared_deviations(s.returns, mean);
  const double std0 = std::sqrt(squares / static_cast<double>(n));
  const double std1 = n > 1 ? std::sqrt(squares / static_cast<double>(n - 1)) : kNaN;
  s.mean_return = finite_or_null(mean);
  s.stdev_return = finite_or_null(std0);
  if (n > 1) {
    s.annual_volatility = finite_or_null(std1 * sqrt_periods);
    s.annual_volatility_ddof0 = finite_or_null(std0 * sqrt_periods);
  }
  // Ratios over an undefined (overflowed) deviation are undefined too, not 0.
  if (std0 > 0.0 && std::isfinite(std0)) s.sharpe = finite_or_null(sqrt_periods * mean / std0);
  std::vector<double> negative(n);
  std::size_t negatives = 0;
  for (double r : s.returns) {  // branch-free: returns' signs are unpredictable
    negative[negatives] = r;
    negatives += r < 0.0;
  }
  negative.resize(negatives);
  const double downside = np_std(negative, 0);
  if (!negative.empty() && downside > 0.0 && std::isfinite(downside))
    s.sortino = finite_or_null(sqrt_periods * mean / downside);

  // Drawdowns: the high-water mark starts at 0 and C[0] never enters it (QSTrader).
  // Three passes: the serial high-water marks, the divisions (independent: they vectorise), then
  // the maximum and the longest run.
  s.drawdown.assign(n, 0.0);
  {
    double* __restrict const drawdown = s.drawdown.data();
    const double* __restrict const cum = s.cum_returns.data();
    double hwm = 0.0;
    for (std::size_t i = 1; i < n; ++i) drawdown[i] = hwm = std::max(hwm, cum[i]);
    for (std::size_t i = 1; i < n; ++i) drawdown[i] = (drawdown[i] - cum[i]) / drawdown[i];
  }
  std::size_t run = 0;
  for (std::size_t i = 1; i < n; ++i) {
    s.max_drawdown = std::max(s.max_drawdown, s.drawdown[i]);
    run = (run + 1) * static_cast<std::size_t>(s.drawdown[i] != 0.0);  // branch-free
    s.max_drawdown_duration = std::max(s.max_drawdown_duration, run);
  }

  const double years = mode == Mode::qstrader ? static_cast<double>(n) / 252.0 : calendar_years;
  if (years > 0.0) s.years = years;
  if (s.cagr && s.max_drawdown > 0.0) s.calmar = finite_or_null(*s.cagr / s.max_drawdown);
  if (detail == StatsDetail::core) return s;

  // Monthly and yearly compounded returns, in date order.
  std::vector<CivilDate> civil(n);
  for (std::size_t i = 0; i < n; ++i) civil[i] = civil_from_day(dates[i]);
  std::size_t begin = 0;
  for (std::size_t i = 1; i <= n; ++i) {
    const CivilDate& prev = civil[i - 1];
    if (i < n && civil[i].year == prev.year && civil[i].month == prev.month) continue;
    s.monthly_returns.push_back({prev.year, prev.month, compound(std::span(s.returns).subspan(begin, i - begin))});
    begin = i;
  }
  begin = 0;
  for (std::size_t i = 1; i <= n; ++i) {
    const int prev = civil[i - 1].year;
    if (i < n && civil[i].year == prev) continue;
    s.yearly_returns.push_back({prev, 0, compound(std::span(s.returns).subspan(begin, i - begin))});
    begin = i;
  }

  const std::vector<double> monthly = values_of(s.monthly_returns);
  const std::vector<double> yearly = values_of(s.yearly_returns);
  s.daily_quantiles = quantiles_of(s.returns);
  s.monthly_quantiles = quantiles_of(monthly);
  s.yearly_quantiles = quantiles_of(yearly);

  if (n > 1) {
    const auto real_returns = std::span<const double>(s.returns).subspan(1);
    s.best_day = max_of(real_returns);
    s.worst_day = min_of(real_returns);
    s.best_month = max_of(monthly);
    s.worst_month = min_of(monthly);
    s.best_year = max_of(yearly);
    s.worst_year = min_of(yearly);
  }
  return s;
}

}  // namespace qsweep
