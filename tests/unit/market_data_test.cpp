// Data loading: the Yahoo-style CSV format, price adjustment, and every kind of bad input.
// Fixtures are small CSV strings written into fresh temp dirs.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "qsweep/date.hpp"
#include "qsweep/error.hpp"
#include "qsweep/market_data.hpp"
#include "qsweep/sha256.hpp"
#include "test_support.hpp"

namespace qsweep {
namespace {

namespace fs = std::filesystem;
using test::fresh_temp_dir;
using test::write_text;
using ::testing::HasSubstr;

constexpr const char* kYahoo =
    "Date,Open,High,Low,Close,Adj Close,Volume\n"
    "2020-01-02,100,110,90,50,25,1000\n"
    "2020-01-03,0.3,0.4,0.2,0.7,0.1,2000\n";

fs::path write_csv(const fs::path& dir, const std::string& name, const std::string& text) {
  const fs::path path = dir / name;
  write_text(path, text);
  return path;
}

Day d(int y, int m, int dd) { return day_from_civil(y, m, dd); }

// The message of the InputError that loading `text` throws ("" if none is thrown).
std::string load_error(const std::string& text, const LoadOptions& options = {}) {
  const fs::path path = write_csv(fresh_temp_dir("md"), "BAD.csv", text);
  try {
    load_asset_csv(path, "BAD", options);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// Format and adjustment

TEST(MarketData, LoadsYahooFileWithQstraderAdjustment) {
  const fs::path path = write_csv(fresh_temp_dir("md"), "SPY.csv", kYahoo);
  const AssetSeries s = load_asset_csv(path, "SPY");
  EXPECT_EQ(s.ticker, "SPY");
  EXPECT_EQ(s.path, path);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s.dates, (std::vector<Day>{d(2020, 1, 2), d(2020, 1, 3)}));
  EXPECT_EQ(s.first_day(), d(2020, 1, 2));
  EXPECT_EQ(s.last_day(), d(2020, 1, 3));
  // open * AdjClose/Close: 100 * 25/50 = 50; close = AdjClose.
  EXPECT_EQ(s.open[0], 50.0);
  EXPECT_EQ(s.close[0], 25.0);
  // QSTrader computes (adj / close) * open; adj * open / close rounds differently for these.
  EXPECT_EQ(s.open[1], (0.1 / 0.7) * 0.3);
  EXPECT_NE(s.open[1], 0.1 * 0.3 / 0.7);
  EXPECT_EQ(s.close[1], 0.1);
  EXPECT_TRUE(s.sha256.empty());  // only computed on request
  LoadOptions with_checksum;
  with_checksum.checksum = true;
  EXPECT_EQ(load_asset_csv(path, "SPY", with_checksum).sha256, sha256_hex(test::slurp(path)));
}

TEST(MarketData, AdjustFalseUsesRawPrices) {
  const fs::path path = write_csv(fresh_temp_dir("md"), "SPY.csv", kYahoo);
  const AssetSeries s = load_asset_csv(path, "SPY", LoadOptions{false});
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s.open, (std::vector<double>{100.0, 0.3}));
  EXPECT_EQ(s.close, (std::vector<double>{50.0, 0.7}));
}

// Prices are the correctly rounded doubles of their text (strtod is the reference), whichever
// way the loader reads them: short plain decimals, 15 and more digits, a leading '+', a missing
// integer or fraction part, exponents.
TEST(MarketData, PricesAreTheCorrectlyRoundedValuesOfTheirText) {
  const std::vector<std::string> prices = {"0.1",
                                           "123.456789",
                                           "+90.965317",
                                           "1.",
                                           ".5",
                                           "007.25",
                                           "999999999999999",
                                           "1.23456789012345",
                                           "0.000000000000001",
                                           "1.234567890123456789",
                                           "9007199254740993",
                                           "12345678901234567890.5",
                                           "99999999999999999999999999.000000000000000000001",
                                           "1e2",
                                           "2.5E-3"};
  std::string text = "Date,Open,Close\n";
  for (std::size_t i = 0; i < prices.size(); ++i)
    text += fmt::format("{},{},{}\n", format_date(d(2020, 1, 1) + static_cast<Day>(i)), prices[i], prices[i]);
  const fs::path path = write_csv(fresh_temp_dir("md"), "NUM.csv", text);
  const AssetSeries s = load_asset_csv(path, "NUM", LoadOptions{false});
  ASSERT_EQ(s.size(), prices.size());
  for (std::size_t i = 0; i < prices.size(); ++i) {
    const double expected = std::strtod(prices[i].c_str(), nullptr);
    EXPECT_EQ(s.open[i], expected) << prices[i];
    EXPECT_EQ(s.close[i], expected) << prices[i];
  }
}

// Rows in the usual form (plain decimals, no blanks) take a fast path; any other row the general
// one. Both must give the same values, whatever the line ends and column order, and the general
// path must still name the problems of rows the fast one passes on.
TEST(MarketData, UsualAndUnusualRowsReadAlike) {
  const std::vector<std::pair<std::string, std::string>> cells = {  // Adj Close, Open
      {"90.965317", "120.483838"}, {" 91.5", "121.25 "}, {"+92", "1.2e2"}, {"93.000000000000001", "7."},
      {"94.5", "0.5"},             {"95", "122"},        {".5", "123.456789012345"}};
  for (const char* line_end : {"\n", "\r\n"}) {
    std::string text = std::string("Volume,Adj Close,Date,Open,Close,Note") + line_end;
    for (std::size_t i = 0; i < cells.size(); ++i)
      text += fmt::format("{},{},{},{},100,{}{}", 1000 + i, cells[i].first, format_date(d(2020, 1, 1) + static_cast<Day>(i)),
                          cells[i].second, i % 2 ? "a b" : "", line_end);
    const fs::path path = write_csv(fresh_temp_dir("md"), "MIX.csv", text);
    const AssetSeries s = load_asset_csv(path, "MIX");
    ASSERT_EQ(s.size(), cells.size()) << line_end;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const double adj = std::strtod(cells[i].first.c_str(), nullptr);
      const double open = std::strtod(cells[i].second.c_str(), nullptr);
      EXPECT_EQ(s.dates[i], d(2020, 1, 1) + static_cast<Day>(i));
      EXPECT_EQ(s.close[i], adj) << i;
      EXPECT_EQ(s.open[i], (adj / 100.0) * open) << i;
    }
  }
  // Usual-looking rows with a problem are named by the general path.
  const std::string header = "Date,Open,Close,Adj Close\n";
  EXPECT_THAT(load_error(header + "2020-01-02,1.5,0.0,1.5\n"), HasSubstr(":2: column 'Close': price must be positive"));
  EXPECT_THAT(load_error(header + "2020-01-02,1.5,2.5,1.5\n2020-01-02,1.5,2.5,1.5\n"),
              HasSubstr(":3: column 'Date': 2020-01-02 duplicates the previous row's date"));
  EXPECT_THAT(load_error(header + "2020-01-02,1.5,2.5,1.5,9\n"), HasSubstr(":2: expected 4 fields, found 5"));
  EXPECT_THAT(load_error(header + "2020-01-02,1.5,2.5\n"), HasSubstr(":2: expected 4 fields, found 3"));
  EXPECT_THAT(load_error(header + "2020-01-32,1.5,2.5,1.5\n"), HasSubstr(":2: column 'Date': '2020-01-32' is not a date"));
}

// Plain decimals of every length and digit position, read eight bytes at a time where they fit,
// are the correctly rounded doubles of their text; so are the longer ones the general path reads.
TEST(MarketData, PlainDecimalsOfAnyLengthReadExactly) {
  std::mt19937_64 rng(5);
  std::string text = "Date,Open,Close\n";
  std::vector<std::string> prices;
  for (int i = 0; i < 3000; ++i) {
    std::string price(1, static_cast<char>('1' + rng() % 9));
    for (std::uint64_t n = rng() % 9; n > 0; --n) price += static_cast<char>('0' + rng() % 10);
    if (const std::uint64_t decimals = rng() % 12; decimals > 0) {
      price += '.';
      for (std::uint64_t n = 0; n < decimals; ++n) price += static_cast<char>('0' + rng() % 10);
    }
    prices.push_back(price);
    text += fmt::format("{},{},{}\n", format_date(d(2000, 1, 1) + static_cast<Day>(i)), price, price);
  }
  const fs::path path = write_csv(fresh_temp_dir("md"), "DEC.csv", text);
  const AssetSeries s = load_asset_csv(path, "DEC", LoadOptions{false});
  ASSERT_EQ(s.size(), prices.size());
  for (std::size_t i = 0; i < prices.size(); ++i) {
    EXPECT_EQ(s.open[i], std::strtod(prices[i].c_str(), nullptr)) << prices[i];
    EXPECT_EQ(s.close[i], std::strtod(prices[i].c_str(), nullptr)) << prices[i];
  }
}

TEST(MarketData, AdjustFalseNeedsNoAdjClose) {
  const std::string text = "Date,Open,Close\n2020-01-02,10,11\n";
  const fs::path path = write_csv(fresh_temp_dir("md"), "RAW.csv", text);
  const AssetSeries s = load_asset_csv(path, "RAW", LoadOptions{false});
  EXPECT_EQ(s.open, std::vector<double>{10.0});
  EXPECT_EQ(s.close, std::vector<double>{11.0});
  // ...but adjusted loading requires it.
  EXPECT_THAT(load_error(text), HasSubstr(":1: column 'Adj Close': required column is missing"));
}

TEST(MarketData, AdjustFalseIgnoresAdjCloseContent) {
  const fs::path path = write_csv(fresh_temp_dir("md"), "RAW.csv",
                                  "Date,Open,Close,Adj Close\n2020-01-02,10,11,null\n");
  EXPECT_EQ(load_asset_csv(path, "RAW", LoadOptions{false}).close, std::vector<double>{11.0});
}

TEST(MarketData, AcceptsAnyColumnOrder) {
  const fs::path path = write_csv(fresh_temp_dir("md"), "X.csv",
                                  "Volume,Adj Close,Close,Low,Date,High,Open\n"
                                  "1000,25,50,1,2020-01-02,999,100\n");
  const AssetSeries s = load_asset_csv(path, "X");
  EXPECT_EQ(s.dates, std::vector<Day>{d(2020, 1, 2)});
  EXPECT_EQ(s.open, std::vector<double>{50.0});
  EXPECT_EQ(s.close, std::vector<double>{25.0});
}

TEST(MarketData, AcceptsQuotedHeaderNames) {
  const fs::path path =
      write_csv(fresh_temp_dir("md"), "Q.csv", "\"Date\",\"Open\",\"Close\",\"Adj Close\"\n2020-01-02,2,4,3\n");
  const AssetSeries s = load_asset_csv(path, "Q");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s.close[0], 3.0);
}

