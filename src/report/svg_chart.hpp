// A small SVG chart toolkit for the HTML reports (internal to libqsweep). Every function is pure
// and thread-safe: it takes a chart description and returns inline SVG text (no scripts, no
// external assets, no element ids, so any number of charts can share one page). All text that
// reaches the SVG is escaped. Charts never fail on data: empty input, or a log scale asked for
// non-positive values, renders a framed placeholder with a message instead of a chart.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace qsweep::svg {

// `v` as fmt's "{:.1f}" prints it (a pixel coordinate), appended to `out`; faster than fmt for
// the usual coordinates.
void append_px(fmt::memory_buffer& out, double v);

// `text` escaped for HTML/XML element content and quoted attribute values (& < > " ').
std::string escape(std::string_view text);

// Approximate rendered width of `text` in pixels at `font_size`, in the charts' sans-serif font
// (no font metrics offline: 0.6 em per character).
double text_width(std::string_view text, double font_size);

// `text` if it fits `width` pixels at `font_size`, else as many of its first characters as fit
// with "…" after them ("…" alone when none does).
std::string fit_text(std::string_view text, double width, double font_size);

// How values are shown. percent: fractions (0.123 -> "12.3%"); multiple: "1.23×";
// integer: rounded, with thousands separators; money: thousands separators, no decimals.
enum class Format { number, percent, multiple, integer, money };

// `value` formatted with `decimals` digits after the point; "n/a" when not finite; 3
// significant digits from 1e15 on (1e+300, not 301 digits).
std::string format_value(double value, Format format, int decimals);

// Digits after the point that tick labels need to show multiples of `step` exactly (0..6).
int decimals_for_step(double step, Format format);

// A "nice" tick step (1, 2, 2.5 or 5 times a power of ten) splitting `range` (> 0) into about
// `target` intervals.
double nice_step(double range, int target);
// The multiples of nice_step(hi - lo, target) inside [lo, hi] (ends included, with rounding
// tolerance). A single value when lo == hi; empty when either is not finite or lo > hi.
std::vector<double> linear_ticks(double lo, double hi, int target);
// Ticks for a log axis over [lo, hi], 0 < lo <= hi: 1-2-5 (or 1) per decade for wide ranges,
// nice linear values for narrow ones. Empty when lo <= 0 or not finite.
std::vector<double> log_ticks(double lo, double hi, int target);

struct Tick {
  double value = 0.0;
  std::string label;
};
// Calendar ticks between two day numbers (days since 1970-01-01), at most `max_ticks` of them:
// the first days of every 1, 2, 3, 6, 12, 24, 60, 120... months (years labelled "2008", months
// "Mar", with the year added on January and on the first tick), or every 1, 2, 7, 14 days for
// spans under two months ("Mar 5").
std::vector<Tick> date_ticks(double first_day, double last_day, int max_ticks);

// Qualitative palette colour number `index` (cycles after 12).
std::string palette(std::size_t index);
// Diverging red - neutral - green colour for t in [-1, 1] (clamped), as "#rrggbb".
std::string diverging_color(double t);

// Common shape of a chart: its drawing size in px (the SVG scales to its container's width) and
// its accessible name.
struct Frame {
  double width = 960.0;
  double height = 320.0;
  std::string title;          // aria-label of the SVG; not drawn
  double margin_left = 0.0;   // left margin in px; 0 = fit the y tick labels
};

enum class XAxis { date, number };
enum class YScale { linear, log };

struct LineSeries {
  std::string name;           // legend entry; empty = not in the legend
  std::vector<double> x;      // day numbers on a date axis; same size as y
  std::vector<double> y;      // non-finite values leave a gap
  std::string color;          // CSS colour; empty = palette(series index)
  double line_width = 1.6;
  bool dashed = false;
  bool fill = false;          // shade between the line and LineChart::fill_baseline
  double fill_opacity = 0.25;
};

// A labelled point, e.g. the deepest drawdown.
struct Annotation {
  double x = 0.0;
  double y = 0.0;
  std::string label;
};

struct LineChart {
  Frame frame;
  std::vector<LineSeries> series;
  XAxis x_axis = XAxis::date;
  Format x_format = Format::number;         // number axes only
  Format y_format = Format::number;
  double y_label_shift = 0.0;               // tick labels show value + shift (-1: growth of 1 as a return)
  YScale y_scale = YScale::linear;
  std::optional<double> reference_line;     // a dashed horizontal line (e.g. 0 or 1), kept in range
  double fill_baseline = 0.0;
  std::optional<double> x_min;              // the x range; default: the data's
  std::optional<double> x_max;
  std::optional<double> y_max;              // top of the y range for data that stay below it (drawdowns)
  std::vector<Annotation> annotations;
  bool legend = true;
};
std::string line_chart(const LineChart& chart);

struct BarSeries {
  std::string name;
  std::vector<double> values;               // one per category; non-finite = no bar
  std::string color;                        // empty: positive / negative colours of the chart
};

struct BarChart {
  Frame frame;
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
  Format format = Format::percent;
  bool horizontal = false;                  // categories as rows, top to bottom
  bool value_labels = true;                 // drawn where they fit
  int label_decimals = -1;                  // digits of the value labels; -1: 1 for percent and multiple, else 0
  std::string positive_color = "#2f7d4f";
  std::string negative_color = "#c0392b";
  bool legend = true;
};
std::string bar_chart(const BarChart& chart);

struct Heatmap {
  Frame frame;                              // height is derived from the rows
  std::vector<std::string> row_labels;
  std::vector<std::string> column_labels;
  std::vector<double> values;               // row-major rows x columns; non-finite = empty cell
  Format format = Format::percent;
  int decimals = 1;
  std::optional<double> scale_limit;        // |value| of full colour; default: the largest |value|
  double cell_height = 22.0;
  bool colour_legend = true;
};
std::string heatmap(const Heatmap& chart);

struct Marker {
  double x = 0.0;
  std::string label;
  std::string color = "#333333";
};

struct Histogram {
  Frame frame;
  std::vector<double> values;               // non-finite values are ignored
  std::size_t bins = 0;                     // 0 = automatic (Freedman-Diaconis, 10..60 bins)
  Format x_format = Format::number;
  std::string color = "#4e79a7";
  std::vector<Marker> markers;              // vertical lines, e.g. the mean
  // A value a bin edge falls on, values equal to it counted in the bin on its left (PBO's λ = 0,
  // counted as λ <= 0).
  std::optional<double> left_closed_edge;
};
// A single repeated value is drawn as one bar centred on it (ending at it when it is the
// left-closed edge).
std::string histogram(const Histogram& chart);

struct AreaLayer {
  std::string name;
  std::vector<double> values;               // one per x; non-finite counts as 0
  std::string color;                        // empty = palette(layer index)
};

// Layers stacked at each x: positive values upwards from 0, negative ones downwards.
struct StackedArea {
  Frame frame;
  std::vector<double> x;                    // day numbers, increasing
  std::optional<double> x_end;              // step charts: where the last value ends
  std::vector<AreaLayer> layers;
  bool step = true;                         // values hold until the next x (target weights)
  Format y_format = Format::percent;
  bool legend = true;
};
std::string stacked_area(const StackedArea& chart);

// A framed chart-sized box with a centred message (used for charts without data).
std::string placeholder(const Frame& frame, std::string_view message);

}  // namespace qsweep::svg
