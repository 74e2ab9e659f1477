#include "report/svg_chart.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "qsweep/date.hpp"
#include "report/number_text.hpp"

namespace qsweep::svg {
namespace {

constexpr const char* kFontFamily =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
constexpr const char* kGridColor = "#e5e7eb";
constexpr const char* kAxisColor = "#9ca3af";
constexpr const char* kLabelColor = "#6b7280";
constexpr const char* kTextColor = "#1f2937";
constexpr double kFontSize = 11.0;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::array<const char*, 12> kMonthAbbrev = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Room write_px needs: "-99999.9" and the 8-byte words write_integer stores.
constexpr std::size_t kPxMaxChars = 16;

// Writes `v` as "{:.1f}" prints it, for the usual coordinates (|v| < 10^5, not near a tie between
// two tenths, not a negative that rounds to zero); nullptr for the others, which fmt decides.
// `out` has room for kPxMaxChars.
char* write_px(char* out, double v) {
  // Below 1e5, v * 10 rounded in floating point is off from the exact product by at most 2^-33,
  // so away from a tie it rounds to the same integer as fmt's exact decimal conversion.
  const double magnitude = std::abs(v);
  if (!(magnitude < 1e5)) return nullptr;
  const double scaled = magnitude * 10.0;
  const double whole = std::floor(scaled);
  const double frac = scaled - whole;
  if (!(std::abs(frac - 0.5) > 1e-6)) return nullptr;
  const auto tenths = static_cast<std::uint64_t>(whole) + (frac > 0.5 ? 1 : 0);
  if (std::signbit(v)) {
    if (tenths == 0) return nullptr;
    *out++ = '-';
  }
  out = report::write_integer(out, tenths / 10);
  out[0] = '.';
  out[1] = static_cast<char>('0' + tenths % 10);
  return out + 2;
}

// A pixel coordinate, one decimal.
std::string px(double v) {
  fmt::memory_buffer out;
  append_px(out, v);
  return {out.data(), out.size()};
}

std::string open_svg(const Frame& frame, double height) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" "
      "height=\"{1}\" role=\"img\" aria-label=\"{2}\" font-family=\"{3}\" font-size=\"{4}\" fill=\"{5}\">",
      px(frame.width), px(height), escape(frame.title), kFontFamily, kFontSize, kTextColor);
}

// <text> at (x, y); `anchor` is start, middle or end; `extra` more attributes.
std::string text_at(double x, double y, std::string_view text, std::string_view anchor, std::string_view extra = {}) {
  return fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"{}\"{}{}>{}</text>", px(x), px(y), anchor,
                     extra.empty() ? "" : " ", extra, escape(text));
}

// text_at() of `text` shortened to `width` pixels by fit_text(); a shortened one keeps the whole
// text as its tooltip.
std::string fitted_text_at(double x, double y, std::string_view text, double width, std::string_view anchor,
                           std::string_view extra) {
  const std::string shown = fit_text(text, width, kFontSize);
  if (shown == text) return text_at(x, y, text, anchor, extra);
  return fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"{}\" {}><title>{}</title>{}</text>", px(x), px(y), anchor,
                     extra, escape(text), escape(shown));
}

std::string hline(double x0, double x1, double y, std::string_view color, std::string_view extra = {}) {
  return fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\"{}{}/>", px(x0), px(y), px(x1),
                     px(y), color, extra.empty() ? "" : " ", extra);
}

std::string vline(double x, double y0, double y1, std::string_view color, std::string_view extra = {}) {
  return fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\"{}{}/>", px(x), px(y0), px(x),
                     px(y1), color, extra.empty() ? "" : " ", extra);
}

// A filled rectangle with an optional hover tooltip.
std::string rect(double x, double y, double w, double h, std::string_view fill, std::string_view tooltip = {},
                 std::string_view extra = {}) {
  std::string out = fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{}{}", px(x), px(y),
                                px(std::max(w, 0.0)), px(std::max(h, 0.0)), fill, extra.empty() ? "" : " ", extra);
  if (tooltip.empty()) return out + "/>";
  return out + "><title>" + escape(tooltip) + "</title></rect>";
}

// Maps a data interval onto a pixel interval, linearly or in log10.
struct Scale {
  double d0 = 0.0;
  double d1 = 1.0;
  double r0 = 0.0;
  double r1 = 1.0;
  bool log = false;
  double operator()(double v) const {
    if (log) return at_log(v, std::log10(d0), std::log10(d1));
    const double t = (v - d0) / (d1 - d0);
    return r0 + t * (r1 - r0);
  }
  // The log scale's operator() given log10(d0) and log10(d1), for mapping many values.
  double at_log(double v, double log_d0, double log_d1) const {
    const double t = (std::log10(v) - log_d0) / (log_d1 - log_d0);
    return r0 + t * (r1 - r0);
  }
  bool contains(double v) const {
    const double eps = (d1 - d0) * 1e-9;
    return v >= std::min(d0, d1) - eps && v <= std::max(d0, d1) + eps;
  }
};

// [lo, hi] widened by `pad` of its span on each side, never across 0 unless the data crosses it.
std::pair<double, double> padded(double lo, double hi, double pad) {
  if (!(hi > lo)) {
    const double d = lo == 0.0 ? 1.0 : std::abs(lo) * 0.1;
    return {lo - d, hi + d};
  }
  const double span = hi - lo;
  double a = lo - span * pad;
  double b = hi + span * pad;
  if (lo >= 0.0 && a < 0.0) a = 0.0;
  if (hi <= 0.0 && b > 0.0) b = 0.0;
  return {a, b};
}

std::pair<double, double> padded_log(double lo, double hi, double pad) {
  if (!(hi > lo)) return {lo / 1.1, hi * 1.1};
  const double f = std::pow(hi / lo, pad);
  return {lo / f, hi * f};
}

// The multiples of `step` inside [lo, hi], ends included with rounding tolerance; exact zeros.
// None when there would be more than kMaxTicks of them (a range that overflowed, say): a chart
// never loops over an unbounded range.
std::vector<double> multiples(double lo, double hi, double step) {
  constexpr double kMaxTicks = 1000.0;
  std::vector<double> out;
  const double first = std::ceil(lo / step - 1e-9);
  const double last = std::floor(hi / step + 1e-9);
  if (!(std::isfinite(first) && std::isfinite(last) && last - first <= kMaxTicks)) return out;
  for (double k = first; k <= last; k += 1.0) {
    const double v = k * step;
    out.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
  }
  return out;
}

