// report::append_shortest (the CSV writers' numbers) against fmt's "{}", which it promises to
// match byte for byte: its fast path for whole numbers must not change a single file.
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
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

}  // namespace
