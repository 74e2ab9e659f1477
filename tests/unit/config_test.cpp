// The config file: documented keys, defaults, benchmark inheritance, --set overrides, and errors
// that name the key (and the line, or "(--set)").
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_toml.hpp"
#include "qsweep/backtest.hpp"
#include "qsweep/config.hpp"
#include "qsweep/date.hpp"
#include "qsweep/error.hpp"
#include "qsweep/strategy.hpp"
#include "test_support.hpp"

namespace qsweep {
namespace {

namespace fs = std::filesystem;
using test::fresh_temp_dir;
using test::write_text;
using ::testing::HasSubstr;
using ::testing::Not;

Day d(int y, int m, int dd) { return day_from_civil(y, m, dd); }

// A config file `cfg.toml` with `text`, in a fresh directory.
fs::path write_config(const std::string& text) {
  const fs::path path = fresh_temp_dir("cfg") / "cfg.toml";
  write_text(path, text);
  return path;
}

Config load(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return load_config(write_config(text), overrides);
}

// 1-based number of the first line of `text` containing `needle`.
int line_of(const std::string& text, const std::string& needle) {
  const std::size_t pos = text.find(needle);
  if (pos == std::string::npos) throw std::runtime_error("fixture has no " + needle);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
}

// Loads `text` and also creates both sessions' strategies (where [strategy] and [benchmark]
// keys are checked); returns the message of the qsweep::Error thrown, or "".
template <class E = InputError>
std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    const Config config = load(text, overrides);
    StrategyRegistry::global().create(config.strategy.strategy);
    if (config.benchmark) StrategyRegistry::global().create(config.benchmark->strategy);
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

const std::string kMinimal = R"(
[backtest]
start = "2020-01-01"
end = "2020-12-31"

[strategy]
weights = { SPY = 0.6, AGG = 0.4 }
)";

// Every documented key, with values that differ from the defaults.
const std::string kFull = R"(
[data]
dir = "prices"
adjust = false

[backtest]
start = "2005-09-30"
end = "2020-12-31"
initial_cash = 250000.0
rebalance = "weekly"
weekday = "WED"
long_only = false
cash_buffer = 0.02
gross_leverage = 1.5
burn_in = "2006-12-22"
mode = "qstrader"

[fees]
model = "percent"
commission = 0.001
tax = 0.005

[strategy]
kind = "fixed_weights"
weights = { SPY = 0.6, AGG = 0.4 }

[universe]
AGG = "2006-01-03"

[benchmark]
weights = { SPY = 1.0 }
rebalance = "buy_and_hold"
)";

// ---------------------------------------------------------------------------------------------
// Documented keys and defaults

TEST(Config, DocumentedKeysParseIntoSessionConfig) {
  const fs::path path = write_config(kFull);
  const Config c = load_config(path);
  EXPECT_EQ(c.path, path);
  EXPECT_EQ(c.name, "cfg");
  EXPECT_EQ(c.data_dir, path.parent_path() / "prices");
  EXPECT_FALSE(c.adjust_prices);
  EXPECT_TRUE(c.plugins.empty());

  const SessionConfig& s = c.strategy;
  EXPECT_EQ(s.label, "strategy");
  EXPECT_EQ(s.start, d(2005, 9, 30));
  EXPECT_EQ(s.end, d(2020, 12, 31));
  ASSERT_TRUE(s.burn_in.has_value());
  EXPECT_EQ(*s.burn_in, d(2006, 12, 22));
  EXPECT_EQ(s.initial_cash, 250000.0);
  EXPECT_EQ(s.rebalance, RebalanceFrequency::weekly);
  EXPECT_EQ(s.weekday, 2);
  EXPECT_FALSE(s.long_only);
  EXPECT_EQ(s.cash_buffer, 0.02);
  EXPECT_EQ(s.gross_leverage, 1.5);
  EXPECT_EQ(s.mode, Mode::qstrader);
  EXPECT_EQ(s.fees.model, FeeModelKind::percent);
  EXPECT_EQ(s.fees.commission, 0.001);
  EXPECT_EQ(s.fees.tax, 0.005);
  EXPECT_EQ(s.strategy.kind(), "fixed_weights");
  EXPECT_EQ(s.strategy.key_prefix(), "strategy");
  const WeightList weights = s.strategy.get_weights("weights");
  ASSERT_EQ(weights.size(), 2u);
  EXPECT_EQ(weights[0], (std::pair<std::string, double>{"AGG", 0.4}));
  EXPECT_EQ(weights[1], (std::pair<std::string, double>{"SPY", 0.6}));
  ASSERT_EQ(s.universe_entries.size(), 1u);
  EXPECT_EQ(s.universe_entries[0], (std::pair<std::string, Day>{"AGG", d(2006, 1, 3)}));

  ASSERT_TRUE(c.benchmark.has_value());
  EXPECT_EQ(c.benchmark->label, "benchmark");
  EXPECT_EQ(c.benchmark->rebalance, RebalanceFrequency::buy_and_hold);
  EXPECT_EQ(c.benchmark->strategy.key_prefix(), "benchmark");
  EXPECT_EQ(c.benchmark->strategy.get_weights("weights"), (WeightList{{"SPY", 1.0}}));
}

TEST(Config, DefaultsOfOmittedKeys) {
  const fs::path path = write_config(kMinimal);
  const Config c = load_config(path);
  EXPECT_EQ(c.data_dir, path.parent_path() / "data");
  EXPECT_TRUE(c.adjust_prices);
  EXPECT_FALSE(c.benchmark.has_value());
  const SessionConfig& s = c.strategy;
  EXPECT_FALSE(s.burn_in.has_value());
  EXPECT_EQ(s.initial_cash, 1'000'000.0);
  EXPECT_EQ(s.rebalance, RebalanceFrequency::end_of_month);
  EXPECT_EQ(s.weekday, -1);
  EXPECT_TRUE(s.long_only);
  EXPECT_EQ(s.cash_buffer, 0.0);
  EXPECT_EQ(s.gross_leverage, 1.0);
  EXPECT_EQ(s.mode, Mode::strict);
  EXPECT_EQ(s.fees.model, FeeModelKind::zero);
  EXPECT_EQ(s.fees.commission, 0.0);
  EXPECT_EQ(s.fees.tax, 0.0);
  EXPECT_EQ(s.strategy.kind(), "fixed_weights");  // implied by `weights`
  EXPECT_TRUE(s.universe_entries.empty());
}

