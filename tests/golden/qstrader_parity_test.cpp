// Golden tests: `qsweep backtest` on examples/qstrader/*.toml against real QSTrader 0.3.0 runs
// (tests/golden/qstrader/, copied from the reference material; see its README).
#include <cmath>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace qsweep::test {
namespace {

namespace fs = std::filesystem;

// Relative difference with a floor of 1 on the scale (cash can cross zero).
double rel_diff(double expected, double actual) {
  return std::abs(expected - actual) / std::max(1.0, std::abs(expected));
}

class QstraderParity : public ::testing::TestWithParam<std::string> {
 protected:
  static fs::path reference(const std::string& file) {
    return source_dir() / "tests/golden/qstrader" / GetParam() / file;
  }
  void SetUp() override {
    work_ = fresh_temp_dir(GetParam());
    out_ = work_ / "run";
    const RunResult r = run_qsweep("backtest '" + (source_dir() / "examples/qstrader" / (GetParam() + ".toml")).string() +
                                   "' --quiet --out '" + out_.string() + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void TearDown() override { fs::remove_all(work_); }

  void compare_equity(const std::string& ref_file, const std::string& our_file) {
    const CsvTable ref = read_csv(reference(ref_file));
    const CsvTable ours = read_csv(out_ / our_file);
    ASSERT_EQ(ours.header, (std::vector<std::string>{"date", "equity", "cash", "market_value"}));
    ASSERT_EQ(ref.rows.size(), ours.rows.size()) << "number of equity points";
    for (std::size_t i = 0; i < ref.rows.size(); ++i) {
      ASSERT_EQ(ref.rows[i][0], ours.rows[i][0]) << "row " << i;
      for (std::size_t c = 1; c <= 3; ++c) {
        ASSERT_LE(rel_diff(std::stod(ref.rows[i][c]), std::stod(ours.rows[i][c])), 1e-10)
            << our_file << " " << ref.rows[i][0] << " " << ours.header[c] << ": QSTrader " << ref.rows[i][c]
            << ", qsweep " << ours.rows[i][c];
      }
    }
  }

  void compare_fills(const std::string& ref_file, const std::string& our_file) {
    const CsvTable ref = read_csv(reference(ref_file));
    const CsvTable ours = read_csv(out_ / our_file);
    ASSERT_EQ(ours.header, (std::vector<std::string>{"date", "ticker", "quantity", "price", "commission", "cash_after"}));
    ASSERT_EQ(ref.rows.size(), ours.rows.size()) << "number of fills";
    for (std::size_t i = 0; i < ref.rows.size(); ++i) {
      const auto& r = ref.rows[i];
      const auto& o = ours.rows[i];
      const std::string where = our_file + " fill " + std::to_string(i) + " (" + r[0] + " " + r[1] + ")";
      ASSERT_EQ(r[0].substr(0, 10), o[0]) << where;
      ASSERT_EQ(r[1], "EQ:" + o[1]) << where;
      ASSERT_EQ(std::stod(r[2]), std::stod(o[2])) << where << ": quantity";
      ASSERT_LE(rel_diff(std::stod(r[3]), std::stod(o[3])), 1e-10) << where << ": price";
      ASSERT_LE(rel_diff(std::stod(r[4]), std::stod(o[4])), 1e-10) << where << ": commission";
      ASSERT_LE(rel_diff(std::stod(r[5]), std::stod(o[5])), 1e-10) << where << ": cash after";
    }
  }

  void compare_positions() {
    const CsvTable ref = read_csv(reference("positions_daily.csv"));
    const CsvTable ours = read_csv(out_ / "positions.csv");
    ASSERT_EQ(ref.rows.size(), ours.rows.size());
    for (std::size_t c = 1; c < ref.header.size(); ++c) {
      const std::size_t oc = ours.column(ref.header[c].substr(3));  // "EQ:SPY" -> "SPY"
      for (std::size_t i = 0; i < ref.rows.size(); ++i) {
        ASSERT_EQ(std::stod(ref.rows[i][c]), std::stod(ours.rows[i][oc]))
            << ref.header[c] << " on " << ref.rows[i][0];
      }
    }
  }

  void compare_statistics(const std::string& session) {
    const auto ref = nlohmann::json::parse(slurp(reference("tearsheet.json")))[session];
    const auto ours = nlohmann::json::parse(slurp(out_ / "summary.json"))[session];
    const std::pair<const char*, const char*> keys[] = {
        {"total_return", "total_return"}, {"cagr", "cagr"},
        {"sharpe", "sharpe"},             {"sortino", "sortino"},
        {"annual_volatility", "annual_volatility"}, {"max_daily_drawdown", "max_drawdown"}};
    for (const auto& [ref_key, our_key] : keys) {
      const double expected = ref.at(ref_key).get<double>();
      const double actual = ours.at(our_key).get<double>();
      EXPECT_LE(std::abs(expected - actual), 1e-9 * std::abs(expected))
          << session << "." << our_key << ": QSTrader " << expected << ", qsweep " << actual;
    }
    EXPECT_EQ(ref.at("max_drawdown_duration_days").get<int>(), ours.at("max_drawdown_duration").get<int>());
    EXPECT_EQ(ref.at("n_points").get<std::size_t>(), ours.at("points").get<std::size_t>());
  }

  bool has_benchmark() const { return fs::exists(reference("benchmark_equity_curve.csv")); }

  fs::path work_;  // this test's own temporary folder
  fs::path out_;   // the backtest's output folder inside it
};

TEST_P(QstraderParity, EquityAndCashMatchEveryDay) { compare_equity("equity_curve.csv", "equity.csv"); }

TEST_P(QstraderParity, EveryFillMatches) { compare_fills("transactions.csv", "fills.csv"); }

TEST_P(QstraderParity, PositionsMatchEveryDay) { compare_positions(); }

TEST_P(QstraderParity, StatisticsMatchTearsheet) {
  compare_statistics("strategy");
  if (has_benchmark()) compare_statistics("benchmark");
}

TEST_P(QstraderParity, BenchmarkMatches) {
  if (!has_benchmark()) {
    EXPECT_FALSE(fs::exists(out_ / "benchmark_equity.csv"));
    return;
  }
  compare_equity("benchmark_equity_curve.csv", "benchmark_equity.csv");
  compare_fills("benchmark_transactions.csv", "benchmark_fills.csv");
}

INSTANTIATE_TEST_SUITE_P(Scenarios, QstraderParity,
                         ::testing::Values("sixty_forty", "sixty_forty_fees", "buy_and_hold", "long_short",
                                           "momentum_taa"));

}  // namespace
}  // namespace qsweep::test