struct LegendItem {
  std::string name;
  std::string color;
  enum Kind { line, dashed_line, box } kind = line;
};

// Legend items laid out left to right from (x0, y0), wrapping before x1. Returns the SVG and
// the height used (0 without items).
std::pair<std::string, double> legend(const std::vector<LegendItem>& items, double x0, double x1, double y0) {
  if (items.empty()) return {"", 0.0};
  constexpr double kRow = 16.0;
  std::string out = "<g class=\"legend\">";
  double x = x0;
  double y = y0;
  for (const LegendItem& item : items) {
    const double w = 22.0 + text_width(item.name, kFontSize) + 16.0;
    if (x > x0 && x + w > x1) {
      x = x0;
      y += kRow;
    }
    const double mid = y + kRow / 2.0;
    if (item.kind == LegendItem::box) {
      out += rect(x, mid - 5.0, 14.0, 10.0, item.color, {}, "rx=\"2\"");
    } else {
      out += hline(x, x + 16.0, mid, item.color,
                   item.kind == LegendItem::dashed_line ? "stroke-width=\"2\" stroke-dasharray=\"4 3\""
                                                        : "stroke-width=\"2.5\"");
    }
    out += text_at(x + 20.0, mid + 4.0, item.name, "start");
    x += w;
  }
  out += "</g>";
  return {out, y + kRow - y0};
}

// Tick labels of a value axis and the widest of them.
// Tick labels of a value axis: value + shift, with the digits the ticks need.
std::vector<std::string> tick_labels(const std::vector<double>& ticks, Format format, bool log, double shift = 0.0) {
  std::vector<std::string> labels;
  if (ticks.empty()) return labels;
  int decimals = 0;
  if (log || ticks.size() == 1) {
    for (const double t : ticks) decimals = std::max(decimals, decimals_for_step(t + shift, format));
  } else {
    decimals = decimals_for_step(ticks[1] - ticks[0], format);
  }
  for (const double t : ticks) labels.push_back(format_value(t + shift, format, decimals));
  return labels;
}

double widest(const std::vector<std::string>& labels, double font_size) {
  double w = 0.0;
  for (const std::string& l : labels) w = std::max(w, text_width(l, font_size));
  return w;
}

// Horizontal grid lines and left tick labels of a value axis.
std::string y_grid(const Scale& ys, const std::vector<double>& ticks, const std::vector<std::string>& labels,
                   double left, double right) {
  std::string out;
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    const double y = ys(ticks[i]);
    out += hline(left, right, y, kGridColor);
    out += text_at(left - 6.0, y + 3.5, labels[i], "end", fmt::format("fill=\"{}\"", kLabelColor));
  }
  return out;
}

// Vertical grid lines and bottom labels of an x axis; labels that would overflow are dropped.
std::string x_grid(const Scale& xs, const std::vector<Tick>& ticks, double top, double bottom, double frame_width,
                   bool grid) {
  std::string out;
  double last_end = -kInf;
  for (const Tick& t : ticks) {
    const double x = xs(t.value);
    if (grid) out += vline(x, top, bottom, "#f1f2f4");
    out += vline(x, bottom, bottom + 4.0, kAxisColor);
    const double w = text_width(t.label, kFontSize);
    if (x - w / 2.0 < 1.0 || x + w / 2.0 > frame_width - 1.0 || x - w / 2.0 < last_end + 6.0) continue;
    out += text_at(x, bottom + 16.0, t.label, "middle", fmt::format("fill=\"{}\"", kLabelColor));
    last_end = x + w / 2.0;
  }
  return out;
}

std::vector<Tick> number_ticks(double lo, double hi, int target, Format format) {
  const std::vector<double> values = linear_ticks(lo, hi, target);
  const std::vector<std::string> labels = tick_labels(values, format, false);
  std::vector<Tick> out;
  for (std::size_t i = 0; i < values.size(); ++i) out.push_back({values[i], labels[i]});
  return out;
}

struct Point {
  double x;
  double y;
};

// A series' finite points in pixels, split at gaps. Points falling in one pixel column are
// reduced to the first, lowest, highest and last of them (the drawn shape is unchanged).
std::vector<std::vector<Point>> project(const LineSeries& s, const Scale& xs, const Scale& ys) {
  // ys(v), with the log10 of the domain's ends taken once.
  const double log_d0 = ys.log ? std::log10(ys.d0) : 0.0;
  const double log_d1 = ys.log ? std::log10(ys.d1) : 0.0;
  auto ys_of = [&](double v) { return ys.log ? ys.at_log(v, log_d0, log_d1) : ys(v); };
  std::vector<std::vector<Point>> segments(1);
  // The current pixel column: its number of points, and its first, first lowest, first highest
  // and last point (with the lowest's and highest's positions in the column).
  std::size_t count = 0, lo = 0, hi = 0;
  Point first{}, low{}, high{}, last{};
  long column = std::numeric_limits<long>::min();
  auto flush = [&] {
    if (count == 0) return;
    std::vector<Point>& segment = segments.back();
    segment.push_back(first);  // then the lowest and highest in order, then the last, each once
    if (std::min(lo, hi) != 0) segment.push_back(lo < hi ? low : high);
    if (lo != hi && std::max(lo, hi) != count - 1) segment.push_back(lo < hi ? high : low);
    if (count > 1) segment.push_back(last);
    count = 0;
  };
  const std::size_t n = std::min(s.x.size(), s.y.size());
  for (std::size_t i = 0; i < n; ++i) {
    const bool ok = std::isfinite(s.x[i]) && std::isfinite(s.y[i]) && xs.contains(s.x[i]) && (!ys.log || s.y[i] > 0);
    if (!ok) {
      flush();
      if (!segments.back().empty()) segments.emplace_back();
      column = std::numeric_limits<long>::min();
      continue;
    }
    const Point p{xs(s.x[i]), ys_of(s.y[i])};
    const long c = std::lround(std::floor(p.x));
    if (c != column) flush();
    column = c;
    if (count == 0) {
      first = low = high = p;
      lo = hi = 0;
    } else {
      if (p.y < low.y) low = p, lo = count;
      if (p.y > high.y) high = p, hi = count;
    }
    last = p;
    ++count;
  }
  flush();
  if (segments.back().empty()) segments.pop_back();
  return segments;
}

