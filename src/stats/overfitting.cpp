#include "qsweep/overfitting.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numbers>
#include <thread>
#include <unordered_map>

namespace qsweep {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

template <class T>
StatResult<T> undefined(std::string why) {
  return {std::nullopt, std::move(why)};
}

// Horner evaluation of c[0] + c[1] x + ... + c[7] x^7.
double poly7(const double (&c)[8], double x) noexcept {
  double v = c[7];
  for (int i = 6; i >= 0; --i) v = v * x + c[i];
  return v;
}

}  // namespace

double normal_cdf(double x) noexcept { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

double normal_quantile(double p) noexcept {
  // Wichura, "Algorithm AS 241: The Percentage Points of the Normal Distribution", Applied
  // Statistics 37(3), 1988, 477-484 (PPND16): three rational approximations of degree 7.
  static constexpr double a[8] = {
      3.3871328727963666080e0, 1.3314166789178437745e+2, 1.9715909503065514427e+3, 1.3731693765509461125e+4,
      4.5921953931549871457e+4, 6.7265770927008700853e+4, 3.3430575583588128105e+4, 2.5090809287301226727e+3};
  static constexpr double b[8] = {
      1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2, 5.3941960214247511077e+3,
      2.1213794301586595867e+4, 3.9307895800092710610e+4, 2.8729085735721942674e+4, 5.2264952788528545610e+3};
  static constexpr double c[8] = {
      1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0, 3.64784832476320460504e0,
      1.27045825245236838258e0, 2.41780725177450611770e-1, 2.27238449892691845833e-2, 7.74545014278341407640e-4};
  static constexpr double d[8] = {
      1.0, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
      1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4, 1.05075007164441684324e-9};
  static constexpr double e[8] = {
      6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0, 2.96560571828504891230e-1,
      2.65321895265761230930e-2, 1.24266094738807843860e-3, 2.71155556874348757815e-5, 2.01033439929228813265e-7};
  static constexpr double f[8] = {
      1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
      7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7, 2.04426310338993978564e-15};
  if (!(p >= 0.0 && p <= 1.0)) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0.0) return -kInf;
  if (p == 1.0) return kInf;
  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q * poly7(a, r) / poly7(b, r);
  }
  double r = std::sqrt(-std::log(q < 0.0 ? p : 1.0 - p));
  double value = 0.0;
  if (r <= 5.0) {
    r -= 1.6;
    value = poly7(c, r) / poly7(d, r);
  } else {
    r -= 5.0;
    value = poly7(e, r) / poly7(f, r);
  }
  return q < 0.0 ? -value : value;
}

// ---- Deflated Sharpe ratio -------------------------------------------------------------------

StatResult<double> expected_max_sharpe(std::size_t trials, double sharpe_variance) {
  if (trials == 0) return undefined<double>("needs at least 1 trial, got 0");
  if (!std::isfinite(sharpe_variance) || sharpe_variance < 0.0)
    return undefined<double>("the variance of the trials' Sharpe ratios is negative or not finite");
  if (trials == 1) return {0.0, {}};
  const double n = static_cast<double>(trials);
  const double z = (1.0 - kEulerGamma) * normal_quantile(1.0 - 1.0 / n) +
                   kEulerGamma * normal_quantile(1.0 - 1.0 / (n * std::numbers::e));
  return {std::sqrt(sharpe_variance) * z, {}};
}

StatResult<double> probabilistic_sharpe_ratio(const SharpeEstimate& estimate, double benchmark_sharpe) {
  const double sr = estimate.sharpe;
  if (estimate.observations < 2)
    return undefined<double>(fmt::format("needs at least 2 returns, got {}", estimate.observations));
  if (!std::isfinite(sr) || !std::isfinite(benchmark_sharpe) || !std::isfinite(estimate.skewness) ||
      !std::isfinite(estimate.kurtosis))
    return undefined<double>("a Sharpe ratio, skewness or kurtosis is not finite");
  const double variance_term = 1.0 - estimate.skewness * sr + (estimate.kurtosis - 1.0) / 4.0 * sr * sr;
  if (!(variance_term > 0.0))
    return undefined<double>(
        "the Sharpe ratio's variance term 1 - skew*SR + (kurtosis-1)/4*SR^2 is not positive");
  const double t = static_cast<double>(estimate.observations);
  return {normal_cdf((sr - benchmark_sharpe) * std::sqrt(t - 1.0) / std::sqrt(variance_term)), {}};
}

