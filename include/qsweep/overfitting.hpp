// How much of a sweep's best result is luck: the deflated Sharpe ratio (Bailey & López de Prado,
// 2014, "The Deflated Sharpe Ratio: Correcting for Selection Bias, Backtest Overfitting and
// Non-Normality") and the probability of backtest overfitting by combinatorially symmetric
// cross-validation (Bailey, Borwein, López de Prado & Zhu, 2015, "The Probability of Backtest
// Overfitting"). Pure functions of their inputs; thread-safe; results never hold NaN.
//
// Units: every Sharpe ratio in this header is PER PERIOD (not annualised), as in both papers:
// SR = mean(r) / stdev(r) of the per-period (e.g. daily) returns r, stdev with ddof 1 (the same
// estimator as PerformanceStats::sharpe before its sqrt(periods_per_year) factor). To convert an
// annualised Sharpe SR_a over P periods per year: SR = SR_a / sqrt(P); a variance of annualised
// Sharpe ratios V_a converts as V = V_a / P. T is the number of returns an SR was estimated from.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace qsweep {

// The standard normal distribution function Φ(x) = P(Z <= x) (via std::erfc; relative error
// about 1e-16). Φ(-inf) = 0, Φ(+inf) = 1, NaN for NaN.
double normal_cdf(double x) noexcept;
// Its inverse Φ^{-1}(p), by Wichura's algorithm AS 241 (1988; relative error about 1e-16).
// -inf at p = 0, +inf at p = 1, NaN for p outside [0, 1] or NaN.
double normal_quantile(double p) noexcept;

// A statistic's value, or why it is undefined for the given input (a plain-language sentence
// for reports, e.g. "needs at least 2 trials, got 1"). Exactly one of the two is set.
template <class T>
struct StatResult {
  std::optional<T> value;
  std::string undefined_because;
  explicit operator bool() const noexcept { return value.has_value(); }
};

// ---- Deflated Sharpe ratio -------------------------------------------------------------------

// The Euler–Mascheroni constant γ.
inline constexpr double kEulerGamma = 0.57721566490153286061;

// Expected maximum of the estimated Sharpe ratios of N independent trials whose true Sharpe is 0
// and whose estimates have variance V (per-period Sharpe, squared):
//   E[max] ≈ sqrt(V) * ((1 - γ) Φ^{-1}(1 - 1/N) + γ Φ^{-1}(1 - 1/(N e))).
// N = 1 gives 0 (nothing was selected). Undefined for N = 0 or V negative or not finite.
StatResult<double> expected_max_sharpe(std::size_t trials, double sharpe_variance);

// A Sharpe ratio estimate and the shape of the returns it came from.
struct SharpeEstimate {
  double sharpe = 0.0;           // per-period SR
  std::size_t observations = 0;  // T, the number of returns
  double skewness = 0.0;         // γ3 of the returns (0 for normal returns)
  double kurtosis = 3.0;         // γ4 of the returns, NOT excess (3 for normal returns)
};

// Probabilistic Sharpe ratio: the probability that the true Sharpe exceeds `benchmark_sharpe`
// (per period), PSR(SR*) = Φ((SR - SR*) sqrt(T - 1) / sqrt(1 - γ3 SR + (γ4 - 1)/4 SR²)).
// Undefined when T < 2, an input is not finite, or 1 - γ3 SR + (γ4 - 1)/4 SR² <= 0 (Pearson's
// inequality γ4 >= 1 + γ3² keeps it >= 0 for the moments of any data).
StatResult<double> probabilistic_sharpe_ratio(const SharpeEstimate& estimate, double benchmark_sharpe);

struct DeflatedSharpe {
  double expected_max_sharpe = 0.0;  // SR* = E[max] for the trials, per period
  double probability = 0.0;          // DSR = PSR(SR*), in [0, 1]
};

// The deflated Sharpe ratio of the selected trial among `trials` trials whose per-period Sharpe
// ratios have variance `trial_sharpe_variance` (ignored when trials = 1). A DSR below 0.95 means
// the selected Sharpe is not significant at 5% once the number of trials is accounted for.
StatResult<DeflatedSharpe> deflated_sharpe_ratio(const SharpeEstimate& selected, std::size_t trials,
                                                 double trial_sharpe_variance);

