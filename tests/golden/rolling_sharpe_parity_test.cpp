// qsweep::rolling_sharpe against pandas' rolling mean and std (tests/golden/pandas/), bit for
// bit: the same online algorithms, including an exactly zero deviation over equal values.
#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "qsweep/stats.hpp"
#include "test_support.hpp"

namespace qsweep::test {
namespace {

TEST(RollingSharpeParity, MatchesPandasBitForBit) {
  const CsvTable table = read_csv(std::filesystem::path(QSWEEP_SOURCE_DIR) / "tests/golden/pandas/rolling_sharpe.csv");
  ASSERT_GT(table.rows.size(), 5000u);
  std::vector<double> returns;
  for (const auto& row : table.rows) returns.push_back(std::stod(row[table.column("return")]));
  for (const std::size_t window : {std::size_t{20}, std::size_t{252}}) {
    const std::size_t column = table.column("sharpe_" + std::to_string(window));
    const std::vector<std::optional<double>> ours = rolling_sharpe(returns, window, 252.0);
    ASSERT_EQ(ours.size(), returns.size());
    std::size_t defined = 0, undefined_by_zero_deviation = 0;
    for (std::size_t i = 0; i < returns.size(); ++i) {
      const double pandas = std::stod(table.rows[i][column]);  // "nan" and "inf" included
      if (!std::isfinite(pandas)) {
        EXPECT_FALSE(ours[i]) << "row " << i << ", window " << window << ": pandas " << pandas;
        if (i + 1 >= window) ++undefined_by_zero_deviation;
        continue;
      }
      ASSERT_TRUE(ours[i]) << "row " << i << ", window " << window;
      EXPECT_EQ(std::bit_cast<std::uint64_t>(*ours[i]), std::bit_cast<std::uint64_t>(pandas))
          << "row " << i << ", window " << window << ": " << *ours[i] << " vs pandas " << pandas;
      ++defined;
    }
    // The reference exercises both the defined values and the zero-deviation windows.
    EXPECT_GT(defined, 4000u) << window;
    EXPECT_GT(undefined_by_zero_deviation, 40u) << window;
  }
}

}  // namespace
}  // namespace qsweep::test