std::string path_of(const std::vector<Point>& pts) {
  // Written in place into text sized for the longest usual coordinates; a coordinate write_px
  // leaves to fmt goes through append_px.
  std::string d(pts.size() * (2 * kPxMaxChars + 2), '\0');
  char* out = d.data();
  for (std::size_t i = 0; i < pts.size(); ++i) {
    *out++ = i == 0 ? 'M' : 'L';
    for (const double v : {pts[i].x, pts[i].y}) {
      if (char* const end = write_px(out, v)) {
        out = end;
      } else {
        fmt::memory_buffer text;
        append_px(text, v);
        const std::size_t at = static_cast<std::size_t>(out - d.data());
        d.resize(d.size() + text.size());  // the slow path's text may be longer
        out = std::copy(text.begin(), text.end(), d.data() + at);
      }
      *out++ = ',';
    }
    --out;  // no ',' after y
  }
  d.resize(static_cast<std::size_t>(out - d.data()));
  return d;
}

std::string halo_text(double x, double y, std::string_view text, std::string_view anchor, std::string_view color) {
  return text_at(x, y, text, anchor,
                 fmt::format("fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\" "
                             "font-weight=\"600\"",
                             color));
}

}  // namespace

void append_px(fmt::memory_buffer& out, double v) {
  const std::size_t start = out.size();
  out.resize(start + kPxMaxChars);
  if (char* const end = write_px(out.data() + start, v)) {
    out.resize(static_cast<std::size_t>(end - out.data()));
    return;
  }
  out.resize(start);
  fmt::format_to(fmt::appender(out), "{:.1f}", v);
}

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

double text_width(std::string_view text, double font_size) {
  std::size_t chars = 0;
  for (const char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
  return static_cast<double>(chars) * font_size * 0.6;
}

std::string fit_text(std::string_view text, double width, double font_size) {
  if (text_width(text, font_size) <= width) return std::string(text);
  // Characters that fit beside the ellipsis (one character wide).
  const double fitting = std::floor(width / (font_size * 0.6)) - 1.0;
  std::size_t end = 0, chars = 0;
  while (end < text.size() && static_cast<double>(chars) < fitting) {
    ++end;
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    ++chars;
  }
  return std::string(text.substr(0, end)) + "\u2026";
}

std::string format_value(double value, Format format, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  decimals = std::clamp(decimals, 0, 10);
  const double shown = format == Format::percent ? value * 100.0 : value;
  // Past 1e15 (an edited file, an overflowing strategy) digits say nothing: 3 significant ones.
  if (std::abs(shown) >= 1e15) {
    const std::string compact = fmt::format("{:.3g}", shown);
    return format == Format::percent ? compact + "%" : format == Format::multiple ? compact + "\u00d7" : compact;
  }
  std::string s = fmt::format("{:.{}f}", shown, decimals);
  // No "-0.0": a value that rounds to zero has no sign.
  if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s = s.substr(1);
  if (format == Format::integer || format == Format::money) {
    const std::size_t start = s.front() == '-' ? 1 : 0;
    const std::size_t point = std::min(s.find('.'), s.size());
    std::string grouped = s.substr(0, start);
    for (std::size_t i = start; i < point; ++i) {
      if (i > start && (point - i) % 3 == 0) grouped += ',';
      grouped += s[i];
    }
    s = grouped + s.substr(point);
  }
  switch (format) {
    case Format::percent: return s + "%";
    case Format::multiple: return s + "\u00d7";
    default: return s;
  }
}

int decimals_for_step(double step, Format format) {
  double scaled = std::abs(format == Format::percent ? step * 100.0 : step);
  if (!std::isfinite(scaled) || scaled == 0.0) return 0;
  for (int d = 0; d < 6; ++d) {
    if (std::abs(scaled - std::round(scaled)) <= 1e-6 * std::max(1.0, scaled)) return d;
    scaled *= 10.0;
  }
  return 6;
}

double nice_step(double range, int target) {
  if (!(range > 0.0) || !std::isfinite(range)) return 1.0;
  const double raw = range / std::max(target, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / magnitude;
  double nice = 10.0;
  if (norm < 1.5) nice = 1.0;
  else if (norm < 2.25) nice = 2.0;
  else if (norm < 3.5) nice = 2.5;
  else if (norm < 7.5) nice = 5.0;
  return nice * magnitude;
}

std::vector<double> linear_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi) return {};
  if (lo == hi) return {lo};
  return multiples(lo, hi, nice_step(hi - lo, target));
}

std::vector<double> log_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo > 0.0) || lo > hi) return {};
  if (hi / lo < 10.0) return linear_ticks(lo, hi, target + 2);  // log spacing crowds the top: more ticks
  const int first_decade = static_cast<int>(std::floor(std::log10(lo)));
  const int last_decade = static_cast<int>(std::ceil(std::log10(hi)));
  const std::size_t limit = static_cast<std::size_t>(std::max(target, 2)) * 3 / 2;
  auto collect = [&](std::initializer_list<double> mantissas, int decade_step) {
    std::vector<double> out;
    for (int d = first_decade; d <= last_decade; ++d) {
      if ((d - first_decade) % decade_step != 0) continue;
      for (const double m : mantissas) {
        const double v = m * std::pow(10.0, d);
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push_back(v);
      }
    }
    return out;
  };
  std::vector<double> ticks = collect({1.0, 2.0, 5.0}, 1);
  if (ticks.size() <= limit) return ticks;
  for (int decade_step = 1;; ++decade_step) {
    ticks = collect({1.0}, decade_step);
    if (ticks.size() <= limit) return ticks;
  }
}