TEST(MarketData, AcceptsAdjustedCloseLikeAdjClose) {
  const fs::path path = write_csv(fresh_temp_dir("md"), "X.csv",
                                  "Date,Open,Close,Adjusted Close\n2020-01-02,100,50,25\n");
  const AssetSeries s = load_asset_csv(path, "X");
  EXPECT_EQ(s.open, std::vector<double>{50.0});
  EXPECT_EQ(s.close, std::vector<double>{25.0});
}

TEST(MarketData, HighLowVolumeAreOptionalAndUnknownColumnsIgnored) {
  const fs::path path = write_csv(fresh_temp_dir("md"), "X.csv",
                                  "Date,Open,Close,Adj Close,Comment\n2020-01-02,100,50,25,not a number\n");
  const AssetSeries s = load_asset_csv(path, "X");
  EXPECT_EQ(s.open, std::vector<double>{50.0});
  EXPECT_EQ(s.close, std::vector<double>{25.0});
}

TEST(MarketData, HighLowVolumeContentIsNotValidated) {
  const fs::path path = write_csv(fresh_temp_dir("md"), "X.csv",
                                  "Date,Open,High,Low,Close,Adj Close,Volume\n2020-01-02,100,null,,50,25,-\n");
  EXPECT_EQ(load_asset_csv(path, "X").size(), 1u);
}

