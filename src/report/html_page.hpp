// Pieces shared by the backtest and the sweep report pages (internal to libqsweep): reading the
// output folder's CSV files, the panel and KPI card markup, the page shell and its style sheet.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qsweep::report {

// Chart widths in SVG user units (1 unit = 1 CSS px when the page is at its full width).
inline constexpr double kFullWidth = 1160.0;
inline constexpr double kWideWidth = 672.0;    // 7/12 of a row
inline constexpr double kNarrowWidth = 472.0;  // 5/12 of a row
inline constexpr const char* kLossColor = "#c0392b";

// ---------------------------------------------------------------- CSV files

// A CSV file split into fields; `lines[i]` is the 1-based file line of row i. The fields are kept
// in one copy of the file's text (unquoted in place), not one string each.
struct CsvFile {
  std::filesystem::path path;
  std::vector<std::string> header;
  std::vector<std::size_t> lines;

  std::size_t row_count() const noexcept { return lines.size(); }
  // The field of row `row` (< row_count()) in column `col` (< header.size()), without its quotes.
  std::string_view cell(std::size_t row, std::size_t col) const noexcept {
    const Field& f = fields[row * header.size() + col];
    return std::string_view(text).substr(f.begin, f.size);
  }

  // Storage behind cell(): where each field lies in `text`, row by row.
  struct Field {
    std::size_t begin = 0;
    std::size_t size = 0;
  };
  std::string text;
  std::vector<Field> fields;
};

enum class CsvQuotes {
  none,     // every comma separates fields, '"' is an ordinary character
  rfc4180,  // double quotes as in RFC 4180, no line breaks inside fields
};

// Parses `text`, the contents of `path`: a header line, then rows with the header's number of
// fields; blank lines are skipped, "\r\n" is accepted. Throws InputError naming path:line.
CsvFile parse_csv(const std::filesystem::path& path, std::string_view text, CsvQuotes quotes);

// The index of the column `name`; throws InputError when the header lacks it.
std::size_t column_of(const CsvFile& csv, std::string_view name);

// A cell as a finite number; throws InputError naming file, line and column otherwise.
double number_at(const CsvFile& csv, std::size_t row, std::size_t col);

// ---------------------------------------------------------------- markup

// A titled panel; `note_html` and `body` are HTML, `title` is text; `extra_class` is added to
// the section's class when not empty.
std::string panel(std::string_view id, std::string_view title, std::string_view note_html, std::string_view body,
                  std::string_view extra_class = {});

// A KPI card: label, value (red when `negative`) and, when given, a small line under it; all text.
std::string kpi(std::string_view label, std::string_view value, const std::optional<std::string>& sub,
                bool negative);

// The parts of the page's style sheet that differ between the reports, each inserted verbatim.
struct PageStyle {
  std::string_view row_rules;     // right after the ".row" grid rule
  std::string_view own_rules;     // after the shared panel and scale-switch rules, before the footer's
  std::string_view narrow_rules;  // inside "@media (max-width:980px){...}"
  std::string_view print_rules;   // inside "@media print{...}", after the shared print rules
};

// The start of a page up to and including "<main>\n". Text fields are escaped here.
struct PageHead {
  std::string title;        // text; the <title> is "<title> - <kicker>"
  std::string kicker;       // text above the heading, e.g. "qsweep backtest report"
  std::string heading;      // text of the <h1>
  std::string meta_html;    // the masthead's meta line (HTML)
  std::string masthead_id;  // id attribute of the masthead; none when empty
  PageStyle style;
};
std::string page_start(const PageHead& head);

// The end of a page from "</main>": a footer naming the qsweep `version` (text) and the files
// the page was made from (`sources_html`).
std::string page_end(std::string_view version, std::string_view sources_html);

}  // namespace qsweep::report