std::vector<Tick> date_ticks(double first_day, double last_day, int max_ticks) {
  std::vector<Tick> out;
  constexpr double kMaxDay = 1e7;  // about the year 29000; also keeps the conversions below defined
  if (!(std::abs(first_day) < kMaxDay) || !(std::abs(last_day) < kMaxDay) || first_day > last_day) return out;
  max_ticks = std::max(max_ticks, 2);
  const Day first = static_cast<Day>(std::ceil(first_day));
  const Day last = static_cast<Day>(std::floor(last_day));
  if (last - first >= 60) {
    const CivilDate a = civil_from_day(first);
    const CivilDate b = civil_from_day(last);
    const int m0 = a.year * 12 + a.month - 1;
    const int m1 = b.year * 12 + b.month - 1;
    for (const int step : {1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200}) {
      std::vector<int> months;
      for (int m = m0; m <= m1; ++m) {
        if (m % step != 0) continue;
        const Day d = day_from_civil(m / 12, m % 12 + 1, 1);
        if (d >= first && d <= last) months.push_back(m);
      }
      if (static_cast<int>(months.size()) > max_ticks) continue;
      for (std::size_t i = 0; i < months.size(); ++i) {
        const int year = months[i] / 12;
        const int month = months[i] % 12 + 1;
        std::string label = step >= 12 ? fmt::format("{}", year) : kMonthAbbrev[static_cast<std::size_t>(month - 1)];
        if (step < 12 && (month == 1 || i == 0)) label += fmt::format(" {}", year);
        out.push_back({static_cast<double>(day_from_civil(year, month, 1)), std::move(label)});
      }
      return out;
    }
    return out;
  }
  for (const int step : {1, 2, 7, 14, 28}) {
    if ((last - first) / step + 1 > max_ticks) continue;
    for (Day d = first; d <= last; d += step) {
      const CivilDate c = civil_from_day(d);
      out.push_back({static_cast<double>(d), fmt::format("{} {}", kMonthAbbrev[static_cast<std::size_t>(c.month - 1)], c.day)});
    }
    return out;
  }
  return out;
}

std::string palette(std::size_t index) {
  static constexpr std::array<const char*, 12> kColors = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759",
                                                          "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
                                                          "#9c755f", "#bab0ac", "#17becf", "#8c564b"};
  return kColors[index % kColors.size()];
}

std::string diverging_color(double t) {
  struct Rgb {
    double r, g, b;
  };
  static constexpr std::array<Rgb, 5> kStops = {
      Rgb{178, 24, 43}, Rgb{239, 138, 98}, Rgb{247, 247, 247}, Rgb{127, 191, 123}, Rgb{27, 120, 55}};
  if (!std::isfinite(t)) t = 0.0;
  const double pos = (std::clamp(t, -1.0, 1.0) + 1.0) * 2.0;  // 0..4
  const std::size_t i = std::min<std::size_t>(static_cast<std::size_t>(pos), 3);
  const double f = pos - static_cast<double>(i);
  auto mix = [&](double a, double b) { return static_cast<int>(std::lround(a + (b - a) * f)); };
  return fmt::format("#{:02x}{:02x}{:02x}", mix(kStops[i].r, kStops[i + 1].r), mix(kStops[i].g, kStops[i + 1].g),
                     mix(kStops[i].b, kStops[i + 1].b));
}

std::string placeholder(const Frame& frame, std::string_view message) {
  std::string out = open_svg(frame, frame.height);
  out += rect(0.5, 0.5, frame.width - 1.0, frame.height - 1.0, "#fafafa", {},
              fmt::format("stroke=\"{}\" rx=\"4\"", kGridColor));
  out += text_at(frame.width / 2.0, frame.height / 2.0 + 4.0, message, "middle",
                 fmt::format("fill=\"{}\" class=\"placeholder\"", kLabelColor));
  return out + "</svg>";
}

