// The SVG chart toolkit (src/report/svg_chart.hpp): ticks, formatting, escaping, colours, and
// the charts' handling of empty input, log scales and hostile text. Expected values are worked
// out by hand in the comments.
#include "report/svg_chart.hpp"

#include <cmath>
#include <limits>
#include <regex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "qsweep/date.hpp"

namespace qsweep::svg {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Every element is closed, in order, and every '&' starts an entity: the text parses as XML.
::testing::AssertionResult well_formed(const std::string& svg) {
  std::vector<std::string> open;
  std::size_t pos = 0;
  while ((pos = svg.find('<', pos)) != std::string::npos) {
    const std::size_t end = svg.find('>', pos);
    if (end == std::string::npos) return ::testing::AssertionFailure() << "unterminated tag at " << pos;
    const std::string tag = svg.substr(pos + 1, end - pos - 1);
    if (tag.find('<') != std::string::npos) return ::testing::AssertionFailure() << "'<' inside tag at " << pos;
    if (tag.front() == '/') {
      const std::string name = tag.substr(1);
      if (open.empty() || open.back() != name)
        return ::testing::AssertionFailure() << "</" << name << "> closes " << (open.empty() ? "nothing" : open.back());
      open.pop_back();
    } else if (tag.back() != '/') {
      open.push_back(tag.substr(0, tag.find(' ')));
    }
    pos = end + 1;
  }
  if (!open.empty()) return ::testing::AssertionFailure() << "<" << open.back() << "> never closed";
  const std::regex bare_amp("&(?!(amp|lt|gt|quot|#39);)");
  if (std::regex_search(svg, bare_amp)) return ::testing::AssertionFailure() << "unescaped '&'";
  if (svg.rfind("<svg ", 0) != 0) return ::testing::AssertionFailure() << "does not start with <svg";
  return ::testing::AssertionSuccess();
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

double day(int y, int m, int d) { return static_cast<double>(day_from_civil(y, m, d)); }

TEST(SvgEscape, EscapesEveryMarkupCharacter) {
  EXPECT_EQ(escape(R"(<a href="x">Tom & Jerry's</a>)"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  EXPECT_EQ(escape("plain text 123"), "plain text 123");
  EXPECT_EQ(escape(""), "");
}

TEST(SvgFormat, FormatsEachKind) {
  EXPECT_EQ(format_value(0.1234, Format::percent, 1), "12.3%");
  EXPECT_EQ(format_value(-0.05, Format::percent, 0), "-5%");
  EXPECT_EQ(format_value(-0.0004, Format::percent, 1), "0.0%");  // rounds to zero: no "-0.0%"
  EXPECT_EQ(format_value(1.234, Format::multiple, 2), "1.23\u00d7");
  EXPECT_EQ(format_value(1234567.4, Format::money, 0), "1,234,567");
  EXPECT_EQ(format_value(-1234.0, Format::integer, 0), "-1,234");
  EXPECT_EQ(format_value(999.0, Format::integer, 0), "999");
  EXPECT_EQ(format_value(100000.0, Format::money, 0), "100,000");
  EXPECT_EQ(format_value(3.14159, Format::number, 2), "3.14");
}

// append_px has a fast path of its own; fmt's "{:.1f}" is the reference it must match.
TEST(SvgFormat, PixelCoordinatesMatchFmtOneDecimal) {
  std::vector<double> values = {0.0, -0.0, 0.04, -0.04, 0.05, -0.05, 0.25, 0.75, 1.25, -2.75, 0.95, 0.15, 99.95,
                                1159.9499999999998, 1e6 - 0.05, 1e6, 1e6 + 0.25, 123456789.25, 1e300, -1e300,
                                std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                                -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::denorm_min()};
  for (int k = -2000; k <= 12000; ++k) {
    const double tenths = k / 10.0;
    for (const double v : {tenths + 0.05, tenths - 0.05, tenths + 0.049999, tenths / 3.0})
      values.push_back(v);
    values.push_back(std::nextafter(tenths + 0.05, 1e9));
    values.push_back(std::nextafter(tenths + 0.05, -1e9));
  }
  for (const double v : values) {
    fmt::memory_buffer out;
    qsweep::svg::append_px(out, v);
    EXPECT_EQ(std::string(out.data(), out.size()), fmt::format("{:.1f}", v)) << fmt::format("{:.17g}", v);
  }
}

TEST(SvgFormat, HugeValuesAreCompact) {
  EXPECT_EQ(format_value(1e300, Format::money, 0), "1e+300");
  EXPECT_EQ(format_value(-2.5e16, Format::integer, 0), "-2.5e+16");
  EXPECT_EQ(format_value(1e14, Format::percent, 1), "1e+16%");
  EXPECT_EQ(format_value(9.99e14, Format::money, 0), "999,000,000,000,000");
}

TEST(SvgFormat, NonFiniteIsNotANumber) {
  EXPECT_EQ(format_value(kNaN, Format::percent, 2), "n/a");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity(), Format::number, 2), "n/a");
}

TEST(SvgTicks, NiceSteps) {
  EXPECT_DOUBLE_EQ(nice_step(1.0, 5), 0.2);    // raw 0.2
  EXPECT_DOUBLE_EQ(nice_step(0.49, 5), 0.1);   // raw 0.098 -> 10 x 0.01
  EXPECT_DOUBLE_EQ(nice_step(10.0, 4), 2.5);   // raw 2.5
  EXPECT_DOUBLE_EQ(nice_step(35.0, 5), 5.0);   // raw 7 -> 5
  EXPECT_DOUBLE_EQ(nice_step(800.0, 5), 200.0);  // raw 160 -> 2 x 100
}

TEST(SvgTicks, LinearTicksInsideTheRange) {
  const std::vector<double> unit = linear_ticks(0.0, 1.0, 5);
  ASSERT_EQ(unit.size(), 6u);
  for (std::size_t i = 0; i < unit.size(); ++i) EXPECT_NEAR(unit[i], 0.2 * static_cast<double>(i), 1e-12);

  // Step 0.1 (see NiceSteps): -0.3 .. 0.1, with an exact zero.
  const std::vector<double> mixed = linear_ticks(-0.37, 0.12, 5);
  ASSERT_EQ(mixed.size(), 5u);
  EXPECT_NEAR(mixed.front(), -0.3, 1e-12);
  EXPECT_NEAR(mixed.back(), 0.1, 1e-12);
  EXPECT_EQ(mixed[3], 0.0);
  EXPECT_FALSE(std::signbit(mixed[3]));
}

TEST(SvgTicks, LinearTicksDegenerateRanges) {
  EXPECT_EQ(linear_ticks(2.0, 2.0, 5), std::vector<double>{2.0});
  EXPECT_TRUE(linear_ticks(1.0, 0.0, 5).empty());
  EXPECT_TRUE(linear_ticks(kNaN, 1.0, 5).empty());
}

TEST(SvgTicks, DecimalsForSteps) {
  EXPECT_EQ(decimals_for_step(0.1, Format::percent), 0);    // 10%
  EXPECT_EQ(decimals_for_step(0.025, Format::percent), 1);  // 2.5%
  EXPECT_EQ(decimals_for_step(0.25, Format::number), 2);
  EXPECT_EQ(decimals_for_step(200.0, Format::number), 0);
}

TEST(SvgTicks, LogTicksPerDecade) {
  // 1-2-5 over three decades gives 10 ticks, over the limit of 6 * 3 / 2 = 9: decades only.
  EXPECT_EQ(log_ticks(1.0, 1000.0, 6), (std::vector<double>{1.0, 10.0, 100.0, 1000.0}));
  // Two decades: 1, 2, 5, 10, 20, 50, 100 (7 ticks).
  const std::vector<double> two = log_ticks(1.0, 100.0, 6);
  ASSERT_EQ(two.size(), 7u);
  EXPECT_DOUBLE_EQ(two[1], 2.0);
  EXPECT_DOUBLE_EQ(two[5], 50.0);
}

TEST(SvgTicks, LogTicksRefuseNonPositiveRanges) {
  EXPECT_TRUE(log_ticks(0.0, 10.0, 5).empty());
  EXPECT_TRUE(log_ticks(-1.0, 10.0, 5).empty());
  // A narrow range gets linear ticks, all positive: 0.8..2.5 has step 0.25 -> 1.0 .. 2.5.
  const std::vector<double> narrow = log_ticks(0.8, 2.5, 4);
  ASSERT_EQ(narrow.size(), 7u);
  EXPECT_DOUBLE_EQ(narrow.front(), 1.0);
  EXPECT_DOUBLE_EQ(narrow.back(), 2.5);
}

TEST(SvgTicks, DateTicksYears) {
  // Yearly ticks would be 2006..2020 (15 > 10); every two years: the even years, 8 ticks.
  const std::vector<Tick> t = date_ticks(day(2005, 1, 3), day(2020, 12, 31), 10);
  ASSERT_EQ(t.size(), 8u);
  EXPECT_EQ(t.front().label, "2006");
  EXPECT_EQ(t.back().label, "2020");
  EXPECT_EQ(t.front().value, day(2006, 1, 1));
  EXPECT_EQ(t[1].value, day(2008, 1, 1));
}

TEST(SvgTicks, DateTicksMonthsCarryTheYearOnTheFirstAndOnJanuary) {
  const std::vector<Tick> t = date_ticks(day(2020, 1, 15), day(2020, 6, 20), 8);
  std::vector<std::string> labels;
  for (const Tick& x : t) labels.push_back(x.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"Feb 2020", "Mar", "Apr", "May", "Jun"}));
  EXPECT_EQ(t.front().value, day(2020, 2, 1));

