// Deflated Sharpe ratio and probability of backtest overfitting, against published values, hand
// computations and constructed cases whose answer is known.
#include "qsweep/overfitting.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace qsweep {
namespace {

// Independent values below were computed with this Python 3 script (standard library only;
// statistics.NormalDist gives Φ and Φ^{-1}):
//
//   from statistics import NormalDist
//   import math
//   Z = NormalDist()
//   g = 0.5772156649015329  # Euler-Mascheroni
//   def emax(n, v):
//       return math.sqrt(v) * ((1 - g) * Z.inv_cdf(1 - 1 / n) + g * Z.inv_cdf(1 - 1 / (n * math.e)))
//   def psr(sr, bench, t, skew, kurt):
//       return Z.cdf((sr - bench) * math.sqrt(t - 1) / math.sqrt(1 - skew * sr + (kurt - 1) / 4 * sr * sr))
//   e = emax(100, 0.5 / 250)
//   print(repr(e), repr(psr(2.5 / math.sqrt(250), e, 1250, -3, 10)))
//   print(repr(emax(2, 1.0)))
//   e3 = emax(3, 0.04)
//   print(repr(e3), repr(psr(0.5, e3, 4, 2 / math.sqrt(3), 7 / 3)))
//
// Output:
//   0.11317200186513214 0.9003968344493904
//   0.5197553442805939
//   0.17056089923013895 0.7887734153012613

TEST(NormalDistribution, QuantileMatchesPublishedPercentagePoints) {
  // Standard percentage points of N(0, 1) (e.g. R's qnorm, Abramowitz & Stegun table 26.5).
  EXPECT_EQ(normal_quantile(0.5), 0.0);
  EXPECT_NEAR(normal_quantile(0.9), 1.2815515655446004, 1e-9);
  EXPECT_NEAR(normal_quantile(0.95), 1.6448536269514722, 1e-9);
  EXPECT_NEAR(normal_quantile(0.975), 1.9599639845400540, 1e-9);
  EXPECT_NEAR(normal_quantile(0.99), 2.3263478740408408, 1e-9);
  EXPECT_NEAR(normal_quantile(0.995), 2.5758293035489004, 1e-9);
  EXPECT_NEAR(normal_quantile(0.9995), 3.2905267314919255, 1e-9);
  EXPECT_NEAR(normal_quantile(0.3), -0.5244005127080407, 1e-9);
  EXPECT_NEAR(normal_quantile(0.025), -1.9599639845400540, 1e-9);
  EXPECT_NEAR(normal_quantile(1e-10), -6.3613409024040557, 1e-9);
  EXPECT_EQ(normal_quantile(0.0), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(normal_quantile(1.0), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(normal_quantile(-0.1)));
  EXPECT_TRUE(std::isnan(normal_quantile(1.5)));
  EXPECT_TRUE(std::isnan(normal_quantile(std::numeric_limits<double>::quiet_NaN())));
}

TEST(NormalDistribution, CdfMatchesPublishedValues) {
  EXPECT_EQ(normal_cdf(0.0), 0.5);
  EXPECT_NEAR(normal_cdf(1.0), 0.8413447460685429, 1e-15);
  EXPECT_NEAR(normal_cdf(1.96), 0.9750021048517795, 1e-15);
  EXPECT_NEAR(normal_cdf(2.0), 0.9772498680518208, 1e-15);
  EXPECT_NEAR(normal_cdf(-3.0), 0.0013498980316300945, 1e-17);
  EXPECT_EQ(normal_cdf(-std::numeric_limits<double>::infinity()), 0.0);
  EXPECT_EQ(normal_cdf(std::numeric_limits<double>::infinity()), 1.0);
}

TEST(NormalDistribution, QuantileInvertsCdfIntoTheFarTails) {
  // The CDF comes from erfc, an algorithm independent of AS 241: every region of the quantile's
  // three rational approximations (|q| <= 0.425, r <= 5, r > 5) must round-trip.
  for (double p = 1e-300; p < 0.5; p *= 3.7) {
    const double x = normal_quantile(p);
    EXPECT_NEAR(normal_cdf(x) / p, 1.0, 1e-12) << "p = " << p;
    // Upper tail by symmetry: Φ^{-1}(u) = -Φ^{-1}(1 - u), with 1 - u exact for u >= 1/2.
    const double u = 1.0 - p;
    if (u < 1.0) {
      EXPECT_NEAR(normal_quantile(u), -normal_quantile(1.0 - u), 1e-9) << "p = " << p;
    }
  }
  for (double p = 0.075; p <= 0.925; p += 0.0125) EXPECT_NEAR(normal_cdf(normal_quantile(p)), p, 1e-14);
}

TEST(DeflatedSharpe, ReproducesThePapersNumericalExample) {
  // Bailey & López de Prado (2014), numerical example: N = 100 trials whose annualised Sharpe
  // ratios have variance 1/2, the best has an annualised Sharpe of 2.5 over 5 years of daily
  // returns (T = 1250, 250 per year), skewness -3 and kurtosis 10. The paper reports
  // SR* = 0.1132 (per day) and DSR = 0.9004; the Python script above gives the exact values.
  const double periods_per_year = 250.0;
  const SharpeEstimate best{2.5 / std::sqrt(periods_per_year), 1250, -3.0, 10.0};
  const StatResult<DeflatedSharpe> dsr = deflated_sharpe_ratio(best, 100, 0.5 / periods_per_year);
  ASSERT_TRUE(dsr) << dsr.undefined_because;
  EXPECT_NEAR(dsr.value->expected_max_sharpe, 0.1132, 5e-5);
  EXPECT_NEAR(dsr.value->probability, 0.9004, 5e-5);
  EXPECT_NEAR(dsr.value->expected_max_sharpe, 0.11317200186513214, 1e-12);
  EXPECT_NEAR(dsr.value->probability, 0.9003968344493904, 1e-10);
}

TEST(DeflatedSharpe, ExpectedMaximumSharpe) {
  // Hand: N = 2, V = 1 gives (1 - γ) Φ^{-1}(1/2) + γ Φ^{-1}(1 - 1/(2e)) = γ Φ^{-1}(0.816060...).
  const StatResult<double> two = expected_max_sharpe(2, 1.0);
  ASSERT_TRUE(two);
  EXPECT_NEAR(*two.value, kEulerGamma * normal_quantile(1.0 - 1.0 / (2.0 * std::exp(1.0))), 1e-15);
  EXPECT_NEAR(*two.value, 0.5197553442805939, 1e-12);  // script above
  // E[max] scales with the standard deviation of the trials' Sharpe ratios.
  EXPECT_NEAR(*expected_max_sharpe(2, 4.0).value, 2.0 * *two.value, 1e-15);
  EXPECT_EQ(*expected_max_sharpe(1, 0.3).value, 0.0);   // one trial: nothing selected
  EXPECT_EQ(*expected_max_sharpe(50, 0.0).value, 0.0);  // identical trials
  EXPECT_FALSE(expected_max_sharpe(0, 1.0));
  EXPECT_FALSE(expected_max_sharpe(10, -1.0));
  EXPECT_FALSE(expected_max_sharpe(10, std::numeric_limits<double>::quiet_NaN()));
  EXPECT_FALSE(expected_max_sharpe(0, 1.0).undefined_because.empty());
}

TEST(DeflatedSharpe, ProbabilisticSharpeByHand) {
  // Kurtosis 1, skewness 0 (returns of ±c, which have exactly these moments): the denominator
  // is 1, so z = (SR - SR*) sqrt(T - 1). SR = 0.196, T = 101: z = 1.96.
  EXPECT_NEAR(*probabilistic_sharpe_ratio({0.196, 101, 0.0, 1.0}, 0.0).value, normal_cdf(1.96), 1e-15);
  EXPECT_NEAR(*probabilistic_sharpe_ratio({0.196, 101, 0.0, 1.0}, 0.0).value, 0.9750021048517795, 1e-12);
  // SR = 0.3 against SR* = 0.1, T = 26: z = 0.2 * 5 = 1, Φ(1) = 0.8413447460685429.
  EXPECT_NEAR(*probabilistic_sharpe_ratio({0.3, 26, 0.0, 1.0}, 0.1).value, 0.8413447460685429, 1e-12);
  // Skewness 2, kurtosis 5, SR = 0.5: 1 - 2*0.5 + (5-1)/4*0.25 = 0.25, so with T = 5
  // z = 0.5 * 2 / 0.5 = 2, Φ(2) = 0.9772498680518208.
  EXPECT_NEAR(*probabilistic_sharpe_ratio({0.5, 5, 2.0, 5.0}, 0.0).value, 0.9772498680518208, 1e-12);
  // Normal returns (skew 0, kurtosis 3), SR = SR*: z = 0, PSR = 1/2.
  EXPECT_EQ(*probabilistic_sharpe_ratio({0.07, 500, 0.0, 3.0}, 0.07).value, 0.5);
  // Negative skew and fat tails widen the Sharpe ratio's distribution: PSR moves towards 1/2.
  EXPECT_LT(*probabilistic_sharpe_ratio({0.1, 500, -2.0, 9.0}, 0.0).value,
            *probabilistic_sharpe_ratio({0.1, 500, 0.0, 3.0}, 0.0).value);
}

TEST(DeflatedSharpe, UndefinedInputsSayWhy) {
  const StatResult<double> short_track = probabilistic_sharpe_ratio({0.1, 1, 0.0, 3.0}, 0.0);
  EXPECT_FALSE(short_track);
  EXPECT_NE(short_track.undefined_because.find("at least 2 returns"), std::string::npos);
  // 1 - γ3 SR + (γ4 - 1)/4 SR² = 1 - 4 + 0 < 0 (moments no data can have).
  EXPECT_FALSE(probabilistic_sharpe_ratio({2.0, 100, 2.0, 1.0}, 0.0));
  EXPECT_FALSE(probabilistic_sharpe_ratio({std::numeric_limits<double>::infinity(), 100, 0.0, 3.0}, 0.0));
  EXPECT_FALSE(deflated_sharpe_ratio({0.1, 100, 0.0, 3.0}, 0, 0.01));
  // One trial: SR* = 0 and the DSR is the PSR against 0, whatever variance is passed.
  const StatResult<DeflatedSharpe> single = deflated_sharpe_ratio({0.196, 101, 0.0, 1.0}, 1, -5.0);
  ASSERT_TRUE(single);
  EXPECT_EQ(single.value->expected_max_sharpe, 0.0);
  EXPECT_NEAR(single.value->probability, 0.9750021048517795, 1e-12);
}

TEST(DeflatedSharpe, MomentsAndDsrFromReturns) {
  // Returns {0, 0, 0, 4}: mean 1, deviations -1, -1, -1, 3, so m2 = 12/4 = 3, m3 = 24/4 = 6,
  // m4 = 84/4 = 21: skewness 6 / 3^1.5 = 2/sqrt(3), kurtosis 21/9 = 7/3; stdev (ddof 1)
  // sqrt(12/3) = 2, Sharpe 1/2.
  const std::vector<double> returns{0.0, 0.0, 0.0, 4.0};
  const StatResult<ReturnMoments> m = return_moments(returns);
  ASSERT_TRUE(m);
  EXPECT_EQ(m.value->count, 4u);
  EXPECT_EQ(m.value->mean, 1.0);
  EXPECT_NEAR(m.value->stdev, 2.0, 1e-15);
  EXPECT_NEAR(m.value->sharpe, 0.5, 1e-15);
  EXPECT_NEAR(m.value->skewness, 2.0 / std::sqrt(3.0), 1e-15);
  EXPECT_NEAR(m.value->kurtosis, 7.0 / 3.0, 1e-15);
  // Trial Sharpe ratios {0.5, 0.1, 0.3}: mean 0.3, variance (0.04 + 0.04 + 0) / 2 = 0.04.
  // SR* = emax(3, 0.04) and DSR = psr(0.5, SR*, 4, 2/sqrt(3), 7/3) from the script above.
  const std::vector<double> trial_sharpes{0.5, 0.1, 0.3};
  const StatResult<DeflatedSharpe> dsr = deflated_sharpe_from_returns(returns, trial_sharpes);
  ASSERT_TRUE(dsr) << dsr.undefined_because;
  EXPECT_NEAR(dsr.value->expected_max_sharpe, 0.17056089923013895, 1e-12);
  EXPECT_NEAR(dsr.value->probability, 0.7887734153012613, 1e-10);

  EXPECT_FALSE(return_moments(std::vector<double>{0.01}));
  EXPECT_FALSE(return_moments(std::vector<double>{0.01, 0.01, 0.01}));
  EXPECT_FALSE(return_moments(std::vector<double>{0.01, std::numeric_limits<double>::quiet_NaN()}));
  EXPECT_FALSE(deflated_sharpe_from_returns(returns, std::vector<double>{}));
  EXPECT_FALSE(deflated_sharpe_from_returns(
      returns, std::vector<double>{0.1, std::numeric_limits<double>::infinity()}));
}

// ---- PBO -------------------------------------------------------------------------------------

// Builds a period-major T × N matrix from one function of (period, trial).
template <class F>
std::vector<double> make_matrix(std::size_t periods, std::size_t trials, F&& value) {
  std::vector<double> m(periods * trials);
  for (std::size_t t = 0; t < periods; ++t)
    for (std::size_t n = 0; n < trials; ++n) m[t * trials + n] = value(t, n);
  return m;
}

TEST(Pbo, SmallCaseEnumeratedByHand) {
  // S = 4 blocks of one period, N = 3 trials (A, B, C), ranked by mean return. Returns in units
  // of 1/64 (exact in binary, so sums tie exactly where they tie on paper):
  //   block:  0  1  2  3
  //   A       3  1  2  3
  //   B       2  3  1  0
  //   C       1  2  3  2
  // In-sample blocks (sums A, B, C) -> winner; out-of-sample sums -> winner's rank; ω = rank/4:
  //   {0,1} (4,5,3) -> B;        {2,3} (5,1,5): B worst, rank 1, ω 1/4, λ = ln(1/3)
  //   {0,2} (5,3,4) -> A;        {1,3} (4,3,4): A ties C above B, rank 2.5, ω 5/8, λ = ln(5/3)
  //   {0,3} (6,2,3) -> A;        {1,2} (3,4,5): rank 1, λ = ln(1/3)
  //   {1,2} (3,4,5) -> C;        {0,3} (6,2,3): rank 2, ω 1/2, λ = 0
  //   {1,3} (4,3,4) -> A (tie, lowest index); {0,2} (5,3,4): rank 3, ω 3/4, λ = ln 3
  //   {2,3} (5,1,5) -> A (tie);  {0,1} (4,5,3): rank 2, λ = 0
  // λ <= 0 in 4 of 6 combinations: PBO = 2/3.
  const double table[4][3] = {{3, 2, 1}, {1, 3, 2}, {2, 1, 3}, {3, 0, 2}};
  const auto data = make_matrix(4, 3, [&](std::size_t t, std::size_t n) { return table[t][n] / 64.0; });
  PboOptions options;
  options.partitions = 4;
  options.metric = PboMetric::mean_return;
  const StatResult<PboResult> pbo =
      probability_of_backtest_overfitting(ReturnMatrix::period_major(data, 4, 3), options);
  ASSERT_TRUE(pbo) << pbo.undefined_because;
  EXPECT_EQ(pbo.value->combinations, 6u);
  EXPECT_EQ(pbo.value->partitions, 4u);
  const std::vector<double> expected{
      std::log(1.0 / 3.0), std::log(5.0 / 3.0), std::log(1.0 / 3.0), 0.0, std::log(3.0), 0.0};
  ASSERT_EQ(pbo.value->logits.size(), expected.size());
  for (std::size_t c = 0; c < expected.size(); ++c)
    EXPECT_NEAR(pbo.value->logits[c], expected[c], 1e-15) << c;
  EXPECT_NEAR(pbo.value->probability, 4.0 / 6.0, 1e-15);
}

TEST(Pbo, SharpeRanksMatchABruteForcePythonCscv) {
  // A direct CSCV from the definitions (each set's Sharpe recomputed from its rows with
  // statistics.fmean / pstdev), Python 3 standard library only:
  //
  //   import itertools, random, statistics
  //   rng = random.Random(5)
  //   T, N, S = 12, 4, 6
  //   M = [[round(rng.uniform(-0.02, 0.025), 3) for _ in range(N)] for _ in range(T)]
  //   blocks = [list(range(b * T // S, (b + 1) * T // S)) for b in range(S)]
  //   def sharpe(rows, n):
  //       x = [M[t][n] for t in rows]
  //       return statistics.fmean(x) / statistics.pstdev(x)
  //   ranks = []
  //   for J in itertools.combinations(range(S), S // 2):
  //       ins = [t for b in J for t in blocks[b]]
  //       oos = [t for b in range(S) if b not in J for t in blocks[b]]
  //       is_perf = [sharpe(ins, n) for n in range(N)]
  //       best = max(range(N), key=lambda n: (is_perf[n], -n))
  //       oos_perf = [sharpe(oos, n) for n in range(N)]
  //       below = sum(v < oos_perf[best] for v in oos_perf)
  //       equal = sum(v == oos_perf[best] for v in oos_perf)
  //       ranks.append(below + (equal + 1) / 2)
  //   print(M); print(ranks)
  //
  // The smallest gap between two trials' Sharpe ratios in any set is 0.005, so rounding cannot
  // reorder them. PBO = #(rank <= 2.5) / 20 = 12/20.
  const double m[12][4] = {
      {0.008, 0.013, 0.016, 0.022},  {0.013, 0.022, -0.019, 0.001},  {0.022, 0.009, 0.021, -0.015},
      {0.001, -0.009, 0.004, 0.006}, {-0.019, -0.01, -0.007, 0.021}, {0.014, -0.013, 0.016, -0.014},
      {0.008, -0.014, -0.02, 0.019}, {-0.011, -0.01, 0.024, 0.019},  {-0.007, 0.023, 0.004, 0.011},
      {-0.011, 0.022, 0.011, 0.023}, {0.02, -0.007, -0.004, -0.013}, {-0.013, -0.017, -0.006, 0.007}};
  const double ranks[20] = {1, 1, 1, 1, 3, 3, 4, 2, 3, 3, 1, 2, 2, 4, 1, 2, 1, 3, 3, 2};
  const auto data = make_matrix(12, 4, [&](std::size_t t, std::size_t n) { return m[t][n]; });
  PboOptions options;
  options.partitions = 6;
  const StatResult<PboResult> pbo =
      probability_of_backtest_overfitting(ReturnMatrix::period_major(data, 12, 4), options);
  ASSERT_TRUE(pbo) << pbo.undefined_because;
  ASSERT_EQ(pbo.value->logits.size(), 20u);
  for (std::size_t c = 0; c < 20; ++c) {
    const double omega = ranks[c] / 5.0;
    EXPECT_NEAR(pbo.value->logits[c], std::log(omega / (1.0 - omega)), 1e-15) << "combination " << c;
  }
  EXPECT_NEAR(pbo.value->probability, 12.0 / 20.0, 1e-15);
}

TEST(Pbo, DominantTrialGivesZero) {
  // Trial n returns μ_n + σ, μ_n - σ alternately, with μ_n = 0.001 n and σ = 0.01. Every block
  // holds whole pairs (T = 64, S = 16: 4 periods each), so on any set of blocks trial n has mean
  // μ_n, stdev σ and Sharpe μ_n / σ: trial 3 wins in sample and is the best of N = 4 out of
  // sample in every combination: ω = 4/5, λ = ln 4, PBO = 0.
  const auto data = make_matrix(64, 4, [](std::size_t t, std::size_t n) {
    return 0.001 * static_cast<double>(n) + (t % 2 == 0 ? 0.01 : -0.01);
  });
  const StatResult<PboResult> pbo =
      probability_of_backtest_overfitting(ReturnMatrix::period_major(data, 64, 4));
  ASSERT_TRUE(pbo) << pbo.undefined_because;
  EXPECT_EQ(pbo.value->combinations, 12870u);  // C(16, 8), the default S
  EXPECT_EQ(pbo.value->probability, 0.0);
  for (double l : pbo.value->logits) ASSERT_NEAR(l, std::log(4.0), 1e-12);
}

TEST(Pbo, InSampleWinnerAlwaysOutOfSampleLoserGivesOne) {
  // S = 4 blocks of two periods; one trial per 2-block set K (6 trials, in combination order).
  // Trial K returns d ± ε in the blocks of K and -d ± ε elsewhere (d = 0.01, ε = 0.001). On a
  // set J of two blocks its mean is m = d (K = J), 0 or -d (K = complement of J), and its
  // variance is ε² + d² - m², so Sharpe = m / sqrt(ε² + d² - m²) increases with m. In sample J
  // the winner is trial J (unique m = d); out of sample it has m = -d, the unique worst:
  // rank 1 of 6, ω = 1/7, λ = ln(1/6) in every combination, PBO = 1.
  const std::size_t sets[6][2] = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}};
  const auto data = make_matrix(8, 6, [&](std::size_t t, std::size_t n) {
    const std::size_t block = t / 2;
    const double level = (block == sets[n][0] || block == sets[n][1]) ? 0.01 : -0.01;
    return level + (t % 2 == 0 ? 0.001 : -0.001);
  });
  PboOptions options;
  options.partitions = 4;
  const StatResult<PboResult> pbo =
      probability_of_backtest_overfitting(ReturnMatrix::period_major(data, 8, 6), options);
  ASSERT_TRUE(pbo) << pbo.undefined_because;
  EXPECT_EQ(pbo.value->probability, 1.0);
  for (double l : pbo.value->logits) EXPECT_NEAR(l, std::log(1.0 / 6.0), 1e-12);