std::string line_chart(const LineChart& c) {
  const bool log = c.y_scale == YScale::log;
  double x0 = kInf, x1 = -kInf, y0 = kInf, y1 = -kInf;
  bool nonpositive = false;
  bool any_fill = false;
  for (const LineSeries& s : c.series) {
    const std::size_t n = std::min(s.x.size(), s.y.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      if ((c.x_min && s.x[i] < *c.x_min) || (c.x_max && s.x[i] > *c.x_max)) continue;
      x0 = std::min(x0, s.x[i]);
      x1 = std::max(x1, s.x[i]);
      y0 = std::min(y0, s.y[i]);
      y1 = std::max(y1, s.y[i]);
      nonpositive = nonpositive || s.y[i] <= 0.0;
      any_fill = any_fill || s.fill;
    }
  }
  if (!(x1 >= x0)) return placeholder(c.frame, "No data");
  if (log && nonpositive) return placeholder(c.frame, "Log scale needs positive values");
  if (c.x_min) x0 = *c.x_min;
  if (c.x_max) x1 = *c.x_max;
  if (!(x1 > x0)) {
    const double d = c.x_axis == XAxis::date ? 15.0 : 0.5;
    x0 -= d;
    x1 += d;
  }
  if (c.reference_line && (!log || *c.reference_line > 0.0)) {
    y0 = std::min(y0, *c.reference_line);
    y1 = std::max(y1, *c.reference_line);
  }
  if (any_fill && !log) {
    y0 = std::min(y0, c.fill_baseline);
    y1 = std::max(y1, c.fill_baseline);
  }
  auto [lo, hi] = log ? padded_log(y0, y1, 0.04) : padded(y0, y1, 0.05);
  if (c.y_max && std::isfinite(*c.y_max) && *c.y_max > lo && (!log || *c.y_max > 0.0)) hi = *c.y_max;
  const int y_target = std::max(3, static_cast<int>((c.frame.height - 50.0) / 45.0));
  const std::vector<double> yt = log ? log_ticks(lo, hi, y_target) : linear_ticks(lo, hi, y_target);
  const std::vector<std::string> yl = tick_labels(yt, c.y_format, log, c.y_label_shift);

  const double left = c.frame.margin_left > 0.0 ? c.frame.margin_left : widest(yl, kFontSize) + 14.0;
  const double right = c.frame.width - 16.0;
  std::vector<LegendItem> items;
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const LineSeries& s = c.series[i];
    if (!c.legend || s.name.empty()) continue;
    items.push_back({s.name, s.color.empty() ? palette(i) : s.color,
                     s.dashed ? LegendItem::dashed_line : LegendItem::line});
  }
  auto [legend_svg, legend_h] = legend(items, left, right, 4.0);
  const double top = legend_h > 0.0 ? legend_h + 12.0 : 10.0;
  const double bottom = c.frame.height - 26.0;

  const Scale xs{x0, x1, left, right, false};
  const Scale ys{lo, hi, bottom, top, log};
  std::string out = open_svg(c.frame, c.frame.height);
  out += y_grid(ys, yt, yl, left, right);
  const int x_target = std::max(2, static_cast<int>((right - left) / 90.0));
  out += x_grid(xs, c.x_axis == XAxis::date ? date_ticks(x0, x1, x_target) : number_ticks(x0, x1, x_target, c.x_format),
                top, bottom, c.frame.width, true);
  out += hline(left, right, bottom, kAxisColor);
  if (c.reference_line && ys.contains(*c.reference_line) && (!log || *c.reference_line > 0.0))
    out += hline(left, right, ys(*c.reference_line), "#4b5563", "stroke-dasharray=\"4 3\"");

  // Areas first, then lines: no fill hides another series' line.
  std::vector<std::vector<std::vector<Point>>> projected;
  for (const LineSeries& s : c.series) projected.push_back(project(s, xs, ys));
  // Each segment's path data, printed once for its area and its line.
  std::vector<std::vector<std::string>> paths(c.series.size());
  for (std::size_t i = 0; i < c.series.size(); ++i)
    for (const auto& seg : projected[i]) paths[i].push_back(seg.size() > 1 || (c.series[i].fill && !log) ? path_of(seg) : "");
  const double base = std::clamp(ys(c.fill_baseline), top, bottom);
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const LineSeries& s = c.series[i];
    if (!s.fill || log) continue;
    for (std::size_t k = 0; k < projected[i].size(); ++k) {
      const auto& seg = projected[i][k];
      out += fmt::format("<path d=\"{}L{},{}L{},{}Z\" fill=\"{}\" fill-opacity=\"{}\" stroke=\"none\"/>",
                         paths[i][k], px(seg.back().x), px(base), px(seg.front().x), px(base),
                         s.color.empty() ? palette(i) : s.color, s.fill_opacity);
    }
  }
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const LineSeries& s = c.series[i];
    const std::string color = s.color.empty() ? palette(i) : s.color;
    for (std::size_t k = 0; k < projected[i].size(); ++k) {
      const auto& seg = projected[i][k];
      if (seg.size() == 1) {
        out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{}\"/>", px(seg[0].x), px(seg[0].y), color);
        continue;
      }
      out += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" stroke-linejoin=\"round\"{}/>",
                         paths[i][k], color, s.line_width, s.dashed ? " stroke-dasharray=\"5 3\"" : "");
    }
  }
  for (const Annotation& a : c.annotations) {
    if (!std::isfinite(a.x) || !std::isfinite(a.y) || !xs.contains(a.x) || !ys.contains(a.y) || (log && a.y <= 0.0))
      continue;
    const double x = xs(a.x);
    const double y = ys(a.y);
    out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"#ffffff\" stroke=\"{}\" stroke-width=\"1.5\"/>",
                       px(x), px(y), kTextColor);
    const bool right_side = x < (left + right) / 2.0;
    const double ty = y > (top + bottom) / 2.0 ? y - 8.0 : y + 16.0;
    out += halo_text(right_side ? x + 7.0 : x - 7.0, ty, a.label, right_side ? "start" : "end", kTextColor);
  }
  out += legend_svg;
  return out + "</svg>";
}