  const std::vector<Tick> turn = date_ticks(day(2020, 12, 15), day(2021, 3, 10), 3);
  labels.clear();
  for (const Tick& x : turn) labels.push_back(x.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"Jan 2021", "Feb", "Mar"}));
}

TEST(SvgTicks, DateTicksDaysForShortSpans) {
  // 18 days: daily (19) and 2-daily (10) ticks are too many for 4; weekly gives 3.
  const std::vector<Tick> t = date_ticks(day(2020, 3, 2), day(2020, 3, 20), 4);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].label, "Mar 2");
  EXPECT_EQ(t[1].label, "Mar 9");
  EXPECT_EQ(t[2].label, "Mar 16");
}

TEST(SvgTicks, DateTicksRejectImpossibleRanges) {
  EXPECT_TRUE(date_ticks(kNaN, day(2020, 1, 1), 5).empty());
  EXPECT_TRUE(date_ticks(0.0, 1e300, 5).empty());
  EXPECT_TRUE(date_ticks(day(2020, 1, 2), day(2020, 1, 1), 5).empty());
}

TEST(SvgColors, DivergingScaleEndpoints) {
  EXPECT_EQ(diverging_color(-1.0), "#b2182b");
  EXPECT_EQ(diverging_color(0.0), "#f7f7f7");
  EXPECT_EQ(diverging_color(0.5), "#7fbf7b");
  EXPECT_EQ(diverging_color(1.0), "#1b7837");
  EXPECT_EQ(diverging_color(7.0), "#1b7837");  // clamped
  EXPECT_EQ(diverging_color(kNaN), "#f7f7f7");
  EXPECT_EQ(palette(0), palette(12));
}