StatResult<DeflatedSharpe> deflated_sharpe_ratio(const SharpeEstimate& selected, std::size_t trials,
                                                 double trial_sharpe_variance) {
  const StatResult<double> benchmark = expected_max_sharpe(trials, trials == 1 ? 0.0 : trial_sharpe_variance);
  if (!benchmark) return undefined<DeflatedSharpe>(benchmark.undefined_because);
  const StatResult<double> psr = probabilistic_sharpe_ratio(selected, *benchmark.value);
  if (!psr) return undefined<DeflatedSharpe>(psr.undefined_because);
  return {DeflatedSharpe{*benchmark.value, *psr.value}, {}};
}

StatResult<ReturnMoments> return_moments(std::span<const double> returns) {
  const std::size_t n = returns.size();
  if (n < 2) return undefined<ReturnMoments>(fmt::format("needs at least 2 returns, got {}", n));
  double sum = 0.0;
  for (double r : returns) {
    if (!std::isfinite(r)) return undefined<ReturnMoments>("a return is not finite");
    sum += r;
  }
  const double count = static_cast<double>(n);
  const double mean = sum / count;
  double m2 = 0.0, m3 = 0.0, m4 = 0.0;
  for (double r : returns) {
    const double d = r - mean;
    const double d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  if (!(m2 > 0.0)) return undefined<ReturnMoments>("all returns are equal");
  m2 /= count;
  m3 /= count;
  m4 /= count;
  ReturnMoments out;
  out.count = n;
  out.mean = mean;
  out.stdev = std::sqrt(m2 * count / (count - 1.0));
  out.sharpe = mean / out.stdev;
  out.skewness = m3 / std::pow(m2, 1.5);
  out.kurtosis = m4 / (m2 * m2);
  return {out, {}};
}

StatResult<DeflatedSharpe> deflated_sharpe_from_returns(std::span<const double> selected_returns,
                                                        std::span<const double> trial_sharpes) {
  const StatResult<ReturnMoments> moments = return_moments(selected_returns);
  if (!moments) return undefined<DeflatedSharpe>("selected trial: " + moments.undefined_because);
  const std::size_t n = trial_sharpes.size();
  if (n == 0) return undefined<DeflatedSharpe>("needs at least 1 trial, got 0");
  double variance = 0.0;
  if (n > 1) {
    double sum = 0.0;
    for (double s : trial_sharpes) {
      if (!std::isfinite(s)) return undefined<DeflatedSharpe>("a trial's Sharpe ratio is not finite");
      sum += s;
    }
    const double mean = sum / static_cast<double>(n);
    for (double s : trial_sharpes) variance += (s - mean) * (s - mean);
    variance /= static_cast<double>(n - 1);
  }
  const ReturnMoments& m = *moments.value;
  return deflated_sharpe_ratio(SharpeEstimate{m.sharpe, m.count, m.skewness, m.kurtosis}, n, variance);
}

// ---- Probability of backtest overfitting (CSCV) ----------------------------------------------

namespace {

std::size_t binomial(std::size_t n, std::size_t k) {
  std::size_t out = 1;
  for (std::size_t i = 1; i <= k; ++i) out = out * (n - k + i) / i;  // exact at every step
  return out;
}

// Per-block sums (sum[b * N + n]) with each trial's totals over all blocks.
struct BlockSums {
  std::size_t trials = 0;
  std::vector<double> sum;
  std::vector<double> sum_sq;
  std::vector<double> rows;   // periods per block
  std::vector<double> total;  // per trial, over all blocks
  std::vector<double> total_sq;
  double total_rows = 0.0;
};

// Four doubles and four 64-bit lanes (GCC/Clang vector extensions): one AVX2 register in
// logits_for's AVX2 clone, two SSE2 or NEON registers elsewhere. A true comparison lane is -1.
// Helpers take vectors by reference: passing or returning them by value changes the ABI with AVX.
using Doubles = double __attribute__((vector_size(32)));
using Lanes = std::int64_t __attribute__((vector_size(32)));
constexpr std::size_t kWidth = 4;

[[gnu::always_inline]] inline void load4(Doubles& out, const double* p) noexcept { std::memcpy(&out, p, sizeof out); }

// The key that orders trials as the metric does over a set of `rows` periods, from a trial's sum
// s and sum of squares q over them. Sharpe: SR = s / sqrt(rows q - s²), and the key is SR·|SR| =
// s|s| / (rows q - s²) (same order, no square root). Zero variance gives ±inf by the sign of s,
// or 0 when every return is 0. Mean return: s (every trial has the same rows).
template <PboMetric kMetric>
[[gnu::always_inline]] inline double key_of(double s, double q, double rows) noexcept {
  if constexpr (kMetric == PboMetric::mean_return) {
    return s;
  } else {
    const double rows_q = rows * q;
    const double spread = rows_q - s * s;  // rows² × variance (ddof 0)
    // Constant returns leave only rounding noise (about 1e-16 × rows × rows_q) in `spread`;
    // real returns have stdev / |mean| far above 1e-5.
    if (spread <= 1e-10 * rows_q) return s == 0.0 ? 0.0 : std::copysign(kInf, s);
    return s * std::fabs(s) / spread;
  }
}

// key_of for four trials at once, with the same operations in the same order.
template <PboMetric kMetric>
[[gnu::always_inline]] inline void keys_of(Doubles& out, const Doubles& s, const Doubles& q, double rows) noexcept {
  if constexpr (kMetric == PboMetric::mean_return) {
    out = s;
  } else {
    const Lanes sign_bit = {INT64_MIN, INT64_MIN, INT64_MIN, INT64_MIN};
    const Lanes s_bits = __builtin_bit_cast(Lanes, s);
    const Doubles rows_q = rows * q;
    const Doubles spread = rows_q - s * s;
    const Doubles key = s * __builtin_bit_cast(Doubles, s_bits & ~sign_bit) / spread;
    const Lanes signed_inf = (s_bits & sign_bit) | __builtin_bit_cast(std::int64_t, kInf);
    const Lanes flat = s == 0.0 ? Lanes{0, 0, 0, 0} : signed_inf;  // +0.0 has no bits set
    out = spread <= 1e-10 * rows_q ? __builtin_bit_cast(Doubles, flat) : key;
  }
}

// Running first-largest over keys seen four at a time: a strict `>` keeps each lane's first.
struct FirstMax {
  Doubles best = {-kInf, -kInf, -kInf, -kInf};
  Lanes index = {0, 1, 2, 3};  // lane j starts at key j, which is >= -inf
  [[gnu::always_inline]] void see(const Doubles& keys, const Lanes& at) noexcept {
    const Lanes greater = keys > best;
    best = greater ? keys : best;
    index = greater ? at : index;
  }
  // The first largest of keys[0, n): the lanes' best (lowest index among equals), then the
  // scalar tail from `vector_end`. Needs n >= kWidth when any vector was seen.
  [[gnu::always_inline]] std::size_t result(const double* keys, std::size_t vector_end, std::size_t n) const noexcept {
    std::size_t first = 0;
    if (vector_end > 0) {
      first = static_cast<std::size_t>(index[0]);
      for (std::size_t lane = 1; lane < kWidth; ++lane) {
        const auto at = static_cast<std::size_t>(index[lane]);
        if (keys[at] > keys[first] || (keys[at] == keys[first] && at < first)) first = at;
      }
    }
    for (std::size_t i = vector_end == 0 ? 1 : vector_end; i < n; ++i)
      if (keys[i] > keys[first]) first = i;
    return first;
  }
};

// Trials below and equal to a chosen key, counted four lanes at a time.
struct RankCount {
  double chosen;
  Doubles target = {0.0, 0.0, 0.0, 0.0};
  Lanes below = {0, 0, 0, 0}, equal = {0, 0, 0, 0};
  explicit RankCount(double chosen_key) noexcept : chosen(chosen_key) { target += chosen; }
  [[gnu::always_inline]] void see(const Doubles& keys) noexcept {
    below -= keys < target;
    equal -= keys == target;
  }
  // λ = logit of the relative rank of the chosen key among n, with the scalar tail from
  // `vector_end`: ties count half, as in the paper's relative rank ω = rank / (n + 1).
  [[gnu::always_inline]] double logit(const double* keys, std::size_t vector_end, std::size_t n) const noexcept {
    auto below_count = static_cast<std::size_t>(below[0] + below[1] + below[2] + below[3]);
    auto equal_count = static_cast<std::size_t>(equal[0] + equal[1] + equal[2] + equal[3]);
    for (std::size_t i = vector_end; i < n; ++i) {
      below_count += keys[i] < chosen;
      equal_count += keys[i] == chosen;
    }
    const double rank = static_cast<double>(below_count) + (static_cast<double>(equal_count) + 1.0) / 2.0;
    const double omega = rank / (static_cast<double>(n) + 1.0);
    return std::log(omega / (1.0 - omega));
  }
};

// The λ of combination c and of its complement complement[c], for each c in [first, last) of the
// combinations that hold block 0 (`picks`: the S/2 blocks of each combination, increasing). The
// sums over a combination's blocks add them in increasing order, starting from 0; the sums over
// its complement are the totals minus them. Consecutive combinations share their leading
// blocks, so the partial sums of those are kept (one level per block) and reused. One pass
// computes both halves' keys and their first largest; a second counts the ranks.
// On x86-64, GCC also compiles an AVX2 version, chosen at load time when the CPU has AVX2 (the
// four-lane vectors fit one register); other targets and older CPUs run the baseline.
template <PboMetric kMetric>
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
void logits_for(const BlockSums& blocks, std::size_t half, const std::vector<unsigned char>& picks,
                const std::vector<std::size_t>& complement, std::size_t first, std::size_t last,
                std::vector<double>& logits) {
  const std::size_t n = blocks.trials;
  const std::size_t vector_end = n - n % kWidth;
  std::vector<double> level_sum(half * n), level_sq(half * n);
  std::vector<double> keys(n), other_keys(n);
  const unsigned char* previous = nullptr;
  for (std::size_t c = first; c < last; ++c) {
    const unsigned char* pick = picks.data() + c * half;
    std::size_t d = 0;
    if (previous != nullptr)
      while (pick[d] == previous[d]) ++d;  // combinations differ, so d < half
    previous = pick;
    for (; d < half; ++d) {
      const double* block_sum = blocks.sum.data() + pick[d] * n;
      const double* block_sq = blocks.sum_sq.data() + pick[d] * n;
      double* sum = level_sum.data() + d * n;
      double* sq = level_sq.data() + d * n;
      const double* prior_sum = d == 0 ? nullptr : sum - n;
      const double* prior_sq = d == 0 ? nullptr : sq - n;
      for (std::size_t i = 0; i < n; ++i) {
        sum[i] = (prior_sum ? prior_sum[i] : 0.0) + block_sum[i];
        sq[i] = (prior_sq ? prior_sq[i] : 0.0) + block_sq[i];
      }
    }
    const double* sum = level_sum.data() + (half - 1) * n;
    const double* sq = level_sq.data() + (half - 1) * n;
    double rows = 0.0;
    for (std::size_t k = 0; k < half; ++k) rows += blocks.rows[pick[k]];
    const double other_rows = blocks.total_rows - rows;

    FirstMax best, other_best;
    Lanes at = {0, 1, 2, 3};
    const Lanes step = {kWidth, kWidth, kWidth, kWidth};
    for (std::size_t i = 0; i < vector_end; i += kWidth, at += step) {
      Doubles s, q, total_s, total_q, key, other_key;
      load4(s, sum + i);
      load4(q, sq + i);
      load4(total_s, blocks.total.data() + i);
      load4(total_q, blocks.total_sq.data() + i);
      keys_of<kMetric>(key, s, q, rows);
      keys_of<kMetric>(other_key, total_s - s, total_q - q, other_rows);
      std::memcpy(keys.data() + i, &key, sizeof key);
      std::memcpy(other_keys.data() + i, &other_key, sizeof other_key);
      best.see(key, at);
      other_best.see(other_key, at);
    }
    for (std::size_t i = vector_end; i < n; ++i) {
      keys[i] = key_of<kMetric>(sum[i], sq[i], rows);
      other_keys[i] = key_of<kMetric>(blocks.total[i] - sum[i], blocks.total_sq[i] - sq[i], other_rows);
    }
    // In sample on c's blocks, the best is ranked out of sample on the others; and the reverse.
    RankCount rank(other_keys[best.result(keys.data(), vector_end, n)]);
    RankCount other_rank(keys[other_best.result(other_keys.data(), vector_end, n)]);
    for (std::size_t i = 0; i < vector_end; i += kWidth) {
      Doubles key, other_key;
      load4(key, keys.data() + i);
      load4(other_key, other_keys.data() + i);
      rank.see(other_key);
      other_rank.see(key);
    }
    logits[c] = rank.logit(other_keys.data(), vector_end, n);
    logits[complement[c]] = other_rank.logit(keys.data(), vector_end, n);
  }
}

// logits_for with the metric fixed at compile time.
void logits_for(PboMetric metric, const BlockSums& blocks, std::size_t half, const std::vector<unsigned char>& picks,
                const std::vector<std::size_t>& complement, std::size_t first, std::size_t last,
                std::vector<double>& logits) {
  if (metric == PboMetric::mean_return)
    logits_for<PboMetric::mean_return>(blocks, half, picks, complement, first, last, logits);
  else
    logits_for<PboMetric::sharpe>(blocks, half, picks, complement, first, last, logits);
}

}  // namespace

StatResult<PboResult> probability_of_backtest_overfitting(const ReturnMatrix& m, const PboOptions& options) {
  const std::size_t s = options.partitions;
  const std::size_t t_count = m.periods;
  const std::size_t n = m.trials;
  if (s < 2 || s > 24 || s % 2 != 0)
    return undefined<PboResult>(
        fmt::format("the number of partitions S must be even and in [2, 24], got {}", s));
  if (n < 2) return undefined<PboResult>(fmt::format("needs at least 2 trials, got {}", n));
  if (t_count < s)
    return undefined<PboResult>(fmt::format("needs at least S = {} periods, got {}", s, t_count));
  if ((t_count - 1) * m.period_stride + (n - 1) * m.trial_stride >= m.data.size())
    return undefined<PboResult>(fmt::format(
        "the return matrix holds {} values, too few for {} periods x {} trials", m.data.size(), t_count, n));

  BlockReturnSums blocks;
  blocks.trials = n;
  blocks.sum.assign(s * n, 0.0);
  blocks.sum_sq.assign(s * n, 0.0);
  blocks.rows.assign(s, 0.0);
  std::vector<std::size_t> block_start(s + 1);
  for (std::size_t b = 0; b <= s; ++b) block_start[b] = b * t_count / s;
  for (std::size_t b = 0; b < s; ++b)
    blocks.rows[b] = static_cast<double>(block_start[b + 1] - block_start[b]);
  // Both loop orders add each block's returns in period order, so the sums do not depend on it.
  const bool rows_contiguous = m.trial_stride <= m.period_stride;
  for (std::size_t b = 0; b < s; ++b) {
    double* sum = blocks.sum.data() + b * n;
    double* sq = blocks.sum_sq.data() + b * n;
    if (rows_contiguous) {
      for (std::size_t t = block_start[b]; t < block_start[b + 1]; ++t)
        for (std::size_t i = 0; i < n; ++i) {
          const double r = m(t, i);
          sum[i] += r;
          sq[i] += r * r;
        }
    } else {
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t t = block_start[b]; t < block_start[b + 1]; ++t) {
          const double r = m(t, i);
          sum[i] += r;
          sq[i] += r * r;
        }
    }
  }
  for (std::size_t i = 0; i < s * n; ++i) {
    if (!std::isfinite(blocks.sum[i]) || !std::isfinite(blocks.sum_sq[i])) {
      const std::size_t b = i / n, trial = i % n;
      for (std::size_t t = block_start[b]; t < block_start[b + 1]; ++t)
        if (!std::isfinite(m(t, trial)))
          return undefined<PboResult>(
              fmt::format("the return of trial {} in period {} is not finite", trial, t));
      return undefined<PboResult>(fmt::format("the returns of trial {} overflow", trial));
    }
  }
  return probability_of_backtest_overfitting(blocks, options);
}

