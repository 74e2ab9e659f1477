// report::append_shortest (the CSV writers' numbers) against fmt's "{}", which it promises to
// match byte for byte, and report::append_json_number (the JSON writers' numbers) against
// Python's repr(), which QSTrader's json.dump uses.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "report/number_text.hpp"

namespace {

std::string shortest(double v) {
  fmt::memory_buffer out;
  qsweep::report::append_shortest(out, v);
  return {out.data(), out.size()};
}

std::string json_number(double v) {
  std::string out;
  qsweep::report::append_json_number(out, v);
  return out;
}

// Python's repr() of a finite double: fmt's "{}" text, with ".0" after a whole number in fixed
// notation (the two agree on digits and on where exponent notation starts).
std::string python_repr(double v) {
  std::string text = fmt::format("{}", v);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

// Doubles from every binade: random bit patterns, finite ones only.
std::vector<double> random_doubles(std::size_t count) {
  std::mt19937_64 rng(7);
  std::vector<double> values;
  while (values.size() < count) {
    const double v = std::bit_cast<double>(rng());
    if (std::isfinite(v)) values.push_back(v);
  }
  return values;
}

// Values like the ones backtests write: daily returns, equity, prices, weights.
std::vector<double> backtest_like_doubles(std::size_t count) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> daily(0.0003, 0.012);
  std::vector<double> values;
  double equity = 1e6;
  while (values.size() < count) {
    const double r = daily(rng);
    equity *= 1.0 + r;
    for (const double v : {r, equity, equity / 1e6 - 1.0, std::round(equity * 100.0) / 100.0, 1.0 / 3.0 * r})
      values.push_back(v);
  }
  return values;
}

TEST(NumberText, MatchesFmtOnWholeNumbersAndTheirNeighbours) {
  std::vector<double> values = {0.0, -0.0, 1.0, -1.0, 10.0, 1200.0, 1e14, 999999999999999.0, 1e15, -1e15,
                                1e15 + 2.0, 1e16, 1e21, 9007199254740992.0, 0.5, -0.5, 1e-7,
                                std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                                -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::denorm_min()};
  for (double p = 1.0; p < 1e16; p *= 10.0)
    for (const double v : {p, p - 1.0, p + 1.0, -p, 3.0 * p, p / 3.0}) {
      values.push_back(v);
      values.push_back(std::nextafter(v, 0.0));
      values.push_back(std::nextafter(v, 1e300));
    }
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::int64_t> whole(-2'000'000'000'000'000, 2'000'000'000'000'000);
  for (int i = 0; i < 20000; ++i) values.push_back(static_cast<double>(whole(rng) >> (i % 50)));
  for (const double v : values) EXPECT_EQ(shortest(v), fmt::format("{}", v)) << fmt::format("{:.17g}", v);
}

TEST(NumberText, MatchesFmtOnAnyDouble) {
  for (const double v : random_doubles(300000)) ASSERT_EQ(shortest(v), fmt::format("{}", v)) << fmt::format("{:.17g}", v);
  for (const double v : backtest_like_doubles(300000))
    ASSERT_EQ(shortest(v), fmt::format("{}", v)) << fmt::format("{:.17g}", v);
}

TEST(NumberText, JsonNumbersPrintAsPythonsRepr) {
  // Python 3.11's repr() of each value.
  const std::vector<std::pair<double, std::string>> cases = {
      {0.0, "0.0"},
      {-0.0, "-0.0"},
      {1.0, "1.0"},
      {-1.0, "-1.0"},
      {0.1, "0.1"},
      {1.0 / 3.0, "0.3333333333333333"},
      {252.0, "252.0"},
      {1000000.0, "1000000.0"},
      {997732.7366939035, "997732.7366939035"},
      {1e-5, "1e-05"},
      {0.000123, "0.000123"},
      {0.0001, "0.0001"},
      {1.5e-7, "1.5e-07"},
      {1e15, "1000000000000000.0"},
      {1e16, "1e+16"},
      {123456789012345.6, "123456789012345.6"},
      {1234567890123456.0, "1234567890123456.0"},
      {9007199254740993.0, "9007199254740992.0"},
      {1.2345e17, "1.2345e+17"},
      {1e21, "1e+21"},
      {-2.5e-300, "-2.5e-300"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {2.2250738585072014e-308, "2.2250738585072014e-308"},
      {0.1 + 0.2, "0.30000000000000004"},
      {100.0, "100.0"},
      {-0.00012345, "-0.00012345"}};
  for (const auto& [v, repr] : cases) EXPECT_EQ(json_number(v), repr) << fmt::format("{:.17g}", v);
  for (const double v : random_doubles(100000)) ASSERT_EQ(json_number(v), python_repr(v)) << fmt::format("{:.17g}", v);
  for (const double v : backtest_like_doubles(100000))
    ASSERT_EQ(json_number(v), python_repr(v)) << fmt::format("{:.17g}", v);
}

TEST(NumberText, NonFiniteJsonNumbersAreNull) {
  EXPECT_EQ(json_number(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(json_number(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(json_number(-std::numeric_limits<double>::infinity()), "null");
}

}  // namespace