  // The two-block version: A is good in block 0 and bad in block 1, B the opposite (N = 2,
  // S = 2): each half's winner is the other half's loser, ω = 1/3, λ = ln(1/2).
  const auto two = make_matrix(4, 2, [](std::size_t t, std::size_t n) {
    const bool good = (t < 2) == (n == 0);
    return (good ? 0.02 : -0.02) + (t % 2 == 0 ? 0.001 : -0.001);
  });
  options.partitions = 2;
  const StatResult<PboResult> pbo2 =
      probability_of_backtest_overfitting(ReturnMatrix::period_major(two, 4, 2), options);
  ASSERT_TRUE(pbo2);
  EXPECT_EQ(pbo2.value->probability, 1.0);
  ASSERT_EQ(pbo2.value->logits.size(), 2u);
  EXPECT_NEAR(pbo2.value->logits[0], std::log(0.5), 1e-15);
  EXPECT_NEAR(pbo2.value->logits[1], std::log(0.5), 1e-15);
}

TEST(Pbo, UnevenBlocksFollowTheDocumentedBoundaries) {
  // T = 5, S = 2: blocks are periods [0, 2) and [2, 5) (b*T/S rounded down). Mean-return ranks:
  //   A = 1, 1 | 5, 0, 0   B = 0, 0 | 0, 1, 1
  // {block 0} in sample: A (1 > 0); out of sample A = 5/3 > B = 2/3: rank 2 of 2, λ = ln 2.
  // {block 1} in sample: A (5/3 > 2/3); out of sample A = 1 > B = 0: λ = ln 2. PBO = 0.
  // (Blocks [0, 3) and [3, 5) would give A in sample, then A = 0 < B = 1: PBO = 1/2.)
  const double table[5][2] = {{1, 0}, {1, 0}, {5, 0}, {0, 1}, {0, 1}};
  const auto data = make_matrix(5, 2, [&](std::size_t t, std::size_t n) { return table[t][n] / 64.0; });
  PboOptions options;
  options.partitions = 2;
  options.metric = PboMetric::mean_return;
  const StatResult<PboResult> pbo =
      probability_of_backtest_overfitting(ReturnMatrix::period_major(data, 5, 2), options);
  ASSERT_TRUE(pbo);
  EXPECT_EQ(pbo.value->probability, 0.0);
  for (double l : pbo.value->logits) EXPECT_NEAR(l, std::log(2.0), 1e-15);
}