TEST(Config, MomentumParametersAndDataDirVariants) {
  const Config c = load(R"(
plugins = ["libmine.so", "/opt/qsweep/libother.so"]
[data]
dir = "/srv/prices"
[backtest]
start = 2005-12-22
end = 2020-12-31
rebalance = "weekly"
weekday = "fri"
[strategy]
kind = "momentum"
assets = ["XLK", "XLB", "XLE"]
lookback = 126
top_n = 2
)");
  EXPECT_EQ(c.data_dir, fs::path("/srv/prices"));
  ASSERT_EQ(c.plugins.size(), 2u);
  EXPECT_EQ(c.plugins[0], c.path.parent_path() / "libmine.so");
  EXPECT_EQ(c.plugins[1], fs::path("/opt/qsweep/libother.so"));
  EXPECT_EQ(c.strategy.start, d(2005, 12, 22));  // a TOML date works like a string
  EXPECT_EQ(c.strategy.weekday, 4);              // case-insensitive
  const StrategyParams& p = c.strategy.strategy;
  EXPECT_EQ(p.kind(), "momentum");
  EXPECT_EQ(p.get_string_list("assets"), (std::vector<std::string>{"XLK", "XLB", "XLE"}));
  EXPECT_EQ(p.get_int("lookback"), 126);
  EXPECT_EQ(p.get_int("top_n"), 2);
  const auto strategy = StrategyRegistry::global().create(p);
  EXPECT_EQ(strategy->assets(), (std::vector<std::string>{"XLK", "XLB", "XLE"}));
}

TEST(Config, BoundaryValuesAreAccepted) {
  const Config c = load(kMinimal, {"backtest.cash_buffer=0", "backtest.end=\"2020-01-01\"",
                                   "backtest.burn_in=\"2020-01-01\"", "fees.model=\"percent\"",
                                   "fees.commission=0", "fees.tax=0.999"});
  EXPECT_EQ(c.strategy.end, c.strategy.start);
  EXPECT_EQ(c.strategy.burn_in, c.strategy.start);
  EXPECT_EQ(load(kMinimal, {"backtest.cash_buffer=1"}).strategy.cash_buffer, 1.0);
  EXPECT_FALSE(load(kMinimal, {"backtest.burn_in=false"}).strategy.burn_in.has_value());
  EXPECT_EQ(load(kMinimal, {"backtest.gross_leverage=100"}).strategy.gross_leverage, 100.0);
}

TEST(Config, KeysDefinedTwiceAreNamedAsWritten) {
  // toml++ garbles the name of a quoted key ('"SPSPY"'); the message gives it as written.
  for (const char* weights : {"{SPY = 1.0, \"SPY\" = 2.0}", "{SPY = 1.0, 'SPY' = 2.0}", "{\"SPY\" = 1.0, SPY = 2.0}"}) {
    const std::string text = kMinimal + "[benchmark]\nweights = " + weights + "\n";
    EXPECT_THAT(error_of(text), HasSubstr(fmt::format("cfg.toml:{}:", line_of(text, std::string("weights = ") + weights))))
        << weights;
    EXPECT_THAT(error_of(text), HasSubstr("cannot redefine existing floating-point 'SPY'")) << weights;
  }
  EXPECT_THAT(error_of(kMinimal + "[fees]\nmodel = \"zero\"\n\"model\" = \"percent\"\n"),
              HasSubstr("cannot redefine existing string 'model'"));
  // Dotted, escaped and non-ASCII keys are given as written.
  const std::string prefix = kMinimal + "[benchmark]\nweights = ";
  EXPECT_THAT(error_of(prefix + "{x.\"SPY\" = 1.0, x.\"SPY\" = 2.0}\n"), HasSubstr("floating-point 'x.\"SPY\"'"));
  EXPECT_THAT(error_of(prefix + "{\"S\\\"Y\" = 1.0, \"S\\\"Y\" = 2.0}\n"), HasSubstr("floating-point '\"S\\\"Y\"'"));
  EXPECT_THAT(error_of(prefix + "{\"\u00e9\u00e9\" = 1.0, \"\u00e9\u00e9\" = 2.0}\n"),
              HasSubstr("floating-point '\u00e9\u00e9'"));
}

TEST(Config, NameIsTheFileNameWithoutToml) {
  EXPECT_EQ(config_name("dir/sixty_forty.toml"), "sixty_forty");
  EXPECT_EQ(config_name("a.toml.bak"), "a.toml.bak");
  EXPECT_EQ(config_name("my.config.toml"), "my.config");
  EXPECT_EQ(config_name("plain"), "plain");
  // Names that would be no folder of their own stay whole.
  EXPECT_EQ(config_name(".toml"), ".toml");
  EXPECT_EQ(config_name("..toml"), "..toml");
  EXPECT_EQ(config_name("...toml"), "...toml");
  EXPECT_EQ(load(kMinimal).name, "cfg");
}

// A dotted key: `depth` parts "k".
std::string dotted_key(std::size_t depth) {
  std::string key = "k";
  for (std::size_t i = 1; i < depth; ++i) key += ".k";
  return key;
}