TEST(MarketData, CrlfLineEndingsAndByteOrderMark) {
  const fs::path dir = fresh_temp_dir("md");
  const fs::path plain = write_csv(dir, "A.csv", kYahoo);
  std::string windows = "\xEF\xBB\xBF";
  for (char c : std::string(kYahoo)) {
    if (c == '\n') windows += '\r';
    windows += c;
  }
  const fs::path crlf = write_csv(dir, "B.csv", windows);
  const AssetSeries a = load_asset_csv(plain, "A");
  const AssetSeries b = load_asset_csv(crlf, "B");
  EXPECT_EQ(b.dates, a.dates);
  EXPECT_EQ(b.open, a.open);
  EXPECT_EQ(b.close, a.close);
}

TEST(MarketData, ToleratesBlankLinesAndMissingFinalNewline) {
  const fs::path path = write_csv(fresh_temp_dir("md"), "X.csv",
                                  "Date,Open,Close,Adj Close\n2020-01-02,100,50,25\n\n2020-01-03,1,2,2");
  const AssetSeries s = load_asset_csv(path, "X");
  EXPECT_EQ(s.dates, (std::vector<Day>{d(2020, 1, 2), d(2020, 1, 3)}));
  EXPECT_EQ(s.close, (std::vector<double>{25.0, 2.0}));
}