// Uniform returns in [-0.01, 0.01) from a seeded 64-bit Mersenne Twister (portable bits).
std::vector<double> noise_matrix(std::mt19937_64& rng, std::size_t periods, std::size_t trials) {
  return make_matrix(periods, trials, [&](std::size_t, std::size_t) {
    return (static_cast<double>(rng() >> 11) * 0x1.0p-53 - 0.5) * 0.02;
  });
}

TEST(Pbo, PureNoiseAveragesOneHalf) {
  // With iid noise, in-sample and out-of-sample periods are independent, so the in-sample
  // winner's out-of-sample rank is uniform on 1..N; for even N, P(λ <= 0) = P(rank <= N/2) = 1/2
  // exactly, so each matrix's PBO has expectation 1/2. The combinations of one matrix are
  // strongly dependent, so a single matrix's PBO can stray far; instead average K = 2,000
  // independent matrices (N = 10, T = 80, S = 8). Each PBO lies in [0, 1], so by Hoeffding's
  // inequality P(|mean - 1/2| >= 0.05) <= 2 exp(-2 K 0.05²) = 2 e^-10 < 1e-4 for any seed.
  std::mt19937_64 rng(20240601);
  PboOptions options;
  options.partitions = 8;
  const std::size_t matrices = 2000;
  double total = 0.0;
  for (std::size_t k = 0; k < matrices; ++k) {
    const auto data = noise_matrix(rng, 80, 10);
    const StatResult<PboResult> pbo =
        probability_of_backtest_overfitting(ReturnMatrix::period_major(data, 80, 10), options);
    ASSERT_TRUE(pbo);
    total += pbo.value->probability;
  }
  EXPECT_NEAR(total / static_cast<double>(matrices), 0.5, 0.05);
}