TEST(Config, KeysNestedTooDeepAreRefusedBeforeParsing) {
  // toml++ recurses once per part: tens of thousands would overflow the stack.
  const std::string deep = kMinimal + "\n" + dotted_key(100'000) + " = 1\n";
  EXPECT_THAT(error_of(deep), HasSubstr(fmt::format("cfg.toml:{}: a key nested more than {} levels deep",
                                                    line_of(deep, "k.k"), config::kMaxKeyDepth)));
  const std::string header = kMinimal + "[" + dotted_key(config::kMaxKeyDepth + 1) + "]\n";
  EXPECT_THAT(error_of(header), HasSubstr("a key nested more than"));
  // The deepest allowed key reaches the usual checks.
  const std::string error = error_of(kMinimal + dotted_key(config::kMaxKeyDepth) + " = 1\n");
  EXPECT_THAT(error, HasSubstr("k: unknown key"));
  // Dots in strings, comments and numbers are not key parts; a line end ends a key.
  std::string dots(500, '.');
  const std::string text = kMinimal + "# " + dots + "\n[data]\ndir = \"\"\"\n" + dots + "\\\n" + dots +
                           "\"\"\"\nadjust = '" + dots + "'\n";
  EXPECT_THAT(error_of(text),
              HasSubstr(fmt::format("cfg.toml:{}: data.adjust: expected true or false", line_of(text, "adjust"))));
  EXPECT_THAT(error_of<UsageError>(kMinimal, {dotted_key(1000) + "=1"}), HasSubstr("a key of more than 64 parts"));
  EXPECT_THAT(error_of<UsageError>(kMinimal, {"strategy.weights={" + dotted_key(1000) + "=1}"}),
              HasSubstr("nested more than"));
}

TEST(Config, SweepTableIsLeftToTheSweep) {
  EXPECT_NO_THROW(load(kMinimal + "\n[sweep]\nanything = 1\n"));
}

// ---------------------------------------------------------------------------------------------
// Unknown keys: an error naming the key and its line, in every table

struct UnknownKeyCase {
  const char* name;
  std::string text;
  std::string key;       // full key path in the message
  std::string line_of;   // fixture text on the offending line
};

class UnknownKey : public ::testing::TestWithParam<UnknownKeyCase> {};

TEST_P(UnknownKey, IsAnErrorNamingKeyAndLine) {
  const UnknownKeyCase& c = GetParam();
  const std::string error = error_of(c.text);
  ASSERT_FALSE(error.empty());
  EXPECT_THAT(error, HasSubstr(fmt::format("cfg.toml:{}: {}", line_of(c.text, c.line_of), c.key)));
  EXPECT_THAT(error, HasSubstr("unknown key"));
}

INSTANTIATE_TEST_SUITE_P(
    Config, UnknownKey,
    ::testing::Values(
        UnknownKeyCase{"TopLevel", "colour = \"red\"\n" + kMinimal, "colour", "colour"},
        UnknownKeyCase{"TopLevelTable", kMinimal + "[extra]\nx = 1\n", "extra", "[extra]"},
        UnknownKeyCase{"Data", "[data]\ndirectory = \"x\"\n" + kMinimal, "data.directory", "directory"},
        UnknownKeyCase{"Backtest", kMinimal + "[backtest.x]\n", "backtest.x", "[backtest.x]"},
        UnknownKeyCase{"BacktestTypo", "[backtest]\nstart = \"2020-01-01\"\nend = \"2020-12-31\"\n"
                                       "rebalanse = \"daily\"\n[strategy]\nweights = { SPY = 1.0 }\n",
                       "backtest.rebalanse", "rebalanse"},
        UnknownKeyCase{"Fees", kMinimal + "[fees]\nmodel = \"percent\"\ncomission = 0.001\n", "fees.comission",
                       "comission"},
        UnknownKeyCase{"Strategy", "[backtest]\nstart = \"2020-01-01\"\nend = \"2020-12-31\"\n"
                                   "[strategy]\nweights = { SPY = 1.0 }\nlookbak = 5\n",
                       "strategy.lookbak", "lookbak"},
        UnknownKeyCase{"StrategyBacktestKey", "[backtest]\nstart = \"2020-01-01\"\nend = \"2020-12-31\"\n"
                                              "[strategy]\nweights = { SPY = 1.0 }\nrebalance = \"daily\"\n",
                       "strategy.rebalance", "rebalance"},
        UnknownKeyCase{"Benchmark", kMinimal + "[benchmark]\nweights = { SPY = 1.0 }\nrebalanse = \"daily\"\n",
                       "benchmark.rebalanse", "rebalanse"},
        UnknownKeyCase{"BenchmarkFees", kMinimal + "[benchmark]\nweights = { SPY = 1.0 }\n"
                                                   "[benchmark.fees]\nmodel = \"percent\"\ntaxes = 0.1\n",
                       "benchmark.fees.taxes", "taxes"}),
    [](const ::testing::TestParamInfo<UnknownKeyCase>& p) { return std::string(p.param.name); });

// ---------------------------------------------------------------------------------------------
// Wrong types and impossible values: an error naming the key (and the line where known)

struct BadValueCase {
  const char* name;
  std::string table;    // appended to the [backtest] table of the fixture, or a whole table
  std::string key;      // full key path in the message
  std::string message;  // fragment of the message
};

// [backtest] start/end, then `extra` lines inside [backtest], then a 60/40 [strategy].
std::string backtest_with(const std::string& extra) {
  return "[backtest]\nstart = \"2020-01-01\"\nend = \"2020-12-31\"\n" + extra +
         "\n[strategy]\nweights = { SPY = 0.6, AGG = 0.4 }\n";
}

class BadBacktestValue : public ::testing::TestWithParam<BadValueCase> {};

// These values sit on the fixture's line 4; the message names file:4 and the key.
TEST_P(BadBacktestValue, IsAnErrorNamingKeyAndLine) {
  const BadValueCase& c = GetParam();
  const std::string text = backtest_with(c.table);
  ASSERT_EQ(line_of(text, c.table), 4);
  const std::string error = error_of(text);
  EXPECT_THAT(error, HasSubstr("cfg.toml:4: " + c.key + ": "));
  EXPECT_THAT(error, HasSubstr(c.message));
}

INSTANTIATE_TEST_SUITE_P(
    Config, BadBacktestValue,
    ::testing::Values(
        BadValueCase{"CashAsString", "initial_cash = \"1e6\"", "backtest.initial_cash", "expected a number"},
        BadValueCase{"NegativeCash", "initial_cash = -1.0", "backtest.initial_cash", "must be positive"},
        BadValueCase{"ZeroCash", "initial_cash = 0", "backtest.initial_cash", "must be positive"},
        BadValueCase{"NanCash", "initial_cash = nan", "backtest.initial_cash", "finite"},
        BadValueCase{"HugeCash", "initial_cash = 1e308", "backtest.initial_cash", "must be at most 1e15"},
        BadValueCase{"BufferNegative", "cash_buffer = -0.01", "backtest.cash_buffer", "within [0, 1]"},
        BadValueCase{"BufferAboveOne", "cash_buffer = 1.5", "backtest.cash_buffer", "within [0, 1]"},
        BadValueCase{"LeverageZero", "gross_leverage = 0", "backtest.gross_leverage", "must be positive"},
        BadValueCase{"LeverageHuge", "gross_leverage = 1e300", "backtest.gross_leverage", "must be at most 100"},
        BadValueCase{"LongOnlyAsInt", "long_only = 1", "backtest.long_only", "expected true or false"},
        BadValueCase{"DateAsNumber", "burn_in = 2020", "backtest.burn_in", "expected a date"},
        BadValueCase{"ImpossibleDate", "burn_in = \"2020-02-30\"", "backtest.burn_in", "is not a date"},
        BadValueCase{"UnknownRebalance", "rebalance = \"monthly\"", "backtest.rebalance",
                     "'monthly' is not one of buy_and_hold, daily, weekly, end_of_month"},
        BadValueCase{"RebalanceAsArray", "rebalance = [\"daily\"]", "backtest.rebalance", "expected a string"},
        BadValueCase{"Saturday", "weekday = \"SAT\"", "backtest.weekday", "not one of MON, TUE, WED, THU, FRI"},
        BadValueCase{"UnknownMode", "mode = \"fast\"", "backtest.mode", "'fast' is not one of strict, qstrader"},
        BadValueCase{"BurnInTrue", "burn_in = true", "backtest.burn_in", "expected a date"}),
    [](const ::testing::TestParamInfo<BadValueCase>& p) { return std::string(p.param.name); });

TEST(Config, ImpossibleCombinationsNameTheKey) {
  EXPECT_THAT(error_of(backtest_with("rebalance = \"daily\"\nweekday = \"MON\"")),
              HasSubstr("cfg.toml: backtest.weekday: only applies to rebalance = \"weekly\""));
  EXPECT_THAT(error_of(backtest_with("rebalance = \"end_of_month\"\nweekday = \"WED\"")),
              HasSubstr("backtest.weekday: only applies"));
  EXPECT_THAT(error_of(backtest_with("rebalance = \"weekly\"")),
              HasSubstr("backtest.weekday: required when rebalance = \"weekly\""));
  EXPECT_THAT(error_of("[backtest]\nstart = \"2020-06-01\"\nend = \"2020-05-31\"\n[strategy]\nweights = {A = 1}\n"),
              HasSubstr("backtest.end: 2020-05-31 is before start 2020-06-01"));
  EXPECT_THAT(error_of(backtest_with("burn_in = \"2019-12-31\"")),
              HasSubstr("backtest.burn_in: 2019-12-31 is outside [start, end]"));
  EXPECT_THAT(error_of(backtest_with("burn_in = \"2021-01-01\"")), HasSubstr("backtest.burn_in"));
  // 2020-12-26 and 27 are a Saturday and a Sunday: no simulated day from burn_in to end.
  EXPECT_THAT(error_of(backtest_with("burn_in = \"2020-12-26\""), {"backtest.end=2020-12-27"}),
              HasSubstr("backtest.burn_in: no weekday between burn_in 2020-12-26 and end 2020-12-27"));
  EXPECT_NO_THROW(load(backtest_with("burn_in = \"2020-12-26\""), {"backtest.end=2020-12-28"}));
}

TEST(Config, BadFeesNameTheKeyAndLine) {
  const std::string flat = kMinimal + "[fees]\nmodel = \"flat\"\n";
  EXPECT_THAT(error_of(flat), HasSubstr(fmt::format("cfg.toml:{}: fees.model: 'flat' is not one of zero, percent",
                                                    line_of(flat, "flat"))));
  const std::string big = kMinimal + "[fees]\nmodel = \"percent\"\ncommission = 1.5\n";
  EXPECT_THAT(error_of(big), HasSubstr(fmt::format("cfg.toml:{}: fees.commission: must be a fraction",
                                                   line_of(big, "commission"))));
  EXPECT_THAT(error_of(kMinimal + "[fees]\nmodel = \"percent\"\ntax = -0.1\n"), HasSubstr("fees.tax: must be"));
  EXPECT_THAT(error_of(kMinimal + "[fees]\nmodel = \"percent\"\ntax = \"5bp\"\n"),
              HasSubstr("fees.tax: expected a number"));
  // Fees without model = "percent" would silently be ignored.
  EXPECT_THAT(error_of(kMinimal + "[fees]\ncommission = 0.001\n"),
              HasSubstr("fees.commission: is set but fees.model is \"zero\""));
  EXPECT_THAT(error_of(kMinimal + "[benchmark]\nweights = {SPY = 1.0}\n[benchmark.fees]\nmodel = \"flat\"\n"),
              HasSubstr("benchmark.fees.model: 'flat'"));
  // The benchmark's own fee model is named, not the strategy's.
  EXPECT_THAT(error_of(kMinimal + "[benchmark]\nweights = {SPY = 1.0}\n[benchmark.fees]\ncommission = 0.01\n"),
              HasSubstr("benchmark.fees.commission: is set but benchmark.fees.model is \"zero\""));
  // Fees of the whole traded value or more would make long-only targets negative.
  const std::string whole = kMinimal + "[fees]\nmodel = \"percent\"\ncommission = 0.6\ntax = 0.4\n";
  EXPECT_THAT(error_of(whole), HasSubstr(fmt::format("cfg.toml:{}: fees.commission: commission + tax = 1 is 100% of the "
                                                     "traded value or more", line_of(whole, "commission"))));
  const std::string tax_first = kMinimal + "[fees]\nmodel = \"percent\"\ncommission = 0.0\ntax = 1.0\n";
  EXPECT_THAT(error_of(tax_first), HasSubstr(fmt::format("cfg.toml:{}: fees.tax: commission + tax = 1",
                                                         line_of(tax_first, "tax"))));
  const std::string commission_big = kMinimal + "[fees]\nmodel = \"percent\"\ncommission = 1.0\ntax = 0.0\n";
  EXPECT_THAT(error_of(commission_big), HasSubstr(fmt::format("cfg.toml:{}: fees.commission: commission + tax = 1",
                                                              line_of(commission_big, "commission"))));
  EXPECT_THAT(error_of(kMinimal + "[fees]\nmodel = \"percent\"\ncommission = 1\n"),
              HasSubstr("fees.commission: commission + tax = 1 is 100%"));
  EXPECT_THAT(error_of(kMinimal, {"fees.model=\"percent\"", "fees.commission=0.5", "fees.tax=0.5"}),
              HasSubstr("cfg.toml (--set): fees.commission: commission + tax = 1"));
}

TEST(Config, StrategyValueTypesSayWhatIsExpected) {
  EXPECT_THAT(error_of(kMinimal, {"strategy.weights=[1, 2]"}),
              HasSubstr("strategy.weights: an array holding an integer: arrays hold ticker strings"));
  EXPECT_THAT(error_of(kMinimal, {"strategy.weights={SPY = \"a\"}"}),
              HasSubstr("strategy.weights: SPY: expected a number (a table parameter maps tickers to numbers"));
  // A value of the wrong shape under a key the strategy does not know is an unknown key: a
  // [benchmark.data] table meant as [data], an array under a misspelt key.
  const std::string misplaced = kMinimal + "[benchmark]\nweights = { SPY = 1.0 }\n[benchmark.data]\ndir = \"x\"\n";
  EXPECT_THAT(error_of(misplaced), HasSubstr(fmt::format("cfg.toml:{}: benchmark.data: unknown key for strategy kind "
                                                         "'fixed_weights'", line_of(misplaced, "[benchmark.data]"))));
  EXPECT_THAT(error_of(kMinimal, {"strategy.wieghts=[1, 2]"}),
              HasSubstr("strategy.wieghts: unknown key for strategy kind 'fixed_weights'"));
  // Without a kind, a weights table of the wrong shape still makes a fixed_weights strategy.
  EXPECT_THAT(error_of(kMinimal, {"strategy.weights={SPY = [1]}"}), HasSubstr("strategy.weights: SPY: expected a number"));
}

TEST(Config, WrongTypesInOtherTablesNameKeyAndLine) {
  const std::string data_dir = "[data]\ndir = 5\n" + kMinimal;
  EXPECT_THAT(error_of(data_dir), HasSubstr("cfg.toml:2: data.dir: expected a string, got an integer"));
  EXPECT_THAT(error_of("[data]\nadjust = \"no\"\n" + kMinimal),
              HasSubstr("cfg.toml:2: data.adjust: expected true or false"));
  EXPECT_THAT(error_of("data = 1\n" + kMinimal), HasSubstr("cfg.toml:1: data: expected a table"));
  EXPECT_THAT(error_of("plugins = \"lib.so\"\n" + kMinimal), HasSubstr("cfg.toml:1: plugins: expected an array"));
  EXPECT_THAT(error_of(kMinimal + "[universe]\nSPY = 5\n"), HasSubstr("universe.SPY: expected a date"));


  const std::string strategy_head = "[backtest]\nstart = \"2020-01-01\"\nend = \"2020-12-31\"\n[strategy]\n";
  // Lines 5 and 6 of these fixtures hold the strategy keys.
  EXPECT_THAT(error_of(strategy_head + "weights = { SPY = \"x\" }\n"),
              HasSubstr("cfg.toml:5: strategy.weights: SPY: expected a number"));
  EXPECT_THAT(error_of(strategy_head + "weights = [1, 2]\n"), HasSubstr("cfg.toml:5: strategy.weights"));
  EXPECT_THAT(error_of(strategy_head + "kind = 3\nweights = { SPY = 1.0 }\n"),
              HasSubstr("cfg.toml:5: strategy.kind: expected a string"));
  EXPECT_THAT(error_of(strategy_head + "kind = \"momentum\"\nassets = [\"A\", \"B\"]\nlookback = \"126\"\ntop_n = 1\n"),
              HasSubstr("cfg.toml:7: strategy.lookback: expected an integer"));
  EXPECT_THAT(error_of(strategy_head + "kind = \"momentum\"\nassets = [\"A\", \"B\"]\nlookback = 0\ntop_n = 1\n"),
              HasSubstr("cfg.toml:7: strategy.lookback: must be at least 1"));
  // inverse_volatility needs two returns in its window: with one, every asset's σ is 0.
  EXPECT_THAT(error_of(strategy_head + "kind = \"inverse_volatility\"\nassets = [\"A\", \"B\"]\nlookback = 1\n"),
              HasSubstr("cfg.toml:7: strategy.lookback: must be at least 2 (the volatility of a single return is 0"));
  EXPECT_THAT(error_of(strategy_head + "kind = \"magic\"\n"),
              HasSubstr("cfg.toml:5: strategy.kind: unknown strategy kind 'magic'"));
  EXPECT_THAT(error_of(strategy_head + "kind = \"momentum\"\nassets = [\"A\"]\ntop_n = 1\n"),
              HasSubstr("strategy.lookback: required by strategy kind 'momentum' but missing"));
}

TEST(Config, MissingRequiredPartsAreNamed) {
  EXPECT_THAT(error_of("[strategy]\nweights = {A = 1}\n"), HasSubstr("[backtest]: required table is missing"));
  EXPECT_THAT(error_of("[backtest]\nend = \"2020-12-31\"\n[strategy]\nweights = {A = 1}\n"),
              HasSubstr("backtest.start: required key is missing"));
  EXPECT_THAT(error_of("[backtest]\nstart = \"2020-01-01\"\n[strategy]\nweights = {A = 1}\n"),
              HasSubstr("backtest.end: required key is missing"));
  EXPECT_THAT(error_of("[backtest]\nstart = \"2020-01-01\"\nend = \"2020-12-31\"\n"),
              HasSubstr("[strategy]: required table is missing"));
  EXPECT_THAT(error_of("[backtest]\nstart = \"2020-01-01\"\nend = \"2020-12-31\"\n[strategy]\nlookback = 3\n"),
              HasSubstr("strategy.kind: required key is missing"));
}

TEST(Config, FileProblems) {
  const fs::path dir = fresh_temp_dir("cfg");
  EXPECT_THROW(load_config(dir / "missing.toml"), IoError);
  EXPECT_THROW(load_config(dir), IoError);  // a directory is not a readable config file
  const std::string syntax = kMinimal + "initial_cash = = 5\n";
  EXPECT_THAT(error_of(syntax), HasSubstr(fmt::format("cfg.toml:{}:", line_of(syntax, "= = 5"))));
  EXPECT_THAT(error_of(kMinimal + "[backtest]\nmode = \"strict\"\n"), HasSubstr("cfg.toml:"));  // table twice
}

// ---------------------------------------------------------------------------------------------
// Assets without data: checked when the strategy is made (src/engine/backtest.cpp)

TEST(Config, WeightForAssetWithoutCsvIsAnError) {
  const fs::path dir = fresh_temp_dir("cfg");
  write_text(dir / "data" / "SPY.csv", "Date,Open,Close,Adj Close\n2020-01-02,1,1,1\n");
  write_text(dir / "cfg.toml", kMinimal + "[benchmark]\nweights = { TLT = 1.0 }\n");
  const Config config = load_config(dir / "cfg.toml");
  try {
    make_strategy(config, config.strategy);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cfg.toml"));
    EXPECT_THAT(e.what(), HasSubstr("strategy"));
    EXPECT_THAT(e.what(), HasSubstr("'AGG'"));
    EXPECT_THAT(e.what(), Not(HasSubstr("'SPY'")));
  }
  try {
    make_strategy(config, *config.benchmark);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("benchmark"));
    EXPECT_THAT(e.what(), HasSubstr("'TLT'"));
  }
}