// ---------------------------------------------------------------------------------------------
// Bad input: one InputError naming the file, the line and the column.

struct BadCase {
  const char* name;
  std::string text;
  std::string where;    // expected "BAD.csv:<line>: column '<col>'" part, after the directory
  std::string message;  // expected fragment of the message
};

class BadCsv : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadCsv, ThrowsInputErrorNamingFileLineAndColumn) {
  const BadCase& c = GetParam();
  const std::string error = load_error(c.text);
  ASSERT_FALSE(error.empty()) << "no error for " << c.name;
  EXPECT_THAT(error, HasSubstr("/BAD.csv"));
  EXPECT_THAT(error, HasSubstr(c.where));
  EXPECT_THAT(error, HasSubstr(c.message));
}

const std::string kHeader = "Date,Open,Close,Adj Close\n";

INSTANTIATE_TEST_SUITE_P(
    MarketData, BadCsv,
    ::testing::Values(
        BadCase{"MissingClose", "Date,Open,Adj Close\n2020-01-02,1,1\n", "BAD.csv:1: column 'Close'",
                "required column is missing"},
        BadCase{"MissingDate", "Open,Close,Adj Close\n1,1,1\n", "BAD.csv:1: column 'Date'",
                "required column is missing"},
        BadCase{"MissingOpen", "Date,Close,Adj Close\n2020-01-02,1,1\n", "BAD.csv:1: column 'Open'",
                "required column is missing"},
        BadCase{"ColumnTwice", "Date,Open,Close,Adj Close,Adjusted Close\n2020-01-02,1,1,1,1\n",
                "BAD.csv:1: column 'Adj Close'", "appears twice"},
        BadCase{"UnparsableOpen", kHeader + "2020-01-02,1,1,1\n2020-01-03,abc,1,1\n",
                "BAD.csv:3: column 'Open'", "'abc' is not a number"},
        BadCase{"TrailingGarbage", kHeader + "2020-01-02,1,1.5x,1\n", "BAD.csv:2: column 'Close'",
                "'1.5x' is not a number"},
        BadCase{"EmptyPrice", kHeader + "2020-01-02,1,1,\n", "BAD.csv:2: column 'Adj Close'",
                "is not a number"},
        BadCase{"SlashDate", kHeader + "2020/01/02,1,1,1\n", "BAD.csv:2: column 'Date'",
                "'2020/01/02' is not a date"},
        BadCase{"ImpossibleDate", kHeader + "2020-01-02,1,1,1\n2020-02-30,1,1,1\n",
                "BAD.csv:3: column 'Date'", "'2020-02-30' is not a date"},
        BadCase{"DayPastTheEndOfThePreviousRowsMonth", kHeader + "2019-02-28,1,1,1\n2019-02-29,1,1,1\n",
                "BAD.csv:3: column 'Date'", "'2019-02-29' is not a date"},
        BadCase{"DayZeroInThePreviousRowsMonth", kHeader + "2021-04-30,1,1,1\n2021-04-00,1,1,1\n",
                "BAD.csv:3: column 'Date'", "'2021-04-00' is not a date"},
        BadCase{"OutOfOrder", kHeader + "2020-01-02,1,1,1\n2020-01-06,1,1,1\n2020-01-03,1,1,1\n",
                "BAD.csv:4: column 'Date'", "2020-01-03 is before the previous row's date 2020-01-06"},
        BadCase{"Duplicated", kHeader + "2020-01-02,1,1,1\n2020-01-02,1,1,1\n", "BAD.csv:3: column 'Date'",
                "duplicates the previous row's date 2020-01-02"},
        BadCase{"ZeroClose", kHeader + "2020-01-02,1,0,1\n", "BAD.csv:2: column 'Close'",
                "must be positive"},
        BadCase{"NegativeOpen", kHeader + "2020-01-02,-1.5,1,1\n", "BAD.csv:2: column 'Open'",
                "must be positive"},
        BadCase{"NanAdjClose", kHeader + "2020-01-02,1,1,nan\n", "BAD.csv:2: column 'Adj Close'",
                "finite"},
        BadCase{"InfOpen", kHeader + "2020-01-02,inf,1,1\n", "BAD.csv:2: column 'Open'", "finite"},
        BadCase{"MinusInfClose", kHeader + "2020-01-02,1,-inf,1\n", "BAD.csv:2: column 'Close'",
                "finite"},
        BadCase{"TooFewFields", kHeader + "2020-01-02,1,1,1\n2020-01-03,1,1\n", "BAD.csv:3:",
                "expected 4 fields, found 3"},
        BadCase{"TooManyFields", kHeader + "2020-01-02,1,1,1,\n", "BAD.csv:2:", "expected 4 fields, found 5"},
        BadCase{"BareCrLineEnds", "Date,Open,Close,Adj Close\r2020-01-02,1,1,1\r", "BAD.csv:1:",
                "lines end with a bare CR"},
        BadCase{"HugeBadFieldIsQuotedShort", kHeader + "2020-01-02," + std::string(5000, '9') + "x,1,1\n",
                "BAD.csv:2: column 'Open'", "'99999999999999999999999999999999... (5001 bytes)' is not a number"},
        // The fast path's plain decimals cannot overflow; an exponent can.
        BadCase{"AdjustedOpenOverflows", kHeader + "2020-01-02,1e10,1e-300,100\n", "BAD.csv:2: column 'Open'",
                "adjusted open Adj Close / Close * Open = 100 / 1e-300 * 1e10 is inf, not a positive finite price"},
        BadCase{"AdjustedOpenUnderflows", kHeader + "2020-01-02,1e-200,1e200,1e-200\n", "BAD.csv:2: column 'Open'",
                "is 0, not a positive finite price"},
        BadCase{"ControlBytesAreEscaped", kHeader + "2020-01-02,1\x01\x7f,1,1\n", "BAD.csv:2: column 'Open'",
                "'1\\x01\\x7f' is not a number"},
        BadCase{"Utf16WithByteOrderMark", std::string("\xFF\xFE" "D\0a\0t\0e\0\n\0", 12), "BAD.csv:1:",
                "not UTF-8 text: it starts with a UTF-16 byte-order mark; save the file as UTF-8"},
        BadCase{"Utf16WithoutByteOrderMark", std::string("D\0a\0t\0e\0\n\0", 10), "BAD.csv:1:",
                "not UTF-8 text: its first line holds NUL bytes (UTF-16?)"},
        BadCase{"EmptyFile", "", "BAD.csv:1:", "empty file"},
        BadCase{"WhitespaceOnlyFile", "\r\n\n", "BAD.csv:1:", "empty file"},
        BadCase{"HeaderOnly", kHeader, "BAD.csv", "no data rows"},
        BadCase{"HeaderOnlyCrlf", "Date,Open,Close,Adj Close\r\n\r\n", "BAD.csv", "no data rows"}),
    [](const ::testing::TestParamInfo<BadCase>& p) { return std::string(p.param.name); });

