// The sweep grid: parsing [sweep], canonical order, variant ids and hashes.
#include <cstdint>
#include <sstream>

#include <gtest/gtest.h>

#include "config/config_toml.hpp"
#include "qsweep/error.hpp"
#include "qsweep/sha256.hpp"
#include "qsweep/sweep.hpp"
#include "sweep/results_table.hpp"
#include "sweep/sweep_internal.hpp"
#include "test_support.hpp"

namespace qsweep {
namespace {

SweepSpec parse(const std::string& text) {
  return sweep::spec_from_table(toml::parse(text, std::string_view("test.toml")), "test.toml");  // as a config file is parsed
}

TEST(SweepGrid, ExpandsRangesAndListsInKeyOrder) {
  const SweepSpec spec = parse(R"(
    [sweep]
    "strategy.top_n" = [1, 2, 3]
    "backtest.rebalance" = ["weekly", "end_of_month"]
    "strategy.lookback" = { from = 21, to = 63, step = 21 }
    rank_by = "cagr"
  )");
  EXPECT_EQ(spec.rank_by, "cagr");
  const auto& dims = spec.grid.dimensions();
  ASSERT_EQ(dims.size(), 3u);
  EXPECT_EQ(dims[0].key, "backtest.rebalance");  // sorted by key, whatever the file order
  EXPECT_EQ(dims[1].key, "strategy.lookback");
  EXPECT_EQ(dims[2].key, "strategy.top_n");
  EXPECT_EQ(dims[0].values, (std::vector<std::string>{"\"weekly\"", "\"end_of_month\""}));
  EXPECT_EQ(dims[1].values, (std::vector<std::string>{"21", "42", "63"}));
  EXPECT_EQ(spec.grid.size(), 2u * 3u * 3u);
}

TEST(SweepGrid, IdIsMixedRadixWithLastDimensionFastest) {
  const SweepSpec spec = parse(R"(
    [sweep]
    "a.x" = [10, 20]
    "b.y" = [1, 2, 3]
  )");
  // id = index(a.x) * 3 + index(b.y)
  EXPECT_EQ(spec.grid.value_indices(0), (std::vector<std::size_t>{0, 0}));
  EXPECT_EQ(spec.grid.value_indices(2), (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(spec.grid.value_indices(3), (std::vector<std::size_t>{1, 0}));
  EXPECT_EQ(spec.grid.value_indices(5), (std::vector<std::size_t>{1, 2}));
  const auto a = spec.grid.assignments(4);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0], (std::pair<std::string, std::string>{"a.x", "20"}));
  EXPECT_EQ(a[1], (std::pair<std::string, std::string>{"b.y", "2"}));
}

TEST(SweepGrid, HashIsFnv1aOfCanonicalAssignments) {
  const SweepSpec spec = parse(R"(
    [sweep]
    "strategy.lookback" = [21]
    "strategy.top_n" = [2]
  )");
  // FNV-1a 64 of "strategy.lookback=21;strategy.top_n=2;", computed independently in Python.
  EXPECT_EQ(spec.grid.variant_hash(0), "36acb23d0d2f21d8");
}

TEST(SweepGrid, FloatRangesAreInclusiveAndStayFloats) {
  const SweepSpec spec = parse(R"(
    [sweep]
    "fees.commission" = { from = 0.0, to = 0.003, step = 0.001 }
    "backtest.cash_buffer" = [0.0, 1.0]
  )");
  EXPECT_EQ(spec.grid.dimensions()[0].values, (std::vector<std::string>{"0.0", "1.0"}));
  EXPECT_EQ(spec.grid.dimensions()[1].values, (std::vector<std::string>{"0.0", "0.001", "0.002", "0.003"}));
}

TEST(SweepGrid, FloatRangeValuesAreTheDecimalsTheyStepThrough) {
  // 0.1 + 0.2 is 0.30000000000000004 in binary: values are rounded to the decimals of from and
  // step, so they read (and hash) as the same numbers written in a list.
  const SweepSpec range = parse("[sweep]\n\"backtest.cash_buffer\" = { from = 0.0, to = 1.0, step = 0.1 }");
  EXPECT_EQ(range.grid.dimensions()[0].values,
            (std::vector<std::string>{"0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0"}));
  const SweepSpec list = parse("[sweep]\n\"backtest.cash_buffer\" = [0.3]");
  EXPECT_EQ(range.grid.variant_hash(3), list.grid.variant_hash(0));
  EXPECT_EQ(parse("[sweep]\n\"fees.commission\" = { from = 1e-07, to = 5e-07, step = 1e-07 }").grid.dimensions()[0].values,
            (std::vector<std::string>{"1e-07", "2e-07", "3e-07", "4e-07", "5e-07"}));
  EXPECT_EQ(parse("[sweep]\n\"a.x\" = { from = 0.25, to = 1.0, step = 0.25 }").grid.dimensions()[0].values,
            (std::vector<std::string>{"0.25", "0.5", "0.75", "1.0"}));
}

TEST(SweepResults, ParameterTextShowsStringsAsTheirText) {
  using sweep::param_text;
  EXPECT_EQ(param_text("\"WED\""), "WED");
  EXPECT_EQ(param_text("\"\\u00E9\\u20AC\""), "\u00e9\u20ac");       // TOML escapes of non-ASCII: the characters
  EXPECT_EQ(param_text("\"a,b\\\"c\\nd\""), "a,b\"c\\u000Ad");  // a line end stays escaped
  EXPECT_EQ(param_text("'lit'"), "lit");
  EXPECT_EQ(param_text("0.25"), "0.25");
  EXPECT_EQ(param_text("[ \"A\", \"B\" ]"), "[ \"A\", \"B\" ]");
}

TEST(SweepGrid, KeysOfTooManyPartsAreConfigErrors) {
  // Each part becomes a nested table: a key of tens of thousands would overflow the stack.
  std::string key = "strategy";
  for (int i = 0; i < 64; ++i) key += ".a";
  try {
    parse("[sweep]\n\"" + key + "\" = [1, 2]");
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("a key of more than 64 parts"), std::string::npos) << e.what();
  }
  EXPECT_EQ(parse("[sweep]\n\"" + key.substr(0, key.size() - 2) + "\" = [1, 2]").grid.size(), 2u);
}

TEST(SweepGrid, FloatRangesReachToWhateverTheMagnitude) {
  // (to - from) / step is 9.99999999997904 and 10.999999999996362 in doubles; in the decimals
  // the bounds are written with, whole numbers of steps reach `to`.
  const auto values = [](const std::string& range) {
    return parse("[sweep]\n\"a.x\" = " + range).grid.dimensions()[0].values;
  };
  const std::vector<std::string> cash = values("{ from = 100000.0, to = 100000.01, step = 0.001 }");
  ASSERT_EQ(cash.size(), 11u);
  EXPECT_EQ(cash.back(), "100000.01");
  const std::vector<std::string> odd = values("{ from = 123456.789, to = 123456.8, step = 0.001 }");
  ASSERT_EQ(odd.size(), 12u);
  EXPECT_EQ(odd.back(), "123456.8");
  // A `to` between steps stays out, however close.
  EXPECT_EQ(values("{ from = 100000.0, to = 100000.0099, step = 0.001 }").size(), 10u);
  EXPECT_EQ(values("{ from = 1.0, to = 2.0, step = 0.3 }"), (std::vector<std::string>{"1.0", "1.3", "1.6", "1.9"}));
}

TEST(SweepGrid, FloatsInsideArraysAndTablesAreShortestToo) {
  const SweepSpec spec = parse(R"(
    [sweep]
    "benchmark.weights" = [{ SPY = 1.0 }, { SPY = 0.6, AGG = 0.4, "X Y" = 0.1 }, {}]
    "strategy.mix" = [[0.1, 0.2], [], [["a", 'b"c'], { n = 3, on = true }]]
  )");
  EXPECT_EQ(spec.grid.dimensions()[0].values,
            (std::vector<std::string>{"{ SPY = 1.0 }", "{ AGG = 0.4, SPY = 0.6, \"X Y\" = 0.1 }", "{}"}));
  EXPECT_EQ(spec.grid.dimensions()[1].values,
            (std::vector<std::string>{"[ 0.1, 0.2 ]", "[]", "[ [ \"a\", \"b\\\"c\" ], { n = 3, on = true } ]"}));
  // The text reads back as the same values, and hashes as the table written that way does.
  const SweepSpec written = parse(
      "[sweep]\n\"benchmark.weights\" = [{ AGG = 0.4, SPY = 0.6, \"X Y\" = 0.1 }]\n\"strategy.mix\" = [[0.1, 0.2]]");
  EXPECT_EQ(spec.grid.variant_hash(3), written.grid.variant_hash(0));  // id 3: the second table, the first array
}

TEST(SweepGrid, TheSameValueWrittenTwiceIsAnError) {
  for (const char* values : {"[0.1, 0.10]", "[0.1, 1e-1]", "[0, 0.0]", "[2, 2.0]", "[\"a\", 'a']"}) {
    try {
      parse(std::string("[sweep]\n\"backtest.cash_buffer\" = ") + values);
      ADD_FAILURE() << values << " was accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("is listed twice"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(parse("[sweep]\n\"backtest.weekday\" = [\"wed\", \"WED\"]"), InputError);  // any case
  EXPECT_THROW(parse("[sweep]\n\"backtest.start\" = [\"2015-01-02\", 2015-01-02]"), InputError);  // dates either way
  EXPECT_EQ(parse("[sweep]\n\"backtest.start\" = [\"2015-01-02\", 2015-01-05]").grid.size(), 2u);
  EXPECT_THROW(parse("[sweep]\n\"a.x\" = [[0, 1], [0.0, 1]]"), InputError);                  // inside arrays
  EXPECT_THROW(parse("[sweep]\n\"benchmark.weights\" = [{SPY = 1}, {SPY = 1.0}]"), InputError);  // and tables
  EXPECT_EQ(parse("[sweep]\n\"a.x\" = [[0, 1], [1, 0], {x = 1}, {y = 1}]").grid.size(), 4u);
  EXPECT_EQ(parse("[sweep]\n\"strategy.tag\" = [\"wed\", \"WED\"]").grid.size(), 2u);  // other strings as written
  EXPECT_EQ(parse("[sweep]\n\"a.x\" = [9223372036854775806, 9223372036854775807]").grid.size(), 2u);
}

// Without floats, a value's text is toml++'s own inline layout (so the hashes of such values
// did not change when floats inside arrays and tables got their shortest form), except that a
// long array stays on one line where toml++ would break it.
TEST(SweepGrid, ValueTextIsTomlPlusPlusLayoutWithoutFloats) {
  const toml::table values = toml::parse(R"(
    a = ["XLB", "XLE", "it's", 'lit']
    b = { SPY = 1, "X Y" = true, nested = { n = [1, 2], s = "q\"uote" } }
    c = [[1, 2], [], {}, [{ k = "v" }]]
    d = "weekly"
    e = 2020-01-02
  )");
  for (const char* key : {"a", "b", "c", "d", "e"}) {
    std::ostringstream own;
    values.get(key)->visit([&](const auto& v) { own << toml::toml_formatter(v, toml::format_flags::none); });
    EXPECT_EQ(sweep::toml_text(*values.get(key)), own.str()) << key;
  }
}

TEST(SweepGrid, IntegerRangesReachTheInt64Limit) {
  const SweepSpec spec = parse("[sweep]\n\"a.x\" = { from = 9223372036854775800, to = 9223372036854775807, step = 3 }");
  EXPECT_EQ(spec.grid.dimensions()[0].values,
            (std::vector<std::string>{"9223372036854775800", "9223372036854775803", "9223372036854775806"}));
}

TEST(SweepGrid, TooLargeRangesAndGridsAreErrorsNotCrashes) {
  try {
    parse("[sweep]\n\"strategy.lookback\" = { from = 1, to = 1000000000000 }");
    ADD_FAILURE() << "a trillion-value range was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("test.toml:2: sweep.\"strategy.lookback\": the range has more than 1000000 values"),
              std::string::npos) << e.what();
  }
  EXPECT_THROW(parse("[sweep]\n\"a.x\" = { from = 0.0, to = 1e300, step = 1e-300 }"), InputError);
  try {  // 2^64 - 1 steps: the count must not wrap around to "no values"
    parse("[sweep]\n\"a.x\" = { from = -9223372036854775808, to = 9223372036854775807 }");
    ADD_FAILURE() << "the full int64 range was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("the range has more than 1000000 values"), std::string::npos) << e.what();
  }
  // 65,536^4 = 2^64 variants: the count must not wrap around to 0.
  const std::string dims = "\"a.w\" = { from = 1, to = 65536 }\n\"a.x\" = { from = 1, to = 65536 }\n"
                           "\"a.y\" = { from = 1, to = 65536 }\n\"a.z\" = { from = 1, to = 65536 }\n";
  try {
    parse("[sweep]\n" + dims);
    ADD_FAILURE() << "a 2^64-variant grid was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("the grid has more than 100000000 variants"), std::string::npos) << e.what();
  }
}