TEST(Pbo, ResultDoesNotDependOnThreadsOrLayout) {
  std::mt19937_64 rng(7);
  const std::size_t periods = 203, trials = 37;  // 203 is not a multiple of S = 10
  const auto data = noise_matrix(rng, periods, trials);
  std::vector<double> transposed(data.size());
  for (std::size_t t = 0; t < periods; ++t)
    for (std::size_t n = 0; n < trials; ++n) transposed[n * periods + t] = data[t * trials + n];
  PboOptions options;
  options.partitions = 10;
  const auto one =
      probability_of_backtest_overfitting(ReturnMatrix::period_major(data, periods, trials), options);
  options.threads = 3;
  const auto three =
      probability_of_backtest_overfitting(ReturnMatrix::period_major(data, periods, trials), options);
  const auto by_trial =
      probability_of_backtest_overfitting(ReturnMatrix::trial_major(transposed, periods, trials), options);
  ASSERT_TRUE(one && three && by_trial);
  EXPECT_EQ(one.value->combinations, 252u);  // C(10, 5)
  EXPECT_EQ(one.value->logits, three.value->logits);
  EXPECT_EQ(one.value->logits, by_trial.value->logits);
  EXPECT_EQ(one.value->probability, three.value->probability);
}

TEST(Pbo, IdenticalTrialsCountAsOverfit) {
  // All trials equal: the winner is trial 0 and ties every trial out of sample, so its rank is
  // the average (N + 1)/2, ω = 1/2 and λ = 0, which counts as overfit (λ <= 0).
  const auto data = make_matrix(16, 3, [](std::size_t t, std::size_t) { return t % 3 == 0 ? 0.01 : -0.004; });
  PboOptions options;
  options.partitions = 4;
  const auto pbo = probability_of_backtest_overfitting(ReturnMatrix::period_major(data, 16, 3), options);
  ASSERT_TRUE(pbo);
  EXPECT_EQ(pbo.value->probability, 1.0);
  for (double l : pbo.value->logits) EXPECT_EQ(l, 0.0);
}