TEST(MarketData, MissingFileIsAnInputErrorNamingThePath) {
  const fs::path path = fresh_temp_dir("md") / "NOPE.csv";
  try {
    load_asset_csv(path, "NOPE");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path.string()));
    EXPECT_THAT(e.what(), HasSubstr("file not found"));
  }
}

TEST(MarketData, UnreadableFileIsAnIoErrorNotACrash) {
  // A directory named like a data file exists but cannot be read as one.
  const fs::path dir = fresh_temp_dir("md");
  fs::create_directory(dir / "DIR.csv");
  EXPECT_THROW(load_asset_csv(dir / "DIR.csv", "DIR"), IoError);
}

TEST(MarketData, ProblemToStringFormat) {
  EXPECT_EQ((DataProblem{"d/X.csv", 7, "Open", "bad"}).to_string(), "d/X.csv:7: column 'Open': bad");
  EXPECT_EQ((DataProblem{"d/X.csv", 3, "", "bad"}).to_string(), "d/X.csv:3: bad");
  EXPECT_EQ((DataProblem{"d/X.csv", 0, "", "bad"}).to_string(), "d/X.csv: bad");
}

// ---------------------------------------------------------------------------------------------
// Collecting every problem at once

TEST(MarketData, DatesAcrossMonthEndsYearEndsAndLeapDays) {
  // Rows of one month are read knowing the month; each date must still be its own day number.
  const std::vector<std::string> dates = {"1999-12-31", "2000-01-03", "2000-02-28", "2000-02-29", "2000-03-01",
                                          "2000-03-31", "2000-04-03", "2019-02-28", "2019-03-01", "2020-02-28",
                                          "2020-02-29", "2020-03-02", "2020-12-31", "2021-01-04", "2021-01-29"};
  std::string text = kHeader;
  for (const std::string& d : dates) text += d + ",1,1,1\n";
  const fs::path path = write_csv(fresh_temp_dir("md"), "D.csv", text);
  const AssetSeries series = load_asset_csv(path, "D");
  ASSERT_EQ(series.dates.size(), dates.size());
  for (std::size_t i = 0; i < dates.size(); ++i) EXPECT_EQ(series.dates[i], *parse_iso_date(dates[i])) << dates[i];
}