TEST(SweepGrid, RejectsBadGrids) {
  EXPECT_THROW(parse("[sweep]\n\"strategy.top_n\" = [1, 1]"), InputError);                          // duplicate
  EXPECT_THROW(parse("[sweep]\n\"strategy.top_n\" = []"), InputError);                              // empty
  EXPECT_THROW(parse("[sweep]\n\"strategy.top_n\" = 3"), InputError);                               // scalar
  EXPECT_THROW(parse("[sweep]\n\"strategy.top_n\" = { from = 5, to = 1 }"), InputError);           // to < from
  EXPECT_THROW(parse("[sweep]\n\"strategy.top_n\" = { from = 1, to = 5, step = 0 }"), InputError); // step
  EXPECT_THROW(parse("[sweep]\n\"strategy.top_n\" = { from = 1, upto = 5 }"), InputError);         // unknown key
  EXPECT_THROW(parse("[sweep]\ntop_n = [1, 2]"), InputError);                                        // not dotted
  EXPECT_THROW(parse("[sweep]\nrank_by = \"sharpe\""), InputError);                                 // no dimension
  EXPECT_THROW(parse("[sweep]\n\"data.dir\" = [\"a\", \"b\"]"), InputError);                          // shared data
  EXPECT_THROW(parse("[sweep]\n\"data.adjust\" = [true, false]"), InputError);
  EXPECT_THROW(parse("[backtest]\nstart = 1"), InputError);                                          // no [sweep]
  EXPECT_THROW(parse("[sweep]\n\"a.b\" = [1]\nheatmap = [\"a.b\", \"c.d\"]"), InputError);          // heatmap key
  try {
    parse("[sweep]\n\"strategy.top_n\" = [1, 1]");
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("strategy.top_n"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("test.toml:2"), std::string::npos) << e.what();
  }
  // A [sweep] entry that came from --set has no line: the error says so.
  toml::table root =
      toml::parse(std::string_view("[sweep]\n\"strategy.top_n\" = [1, 2]"), std::string_view("test.toml"));
  config::apply_assignment(root, "sweep.\"strategy.lookback\"=[]");
  try {
    sweep::spec_from_table(root, "test.toml");
    ADD_FAILURE() << "an empty dimension was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("test.toml (--set): sweep.\"strategy.lookback\": has no values"),
              std::string::npos) << e.what();
  }
  // A key from the file keeps its line in the grid, for variant errors.
  EXPECT_EQ(parse("[sweep]\n\n\"strategy.top_n\" = [1, 2]").grid.dimensions()[0].line, 3u);
}