std::string bar_chart(const BarChart& c) {
  const std::size_t n = c.categories.size();
  double v0 = 0.0, v1 = 0.0;
  bool any = false;
  for (const BarSeries& s : c.series) {
    for (std::size_t i = 0; i < std::min(n, s.values.size()); ++i) {
      if (!std::isfinite(s.values[i])) continue;
      any = true;
      v0 = std::min(v0, s.values[i]);
      v1 = std::max(v1, s.values[i]);
    }
  }
  if (n == 0 || !any) return placeholder(c.frame, "No data");
  const std::size_t m = c.series.size();
  const int label_decimals =
      c.label_decimals >= 0 ? c.label_decimals : (c.format == Format::percent || c.format == Format::multiple ? 1 : 0);
  auto color_of = [&](const BarSeries& s, double v) {
    return !s.color.empty() ? s.color : (v < 0.0 ? c.negative_color : c.positive_color);
  };
  auto tooltip = [&](std::size_t i, const BarSeries& s, double v) {
    return (s.name.empty() ? c.categories[i] : c.categories[i] + " " + s.name) + ": " + format_value(v, c.format, 2);
  };
  std::vector<LegendItem> items;
  for (const BarSeries& s : c.series)
    if (c.legend && !s.name.empty() && m > 1) items.push_back({s.name, s.color.empty() ? c.positive_color : s.color, LegendItem::box});

  std::string out = open_svg(c.frame, c.frame.height);
  const std::string label_attr = fmt::format("font-size=\"10\" fill=\"{}\"", kTextColor);
  if (!c.horizontal) {
    const auto [lo, hi] = padded(v0, v1, c.value_labels ? 0.1 : 0.05);
    const int target = std::max(3, static_cast<int>((c.frame.height - 50.0) / 45.0));
    const std::vector<double> yt = linear_ticks(lo, hi, target);
    const std::vector<std::string> yl = tick_labels(yt, c.format, false);
    const double left = c.frame.margin_left > 0.0 ? c.frame.margin_left : widest(yl, kFontSize) + 14.0;
    const double right = c.frame.width - 10.0;
    auto [legend_svg, legend_h] = legend(items, left, right, 4.0);
    const double top = legend_h > 0.0 ? legend_h + 12.0 : 10.0;
    const double bottom = c.frame.height - 26.0;
    const Scale ys{lo, hi, bottom, top, false};
    out += y_grid(ys, yt, yl, left, right);
    const double band = (right - left) / static_cast<double>(n);
    const double bar_w = band * 0.78 / static_cast<double>(m);
    double widest_category = 0.0;
    for (const std::string& cat : c.categories) widest_category = std::max(widest_category, text_width(cat, kFontSize));
    const std::size_t every = static_cast<std::size_t>(std::ceil((widest_category + 6.0) / band));
    // Shortened labels must still tell the categories apart (numbers sharing their first digits
    // would not).
    bool shorten_labels = every > 1 && band - 6.0 >= text_width("1234567", kFontSize);
    if (shorten_labels) {
      std::set<std::string> shortened;
      for (const std::string& category : c.categories) shortened.insert(fit_text(category, band - 6.0, kFontSize));
      shorten_labels = shortened.size() == c.categories.size();
    }
    for (std::size_t i = 0; i < n; ++i) {
      const double gx = left + band * static_cast<double>(i) + band * 0.11;
      for (std::size_t j = 0; j < m; ++j) {
        const BarSeries& s = c.series[j];
        if (i >= s.values.size() || !std::isfinite(s.values[i])) continue;
        const double v = s.values[i];
        const double x = gx + bar_w * static_cast<double>(j);
        const double y_top = ys(std::max(v, 0.0));
        const double y_bottom = ys(std::min(v, 0.0));
        out += rect(x, y_top, bar_w - 1.0, std::max(y_bottom - y_top, 0.5), color_of(s, v), tooltip(i, s, v));
        const std::string label = format_value(v, c.format, label_decimals);
        // A label may be wider than its bar but must not reach the next label.
        if (c.value_labels && text_width(label, 10.0) <= (m == 1 ? band : bar_w) - 3.0) {
          out += text_at(x + bar_w / 2.0 - 0.5, v >= 0.0 ? y_top - 4.0 : y_bottom + 11.0, label, "middle", label_attr);
        }
      }
      // Labels too wide for their band: every one shortened where 7 characters still fit and the
      // shortened labels differ (names of tables, say), else every `every`-th one whole.
      if (shorten_labels)
        out += fitted_text_at(left + band * (static_cast<double>(i) + 0.5), bottom + 16.0, c.categories[i],
                              band - 6.0, "middle", fmt::format("fill=\"{}\"", kLabelColor));
      else if (i % std::max<std::size_t>(every, 1) == 0)
        out += text_at(left + band * (static_cast<double>(i) + 0.5), bottom + 16.0, c.categories[i], "middle",
                       fmt::format("fill=\"{}\"", kLabelColor));
    }
    out += hline(left, right, ys(0.0), "#4b5563");
    out += legend_svg;
    return out + "</svg>";
  }

  // Horizontal: categories as rows, values along x.
  double widest_category = 0.0;
  for (const std::string& cat : c.categories) widest_category = std::max(widest_category, text_width(cat, kFontSize));
  const double left = c.frame.margin_left > 0.0 ? c.frame.margin_left : widest_category + 12.0;
  const double right = c.frame.width - 8.0;
  auto [legend_svg, legend_h] = legend(items, left, right, 4.0);
  const double top = legend_h > 0.0 ? legend_h + 10.0 : 6.0;
  const double bottom = c.frame.height - 24.0;
  // Room beside the bars for the labels of the longest positive and negative values.
  double room_pos = 0.0, room_neg = 0.0;
  if (c.value_labels) {
    for (const BarSeries& s : c.series) {
      for (const double v : s.values) {
        if (!std::isfinite(v)) continue;
        const double w = text_width(format_value(v, c.format, label_decimals), 10.0) + 6.0;
        (v < 0.0 ? room_neg : room_pos) = std::max(v < 0.0 ? room_neg : room_pos, w);
      }
    }
  }
  const auto [lo, hi] = padded(v0, v1, 0.02);
  const Scale xs{lo, hi, left + room_neg, right - room_pos, false};
  const int target = std::max(2, static_cast<int>((xs.r1 - xs.r0) / 70.0));
  std::vector<Tick> xt = number_ticks(lo, hi, target, c.format);
  out += x_grid(xs, xt, top, bottom, c.frame.width, true);
  const double band = (bottom - top) / static_cast<double>(n);
  const double bar_h = band * 0.8 / static_cast<double>(m);
  for (std::size_t i = 0; i < n; ++i) {
    const double gy = top + band * static_cast<double>(i) + band * 0.1;
    out += text_at(left - 8.0, top + band * (static_cast<double>(i) + 0.5) + 4.0, c.categories[i], "end",
                   fmt::format("fill=\"{}\"", kLabelColor));
    for (std::size_t j = 0; j < m; ++j) {
      const BarSeries& s = c.series[j];
      if (i >= s.values.size() || !std::isfinite(s.values[i])) continue;
      const double v = s.values[i];
      const double y = gy + bar_h * static_cast<double>(j);
      const double xa = xs(std::min(v, 0.0));
      const double xb = xs(std::max(v, 0.0));
      out += rect(xa, y, std::max(xb - xa, 0.5), bar_h - 1.0, color_of(s, v), tooltip(i, s, v));
      if (c.value_labels) {
        const std::string label = format_value(v, c.format, label_decimals);
        out += text_at(v < 0.0 ? xa - 4.0 : xb + 4.0, y + bar_h / 2.0 + 3.0, label, v < 0.0 ? "end" : "start",
                       label_attr);
      }
    }
  }
  out += vline(xs(0.0), top, bottom, "#4b5563");
  out += legend_svg;
  return out + "</svg>";
}