TEST(MarketData, CollectingReportsEveryProblemInAFile) {
  const fs::path path = write_csv(fresh_temp_dir("md"), "X.csv",
                                  kHeader +
                                      "2020-01-02,1,1,1\n"    // line 2: fine
                                      "2020-01-03,x,0,1\n"    // line 3: Open unparsable, Close <= 0
                                      "2020-01-0x,1,1,1\n"    // line 4: bad date
                                      "2020-01-02,1,1,1\n"    // line 5: before line 2's date
                                      "2020-01-06,1,1\n"      // line 6: 3 fields
                                      "2020-01-07,1,1,1\n");  // line 7: fine
  std::vector<DataProblem> problems;
  const auto series = load_asset_csv_collecting(path, "X", LoadOptions{}, problems);
  EXPECT_FALSE(series.has_value());
  ASSERT_EQ(problems.size(), 5u);
  const std::vector<std::pair<std::size_t, std::string>> expected = {
      {3, "Open"}, {3, "Close"}, {4, "Date"}, {5, "Date"}, {6, ""}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(problems[i].path, path);
    EXPECT_EQ(problems[i].line, expected[i].first) << i;
    EXPECT_EQ(problems[i].column, expected[i].second) << i;
  }
}

TEST(MarketData, CollectingReportsEveryProblemOfARow) {
  // A bad date does not hide the row's bad prices, nor a bad price the row's date out of order.
  const fs::path path = write_csv(fresh_temp_dir("md"), "X.csv",
                                  kHeader +
                                      "2020-01-06,1,1,1\n"     // line 2: fine
                                      "2020-13-01,-1,abc,1\n"  // line 3: bad date, Open and Close
                                      "2020-01-03,-1,1,1\n"    // line 4: before line 2, bad Open
                                      "2020-01-02,1,1,1\n");   // line 5: before line 4
  std::vector<DataProblem> problems;
  EXPECT_FALSE(load_asset_csv_collecting(path, "X", LoadOptions{}, problems).has_value());
  std::vector<std::string> got;
  for (const DataProblem& p : problems) got.push_back(fmt::format("{}:{}", p.line, p.column));
  EXPECT_EQ(got, (std::vector<std::string>{"3:Date", "3:Open", "3:Close", "4:Date", "4:Open", "5:Date"}));
  EXPECT_THAT(problems[3].message, HasSubstr("2020-01-03 is before the previous row's date 2020-01-06"));
  EXPECT_THAT(problems[5].message, HasSubstr("2020-01-02 is before the previous row's date 2020-01-03"));
}