TEST(SweepGrid, RankingDirection) {
  EXPECT_TRUE(higher_is_better("sharpe"));
  EXPECT_TRUE(higher_is_better("cagr"));
  EXPECT_FALSE(higher_is_better("max_drawdown"));
  EXPECT_FALSE(higher_is_better("annual_volatility"));
}

TEST(Sha256, KnownVectorsWithEveryKernel) {
  // FIPS 180-2 examples (empty, one block, two blocks, a million 'a') and a 1,000-byte string.
  for (const Sha256Kernel kernel : {Sha256Kernel::best, Sha256Kernel::portable}) {
    SCOPED_TRACE(kernel == Sha256Kernel::best ? "best" : "portable");
    EXPECT_EQ(sha256_hex("", kernel), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc", kernel), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", kernel),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(sha256_hex(std::string(1000, 'a'), kernel),
              "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
    EXPECT_EQ(sha256_hex(std::string(1000000, 'a'), kernel),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  }
}

TEST(Sha256, KernelsAgreeOnEveryLengthAroundTheBlockSize) {
  std::string bytes;
  std::uint32_t x = 12345;
  for (std::size_t n = 0; n <= 300; ++n) {
    EXPECT_EQ(sha256_hex(bytes), sha256_hex(bytes, Sha256Kernel::portable)) << n << " bytes";
    x = x * 1664525u + 1013904223u;
    bytes.push_back(static_cast<char>(x >> 24));
  }
}

// Rows kept in memory and rows read back from the file are the same, before and after reopening
// the journal (--resume): non-finite statistics come back empty either way.
TEST(Journal, KeptRowsEqualTheRowsReadBack) {
  const std::size_t n_values = sweep::result_columns().size();
  auto row = [&](std::uint64_t id, double x) {
    sweep::ResultRow r;
    r.id = id;
    for (std::size_t i = 0; i < n_values; ++i) r.values.emplace_back(x / static_cast<double>(i + 3));
    r.values[1] = std::nullopt;
    r.values[2] = std::numeric_limits<double>::infinity();
    r.values[3] = -0.0;
    r.observations = 10 + id;
    r.block_sum = {x, -x / 7.0};
    r.block_sumsq = {x * x, 1e-300};
    return r;
  };
  auto same = [](const std::vector<sweep::ResultRow>& a, const std::vector<sweep::ResultRow>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].id, b[i].id);
      ASSERT_EQ(a[i].values.size(), b[i].values.size());
      for (std::size_t c = 0; c < a[i].values.size(); ++c) {
        EXPECT_EQ(a[i].values[c].has_value(), b[i].values[c].has_value()) << i << "," << c;
        if (a[i].values[c] && b[i].values[c]) {
          EXPECT_EQ(*a[i].values[c], *b[i].values[c]);
          EXPECT_EQ(std::signbit(*a[i].values[c]), std::signbit(*b[i].values[c]));
        }
      }
      EXPECT_EQ(a[i].observations, b[i].observations);
      EXPECT_EQ(a[i].block_sum, b[i].block_sum);
      EXPECT_EQ(a[i].block_sumsq, b[i].block_sumsq);
    }
  };
  const std::filesystem::path dir = test::fresh_temp_dir("journal");
  std::vector<sweep::ResultRow> kept, read_back;
  for (const bool keep : {true, false}) {
    const std::filesystem::path path = dir / (keep ? "kept.csv" : "file.csv");
    {
      sweep::Journal journal(path, 10, keep);
      for (std::uint64_t id : {7u, 2u, 5u}) journal.append(row(id, 0.1 * static_cast<double>(id) + 1.0 / 3.0));
      journal.flush();
    }
    sweep::Journal reopened(path, 10, keep);  // as --resume opens it
    EXPECT_TRUE(reopened.contains(5));
    EXPECT_FALSE(reopened.contains(3));
    reopened.append(row(3, 2.5));
    reopened.flush();
    (keep ? kept : read_back) = reopened.take_rows();
  }
  ASSERT_EQ(kept.size(), 4u);
  EXPECT_EQ(kept[0].id, 2u);
  EXPECT_EQ(kept[3].id, 7u);
  EXPECT_FALSE(kept[0].values[2].has_value());  // infinity: empty in the file
  same(kept, read_back);
}

TEST(AvailableCpus, CappedBySlurmCpusPerTask) {
  const unsigned all = available_cpus();
  ASSERT_GE(all, 1u);
  ::setenv("SLURM_CPUS_PER_TASK", "1", 1);
  EXPECT_EQ(available_cpus(), 1u);
  ::setenv("SLURM_CPUS_PER_TASK", "100000", 1);
  EXPECT_EQ(available_cpus(), all);
  ::unsetenv("SLURM_CPUS_PER_TASK");
}

}  // namespace
}  // namespace qsweep