TEST(Pbo, FlatAndConstantTrialsRankWithoutNaN) {
  // Trial 0 is all cash (returns 0: Sharpe 0), trial 1 earns a constant 0.1% (zero variance:
  // ranks as +inf), trial 2 is noisy with mean 0. Trial 1 wins everywhere: λ = ln 3, PBO = 0.
  const auto data = make_matrix(8, 3, [](std::size_t t, std::size_t n) {
    if (n == 0) return 0.0;
    if (n == 1) return 0.001;
    return t % 2 == 0 ? 0.02 : -0.02;
  });
  PboOptions options;
  options.partitions = 4;
  const auto pbo = probability_of_backtest_overfitting(ReturnMatrix::period_major(data, 8, 3), options);
  ASSERT_TRUE(pbo);
  EXPECT_EQ(pbo.value->probability, 0.0);
  for (double l : pbo.value->logits) EXPECT_NEAR(l, std::log(3.0), 1e-15);
}

// A direct CSCV over the matrix rows, one combination at a time, in itertools order: each
// trial's metric on a set of blocks from its own rows (Sharpe as mean / population stdev, ±inf
// or 0 for a constant series), the first of equal in-sample best, its out-of-sample rank with
// ties counted half. What the vectorised kernel must reproduce on any trial count.
std::vector<double> brute_force_logits(const std::vector<double>& data, std::size_t periods, std::size_t trials,
                                       std::size_t s, PboMetric metric) {
  auto perf = [&](const std::vector<std::size_t>& rows, std::size_t n) {
    double sum = 0.0;
    for (std::size_t t : rows) sum += data[t * trials + n];
    const double mean = sum / static_cast<double>(rows.size());
    if (metric == PboMetric::mean_return) return mean;
    double squares = 0.0;
    for (std::size_t t : rows) squares += (data[t * trials + n] - mean) * (data[t * trials + n] - mean);
    if (squares == 0.0) return mean == 0.0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), mean);
    return mean / std::sqrt(squares / static_cast<double>(rows.size()));
  };
  std::vector<double> logits;
  std::vector<std::size_t> pick(s / 2);
  for (std::size_t k = 0; k < pick.size(); ++k) pick[k] = k;
  while (true) {
    std::vector<std::size_t> in_rows, out_rows;
    for (std::size_t b = 0; b < s; ++b) {
      const bool in = std::find(pick.begin(), pick.end(), b) != pick.end();
      for (std::size_t t = b * periods / s; t < (b + 1) * periods / s; ++t) (in ? in_rows : out_rows).push_back(t);
    }
    std::size_t best = 0;
    for (std::size_t n = 1; n < trials; ++n)
      if (perf(in_rows, n) > perf(in_rows, best)) best = n;
    const double chosen = perf(out_rows, best);
    double below = 0.0, equal = 0.0;
    for (std::size_t n = 0; n < trials; ++n) {
      below += perf(out_rows, n) < chosen;
      equal += perf(out_rows, n) == chosen;
    }
    const double omega = (below + (equal + 1.0) / 2.0) / (static_cast<double>(trials) + 1.0);
    logits.push_back(std::log(omega / (1.0 - omega)));
    std::size_t k = pick.size();
    while (k > 0 && pick[k - 1] == s - pick.size() + (k - 1)) --k;
    if (k == 0) return logits;
    ++pick[k - 1];
    for (std::size_t j = k; j < pick.size(); ++j) pick[j] = pick[j - 1] + 1;
  }
}