StatResult<PboResult> probability_of_backtest_overfitting(const BlockReturnSums& sums, const PboOptions& options) {
  const std::size_t s = sums.rows.size();
  const std::size_t n = sums.trials;
  if (s < 2 || s > 24 || s % 2 != 0)
    return undefined<PboResult>(
        fmt::format("the number of partitions S must be even and in [2, 24], got {}", s));
  if (n < 2) return undefined<PboResult>(fmt::format("needs at least 2 trials, got {}", n));
  if (sums.sum.size() != s * n || sums.sum_sq.size() != s * n)
    return undefined<PboResult>(fmt::format("block sums hold {} values, expected {} blocks x {} trials",
                                            sums.sum.size(), s, n));
  for (double rows : sums.rows)
    if (!(rows >= 1.0)) return undefined<PboResult>("every block needs at least one period");
  BlockSums blocks;
  blocks.trials = n;
  blocks.sum = sums.sum;
  blocks.sum_sq = sums.sum_sq;
  blocks.rows = sums.rows;
  blocks.total.assign(n, 0.0);
  blocks.total_sq.assign(n, 0.0);
  for (double rows : sums.rows) blocks.total_rows += rows;
  for (std::size_t b = 0; b < s; ++b)
    for (std::size_t i = 0; i < n; ++i) {
      blocks.total[i] += blocks.sum[b * n + i];
      blocks.total_sq[i] += blocks.sum_sq[b * n + i];
    }
  for (std::size_t i = 0; i < s * n; ++i) {
    if (!std::isfinite(blocks.sum[i]) || !std::isfinite(blocks.sum_sq[i]) || !std::isfinite(blocks.total_sq[i % n]))
      return undefined<PboResult>(fmt::format("the returns of trial {} are not finite", i % n));
  }

  // The in-sample blocks of every combination, in itertools.combinations(range(S), S/2) order,
  // and the index of each one's complement (the same split with the halves swapped). The
  // combinations that hold block 0 come first and pair with all the others.
  const std::size_t half = s / 2;
  const std::size_t count = binomial(s, half);
  std::vector<unsigned char> picks(count * half);
  std::vector<std::uint32_t> mask_of(count);
  std::vector<unsigned char> pick(half);
  for (std::size_t k = 0; k < half; ++k) pick[k] = static_cast<unsigned char>(k);
  for (std::size_t c = 0; c < count; ++c) {
    std::copy(pick.begin(), pick.end(), picks.begin() + static_cast<std::ptrdiff_t>(c * half));
    for (unsigned char b : pick) mask_of[c] |= std::uint32_t{1} << b;
    std::size_t k = half;  // advance to the next combination
    while (k > 0 && pick[k - 1] == s - half + (k - 1)) --k;
    if (k == 0) break;
    ++pick[k - 1];
    for (std::size_t j = k; j < half; ++j) pick[j] = static_cast<unsigned char>(pick[j - 1] + 1);
  }
  std::unordered_map<std::uint32_t, std::size_t> index_of;
  for (std::size_t c = 0; c < count; ++c) index_of.emplace(mask_of[c], c);
  const std::uint32_t all_blocks = (std::uint32_t{1} << s) - 1;
  const std::size_t pairs = count / 2;  // the combinations with block 0: [0, pairs)
  std::vector<std::size_t> complement(pairs);
  for (std::size_t c = 0; c < pairs; ++c) complement[c] = index_of.at(all_blocks & ~mask_of[c]);

  PboResult result;
  result.combinations = count;
  result.partitions = s;
  result.logits.assign(count, 0.0);
  const std::size_t workers = std::clamp<std::size_t>(options.threads, 1, pairs);
  if (workers == 1) {
    logits_for(options.metric, blocks, half, picks, complement, 0, pairs, result.logits);
  } else {
    std::vector<std::thread> pool;
    for (std::size_t w = 0; w < workers; ++w)
      pool.emplace_back([&, w] {
        logits_for(options.metric, blocks, half, picks, complement, w * pairs / workers,
                   (w + 1) * pairs / workers, result.logits);
      });
    for (std::thread& thread : pool) thread.join();
  }
  const auto overfit =
      std::count_if(result.logits.begin(), result.logits.end(), [](double l) { return l <= 0.0; });
  result.probability = static_cast<double>(overfit) / static_cast<double>(count);
  return {std::move(result), {}};
}

}  // namespace qsweep