std::string heatmap(const Heatmap& c) {
  const std::size_t rows = c.row_labels.size();
  const std::size_t cols = c.column_labels.size();
  if (rows == 0 || cols == 0 || c.values.size() != rows * cols) return placeholder(c.frame, "No data");
  double limit = 0.0;
  for (const double v : c.values)
    if (std::isfinite(v)) limit = std::max(limit, std::abs(v));
  if (c.scale_limit && *c.scale_limit > 0.0) limit = *c.scale_limit;
  if (!(limit > 0.0)) limit = 1.0;

  double widest_row = 0.0;
  for (const std::string& r : c.row_labels) widest_row = std::max(widest_row, text_width(r, kFontSize));
  const double left = c.frame.margin_left > 0.0 ? c.frame.margin_left : widest_row + 10.0;
  const double top = 20.0;
  const double cell_w = (c.frame.width - left - 2.0) / static_cast<double>(cols);
  const double cell_h = c.cell_height;
  const double grid_bottom = top + cell_h * static_cast<double>(rows);
  const double height = grid_bottom + (c.colour_legend ? 38.0 : 6.0);
  const double font = std::min(11.0, cell_h * 0.5);

  std::string out = open_svg(c.frame, height);
  // Column labels wider than their cell are shortened.
  for (std::size_t j = 0; j < cols; ++j)
    out += fitted_text_at(left + cell_w * (static_cast<double>(j) + 0.5), top - 7.0, c.column_labels[j], cell_w - 4.0,
                          "middle", fmt::format("fill=\"{}\"", kLabelColor));
  for (std::size_t i = 0; i < rows; ++i) {
    const double y = top + cell_h * static_cast<double>(i);
    out += text_at(left - 7.0, y + cell_h / 2.0 + 4.0, c.row_labels[i], "end", fmt::format("fill=\"{}\"", kLabelColor));
    for (std::size_t j = 0; j < cols; ++j) {
      const double v = c.values[i * cols + j];
      const double x = left + cell_w * static_cast<double>(j);
      if (!std::isfinite(v)) {
        out += rect(x, y, cell_w, cell_h, "#fbfbfb", {}, "stroke=\"#ffffff\"");
        continue;
      }
      const double t = v / limit;
      const std::string label = format_value(v, c.format, c.decimals);
      out += rect(x, y, cell_w, cell_h, diverging_color(t),
                  c.row_labels[i] + " " + c.column_labels[j] + ": " + label, "stroke=\"#ffffff\"");
      out += text_at(x + cell_w / 2.0, y + cell_h / 2.0 + font * 0.36, label, "middle",
                     fmt::format("font-size=\"{}\" fill=\"{}\"", px(font), std::abs(t) > 0.6 ? "#ffffff" : kTextColor));
    }
  }
  if (c.colour_legend) {
    constexpr int kSteps = 9;
    const double sw = 18.0;
    const double lx = c.frame.width - 2.0 - sw * kSteps;
    const double ly = grid_bottom + 12.0;
    for (int k = 0; k < kSteps; ++k) {
      const double t = -1.0 + 2.0 * k / (kSteps - 1);
      out += rect(lx + sw * k, ly, sw, 9.0, diverging_color(t));
    }
    const int decimals = decimals_for_step(limit, c.format) > 1 ? 1 : 0;
    const std::string attr = fmt::format("font-size=\"10\" fill=\"{}\"", kLabelColor);
    out += text_at(lx, ly + 21.0, format_value(-limit, c.format, decimals), "start", attr);
    out += text_at(lx + sw * kSteps / 2.0, ly + 21.0, format_value(0.0, c.format, 0), "middle", attr);
    out += text_at(lx + sw * kSteps, ly + 21.0, format_value(limit, c.format, decimals), "end", attr);
  }
  return out + "</svg>";
}

std::string histogram(const Histogram& c) {
  std::vector<double> v;
  for (const double x : c.values)
    if (std::isfinite(x)) v.push_back(x);
  if (v.empty()) return placeholder(c.frame, "No data");
  std::sort(v.begin(), v.end());
  double lo = v.front();
  double hi = v.back();
  std::size_t bins = c.bins;
  if (bins == 0) {
    const auto at = [&](double q) { return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))]; };
    const double iqr = at(0.75) - at(0.25);
    const double width = 2.0 * iqr / std::cbrt(static_cast<double>(v.size()));
    const double wanted = width > 0.0 && hi > lo ? std::ceil((hi - lo) / width) : 10.0;
    bins = static_cast<std::size_t>(std::clamp(wanted, 10.0, 60.0));
  }
  if (!(hi > lo)) {  // one value: an odd number of bins puts it in the middle of the middle one
    const double d = lo == 0.0 ? 0.01 : std::abs(lo) * 0.1;
    lo -= d;
    hi += d;
    bins = 11;
  }
  const double bin_w = (hi - lo) / static_cast<double>(bins);
  // With a left-closed edge inside the range, the bins shift left so that one edge is on it
  // (one more bin covers the shift).
  std::size_t edge = 0;  // bin index the edge starts; 0: none
  if (c.left_closed_edge && *c.left_closed_edge >= lo && *c.left_closed_edge <= hi) {
    const double k = std::max(1.0, std::ceil((*c.left_closed_edge - lo) / bin_w));
    lo = *c.left_closed_edge - k * bin_w;
    edge = static_cast<std::size_t>(k);
    ++bins;
    hi = lo + static_cast<double>(bins) * bin_w;
  }
  std::vector<std::size_t> counts(bins, 0);
  for (const double x : v) {
    auto k = static_cast<std::size_t>(std::clamp((x - lo) / bin_w, 0.0, static_cast<double>(bins - 1)));
    if (edge > 0 && x == *c.left_closed_edge) k = edge - 1;
    ++counts[k];
  }
  const double max_count = static_cast<double>(*std::max_element(counts.begin(), counts.end()));
  const int target = std::max(3, static_cast<int>((c.frame.height - 50.0) / 45.0));
  std::vector<double> yt;
  for (const double t : linear_ticks(0.0, max_count * 1.1, target))
    if (std::abs(t - std::round(t)) < 1e-9) yt.push_back(t);
  const std::vector<std::string> yl = tick_labels(yt, Format::integer, false);
  const double left = c.frame.margin_left > 0.0 ? c.frame.margin_left : widest(yl, kFontSize) + 14.0;
  const double right = c.frame.width - 14.0;
  // Marker labels in rows above the plot, a label moving down a row when it would overlap one.
  struct Placed {
    double x0, x1;
    int row;
  };
  std::vector<Placed> placed;
  int label_rows = 0;
  {
    const double plot_x0 = left, plot_x1 = right;
    const Scale pre{lo, hi, plot_x0, plot_x1, false};
    for (const Marker& m : c.markers) {
      if (!std::isfinite(m.x) || !pre.contains(m.x)) {
        placed.push_back({0, 0, -1});
        continue;
      }
      const double x = pre(m.x);
      const double w = text_width(m.label, kFontSize) + 8.0;
      const bool to_left = x > (plot_x0 + plot_x1) / 2.0;
      const double a = to_left ? x - w : x;
      const double b = to_left ? x : x + w;
      int row = 0;
      for (bool clash = true; clash; ) {
        clash = false;
        for (const Placed& p : placed)
          if (p.row == row && a < p.x1 && b > p.x0) clash = true;
        if (clash) ++row;
      }
      placed.push_back({a, b, row});
      label_rows = std::max(label_rows, row + 1);
    }
  }
  const double top = 10.0 + 14.0 * label_rows;
  const double bottom = c.frame.height - 26.0;
  const Scale xs{lo, hi, left, right, false};
  const Scale ys{0.0, max_count * 1.1, bottom, top, false};
  std::string out = open_svg(c.frame, c.frame.height);
  out += y_grid(ys, yt, yl, left, right);
  const int x_target = std::max(2, static_cast<int>((right - left) / 80.0));
  out += x_grid(xs, number_ticks(lo, hi, x_target, c.x_format), top, bottom, c.frame.width, false);
  const int edge_decimals = decimals_for_step(nice_step(hi - lo, x_target), c.x_format) + 1;
  for (std::size_t k = 0; k < bins; ++k) {
    if (counts[k] == 0) continue;
    const double a = lo + bin_w * static_cast<double>(k);
    const double x = xs(a);
    const double y = ys(static_cast<double>(counts[k]));
    out += rect(x + 0.5, y, xs(a + bin_w) - x - 1.0, bottom - y, c.color,
                fmt::format("{} to {}: {}", format_value(a, c.x_format, edge_decimals),
                            format_value(a + bin_w, c.x_format, edge_decimals), counts[k]));
  }
  out += hline(left, right, bottom, kAxisColor);
  for (std::size_t k = 0; k < c.markers.size(); ++k) {
    const Marker& m = c.markers[k];
    if (placed[k].row < 0) continue;
    const double x = xs(m.x);
    const double label_y = 18.0 + 14.0 * placed[k].row;
    out += vline(x, label_y - 2.0, bottom, m.color, "stroke-width=\"1.5\" stroke-dasharray=\"4 3\"");
    out += halo_text(x > (left + right) / 2.0 ? x - 4.0 : x + 4.0, label_y, m.label,
                     x > (left + right) / 2.0 ? "end" : "start", m.color);
  }
  return out + "</svg>";
}