TEST(MarketData, CollectingReportsEveryMissingColumn) {
  const fs::path path = write_csv(fresh_temp_dir("md"), "X.csv", "Date,High\n2020-01-02,1\n");
  std::vector<DataProblem> problems;
  EXPECT_FALSE(load_asset_csv_collecting(path, "X", LoadOptions{}, problems));
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].column, "Open");
  EXPECT_EQ(problems[1].column, "Close");
  EXPECT_EQ(problems[2].column, "Adj Close");
  for (const DataProblem& p : problems) EXPECT_EQ(p.line, 1u);
}

TEST(MarketData, CollectingAppendsAndReturnsGoodSeries) {
  const fs::path path = write_csv(fresh_temp_dir("md"), "X.csv", kYahoo);
  std::vector<DataProblem> problems = {{"earlier.csv", 1, "", "kept"}};
  const auto series = load_asset_csv_collecting(path, "X", LoadOptions{}, problems);
  ASSERT_TRUE(series.has_value());
  EXPECT_EQ(series->size(), 2u);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message, "kept");
}

TEST(MarketData, CheckDataDirReportsEveryProblemInEveryFile) {
  const fs::path dir = fresh_temp_dir("md");
  write_csv(dir, "GOOD.csv", kYahoo);
  write_csv(dir, "B.csv", kHeader + "2020-01-02,1,1,1\n2020-01-03,1,nan,1\n2020-01-01,1,1,1\n");
  write_csv(dir, "C.csv", "Date,Open,Adj Close\n2020-01-02,1,1\n");
  write_csv(dir, "D.csv", "");
  write_text(dir / "README.md", "not data, ignored");
  fs::create_directory(dir / "E.csv");

  const std::vector<DataProblem> problems = check_data_dir(dir, LoadOptions{});
  std::vector<std::string> lines;
  for (const DataProblem& p : problems) lines.push_back(p.to_string());
  ASSERT_EQ(problems.size(), 5u) << ::testing::PrintToString(lines);
  // Files in name order: B, C, D, E.
  EXPECT_EQ(problems[0].path, dir / "B.csv");
  EXPECT_EQ(problems[0].line, 3u);
  EXPECT_EQ(problems[0].column, "Close");
  EXPECT_EQ(problems[1].path, dir / "B.csv");
  EXPECT_EQ(problems[1].line, 4u);
  EXPECT_EQ(problems[1].column, "Date");
  EXPECT_EQ(lines[2], (dir / "C.csv").string() +
                         ":1: column 'Close': required column is missing from the header (Date,Open,Adj Close)");
  EXPECT_EQ(problems[3].path, dir / "D.csv");
  EXPECT_THAT(problems[3].message, HasSubstr("empty file"));
  EXPECT_EQ(problems[4].path, dir / "E.csv");
  EXPECT_THAT(problems[4].message, HasSubstr("cannot read"));
  for (const DataProblem& p : problems) EXPECT_NE(p.path, dir / "GOOD.csv");
}

TEST(MarketData, CheckDataDirOnCleanAndMissingFolders) {
  const fs::path dir = fresh_temp_dir("md");
  write_csv(dir, "A.csv", kYahoo);
  write_csv(dir, "B.csv", kYahoo);
  EXPECT_TRUE(check_data_dir(dir, LoadOptions{}).empty());

  const auto empty = check_data_dir(fresh_temp_dir("md"), LoadOptions{});
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_THAT(empty[0].message, HasSubstr("no *.csv files"));

  const auto missing = check_data_dir(dir / "nope", LoadOptions{});
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_THAT(missing[0].message, HasSubstr("no such directory"));
  const auto file = check_data_dir(dir / "A.csv", LoadOptions{});
  ASSERT_EQ(file.size(), 1u);
  EXPECT_THAT(file[0].message, HasSubstr("not a directory"));
}