// Moments of per-period returns, as the DSR needs them (population skewness and kurtosis).
struct ReturnMoments {
  std::size_t count = 0;  // T
  double mean = 0.0;
  double stdev = 0.0;     // ddof 1
  double sharpe = 0.0;    // mean / stdev (ddof 1), per period
  double skewness = 0.0;  // m3 / m2^1.5 with central moments m_k = mean((r - mean)^k)
  double kurtosis = 3.0;  // m4 / m2², not excess
};
// Undefined for fewer than 2 returns, a non-finite return, or returns that are all equal.
StatResult<ReturnMoments> return_moments(std::span<const double> returns);

// DSR from data: the selected trial's per-period returns (for an equity curve from
// compute_performance, drop the leading r0 = 0) and the per-period Sharpe ratios of ALL trials,
// the selected one included (N = trial_sharpes.size(); their variance uses ddof 1).
StatResult<DeflatedSharpe> deflated_sharpe_from_returns(std::span<const double> selected_returns,
                                                        std::span<const double> trial_sharpes);

// ---- Probability of backtest overfitting (CSCV) ----------------------------------------------

// A read-only view of a T × N matrix of per-period returns (T periods, N trials): element
// (t, n) is data[t * period_stride + n * trial_stride]. The data must outlive the view.
struct ReturnMatrix {
  std::span<const double> data;
  std::size_t periods = 0;  // T
  std::size_t trials = 0;   // N
  std::size_t period_stride = 0;
  std::size_t trial_stride = 0;

  // Each period's returns for all trials contiguous: data[t * trials + n].
  static ReturnMatrix period_major(std::span<const double> data, std::size_t periods, std::size_t trials) {
    return {data, periods, trials, trials, 1};
  }
  // Each trial's whole series contiguous: data[n * periods + t].
  static ReturnMatrix trial_major(std::span<const double> data, std::size_t periods, std::size_t trials) {
    return {data, periods, trials, 1, periods};
  }
  double operator()(std::size_t t, std::size_t n) const noexcept {
    return data[t * period_stride + n * trial_stride];
  }
};

// How trials are ranked within a set of periods.
enum class PboMetric {
  sharpe,       // mean / stdev of the set's returns (any ddof ranks the same: trials share the rows);
                // zero variance ranks as +inf / -inf by the mean's sign, or 0 if all returns are 0
  mean_return,  // mean of the set's returns
};

struct PboOptions {
  // S: the T periods are cut into S contiguous blocks, block b = periods [b*T/S, (b+1)*T/S)
  // (integer division, so sizes differ by at most one). S must be even, 2 <= S <= 24, and
  // S <= T. The default 16 gives C(16, 8) = 12,870 combinations, as in the paper's examples.
  std::size_t partitions = 16;
  PboMetric metric = PboMetric::sharpe;
  // Worker threads (0 is taken as 1). The result does not depend on it.
  std::size_t threads = 1;
};

struct PboResult {
  // PBO: the fraction of combinations whose logit λ <= 0, i.e. whose in-sample best trial ranks
  // at or below the out-of-sample median.
  double probability = 0.0;
  // λ_c = ln(ω_c / (1 - ω_c)) per combination c, with ω_c = rank / (N + 1) the relative rank
  // out of sample of the in-sample best trial (rank 1 = worst, N = best; ties take the average
  // rank). Combination order: the in-sample block sets as itertools.combinations(range(S), S/2).
  std::vector<double> logits;
  std::size_t combinations = 0;  // C(S, S/2)
  std::size_t partitions = 0;    // S
};

// CSCV: for every choice of S/2 blocks as the in-sample set (the other blocks out of sample),
// the trial with the best in-sample metric (ties: the lowest trial index) is ranked among all
// trials on the out-of-sample metric. Undefined for N < 2, T < S, an S out of range, a data span
// too short for the strides, or a non-finite return. Cost O(T·N + C(S, S/2)·S·N).
StatResult<PboResult> probability_of_backtest_overfitting(const ReturnMatrix& returns,
                                                          const PboOptions& options = {});

// The sufficient statistics of CSCV: for every block b of contiguous periods and trial n, the
// sum and the sum of squares of the trial's returns over the block, added in period order
// (sum[b * trials + n]); rows[b] is the block's number of periods. Lets a sweep keep S × 2
// numbers per variant instead of its whole return series.
struct BlockReturnSums {
  std::size_t trials = 0;
  std::vector<double> sum;
  std::vector<double> sum_sq;
  std::vector<double> rows;
};

// The same CSCV from block sums; S = rows.size() (options.partitions is ignored). Gives exactly
// the matrix version's result when the blocks are the matrix's [b*T/S, (b+1)*T/S).
StatResult<PboResult> probability_of_backtest_overfitting(const BlockReturnSums& blocks,
                                                          const PboOptions& options = {});

}  // namespace qsweep