TEST(Config, UniverseEntryForAnAssetNotTradedIsAnError) {
  const fs::path dir = fresh_temp_dir("cfg");
  for (const char* t : {"SPY", "AGG"})
    write_text(dir / "data" / (std::string(t) + ".csv"), "Date,Open,Close,Adj Close\n2020-01-02,1,1,1\n");
  write_text(dir / "cfg.toml", kMinimal + "[universe]\nXLC = \"2020-06-01\"\n");
  const Config config = load_config(dir / "cfg.toml");
  EXPECT_THROW(
      {
        try {
          make_strategy(config, config.strategy);
        } catch (const InputError& e) {
          EXPECT_THAT(e.what(), HasSubstr("universe.XLC"));
          throw;
        }
      },
      InputError);
}

// ---------------------------------------------------------------------------------------------
// --set overrides

TEST(ConfigSet, NumbersStringsDatesAndBooleans) {
  const Config c = load(kMinimal, {"backtest.initial_cash=5000", "backtest.cash_buffer=0.25",
                                   "backtest.rebalance=weekly", "backtest.weekday=\"TUE\"",
                                   "backtest.start=2020-02-03", "backtest.end=\"2020-11-30\"",
                                   "backtest.long_only=false", "backtest.mode=qstrader"});
  EXPECT_EQ(c.strategy.initial_cash, 5000.0);
  EXPECT_EQ(c.strategy.cash_buffer, 0.25);
  EXPECT_EQ(c.strategy.rebalance, RebalanceFrequency::weekly);
  EXPECT_EQ(c.strategy.weekday, 1);
  EXPECT_EQ(c.strategy.start, d(2020, 2, 3));
  EXPECT_EQ(c.strategy.end, d(2020, 11, 30));
  EXPECT_FALSE(c.strategy.long_only);
  EXPECT_EQ(c.strategy.mode, Mode::qstrader);
}