LineChart two_series_chart() {
  LineChart c;
  c.frame.title = "Growth & \"risk\"";
  c.series.push_back({"S&P <500>", {day(2020, 1, 1), day(2020, 6, 1), day(2021, 1, 1)}, {1.0, 1.2, 1.1}, "", 1.6});
  c.series.push_back({"Bonds", {day(2020, 1, 1), day(2020, 6, 1), day(2021, 1, 1)}, {1.0, 0.9, 1.3}, "", 1.6});
  return c;
}

TEST(SvgLineChart, DrawsEachSeriesWithEscapedLegend) {
  const std::string svg = line_chart(two_series_chart());
  EXPECT_TRUE(well_formed(svg));
  EXPECT_EQ(count(svg, "fill=\"none\" stroke="), 2u);
  EXPECT_NE(svg.find(">S&amp;P &lt;500&gt;</text>"), std::string::npos);
  EXPECT_EQ(svg.find("S&P <500>"), std::string::npos);
  EXPECT_NE(svg.find("aria-label=\"Growth &amp; &quot;risk&quot;\""), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
}

TEST(SvgLineChart, LogScaleRefusesNonPositiveValues) {
  LineChart c = two_series_chart();
  c.y_scale = YScale::log;
  EXPECT_NE(line_chart(c).find("<path"), std::string::npos);  // all positive: drawn
  c.series[1].y[1] = 0.0;
  const std::string svg = line_chart(c);
  EXPECT_TRUE(well_formed(svg));
  EXPECT_NE(svg.find("Log scale needs positive values"), std::string::npos);
  EXPECT_EQ(svg.find("<path"), std::string::npos);
  c.series[1].y[1] = -0.5;
  EXPECT_NE(line_chart(c).find("Log scale needs positive values"), std::string::npos);
}

TEST(SvgLineChart, EmptyInputGivesAPlaceholder) {
  LineChart none;
  LineChart empty_series;
  empty_series.series.push_back({"Empty", {}, {}, "", 1.0});
  LineChart all_nan;
  all_nan.series.push_back({"NaN", {1.0, 2.0}, {kNaN, kNaN}, "", 1.0});
  for (const LineChart* c : {&none, &empty_series, &all_nan}) {
    const std::string svg = line_chart(*c);
    EXPECT_TRUE(well_formed(svg));
    EXPECT_NE(svg.find("No data"), std::string::npos);
    EXPECT_EQ(svg.find("<path"), std::string::npos);
  }
}

TEST(SvgLineChart, GapsSplitTheLineAndASinglePointIsADot) {
  LineChart c;
  c.series.push_back({"", {day(2020, 1, 1), day(2020, 2, 1), day(2020, 3, 1), day(2020, 4, 1), day(2020, 5, 1)},
                      {1.0, 2.0, kNaN, 3.0, 4.0}, "#123456", 1.0});
  std::string svg = line_chart(c);
  EXPECT_TRUE(well_formed(svg));
  EXPECT_EQ(count(svg, "stroke=\"#123456\""), 2u);  // two segments
  c.series[0].x = {day(2020, 1, 1)};
  c.series[0].y = {1.0};
  svg = line_chart(c);
  EXPECT_TRUE(well_formed(svg));
  EXPECT_EQ(count(svg, "<circle"), 1u);
}

// Paths are written in place; coordinates far outside the chart (a value above y_max) take
// fmt's path and must still splice in whole.
TEST(SvgLineChart, FarCoordinatesArePrintedWhole) {
  LineChart c;
  c.frame.height = 20000.0;  // the 5% padding of the range puts 1e12 about 20 heights up
  c.y_max = 0.0;
  c.series.push_back({"", {day(2020, 1, 1), day(2020, 2, 1), day(2020, 3, 1)}, {-1.0, 1e12, -0.5}, "#123456", 1.0});
  const std::string svg = line_chart(c);
  EXPECT_TRUE(well_formed(svg));
  EXPECT_EQ(svg.find('\0'), std::string::npos);
  std::smatch path;
  ASSERT_TRUE(std::regex_search(svg, path, std::regex("<path d=\"([^\"]*)\" fill=\"none\" stroke=\"#123456\"")));
  const std::string coordinate = "-?[0-9]+\\.[0-9]";
  EXPECT_TRUE(std::regex_match(path[1].str(), std::regex("M" + coordinate + "," + coordinate + "(L" + coordinate + "," +
                                                          coordinate + "){2}")))
      << path[1];
  // The middle point, far above the top: more than 100,000 px.
  EXPECT_TRUE(std::regex_search(path[1].str(), std::regex("L[0-9.]+,-[0-9]{6,}\\.[0-9]L"))) << path[1];
}

TEST(SvgLineChart, ManyPointsAreThinnedButKeepTheirExtremes) {
  LineChart c;
  c.frame = {1000.0, 300.0, "", 50.0};
  LineSeries s{"", {}, {}, "#123456", 1.0};
  for (int i = 0; i < 20000; ++i) {
    s.x.push_back(i);
    s.y.push_back(i == 12345 ? 10.0 : (i % 2 == 0 ? 1.0 : 2.0));
  }
  c.series.push_back(s);
  const std::string svg = line_chart(c);
  const std::size_t start = svg.find("<path d=\"");
  ASSERT_NE(start, std::string::npos);
  const std::string d = svg.substr(start + 9, svg.find('"', start + 9) - start - 9);
  std::vector<double> ys;
  const std::regex point("[ML]([-0-9.]+),([-0-9.]+)");
  for (auto it = std::sregex_iterator(d.begin(), d.end(), point); it != std::sregex_iterator(); ++it)
    ys.push_back(std::stod((*it)[2]));
  // At most 4 points per pixel column of the ~934 px plot, far fewer than 20000.
  EXPECT_LT(ys.size(), 4u * 1000u);
  EXPECT_GT(ys.size(), 900u);
  // The spike (10 against 1..2) is still drawn: some point sits far above the rest.
  const double top = *std::min_element(ys.begin(), ys.end());
  const double bottom = *std::max_element(ys.begin(), ys.end());
  EXPECT_GT(bottom - top, 150.0);
}

TEST(SvgBarChart, PositiveAndNegativeColoursAndLabels) {
  BarChart c;
  c.frame = {400.0, 200.0, "", 0.0};
  c.categories = {"2019", "2020"};
  c.series.push_back({"Strategy", {0.1, -0.05}, ""});
  c.positive_color = "#00aa00";
  c.negative_color = "#aa0000";
  const std::string svg = bar_chart(c);
  EXPECT_TRUE(well_formed(svg));
  EXPECT_EQ(count(svg, "fill=\"#00aa00\""), 1u);
  EXPECT_EQ(count(svg, "fill=\"#aa0000\""), 1u);
  EXPECT_NE(svg.find(">10.0%</text>"), std::string::npos);
  EXPECT_NE(svg.find(">-5.0%</text>"), std::string::npos);
  c.horizontal = true;
  const std::string horizontal = bar_chart(c);
  EXPECT_TRUE(well_formed(horizontal));
  EXPECT_NE(horizontal.find(">-5.0%</text>"), std::string::npos);
}

TEST(SvgBarChart, EmptyInputGivesAPlaceholder) {
  BarChart c;
  EXPECT_NE(bar_chart(c).find("No data"), std::string::npos);
  c.categories = {"a"};
  c.series.push_back({"s", {kNaN}, ""});
  EXPECT_NE(bar_chart(c).find("No data"), std::string::npos);
}

TEST(SvgHeatmap, CellsShowValuesOnADivergingScale) {
  Heatmap h;
  h.frame.width = 300.0;
  h.row_labels = {"2020"};
  h.column_labels = {"Jan", "Feb", "Mar"};
  h.values = {0.05, kNaN, -0.025};
  const std::string svg = heatmap(h);
  EXPECT_TRUE(well_formed(svg));
  // The largest |value| (5%) gets the full colour; -2.5% is half way to red.
  EXPECT_NE(svg.find("fill=\"#1b7837\" stroke=\"#ffffff\"><title>2020 Jan: 5.0%</title>"), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#ef8a62\" stroke=\"#ffffff\"><title>2020 Mar: -2.5%</title>"), std::string::npos);
  EXPECT_NE(svg.find(">5.0%</text>"), std::string::npos);
  EXPECT_EQ(svg.find("2020 Feb"), std::string::npos);  // the empty cell has no value
}

TEST(SvgText, FitTextShortensWithAnEllipsisAtACharacterStart) {
  EXPECT_EQ(fit_text("abc", 100.0, 10.0), "abc");          // 18 px
  EXPECT_EQ(fit_text("abcdefghij", 36.0, 10.0), "abcde\u2026");  // 6 characters of 6 px fit
  EXPECT_EQ(fit_text("\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", 24.0, 10.0), "\u00e9\u00e9\u00e9\u2026");
  EXPECT_EQ(fit_text("abcdef", 3.0, 10.0), "\u2026");
}

TEST(SvgHeatmap, ColumnLabelsWiderThanTheirCellsAreShortenedNotOverlapped) {
  Heatmap h;
  h.frame.width = 400.0;  // cells of 95 px: 13 characters of 6.6 px (11 px font)
  h.row_labels = {"r"};
  h.column_labels = {"{ SPY = 0.6, AGG = 0.4 }", "{ SPY = 0.4, AGG = 0.6 }", "{ SPY = 1.0 }", "short"};
  h.values = {0.1, 0.2, 0.3, 0.4};
  const std::string svg = heatmap(h);
  EXPECT_TRUE(well_formed(svg));
  // Shortened, the whole label kept as its tooltip; a label that fits is drawn whole.
  EXPECT_NE(svg.find("><title>{ SPY = 0.6, AGG = 0.4 }</title>{ SPY = 0.6,\u2026</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">{ SPY = 1.0 }</text>"), std::string::npos);
  EXPECT_NE(svg.find(">short</text>"), std::string::npos);
  // A label one or two characters too wide is shortened too (the ellipsis is 3 bytes: the
  // shortened text can be as long as the label).
  h.frame.width = 560.0;
  h.column_labels.clear();
  for (int i = 1; i <= 20; ++i) h.column_labels.push_back(fmt::format("0.{:03}", i));
  h.values.assign(20, 0.1);
  const std::string narrow = heatmap(h);
  EXPECT_EQ(narrow.find(">0.001</text>"), std::string::npos);
  EXPECT_NE(narrow.find("<title>0.001</title>0.\u2026</text>"), std::string::npos);
}

TEST(SvgBarChart, CategoryNamesThatDoNotFitAreShortenedOrThinned) {
  BarChart c;
  c.frame = {400.0, 200.0, "", 0.0};
  c.categories = {"{ SPY = 0.6, AGG = 0.4 }", "{ SPY = 0.4, AGG = 0.6 }", "{ AGG = 0.3, SPY = 0.7 }",
                  "{ SPY = 1.0, TLT = 0.0 }"};
  c.series.push_back({"s", {0.1, 0.2, 0.3, 0.4}, ""});
  const std::string names = bar_chart(c);
  EXPECT_TRUE(well_formed(names));
  for (const std::string& category : c.categories)  // every one labelled, shortened
    EXPECT_NE(names.find("<title>" + category + "</title>{ "), std::string::npos) << category;
  // Too narrow for 7 characters: every other label, whole.
  c.categories.clear();
  c.series[0].values.clear();
  for (int i = 0; i < 40; ++i) {
    c.categories.push_back(std::to_string(100000 + i));
    c.series[0].values.push_back(0.01 * i);
  }
  const std::string numbers = bar_chart(c);
  EXPECT_NE(numbers.find(">100000</text>"), std::string::npos);
  EXPECT_EQ(numbers.find(">100001</text>"), std::string::npos);
  EXPECT_EQ(numbers.find("\u2026"), std::string::npos);
  // Wide enough for 7 characters, but shortened they would all read "1000000…": thinned instead.
  c.categories = {"1000000.000001", "1000000.000002", "1000000.000003", "1000000.000004", "1000000.000005",
                  "1000000.000006"};
  c.series[0].values.assign(6, 0.1);
  const std::string alike = bar_chart(c);
  EXPECT_EQ(alike.find("\u2026"), std::string::npos);
  EXPECT_NE(alike.find(">1000000.000001</text>"), std::string::npos);
}

TEST(SvgHeatmap, MismatchedOrEmptyInputGivesAPlaceholder) {
  Heatmap h;
  EXPECT_NE(heatmap(h).find("No data"), std::string::npos);
  h.row_labels = {"a", "b"};
  h.column_labels = {"x"};
  h.values = {1.0};
  EXPECT_NE(heatmap(h).find("No data"), std::string::npos);
}

TEST(SvgHistogram, CountsPerBin) {
  Histogram h;
  h.values = {0.0, 0.1, 0.2, 1.0, kNaN};  // bins [0, 0.5) and [0.5, 1]: 3 and 1
  h.bins = 2;
  h.markers.push_back({0.5, "Mean <x>", "#000000"});
  const std::string svg = histogram(h);
  EXPECT_TRUE(well_formed(svg));
  EXPECT_NE(svg.find(": 3</title>"), std::string::npos);
  EXPECT_NE(svg.find(": 1</title>"), std::string::npos);
  EXPECT_NE(svg.find("Mean &lt;x&gt;"), std::string::npos);
  h.values = {kNaN};
  EXPECT_NE(histogram(h).find("No data"), std::string::npos);
}

// The bars' hover titles, "A to B: count", as (A, B, count).
std::vector<std::tuple<double, double, int>> histogram_bars(const std::string& svg) {
  std::vector<std::tuple<double, double, int>> bars;
  const std::regex title("<title>([-0-9.e]+) to ([-0-9.e]+): ([0-9]+)</title>");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), title); it != std::sregex_iterator(); ++it)
    bars.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]), std::stoi((*it)[3]));
  return bars;
}