TEST(Pbo, EveryTrialCountMatchesABruteForceCscvWithTiesAndFlatTrials) {
  // The kernel compares four trials at a time and finishes the last N mod 4 one by one. Trials
  // here are multiples of 1/64 (sums are exact), drawn from few values so that in-sample bests
  // tie across lanes and the tail while differing out of sample; some are flat (all 0: key 0),
  // constant (key ±inf) or copies of others. Every N from 1 to 13 and both metrics must give the
  // brute force's logits exactly, and the same with 3 threads.
  std::mt19937_64 rng(11);
  const std::size_t periods = 12, s = 6;
  for (std::size_t trials = 2; trials <= 13; ++trials) {
    std::vector<double> data(periods * trials);
    for (std::size_t n = 0; n < trials; ++n) {
      const std::uint64_t kind = rng() % 6;
      for (std::size_t t = 0; t < periods; ++t) {
        double& r = data[t * trials + n];
        if (kind == 0) r = 0.0;                                                  // flat: key 0
        else if (kind == 1) r = (rng() % 2 == 0 ? 1.0 : -1.0) / 64.0;            // ±inf, per set
        else if (kind == 2 && n > 0) r = data[t * trials + rng() % n];            // copy parts
        else r = static_cast<double>(static_cast<int>(rng() % 5) - 2) / 64.0;    // few levels
      }
      if (kind == 1) {  // constant: all periods share one sign
        const double level = data[n];
        for (std::size_t t = 0; t < periods; ++t) data[t * trials + n] = level;
      }
    }
    for (const PboMetric metric : {PboMetric::mean_return, PboMetric::sharpe}) {
      const std::vector<double> expected = brute_force_logits(data, periods, trials, s, metric);
      PboOptions options;
      options.partitions = s;
      options.metric = metric;
      for (const std::size_t threads : {1u, 3u}) {
        options.threads = threads;
        const auto pbo = probability_of_backtest_overfitting(ReturnMatrix::period_major(data, periods, trials), options);
        ASSERT_TRUE(pbo) << pbo.undefined_because;
        ASSERT_EQ(pbo.value->logits.size(), expected.size());
        for (std::size_t c = 0; c < expected.size(); ++c)
          ASSERT_NEAR(pbo.value->logits[c], expected[c], 1e-12)
              << "N = " << trials << ", metric " << static_cast<int>(metric) << ", combination " << c;
      }
    }
  }
}