TEST(ConfigSet, LaterAssignmentsWinAndSpacesAroundTheKeyAreIgnored) {
  const Config c = load(kMinimal, {"backtest.initial_cash=5000", " backtest.initial_cash = 7000 "});
  EXPECT_EQ(c.strategy.initial_cash, 7000.0);
}

TEST(ConfigSet, ArraysIntegersAndInlineTables) {
  const std::string momentum = "[backtest]\nstart = \"2020-01-01\"\nend = \"2020-12-31\"\n[strategy]\n"
                               "kind = \"momentum\"\nassets = [\"A\", \"B\", \"C\"]\nlookback = 126\ntop_n = 3\n";
  const Config c = load(momentum, {"strategy.lookback=63", "strategy.assets=[\"X\", \"Y\"]", "strategy.top_n=1"});
  EXPECT_EQ(c.strategy.strategy.get_int("lookback"), 63);
  EXPECT_EQ(c.strategy.strategy.get_int("top_n"), 1);
  EXPECT_EQ(c.strategy.strategy.get_string_list("assets"), (std::vector<std::string>{"X", "Y"}));

  // An inline table replaces the whole weights table.
  const Config w = load(kMinimal, {"strategy.weights={ TLT = 0.3, GLD = 0.7 }"});
  EXPECT_EQ(w.strategy.strategy.get_weights("weights"), (WeightList{{"GLD", 0.7}, {"TLT", 0.3}}));
  // A dotted key sets one weight inside the table.
  const Config one = load(kMinimal, {"strategy.weights.SPY=0.5"});
  EXPECT_EQ(one.strategy.strategy.get_weights("weights"), (WeightList{{"AGG", 0.4}, {"SPY", 0.5}}));
}

