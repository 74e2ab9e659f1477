// The shared pieces of the report pages; see html_page.hpp.
#include "report/html_page.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

#include <fmt/format.h>

#include "qsweep/error.hpp"
#include "report/svg_chart.hpp"

namespace qsweep::report {
namespace {

using svg::escape;

// The fields of text[begin, end) split at every comma.
void split_plain(const std::string& text, std::size_t begin, std::size_t end, std::vector<CsvFile::Field>& out) {
  std::size_t start = begin;
  for (std::size_t i = begin; i < end; ++i) {
    if (text[i] != ',') continue;
    out.push_back({start, i - start});
    start = i + 1;
  }
  out.push_back({start, end - start});
}

// The fields of text[begin, end) with RFC 4180 double quotes, unquoted in place: a field's
// characters move left over its quotes (the unquoted text is never longer than the quoted one).
void split_quoted(std::string& text, std::size_t begin, std::size_t end, std::vector<CsvFile::Field>& out) {
  bool quoted = false;
  std::size_t write = begin;
  std::size_t start = begin;
  for (std::size_t i = begin; i < end; ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < end && text[i + 1] == '"') {
        text[write++] = '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        text[write++] = c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back({start, write - start});
      start = write;
    } else {
      text[write++] = c;
    }
  }
  out.push_back({start, write - start});
}

// The style sheet is kCssStart, PageStyle::row_rules, kCssPanels, own_rules, kCssNarrowOpen,
// narrow_rules, kCssPrint, print_rules, kCssEnd.
constexpr const char* kCssStart = R"css(
:root{--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f4f5f7;--accent:#1f5fa8;--neg:#b91c1c;}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);
 font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}
.masthead{background:#13294b;color:#fff;padding:22px 0 18px}
.masthead .inner,main,footer{max-width:1240px;margin:0 auto;padding-left:24px;padding-right:24px}
.masthead .kicker{font-size:12px;letter-spacing:.08em;text-transform:uppercase;color:#9fb3d1}
.masthead h1{margin:2px 0 4px;font-size:26px;font-weight:650;letter-spacing:-.01em}
.masthead .meta{display:flex;flex-wrap:wrap;gap:6px 18px;color:#d3dcea;font-size:13px}
.masthead .meta b{color:#fff;font-weight:600}
main{padding-top:18px;padding-bottom:8px}
.kpis{display:grid;grid-template-columns:repeat(6,1fr);gap:12px;margin-bottom:16px}
.kpi{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.kpi .label{font-size:11.5px;letter-spacing:.05em;text-transform:uppercase;color:var(--muted)}
.kpi .value{font-size:24px;font-weight:650;font-variant-numeric:tabular-nums;margin-top:2px}
.kpi .bench{font-size:12px;color:var(--muted);font-variant-numeric:tabular-nums}
.panel{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 16px 12px;margin-bottom:16px;
 position:relative;break-inside:avoid;page-break-inside:avoid}
.panel h2{font-size:15px;font-weight:650;margin:0}
.panel .note{font-size:12px;color:var(--muted);margin:2px 0 8px}
.row{display:grid;grid-template-columns:7fr 5fr;gap:16px}
)css";
constexpr const char* kCssPanels = R"css(.row>.panel{min-width:0}
svg.chart{display:block;width:100%;height:auto;overflow:visible}
.scale-radio{position:absolute;opacity:0;pointer-events:none}
.scale-switch{position:absolute;top:12px;right:16px;display:flex;border:1px solid #cbd2dc;border-radius:6px;
 overflow:hidden;font-size:12px}
.scale-switch label{padding:3px 12px;cursor:pointer;color:var(--muted);user-select:none}
.scale-switch label+label{border-left:1px solid #cbd2dc}
#equity-linear:checked~.scale-switch label[for=equity-linear],
#equity-log:checked~.scale-switch label[for=equity-log]{background:var(--accent);color:#fff}
#equity-linear:focus-visible~.scale-switch label[for=equity-linear],
#equity-log:focus-visible~.scale-switch label[for=equity-log]{outline:2px solid #93b4e0}
.scale-log{display:none}
#equity-log:checked~.scale-log{display:block}
#equity-log:checked~.scale-linear{display:none}
)css";
constexpr const char* kCssNarrowOpen = R"css(footer{color:var(--muted);font-size:12px;padding-bottom:28px}
@media (max-width:980px){)css";
constexpr const char* kCssPrint = R"css(}
@media print{
 @page{size:A4 landscape;margin:10mm}
 body{background:#fff;font-size:11px}
 .masthead{background:none;color:#000;padding:0 0 6px;border-bottom:2px solid #000}
 .masthead .kicker,.masthead .meta{color:#333}.masthead .meta b{color:#000}
 .masthead .inner,main,footer{max-width:none;padding-left:0;padding-right:0}
 .panel,.kpi{border:1px solid #d1d5db;box-shadow:none}
 .scale-switch{display:none}
)css";
constexpr const char* kCssEnd = R"css( *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
)css";

}  // namespace

CsvFile parse_csv(const std::filesystem::path& path, std::string_view text, CsvQuotes quotes) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte-order mark (an editor's)
  CsvFile csv;
  csv.path = path;
  csv.text.assign(text);
  std::vector<CsvFile::Field> fields;  // of one line
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < csv.text.size()) {
    std::size_t end = csv.text.find('\n', pos);
    if (end == std::string::npos) end = csv.text.size();
    const std::size_t begin = pos;
    pos = end + 1;
    ++line_no;
    if (end > begin && csv.text[end - 1] == '\r') --end;
    if (end == begin) continue;
    fields.clear();
    if (quotes == CsvQuotes::rfc4180) split_quoted(csv.text, begin, end, fields);
    else split_plain(csv.text, begin, end, fields);
    if (csv.header.empty()) {
      for (const CsvFile::Field& f : fields) csv.header.push_back(csv.text.substr(f.begin, f.size));
      continue;
    }
    if (fields.size() != csv.header.size()) {
      throw InputError(fmt::format("{}:{}: expected {} fields as in the header, found {}", path.string(), line_no,
                                   csv.header.size(), fields.size()));
    }
    csv.fields.insert(csv.fields.end(), fields.begin(), fields.end());
    csv.lines.push_back(line_no);
  }
  if (csv.header.empty()) throw InputError(fmt::format("{}: empty file (no header line)", path.string()));
  return csv;
}

std::size_t column_of(const CsvFile& csv, std::string_view name) {
  for (std::size_t i = 0; i < csv.header.size(); ++i)
    if (csv.header[i] == name) return i;
  throw InputError(fmt::format("{}:1: no column '{}'", csv.path.string(), name));
}

double number_at(const CsvFile& csv, std::size_t row, std::size_t col) {
  const std::string_view field = csv.cell(row, col);
  double value = 0.0;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (ec != std::errc() || end != field.data() + field.size() || !std::isfinite(value)) {
    throw InputError(fmt::format("{}:{}: column '{}': '{}' is not a finite number", csv.path.string(), csv.lines[row],
                                 csv.header[col], field));
  }
  return value;
}

std::string panel(std::string_view id, std::string_view title, std::string_view note_html, std::string_view body,
                  std::string_view extra_class) {
  return fmt::format("<section class=\"panel{}{}\" id=\"{}\"><h2>{}</h2>{}{}</section>\n",
                     extra_class.empty() ? "" : " ", extra_class, id, escape(title),
                     note_html.empty() ? std::string() : fmt::format("<p class=\"note\">{}</p>", note_html), body);
}

std::string kpi(std::string_view label, std::string_view value, const std::optional<std::string>& sub,
                bool negative) {
  return fmt::format("<div class=\"kpi\"><div class=\"label\">{}</div><div class=\"value{}\">{}</div>{}</div>",
                     escape(label), negative ? " neg" : "", escape(value),
                     sub ? fmt::format("<div class=\"bench\">{}</div>", escape(*sub)) : "");
}

std::string page_start(const PageHead& head) {
  const PageStyle& style = head.style;
  std::string css = kCssStart;
  css.append(style.row_rules).append(kCssPanels).append(style.own_rules).append(kCssNarrowOpen);
  css.append(style.narrow_rules).append(kCssPrint).append(style.print_rules).append(kCssEnd);
  std::string html;
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += fmt::format("<title>{} - {}</title>\n", escape(head.title), escape(head.kicker));
  html += fmt::format("<style>{}</style>\n</head>\n<body>\n", css);
  html += fmt::format(
      "<header class=\"masthead\"{}><div class=\"inner\"><div class=\"kicker\">{}</div>"
      "<h1>{}</h1><div class=\"meta\">{}</div></div></header>\n<main>\n",
      head.masthead_id.empty() ? std::string() : fmt::format(" id=\"{}\"", escape(head.masthead_id)),
      escape(head.kicker), escape(head.heading), head.meta_html);
  return html;
}

std::string page_end(std::string_view version, std::string_view sources_html) {
  return fmt::format("</main>\n<footer>Generated by qsweep {} from {} beside this page.</footer>\n</body>\n</html>\n",
                     escape(version), sources_html);
}

}  // namespace qsweep::report