TEST(SvgHistogram, OneRepeatedValueIsOneBarCentredOnIt) {
  for (const double value : {0.0, 2.5, -4.0}) {
    Histogram h;
    h.values = {value, value, value};
    const auto bars = histogram_bars(histogram(h));
    ASSERT_EQ(bars.size(), 1u) << value;
    const auto [a, b, count] = bars.front();
    EXPECT_EQ(count, 3);
    EXPECT_LT(a, value);
    EXPECT_GT(b, value);
    EXPECT_NEAR(value - a, b - value, 1e-3 * (b - a) + 1e-4) << value;  // centred, up to the label's rounding
  }
}

TEST(SvgHistogram, ValuesOnALeftClosedEdgeCountLeftOfIt) {
  Histogram h;
  h.values = {-1.0, -0.3, 0.0, 0.0, 0.0, 0.7, 1.0};
  h.bins = 4;
  h.left_closed_edge = 0.0;
  int below = 0, above = 0;
  for (const auto& [a, b, count] : histogram_bars(histogram(h))) {
    if (b <= 0.0) below += count;
    else if (a >= 0.0) above += count;
    else ADD_FAILURE() << "a bar straddles the edge: " << a << " to " << b;
  }
  EXPECT_EQ(below, 5);  // -1, -0.3 and the three zeros
  EXPECT_EQ(above, 2);
  h.values = {0.0, 0.0, 0.4, 1.0};  // the smallest value on the edge: its bar still ends at it
  below = above = 0;
  for (const auto& [a, b, count] : histogram_bars(histogram(h))) {
    if (b <= 0.0) below += count;
    else if (a >= 0.0) above += count;
    else ADD_FAILURE() << "a bar straddles the edge: " << a << " to " << b;
  }
  EXPECT_EQ(below, 2);
  EXPECT_EQ(above, 2);
  h.values.assign(5, 0.0);  // every value on the edge: one bar ending at it
  const auto bars = histogram_bars(histogram(h));
  ASSERT_EQ(bars.size(), 1u);
  EXPECT_EQ(std::get<1>(bars.front()), 0.0);
  EXPECT_EQ(std::get<2>(bars.front()), 5);
}