TEST(ConfigSet, NestedNewKeysCreateTables) {
  const Config c = load(kMinimal, {"benchmark.weights.SPY=1", "benchmark.rebalance=buy_and_hold",
                                   "benchmark.fees.model=percent", "benchmark.fees.tax=0.01",
                                   "data.adjust=false", "universe.AGG=\"2020-03-02\""});
  ASSERT_TRUE(c.benchmark.has_value());
  EXPECT_EQ(c.benchmark->strategy.get_weights("weights"), (WeightList{{"SPY", 1.0}}));
  EXPECT_EQ(c.benchmark->rebalance, RebalanceFrequency::buy_and_hold);
  EXPECT_EQ(c.benchmark->fees.model, FeeModelKind::percent);
  EXPECT_EQ(c.benchmark->fees.tax, 0.01);
  EXPECT_EQ(c.strategy.fees.model, FeeModelKind::zero);
  EXPECT_FALSE(c.adjust_prices);
  ASSERT_EQ(c.strategy.universe_entries.size(), 1u);
  EXPECT_EQ(c.strategy.universe_entries[0].second, d(2020, 3, 2));
}

TEST(ConfigSet, ApplyAssignmentOnATable) {
  toml::table root;
  config::apply_assignment(root, "a.b.c=1");
  config::apply_assignment(root, "a.s=plain words");
  config::apply_assignment(root, "a.q=\"quoted\"");
  config::apply_assignment(root, "a.f=0.5");
  config::apply_assignment(root, "a.arr=[1, 2]");
  config::apply_assignment(root, "a.t={ x = 1 }");
  config::apply_assignment(root, "a.eq=x=y");  // only the first '=' separates key and value
  EXPECT_EQ(root.at_path("a.b.c").value<std::int64_t>(), 1);
  EXPECT_EQ(root.at_path("a.s").value<std::string>(), "plain words");
  EXPECT_EQ(root.at_path("a.q").value<std::string>(), "quoted");
  EXPECT_EQ(root.at_path("a.f").value<double>(), 0.5);
  ASSERT_NE(root.at_path("a.arr").as_array(), nullptr);
  EXPECT_EQ(root.at_path("a.arr").as_array()->size(), 2u);
  EXPECT_EQ(root.at_path("a.t.x").value<std::int64_t>(), 1);
  EXPECT_EQ(root.at_path("a.eq").value<std::string>(), "x=y");
  // A quoted component may hold dots, as a [sweep] key does.
  config::apply_assignment(root, "sweep.\"strategy.top_n\"=[1, 3]");
  const toml::table* sweep = root.get("sweep")->as_table();
  ASSERT_NE(sweep, nullptr);
  ASSERT_NE(sweep->get("strategy.top_n"), nullptr);
  EXPECT_EQ(sweep->get("strategy.top_n")->as_array()->size(), 2u);
  config::apply_assignment(root, "\"x.y\".z=2");
  EXPECT_EQ(root.get("x.y")->as_table()->get("z")->value<std::int64_t>(), 2);
}