TEST(MarketData, CheckDataDirHonoursRawOption) {
  const fs::path dir = fresh_temp_dir("md");
  write_csv(dir, "RAW.csv", "Date,Open,Close\n2020-01-02,1,1\n");
  EXPECT_EQ(check_data_dir(dir, LoadOptions{true}).size(), 1u);
  EXPECT_TRUE(check_data_dir(dir, LoadOptions{false}).empty());
}

TEST(MarketData, BundledSyntheticDataIsClean) {
  const auto problems = check_data_dir(test::source_dir() / "data" / "synthetic", LoadOptions{});
  EXPECT_TRUE(problems.empty()) << (problems.empty() ? "" : problems[0].to_string());
}

// ---------------------------------------------------------------------------------------------
// MarketData::load

TEST(MarketData, LoadFindsTickersAndIgnoresDuplicates) {
  const fs::path dir = fresh_temp_dir("md");
  write_csv(dir, "SPY.csv", kYahoo);
  write_csv(dir, "AGG.csv", "Date,Open,Close,Adj Close\n2020-01-02,2,2,2\n");
  const MarketData data = MarketData::load(dir, {"SPY", "AGG", "SPY"});
  ASSERT_EQ(data.assets().size(), 2u);
  EXPECT_EQ(data.find("SPY"), 0u);
  EXPECT_EQ(data.find("AGG"), 1u);
  EXPECT_FALSE(data.find("TLT"));
  EXPECT_EQ(data.at(1).ticker, "AGG");
  EXPECT_EQ(data.at(1).close, std::vector<double>{2.0});
}

TEST(MarketData, LoadNamesTheMissingTickerAndFile) {
  const fs::path dir = fresh_temp_dir("md");
  write_csv(dir, "SPY.csv", kYahoo);
  try {
    MarketData::load(dir, {"SPY", "TLT"});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr((dir / "TLT.csv").string()));
    EXPECT_THAT(e.what(), HasSubstr("'TLT'"));
  }
}

TEST(MarketData, LoadStopsAtTheFirstBadFile) {
  const fs::path dir = fresh_temp_dir("md");
  write_csv(dir, "SPY.csv", kHeader + "2020-01-02,1,1,1\n2020-01-02,1,1,1\n");
  try {
    MarketData::load(dir, {"SPY"});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("SPY.csv:3: column 'Date'"));
  }
}

TEST(MarketData, LoadOnThreadsKeepsTickerOrderAndReportsTheFirstBadFileInThatOrder) {
  const fs::path dir = fresh_temp_dir("md");
  const std::vector<std::string> tickers = {"E", "D", "C", "B", "A"};
  for (std::size_t i = 0; i < tickers.size(); ++i)
    write_csv(dir, tickers[i] + ".csv", fmt::format("{}2020-01-02,{},{},{}\n", kHeader, i + 1, i + 1, i + 1));
  for (const unsigned threads : {1u, 3u, 8u}) {
    const MarketData data = MarketData::load(dir, tickers, LoadOptions{true, true, threads});
    ASSERT_EQ(data.assets().size(), tickers.size());
    for (std::size_t i = 0; i < tickers.size(); ++i) {
      EXPECT_EQ(data.at(i).ticker, tickers[i]) << threads << " threads";
      EXPECT_EQ(data.at(i).close, std::vector<double>{static_cast<double>(i + 1)});
      EXPECT_EQ(data.at(i).sha256, sha256_hex(test::slurp(dir / (tickers[i] + ".csv"))));
    }
  }
  // Two bad files: whatever thread reads first, the error is the one of the earlier ticker.
  write_csv(dir, "B.csv", kHeader + "2020-01-02,1,1,x\n");
  write_csv(dir, "D.csv", kHeader + "2020-01-02,1,1,-1\n");
  for (const unsigned threads : {1u, 2u, 8u}) {
    try {
      MarketData::load(dir, tickers, LoadOptions{true, false, threads});
      FAIL() << "expected InputError";
    } catch (const InputError& e) {
      EXPECT_THAT(e.what(), HasSubstr("D.csv:2")) << threads << " threads";
    }
  }
}

}  // namespace
}  // namespace qsweep