std::string stacked_area(const StackedArea& c) {
  const std::size_t n = c.x.size();
  if (n == 0 || c.layers.empty()) return placeholder(c.frame, "No data");
  auto value = [&](const AreaLayer& l, std::size_t k) {
    return k < l.values.size() && std::isfinite(l.values[k]) ? l.values[k] : 0.0;
  };
  const std::size_t layers = c.layers.size();
  // Base of each layer's positive and negative part at each x.
  std::vector<double> pos_base(layers * n), neg_base(layers * n);
  double lo = 0.0, hi = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    double up = 0.0, down = 0.0;
    for (std::size_t l = 0; l < layers; ++l) {
      pos_base[l * n + k] = up;
      neg_base[l * n + k] = down;
      const double v = value(c.layers[l], k);
      (v > 0.0 ? up : down) += v;
    }
    hi = std::max(hi, up);
    lo = std::min(lo, down);
  }
  double x0 = c.x.front();
  double x1 = c.x_end ? std::max(*c.x_end, c.x.back()) : c.x.back();
  if (!(x1 > x0)) x1 = x0 + 1.0;
  const int y_target = std::max(3, static_cast<int>((c.frame.height - 60.0) / 45.0));
  // The domain grows to the ticks just outside the stacks (e.g. exactly 0%..100%).
  if (!(hi > lo)) hi = lo + 1.0;
  const double step = nice_step(hi - lo, y_target);
  const double d0 = std::floor(lo / step + 1e-9) * step;
  const double d1 = std::ceil(hi / step - 1e-9) * step;
  const std::vector<double> yt = multiples(d0, d1, step);
  const std::vector<std::string> yl = tick_labels(yt, c.y_format, false);
  const double left = c.frame.margin_left > 0.0 ? c.frame.margin_left : widest(yl, kFontSize) + 14.0;
  const double right = c.frame.width - 16.0;
  std::vector<LegendItem> items;
  for (std::size_t l = 0; l < layers; ++l)
    if (c.legend && !c.layers[l].name.empty())
      items.push_back({c.layers[l].name, c.layers[l].color.empty() ? palette(l) : c.layers[l].color, LegendItem::box});
  auto [legend_svg, legend_h] = legend(items, left, right, 4.0);
  const double top = legend_h > 0.0 ? legend_h + 12.0 : 10.0;
  const double bottom = c.frame.height - 26.0;
  const Scale xs{x0, x1, left, right, false};
  const Scale ys{d0, d1, bottom, top, false};

  std::string out = open_svg(c.frame, c.frame.height);
  out += y_grid(ys, yt, yl, left, right);
  out += x_grid(xs, date_ticks(x0, x1, std::max(2, static_cast<int>((right - left) / 90.0))), top, bottom,
                c.frame.width, true);
  // x_k and where value k ends.
  auto x_at = [&](std::size_t k) { return xs(c.x[k]); };
  auto x_until = [&](std::size_t k) { return k + 1 < n ? xs(c.x[k + 1]) : xs(x1); };
  for (std::size_t l = 0; l < layers; ++l) {
    const std::string color = c.layers[l].color.empty() ? palette(l) : c.layers[l].color;
    for (const bool positive : {true, false}) {
      const std::vector<double>& base = positive ? pos_base : neg_base;
      bool any = false;
      std::vector<Point> upper, lower;
      for (std::size_t k = 0; k < n; ++k) {
        const double v = value(c.layers[l], k);
        const double part = positive ? std::max(v, 0.0) : std::min(v, 0.0);
        any = any || part != 0.0;
        const double b = base[l * n + k];
        const double ya = ys(b + part);
        const double yb = ys(b);
        upper.push_back({x_at(k), ya});
        lower.push_back({x_at(k), yb});
        if (c.step || k + 1 == n) {
          upper.push_back({x_until(k), ya});
          lower.push_back({x_until(k), yb});
        }
      }
      if (!any) continue;
      std::reverse(lower.begin(), lower.end());
      upper.insert(upper.end(), lower.begin(), lower.end());
      out += fmt::format("<path d=\"{}Z\" fill=\"{}\" fill-opacity=\"0.85\" stroke=\"{}\" stroke-width=\"0.5\"><title>{}</title></path>",
                         path_of(upper), color, color, escape(c.layers[l].name));
    }
  }
  out += hline(left, right, ys(0.0), "#4b5563");
  out += legend_svg;
  return out + "</svg>";
}

}  // namespace qsweep::svg