TEST(ConfigSet, MalformedAssignmentsAreUsageErrors) {
  for (const char* bad : {"novalue", "=5", " =5", "a..b=1", ".a=1", "a.=1", "a.\"b=1", "a.\"\"=1",
                          "a.\"b\"c=1"}) {
    toml::table root;
    EXPECT_THROW(config::apply_assignment(root, bad), UsageError) << bad;
  }
  // A dotted key through a value that is not a table.
  EXPECT_THAT(error_of<UsageError>(kMinimal, {"backtest.start.day=1"}), HasSubstr("'start' is not a table"));
  EXPECT_THAT(error_of<UsageError>(kMinimal, {"novalue"}), HasSubstr("--set 'novalue': expected key=value"));
  // A second line would be a second assignment the value's parse drops.
  for (const char* lines : {"backtest.initial_cash=5000\nbacktest.mode=\"qstrader\"", "a=1\r\nb=2", "a=\"x\ny\""})
    EXPECT_THAT(error_of<UsageError>(kMinimal, {lines}), HasSubstr("spans lines")) << lines;
}

TEST(ConfigSet, ErrorsInSetValuesSaySetNotALine) {
  const std::string cash = error_of(kMinimal, {"backtest.initial_cash=-5"});
  EXPECT_THAT(cash, HasSubstr("cfg.toml (--set): backtest.initial_cash: must be positive"));
  EXPECT_THAT(error_of(kMinimal, {"backtest.cash_buffer=\"lots\""}),
              HasSubstr("cfg.toml (--set): backtest.cash_buffer: expected a number"));
  EXPECT_THAT(error_of(kMinimal, {"backtest.colour=1"}),
              HasSubstr("cfg.toml (--set): backtest.colour: unknown key"));
  EXPECT_THAT(error_of(kMinimal, {"extra.x=1"}), HasSubstr("cfg.toml (--set): extra: unknown key"));
  EXPECT_THAT(error_of(kMinimal, {"strategy.weights.SPY=abc"}),
              HasSubstr("cfg.toml (--set): strategy.weights: SPY: expected a number"));
  EXPECT_THAT(error_of(kMinimal, {"strategy.lookback=3"}),
              HasSubstr("cfg.toml (--set): strategy.lookback: unknown key"));
  // A key of the file still reports its line when another key was --set.
  const std::string bad_file = kMinimal + "[fees]\nmodel = \"flat\"\n";
  EXPECT_THAT(error_of(bad_file, {"backtest.initial_cash=5"}),
              HasSubstr(fmt::format("cfg.toml:{}: fees.model", line_of(bad_file, "flat"))));
}

TEST(ConfigSet, CopiedTablesNameTheFileWithoutALineOrSet) {
  // A copied root (as a sweep variant is built) has lost all line information: no bogus line
  // and no "(--set)" either.
  const fs::path path = write_config(kMinimal + "[fees]\nmodel = \"flat\"\n");
  const toml::table parsed = config::parse_file(path);
  try {
    config::from_table(toml::table(parsed), path);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path.string() + ": fees.model: 'flat'"));
  }
}

// ---------------------------------------------------------------------------------------------
// The benchmark session

const std::string kInherit = R"(
[backtest]
start = "2010-01-04"
end = "2019-12-31"
initial_cash = 50000
rebalance = "weekly"
weekday = "THU"
long_only = false
cash_buffer = 0.05
gross_leverage = 2.0
burn_in = "2011-01-03"
mode = "qstrader"

[fees]
model = "percent"
commission = 0.002
tax = 0.001

[strategy]
weights = { SPY = 0.6, AGG = 0.4 }

[universe]
AGG = "2010-06-01"

[benchmark]
weights = { SPY = 1.0 }
)";