TEST(SvgStackedArea, LongAndShortLayersAroundZero) {
  StackedArea c;
  c.frame = {800.0, 320.0, "", 0.0};
  c.x = {day(2020, 1, 31), day(2020, 2, 28)};
  c.x_end = day(2020, 3, 31);
  c.layers.push_back({"TLT", {1.0, 1.0}, ""});
  c.layers.push_back({"IEI", {-0.7, -0.7}, ""});
  const std::string svg = stacked_area(c);
  EXPECT_TRUE(well_formed(svg));
  // About 5 intervals over -0.7..1.0: step 0.25, the domain grows to -75%..100%.
  EXPECT_NE(svg.find(">-75%</text>"), std::string::npos);
  EXPECT_NE(svg.find(">100%</text>"), std::string::npos);
  EXPECT_EQ(count(svg, "<title>TLT</title>"), 1u);
  EXPECT_EQ(count(svg, "<title>IEI</title>"), 1u);
  StackedArea empty;
  EXPECT_NE(stacked_area(empty).find("No data"), std::string::npos);
}

TEST(SvgStackedArea, RangesThatOverflowEndWithoutTicks) {
  // Stacks of 1e308 + 1e308 overflow to inf, and 1.7e308 - (-1.7e308) to a range of inf: the
  // ticks between them once ran for ever, taking memory as they went.
  for (const auto& [a, b] : {std::pair{1e308, 1e308}, std::pair{1.7e308, -1.7e308}}) {
    StackedArea c;
    c.frame = {800.0, 320.0, "", 0.0};
    c.x = {day(2020, 1, 31), day(2020, 2, 28)};
    c.layers.push_back({"A", {a, a}, ""});
    c.layers.push_back({"B", {b, b}, ""});
    EXPECT_TRUE(well_formed(stacked_area(c))) << a << " " << b;
  }
  EXPECT_TRUE(linear_ticks(-1.7e308, 1.7e308, 5).empty());
}

}  // namespace
}  // namespace qsweep::svg
