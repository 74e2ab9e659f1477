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

}  // namespace

double pairwise_sum(std::span<const double> a) noexcept {
  const std::size_t n = a.size();
  if (n < 8) {
    double res = -0.0;
    for (double v : a) res += v;
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[static_cast<std::size_t>(j)];
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (std::size_t j = 0; j < 8; ++j) r[j] += a[i + j];
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum(a.subspan(0, n2)) + pairwise_sum(a.subspan(n2));
}

double np_mean(std::span<const double> values) noexcept {
  if (values.empty()) return kNaN;
  return pairwise_sum(values) / static_cast<double>(values.size());
}

double np_std(std::span<const double> values, int ddof) noexcept {
  const auto n = static_cast<std::ptrdiff_t>(values.size());
  if (n - ddof <= 0) return kNaN;
  const double mean = np_mean(values);
  std::vector<double> sq(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double d = values[i] - mean;
    sq[i] = d * d;
  }
  return std::sqrt(pairwise_sum(sq) / static_cast<double>(n - ddof));
}

double np_percentile(std::vector<double> values, double q) {
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const double pos = (static_cast<double>(values.size()) - 1.0) * q / 100.0;
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  const double t = pos - static_cast<double>(lo);
  const double a = values[lo];
  const double b = values[hi];
  const double diff = b - a;
  // numpy's _lerp: a + diff*t, or b - diff*(1-t) for t >= 0.5.
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

PerformanceStats compute_performance(std::span<const Day> dates, std::span<const double> equity, Mode mode) {
  PerformanceStats s;
  const std::size_t n = equity.size();
  s.points = n;
  if (n == 0) return s;
  s.first_day = dates.front();
  s.last_day = dates.back();

  s.returns.resize(n);
  s.returns[0] = 0.0;
  for (std::size_t i = 1; i < n; ++i) s.returns[i] = equity[i] / equity[i - 1] - 1.0;
  s.cum_returns.resize(n);
  double log_sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    log_sum += std::log(1.0 + s.returns[i]);
    s.cum_returns[i] = std::exp(log_sum);
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
  const double std0 = np_std(s.returns, 0);
  const double std1 = np_std(s.returns, 1);
  s.mean_return = finite_or_null(mean);
  s.stdev_return = finite_or_null(std0);
  if (n > 1) {
    s.annual_volatility = finite_or_null(std1 * sqrt_periods);
    s.annual_volatility_ddof0 = finite_or_null(std0 * sqrt_periods);
  }
  if (std0 > 0.0) s.sharpe = finite_or_null(sqrt_periods * mean / std0);
  std::vector<double> negative;
  for (double r : s.returns)
    if (r < 0.0) negative.push_back(r);
  const double downside = np_std(negative, 0);
  if (!negative.empty() && downside > 0.0) s.sortino = finite_or_null(sqrt_periods * mean / downside);

  // Drawdowns: the high-water mark starts at 0 and C[0] never enters it (QSTrader).
  s.drawdown.assign(n, 0.0);
  double hwm = 0.0;
  std::size_t run = 0;
  for (std::size_t i = 1; i < n; ++i) {
    hwm = std::max(hwm, s.cum_returns[i]);
    s.drawdown[i] = (hwm - s.cum_returns[i]) / hwm;
    s.max_drawdown = std::max(s.max_drawdown, s.drawdown[i]);
    run = s.drawdown[i] != 0.0 ? run + 1 : 0;
    s.max_drawdown_duration = std::max(s.max_drawdown_duration, run);
  }

  // Monthly and yearly compounded returns, in date order.
  std::size_t begin = 0;
  for (std::size_t i = 1; i <= n; ++i) {
    const CivilDate prev = civil_from_day(dates[i - 1]);
    if (i < n) {
      const CivilDate cur = civil_from_day(dates[i]);
      if (cur.year == prev.year && cur.month == prev.month) continue;
    }
    s.monthly_returns.push_back({prev.year, prev.month, compound(std::span(s.returns).subspan(begin, i - begin))});
    begin = i;
  }
  begin = 0;
  for (std::size_t i = 1; i <= n; ++i) {
    const int prev = civil_from_day(dates[i - 1]).year;
    if (i < n && civil_from_day(dates[i]).year == prev) continue;
    s.yearly_returns.push_back({prev, 0, compound(std::span(s.returns).subspan(begin, i - begin))});
    begin = i;
  }
  return s;
}

}  // namespace qsweep