TEST(ConfigBenchmark, InheritsEveryBacktestAndFeesKey) {
  const Config c = load(kInherit);
  ASSERT_TRUE(c.benchmark.has_value());
  const SessionConfig& s = c.strategy;
  const SessionConfig& b = *c.benchmark;
  EXPECT_EQ(b.label, "benchmark");
  EXPECT_EQ(b.start, s.start);
  EXPECT_EQ(b.start, d(2010, 1, 4));
  EXPECT_EQ(b.end, d(2019, 12, 31));
  EXPECT_EQ(b.burn_in, std::optional<Day>(d(2011, 1, 3)));
  EXPECT_EQ(b.initial_cash, 50000.0);
  EXPECT_EQ(b.rebalance, RebalanceFrequency::weekly);
  EXPECT_EQ(b.weekday, 3);
  EXPECT_FALSE(b.long_only);
  EXPECT_EQ(b.cash_buffer, 0.05);
  EXPECT_EQ(b.gross_leverage, 2.0);
  EXPECT_EQ(b.mode, Mode::qstrader);
  EXPECT_EQ(b.fees.model, FeeModelKind::percent);
  EXPECT_EQ(b.fees.commission, 0.002);
  EXPECT_EQ(b.fees.tax, 0.001);
  EXPECT_EQ(b.universe_entries, s.universe_entries);
  EXPECT_EQ(b.strategy.get_weights("weights"), (WeightList{{"SPY", 1.0}}));
}

TEST(ConfigBenchmark, OverridesEachKey) {
  const Config c = load(kInherit, {"benchmark.start=\"2010-06-01\"", "benchmark.end=\"2018-12-31\"",
                                   "benchmark.burn_in=\"2012-01-03\"", "benchmark.initial_cash=10",
                                   "benchmark.rebalance=\"daily\"", "benchmark.long_only=true",
                                   "benchmark.cash_buffer=0", "benchmark.gross_leverage=1",
                                   "benchmark.mode=\"strict\""});
  const SessionConfig& b = *c.benchmark;
  EXPECT_EQ(b.start, d(2010, 6, 1));
  EXPECT_EQ(b.end, d(2018, 12, 31));
  EXPECT_EQ(b.burn_in, std::optional<Day>(d(2012, 1, 3)));
  EXPECT_EQ(b.initial_cash, 10.0);
  EXPECT_EQ(b.rebalance, RebalanceFrequency::daily);
  EXPECT_EQ(b.weekday, -1);  // the inherited weekday does not apply to a daily schedule
  EXPECT_TRUE(b.long_only);
  EXPECT_EQ(b.cash_buffer, 0.0);
  EXPECT_EQ(b.gross_leverage, 1.0);
  EXPECT_EQ(b.mode, Mode::strict);
  // The strategy session is unchanged.
  EXPECT_EQ(c.strategy.start, d(2010, 1, 4));
  EXPECT_EQ(c.strategy.rebalance, RebalanceFrequency::weekly);
  EXPECT_EQ(c.strategy.weekday, 3);
  EXPECT_EQ(c.strategy.mode, Mode::qstrader);
}

TEST(ConfigBenchmark, BuyAndHoldBenchmarkOfAWeeklyStrategy) {
  // The documented common case: a weekly strategy with a buy-and-hold benchmark.
  const Config c = load(kInherit, {"benchmark.rebalance=buy_and_hold"});
  EXPECT_EQ(c.benchmark->rebalance, RebalanceFrequency::buy_and_hold);
  EXPECT_EQ(c.benchmark->weekday, -1);
  // A benchmark can pick its own weekday, and must not give one to a non-weekly schedule.
  EXPECT_EQ(load(kInherit, {"benchmark.weekday=MON"}).benchmark->weekday, 0);
  EXPECT_THAT(error_of(kInherit, {"benchmark.rebalance=daily", "benchmark.weekday=MON"}),
              HasSubstr("benchmark.weekday: only applies"));
  EXPECT_THAT(error_of(kMinimal, {"benchmark.weights.SPY=1", "benchmark.rebalance=weekly"}),
              HasSubstr("benchmark.weekday: required"));
}

TEST(ConfigBenchmark, BurnInFalseDropsTheInheritedBurnIn) {
  const Config c = load(kInherit, {"benchmark.burn_in=false"});
  EXPECT_FALSE(c.benchmark->burn_in.has_value());
  EXPECT_TRUE(c.strategy.burn_in.has_value());
  // Without it, a benchmark starting after the inherited burn-in is inconsistent.
  EXPECT_THAT(error_of(kInherit, {"benchmark.start=\"2012-01-03\""}),
              HasSubstr("benchmark.burn_in: 2011-01-03 is outside [start, end]"));
  EXPECT_NO_THROW(load(kInherit, {"benchmark.start=\"2012-01-03\"", "benchmark.burn_in=false"}));
}

TEST(ConfigBenchmark, FeesTableReplacesTheInheritedFees) {
  const Config zero = load(kInherit + "[benchmark.fees]\nmodel = \"zero\"\n");
  EXPECT_EQ(zero.benchmark->fees.model, FeeModelKind::zero);
  EXPECT_EQ(zero.benchmark->fees.commission, 0.0);
  EXPECT_EQ(zero.benchmark->fees.tax, 0.0);
  EXPECT_EQ(zero.strategy.fees.commission, 0.002);

  // Keys not in [benchmark.fees] are not inherited from [fees].
  const Config partial = load(kInherit + "[benchmark.fees]\nmodel = \"percent\"\ncommission = 0.01\n");
  EXPECT_EQ(partial.benchmark->fees.model, FeeModelKind::percent);
  EXPECT_EQ(partial.benchmark->fees.commission, 0.01);
  EXPECT_EQ(partial.benchmark->fees.tax, 0.0);
}

TEST(ConfigBenchmark, OwnStrategyKindAndValidation) {
  const Config c = load(kMinimal + "[benchmark]\nkind = \"momentum\"\nassets = [\"SPY\", \"AGG\"]\n"
                                   "lookback = 20\ntop_n = 1\n");
  EXPECT_EQ(c.benchmark->strategy.kind(), "momentum");
  EXPECT_EQ(c.benchmark->strategy.get_int("lookback"), 20);
  EXPECT_THAT(error_of(kMinimal + "[benchmark]\nweights = { SPY = 1.0 }\nend = \"2019-01-01\"\n"),
              HasSubstr("benchmark.end: 2019-01-01 is before start 2020-01-01"));
  EXPECT_THAT(error_of(kMinimal + "[benchmark]\nweights = { SPY = 1.0 }\ncash_buffer = 2\n"),
              HasSubstr("benchmark.cash_buffer: must be within [0, 1]"));
  EXPECT_THAT(error_of(kMinimal + "[benchmark]\nrebalance = \"daily\"\n"), HasSubstr("benchmark.kind: required"));
}

}  // namespace
}  // namespace qsweep
