// Strategy statistics relative to a benchmark over their common dates (docs/statistics.md).
#include <cmath>

#include "qsweep/stats.hpp"

namespace qsweep {
namespace {

std::optional<double> finite_or_null(double v) {
  if (std::isfinite(v)) return v;
  return std::nullopt;
}

}  // namespace

RelativeStats compute_relative_stats(std::span<const Day> dates, std::span<const double> equity,
                                     std::span<const Day> benchmark_dates,
                                     std::span<const double> benchmark_equity, double periods_per_year) {
  RelativeStats r;
  // Equity of both curves on each common date, in date order.
  std::vector<double> es;
  std::vector<double> eb;
  for (std::size_t i = 0, j = 0; i < dates.size() && j < benchmark_dates.size();) {
    if (dates[i] < benchmark_dates[j]) {
      ++i;
    } else if (benchmark_dates[j] < dates[i]) {
      ++j;
    } else {
      es.push_back(equity[i++]);
      eb.push_back(benchmark_equity[j++]);
    }
  }
  r.common_points = es.size();
  if (es.size() < kMinRelativeReturns + 1) return r;

  const std::size_t n = es.size() - 1;
  std::vector<double> rs(n);
  std::vector<double> rb(n);
  std::vector<double> active(n);
  for (std::size_t k = 0; k < n; ++k) {
    rs[k] = es[k + 1] / es[k] - 1.0;
    rb[k] = eb[k + 1] / eb[k] - 1.0;
    active[k] = rs[k] - rb[k];
  }
  const double mean_s = np_mean(rs);
  const double mean_b = np_mean(rb);
  std::vector<double> cross(n);
  for (std::size_t k = 0; k < n; ++k) cross[k] = (rs[k] - mean_s) * (rb[k] - mean_b);
  const double dof = static_cast<double>(n - 1);
  const double cov = pairwise_sum(cross) / dof;
  const double std_s = np_std(rs, 1);
  const double std_b = np_std(rb, 1);
  if (std_b > 0.0) {
    r.beta = finite_or_null(cov / (std_b * std_b));
    if (r.beta) r.alpha = finite_or_null((mean_s - *r.beta * mean_b) * periods_per_year);
  }
  if (std_s > 0.0 && std_b > 0.0) r.correlation = finite_or_null(cov / (std_s * std_b));
  const double std_active = np_std(active, 1);
  r.tracking_error = finite_or_null(std_active * std::sqrt(periods_per_year));
  if (std_active > 0.0 && r.tracking_error) {
    r.information_ratio = finite_or_null(np_mean(active) * periods_per_year / *r.tracking_error);
  }
  return r;
}

}  // namespace qsweep