TEST(Pbo, DegenerateInputsSayWhy) {
  const std::vector<double> data(40, 0.01);
  auto reason = [&](ReturnMatrix m, std::size_t s) {
    PboOptions options;
    options.partitions = s;
    const auto pbo = probability_of_backtest_overfitting(m, options);
    EXPECT_FALSE(pbo);
    EXPECT_FALSE(pbo.undefined_because.empty());
    return pbo.undefined_because;
  };
  EXPECT_NE(reason(ReturnMatrix::period_major(data, 40, 1), 4).find("at least 2 trials"), std::string::npos);
  EXPECT_NE(reason(ReturnMatrix::period_major(data, 2, 20), 4).find("at least S = 4 periods"),
            std::string::npos);
  EXPECT_NE(reason(ReturnMatrix::period_major(data, 20, 2), 3).find("even"), std::string::npos);
  EXPECT_NE(reason(ReturnMatrix::period_major(data, 20, 2), 0).find("even"), std::string::npos);
  EXPECT_NE(reason(ReturnMatrix::period_major(data, 40, 2), 26).find("[2, 24]"), std::string::npos);
  EXPECT_NE(reason(ReturnMatrix::period_major(data, 21, 2), 4).find("40 values"), std::string::npos);
  std::vector<double> with_nan = data;
  with_nan[2 * 2 + 1] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(reason(ReturnMatrix::period_major(with_nan, 20, 2), 4).find("trial 1 in period 2"),
            std::string::npos);
}

}  // namespace
}  // namespace qsweep
