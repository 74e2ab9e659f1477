// report.html of a sweep output folder: reads manifest.json, results.csv, curves.csv and
// sweep_summary.json, renders the panels with the SVG toolkit and writes one self-contained page.
// docs/report.md ("Sweep report") describes the page.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "core/parallel.hpp"
#include "qsweep/cpus.hpp"
#include "qsweep/date.hpp"
#include "qsweep/error.hpp"
#include "qsweep/file_io.hpp"
#include "qsweep/report.hpp"
#include "qsweep/sweep.hpp"
#include "qsweep/version.hpp"
#include "report/html_page.hpp"
#include "report/sweep_report.hpp"
#include "report/svg_chart.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace qsweep {
namespace {

using svg::escape;
using svg::Format;

constexpr double kPeriodsPerYear = 252.0;  // the report annualises per-day Sharpe ratios by sqrt(252)

// ---------------------------------------------------------------- reading the sweep folder

std::string read_existing(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw IoError(fmt::format("{}: no such file (not a finished qsweep sweep folder?)", path.string()));
  return read_file(path);
}

// A parsed JSON file; its accessors throw InputError naming the file and the key.
struct JsonDoc {
  fs::path path;
  json root;

  static JsonDoc load(const fs::path& path) {
    JsonDoc doc{path, {}};
    try {
      doc.root = json::parse(read_existing(path));
    } catch (const json::exception& e) {
      throw InputError(fmt::format("{}: not valid JSON: {}", path.string(), e.what()));
    }
    if (!doc.root.is_object()) throw InputError(fmt::format("{}: expected a JSON object", path.string()));
    return doc;
  }

  [[noreturn]] void fail(std::string_view where, std::string_view what) const {
    throw InputError(fmt::format("{}: \"{}\": {}", path.string(), where, what));
  }
  static std::string join(std::string_view where, std::string_view key) {
    return where.empty() ? std::string(key) : fmt::format("{}.{}", where, key);
  }
  // obj[key], or nullptr when absent.
  static const json* find(const json& obj, std::string_view key) {
    const auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }
  const json& required(const json& obj, std::string_view where, std::string_view key) const {
    const json* v = find(obj, key);
    if (v == nullptr) fail(join(where, key), "missing");
    return *v;
  }
  const json& object(const json& obj, std::string_view where, std::string_view key) const {
    const json& v = required(obj, where, key);
    if (!v.is_object()) fail(join(where, key), "expected an object");
    return v;
  }
  const json& array(const json& obj, std::string_view where, std::string_view key) const {
    const json& v = required(obj, where, key);
    if (!v.is_array()) fail(join(where, key), "expected an array");
    return v;
  }
  std::string string(const json& obj, std::string_view where, std::string_view key) const {
    const json& v = required(obj, where, key);
    if (!v.is_string()) fail(join(where, key), "expected a string");
    return v.get<std::string>();
  }
  std::optional<std::string> optional_string(const json& obj, std::string_view where,
                                             std::string_view key) const {
    const json* v = find(obj, key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_string()) fail(join(where, key), "expected a string");
    return v->get<std::string>();
  }
  std::uint64_t index(const json& obj, std::string_view where, std::string_view key) const {
    const json& v = required(obj, where, key);
    if (!v.is_number_unsigned()) fail(join(where, key), "expected a non-negative integer");
    return v.get<std::uint64_t>();
  }
  // A finite number; nullopt when absent or null.
  std::optional<double> number(const json& obj, std::string_view where, std::string_view key) const {
    const json* v = find(obj, key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_number() || !std::isfinite(v->get<double>()))
      fail(join(where, key), "expected a finite number or null");
    return v->get<double>();
  }
  // number() of a probability: in [0, 1].
  std::optional<double> probability(const json& obj, std::string_view where, std::string_view key) const {
    const std::optional<double> p = number(obj, where, key);
    if (p && (*p < 0.0 || *p > 1.0)) fail(join(where, key), fmt::format("expected a probability (0 to 1) or null, got {}", *p));
    return p;
  }
  // number() of a count: a whole number >= 0.
  std::optional<double> count(const json& obj, std::string_view where, std::string_view key) const {
    const std::optional<double> n = number(obj, where, key);
    if (n && (*n < 0.0 || *n != std::floor(*n))) fail(join(where, key), fmt::format("expected a whole number >= 0 or null, got {}", *n));
    return n;
  }
};

using report::column_of;
using report::CsvFile;

// A CSV file with a header line; double quotes as in RFC 4180.
CsvFile read_csv_file(const fs::path& path) {
  return report::parse_csv(path, read_existing(path), report::CsvQuotes::rfc4180);
}
// A cell as a finite number; nullopt for an empty cell (an undefined value).
std::optional<double> optional_number_at(const CsvFile& csv, std::size_t row, std::size_t col) {
  if (csv.cell(row, col).empty()) return std::nullopt;
  return report::number_at(csv, row, col);
}

// A swept dimension as the report shows it.
struct Dimension {
  std::string key;
  std::vector<std::string> labels;  // display text: strings without quotes, other values as TOML text
  std::vector<double> numbers;      // the values, when every one is a finite number
  bool numeric = true;
  std::vector<std::size_t> order;  // value indices for axes: ascending for numbers, grid order otherwise
};

// Display text of a value given as TOML text, and its number when it is one.
std::pair<std::string, std::optional<double>> grid_value(const JsonDoc& doc, std::string_view where,
                                                         const std::string& text) {
  toml::table table;
  try {
    table = toml::parse("v = " + text);
  } catch (const toml::parse_error&) {
    doc.fail(where, fmt::format("'{}' is not a TOML value", text));
  }
  const toml::node* v = table.get("v");
  if (v == nullptr || table.size() != 1)
    doc.fail(where, fmt::format("'{}' is not a single TOML value", text));
  if (const auto s = v->value_exact<std::string>()) return {*s, std::nullopt};
  if (v->is_integer() || v->is_floating_point()) {
    const double d = *v->value<double>();
    if (std::isfinite(d)) return {text, d};
  }
  return {text, std::nullopt};
}

struct Manifest {
  std::string name;           // config name (the config file's stem)
  std::string version;        // qsweep version that ran the sweep
  std::string strategy_kind;  // "" when the base config has none
  std::string mode;
  std::vector<Dimension> dims;  // canonical order (the last varies fastest in ids)
  std::uint64_t grid_size = 1;
  std::size_t skipped = 0;           // invalid variants skipped
  std::vector<std::string> heatmap;  // two keys chosen by the user, or empty
  std::string heatmap_ignored;       // an unusable heatmap setting, as JSON text
};

// manifest.json, already parsed into `doc`.
Manifest read_manifest(const JsonDoc& doc) {
  const fs::path& path = doc.path;
  const json& root = doc.root;
  if (JsonDoc::find(root, "grid") == nullptr)
    throw InputError(fmt::format("{}: no \"grid\" (not the manifest of a qsweep sweep)", path.string()));
  Manifest m;
  m.name = config_name(doc.string(root, "", "config"));
  m.version = doc.optional_string(root, "", "qsweep_version").value_or(kVersion);
  for (const json& d : doc.array(root, "", "grid")) {
    if (!d.is_object()) doc.fail("grid", "expected objects with \"key\" and \"values\"");
    Dimension dim;
    dim.key = doc.string(d, "grid", "key");
    const std::string where = fmt::format("grid.{}", dim.key);
    if (std::any_of(m.dims.begin(), m.dims.end(), [&](const Dimension& other) { return other.key == dim.key; }))
      doc.fail(where, "is listed twice");
    for (const json& v : doc.array(d, where, "values")) {
      if (!v.is_string()) doc.fail(where, "values must be TOML texts (strings)");
      auto [label, number] = grid_value(doc, where, v.get<std::string>());
      dim.labels.push_back(std::move(label));
      dim.numeric = dim.numeric && number.has_value();
      dim.numbers.push_back(number.value_or(0.0));
    }
    if (dim.labels.empty()) doc.fail(where, "has no values");
    if (!dim.numeric) dim.numbers.clear();
    for (std::size_t i = 0; i < dim.labels.size(); ++i) dim.order.push_back(i);
    if (dim.numeric)
      std::stable_sort(dim.order.begin(), dim.order.end(),
                       [&](std::size_t a, std::size_t b) { return dim.numbers[a] < dim.numbers[b]; });
    if (m.grid_size > kMaxSweepVariants / dim.labels.size())
      doc.fail("grid", fmt::format("has more than {} variants, the most a sweep runs", kMaxSweepVariants));
    m.grid_size *= dim.labels.size();
    m.dims.push_back(std::move(dim));
  }
  if (m.dims.empty()) doc.fail("grid", "has no dimensions");
  // Variant ids decode through the grid: a grid that is not the sweep's would remap every one.
  if (const json* variants = JsonDoc::find(root, "variants");
      variants != nullptr && !(variants->is_number_unsigned() && variants->get<std::uint64_t>() == m.grid_size))
    doc.fail("variants", fmt::format("expected the grid's {} variants", m.grid_size));
  if (const json* skipped = JsonDoc::find(root, "skipped_variants");
      skipped != nullptr && skipped->is_array())
    m.skipped = skipped->size();
  // The user's heatmap axes; a setting that names no two distinct swept keys is ignored (noted on the page).
  if (const json* heatmap = JsonDoc::find(root, "heatmap"); heatmap != nullptr && !heatmap->is_null()) {
    std::vector<std::string> keys;
    if (heatmap->is_array())
      for (const json& key : *heatmap)
        if (key.is_string()) keys.push_back(key.get<std::string>());
    const bool usable =
        heatmap->size() == 2 && keys.size() == 2 && keys[0] != keys[1] &&
        std::all_of(keys.begin(), keys.end(), [&](const std::string& k) {
          return std::any_of(m.dims.begin(), m.dims.end(), [&](const Dimension& d) { return d.key == k; });
        });
    if (usable)
      m.heatmap = keys;
    else
      m.heatmap_ignored = heatmap->dump();
  }
  // The base config (TOML text): strategy kind and mode for the title.
  if (const auto base = doc.optional_string(root, "", "base_config")) {
    toml::table table;
    try {
      table = toml::parse(*base);
    } catch (const toml::parse_error& e) {
      doc.fail("base_config", fmt::format("not valid TOML: {}", e.description()));
    }
    m.strategy_kind = table["strategy"]["kind"].value_or(std::string());
    m.mode = table["backtest"]["mode"].value_or(std::string("strict"));
  }
  return m;
}

// How a statistic is shown. Drawdowns are shown as losses (negative), as in the backtest report.
struct Metric {
  std::string key;
  std::string label;
  Format format = Format::number;
  int decimals = 2;
  bool negate = false;
  double shown(double v) const { return negate && v != 0.0 ? -v : v; }
  std::string text(std::optional<double> v) const {
    return v ? svg::format_value(shown(*v), format, decimals) : std::string("n/a");
  }
};

Metric metric_info(const std::string& key) {
  static const std::vector<Metric> known = {
      {"sharpe", "Sharpe ratio", Format::number, 2, false},
      {"sortino", "Sortino ratio", Format::number, 2, false},
      {"calmar", "Calmar ratio", Format::number, 2, false},
      {"cagr", "CAGR", Format::percent, 2, false},
      {"total_return", "Total return", Format::percent, 2, false},
      {"annual_volatility", "Volatility", Format::percent, 2, false},
      {"max_drawdown", "Max drawdown", Format::percent, 2, true},
      {"max_drawdown_duration", "Longest drawdown (days)", Format::integer, 0, false},
      {"final_equity", "Final equity", Format::money, 0, false},
      {"fills", "Fills", Format::integer, 0, false},
  };
  for (const Metric& m : known)
    if (m.key == key) return m;
  return {key, key, Format::number, 2, false};
}

// results.csv: the rank_by statistic of every variant and its parameters (from its id).
struct Results {
  std::vector<std::uint64_t> ids;
  std::vector<std::vector<std::size_t>> values;  // per row: value index of each dimension
  std::vector<std::optional<double>> metric;     // rank_by per row, as stored
  std::map<std::uint64_t, std::size_t> row_of;   // id -> row
  std::size_t undefined = 0;                     // rows whose rank_by is empty
};

Results read_results(const fs::path& path, const Manifest& m, const std::string& rank_by) {
  const report::ResultsTable table = report::read_results_table(path, m.grid_size);
  const CsvFile& csv = table.csv;
  const std::size_t metric_col = column_of(csv, rank_by);
  Results r;
  for (std::size_t i = 0; i < csv.row_count(); ++i) {
    const std::uint64_t id = table.ids[i];
    r.row_of.emplace(id, r.ids.size());
    // Mixed-radix digits of the id, the last dimension varying fastest (docs/sweep.md).
    std::vector<std::size_t> digits(m.dims.size());
    std::uint64_t rest = id;
    for (std::size_t d = m.dims.size(); d-- > 0;) {
      const std::uint64_t n = m.dims[d].labels.size();
      digits[d] = static_cast<std::size_t>(rest % n);
      rest /= n;
    }
    r.ids.push_back(id);
    r.values.push_back(std::move(digits));
    r.metric.push_back(optional_number_at(csv, i, metric_col));
    if (!r.metric.back()) ++r.undefined;
  }
  if (r.ids.empty()) throw InputError(fmt::format("{}: no variants (only a header line)", path.string()));
  return r;
}

// curves.csv: equity of the kept variants by date (NaN where a variant has no value).
struct Curves {
  std::vector<Day> dates;
  std::vector<std::uint64_t> ids;  // column order
  std::map<std::uint64_t, std::vector<double>> equity;
};

Curves read_curves(const fs::path& path) {
  const CsvFile csv = read_csv_file(path);
  const std::size_t date_col = column_of(csv, "date");
  Curves c;
  for (std::size_t i = 0; i < csv.row_count(); ++i) {
    const std::optional<Day> day = parse_iso_date(csv.cell(i, date_col));
    if (!day) {
      throw InputError(fmt::format("{}:{}: column 'date': '{}' is not a date (YYYY-MM-DD)", path.string(),
                                   csv.lines[i], csv.cell(i, date_col)));
    }
    if (!c.dates.empty() && *day <= c.dates.back()) {
      throw InputError(fmt::format("{}:{}: date {} is not after the previous row's {}", path.string(),
                                   csv.lines[i], format_date(*day), format_date(c.dates.back())));
    }
    c.dates.push_back(*day);
  }
  for (std::size_t col = 0; col < csv.header.size(); ++col) {
    const std::string& name = csv.header[col];
    std::uint64_t id = 0;
    if (name.size() < 2 || name[0] != 'v') continue;  // not a variant column: ignored
    const auto [end, ec] = std::from_chars(name.data() + 1, name.data() + name.size(), id);
    if (ec != std::errc() || end != name.data() + name.size()) continue;
    std::vector<double> values;
    for (std::size_t i = 0; i < csv.row_count(); ++i)
      values.push_back(optional_number_at(csv, i, col).value_or(std::nan("")));
    c.ids.push_back(id);
    c.equity.emplace(id, std::move(values));
  }
  return c;
}

// ---------------------------------------------------------------- the sweep as the page shows it

struct Sweep {
  Manifest manifest;
  JsonDoc summary;
  Results results;
  Curves curves;
  Metric metric;  // rank_by
  bool higher_is_better = true;
  std::uint64_t best_id = 0;
  std::uint64_t median_id = 0;

  // rank_by of a variant as shown (drawdowns negated); nullopt when undefined or not in results.csv.
  std::optional<double> shown_metric(std::uint64_t id) const {
    const auto it = results.row_of.find(id);
    if (it == results.row_of.end() || !results.metric[it->second]) return std::nullopt;
    return metric.shown(*results.metric[it->second]);
  }
  std::string metric_text(std::uint64_t id) const {
    const std::optional<double> v = shown_metric(id);
    return v ? svg::format_value(*v, metric.format, metric.decimals) : std::string("n/a");
  }
  // Whether a larger shown value is better (drawdowns are shown negated, so larger is better).
  bool shown_higher_is_better() const { return higher_is_better != metric.negate; }
};

// Display text of a TOML value of a ranking entry's parameters.
std::string param_label(const JsonDoc& doc, std::string_view where, const json& value) {
  if (!value.is_string()) doc.fail(where, "expected the value's TOML text (a string)");
  return grid_value(doc, where, value.get<std::string>()).first;
}

std::string count_text(std::size_t n) {
  return svg::format_value(static_cast<double>(n), Format::integer, 0);
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", count_text(n), n == 1 ? one : many);
}

// "strategy.lookback" as "<span class=pfx>strategy.</span>lookback" (escaped).
std::string key_html(std::string_view key) {
  const std::size_t dot = key.rfind('.');
  if (dot == std::string_view::npos) return escape(key);
  return fmt::format("<span class=\"pfx\">{}</span>{}", escape(key.substr(0, dot + 1)),
                     escape(key.substr(dot + 1)));
}

// ---------------------------------------------------------------- page pieces

using report::kFullWidth;
using report::kWideWidth;
using report::kNarrowWidth;
constexpr double kHalfWidth = 560.0;
constexpr double kMaxCellWidth = 110.0;  // heatmap cells
constexpr const char* kAccent = "#1f5fa8";
constexpr const char* kMedianColor = "#6b7280";
constexpr const char* kOtherColor = "#c3cad4";
using report::kLossColor;

using report::kpi;
using report::panel;
std::string kpis(const Sweep& s) {
  const Metric& m = s.metric;
  std::optional<double> worst;
  std::uint64_t worst_id = 0;
  for (std::size_t i = 0; i < s.results.ids.size(); ++i) {
    if (!s.results.metric[i]) continue;
    const double v = m.shown(*s.results.metric[i]);
    if (!worst || (s.shown_higher_is_better() ? v < *worst : v > *worst)) {
      worst = v;
      worst_id = s.results.ids[i];
    }
  }
  auto shown = [&](std::optional<double> v) {
    return v ? svg::format_value(*v, m.format, m.decimals) : std::string("n/a");
  };
  auto negative = [](const std::string& text) { return !text.empty() && text.front() == '-'; };
  const std::optional<double> best = s.shown_metric(s.best_id);
  const std::optional<double> median = s.shown_metric(s.median_id);

  // The best variant's CAGR and drawdown, from its ranking entry.
  std::optional<double> best_cagr, best_drawdown;
  const json& ranking = s.summary.array(s.summary.root, "", "ranking");
  for (std::size_t i = 0; i < ranking.size(); ++i) {
    const std::string where = fmt::format("ranking.{}", i);
    if (!ranking[i].is_object() || s.summary.index(ranking[i], where, "id") != s.best_id) continue;
    best_cagr = s.summary.number(ranking[i], where, "cagr");
    best_drawdown = s.summary.number(ranking[i], where, "max_drawdown");
    break;
  }
  const Metric cagr = metric_info("cagr");
  const Metric drawdown = metric_info("max_drawdown");
  const std::string dims = plural(s.manifest.dims.size(), "parameter", "parameters");
  std::string out = "<div class=\"kpis\">";
  out += kpi(
      "Variants", count_text(s.results.ids.size()),
      s.manifest.skipped ? fmt::format("{}; {} invalid skipped", dims, count_text(s.manifest.skipped)) : dims,
      false);
  const std::string best_text = shown(best);
  out += kpi(fmt::format("Best {}", m.label), best_text, fmt::format("variant {}", s.best_id),
             negative(best_text));
  const std::string median_text = shown(median);
  out += kpi(fmt::format("Median {}", m.label), median_text, fmt::format("variant {}", s.median_id),
             negative(median_text));
  const std::string worst_text = shown(worst);
  out += kpi(fmt::format("Worst {}", m.label), worst_text,
             worst ? fmt::format("variant {}", worst_id) : "no defined value", negative(worst_text));
  const std::string cagr_text = cagr.text(best_cagr);
  out += kpi("CAGR (best variant)", cagr_text, fmt::format("variant {}", s.best_id), negative(cagr_text));
  const std::string dd_text = drawdown.text(best_drawdown);
  out += kpi("Max drawdown (best)", dd_text, fmt::format("variant {}", s.best_id), negative(dd_text));
  return out + "</div>\n";
}

// ---- overfitting

std::string fmt_or_na(std::optional<double> v, Format format, int decimals) {
  return v ? svg::format_value(*v, format, decimals) : std::string("n/a");
}

std::string na_reason(const JsonDoc& doc, const json& obj, std::string_view where) {
  const std::string reason = doc.optional_string(obj, where, "undefined_because").value_or("not computed");
  return fmt::format("<div class=\"na-reason\">n/a: {}</div>", escape(reason));
}

std::string overfitting_panel(const Sweep& s) {
  const JsonDoc& doc = s.summary;
  const json& of = doc.object(doc.root, "", "overfitting");
  const json& dsr = doc.object(of, "overfitting", "deflated_sharpe");
  const json& pbo = doc.object(of, "overfitting", "pbo");
  const std::optional<double> trials = doc.count(of, "overfitting", "trials");
  const std::optional<double> dsr_value = doc.probability(dsr, "overfitting.deflated_sharpe", "value");
  const std::optional<double> pbo_value = doc.probability(pbo, "overfitting.pbo", "value");
  const std::string n_text = trials ? svg::format_value(*trials, Format::integer, 0) : std::string("n/a");

  // Warnings first, in a box that cannot be missed.
  std::vector<std::string> warnings;
  if (const json* w = JsonDoc::find(of, "warnings"); w != nullptr && !w->is_null()) {
    if (!w->is_array()) doc.fail("overfitting.warnings", "expected an array of strings");
    for (const json& line : *w) {
      if (!line.is_string()) doc.fail("overfitting.warnings", "expected an array of strings");
      warnings.push_back(line.get<std::string>());
    }
  }
  std::string body;
  if (!warnings.empty()) {
    body +=
        "<div class=\"alert bad\" role=\"alert\"><div class=\"alert-title\">Overfitting warning: the best "
        "result may "
        "be luck</div><ul>";
    for (const std::string& w : warnings) body += fmt::format("<li>{}</li>", escape(w));
    body += "</ul></div>";
  } else if (!dsr_value || !pbo_value) {
    body += fmt::format(
        "<div class=\"alert caution\"><div class=\"alert-title\">Overfitting checks incomplete</div>{} "
        "undefined for "
        "this sweep (reasons below), so no warning could be given.</div>",
        !dsr_value && !pbo_value ? "The deflated Sharpe ratio and the PBO are"
                                 : (!dsr_value ? "The deflated Sharpe ratio is" : "The PBO is"));
  } else {
    body +=
        "<div class=\"alert good\">No overfitting warning: the PBO is at most 50% and the deflated Sharpe "
        "ratio "
        "of the best variant is at least 0.95.</div>";
  }

  // The three numbers.
  const std::optional<double> partitions = doc.count(pbo, "overfitting.pbo", "partitions");
  const std::optional<double> combinations = doc.count(pbo, "overfitting.pbo", "combinations");
  body += "<div class=\"of-cards\">";
  body += fmt::format(
      "<div class=\"of-card\"><div class=\"label\">Trials</div><div class=\"value\">{}</div>"
      "<div class=\"sub\">variants run, each counted as an independent trial (near-duplicates such as fee "
      "levels "
      "make this an overstatement)</div></div>",
      n_text);
  body += fmt::format(
      "<div class=\"of-card\"><div class=\"label\">Deflated Sharpe ratio of the best variant</div>"
      "<div class=\"value{}\">{}</div>{}<div class=\"sub\">Probability that its true Sharpe ratio exceeds "
      "SR*, the "
      "best Sharpe ratio {} trials without skill would show by luck (Bailey &amp; L&oacute;pez de Prado, "
      "2014). "
      "Warning below 0.95.</div></div>",
      dsr_value && *dsr_value < 0.95 ? " neg" : "", fmt_or_na(dsr_value, Format::number, 3),
      dsr_value ? "" : na_reason(doc, dsr, "overfitting.deflated_sharpe"), escape(n_text));
  body += fmt::format(
      "<div class=\"of-card\"><div class=\"label\">Probability of backtest overfitting (PBO)</div>"
      "<div class=\"value{}\">{}</div>{}<div class=\"sub\">Combinatorially symmetric cross-validation with S "
      "= {} "
      "blocks of the daily returns{}. Share of the splits in which the variant best in-sample "
      "ranks at or below the median out of sample (Bailey, Borwein, L&oacute;pez de Prado &amp; Zhu, 2015). "
      "Warning above 50%.</div></div>",
      pbo_value && *pbo_value > 0.5 ? " neg" : "", fmt_or_na(pbo_value, Format::percent, 1),
      pbo_value ? "" : na_reason(doc, pbo, "overfitting.pbo"), fmt_or_na(partitions, Format::integer, 0),
      combinations
          ? fmt::format(": {} train/test splits", svg::format_value(*combinations, Format::integer, 0))
          : "");
  body += "</div>";

  // The deflated Sharpe ratio's inputs, per day and annualised.
  const std::string w = "overfitting.deflated_sharpe";
  const std::optional<double> selected = doc.number(dsr, w, "selected_sharpe_per_period");
  const std::optional<double> expected = doc.number(dsr, w, "expected_max_sharpe_per_period");
  const double annual = std::sqrt(kPeriodsPerYear);
  auto per_day_and_year = [&](std::optional<double> v) {
    return fmt::format("<td>{}</td><td>{}</td>", fmt_or_na(v, Format::number, 4),
                       fmt_or_na(v ? std::optional<double>(*v * annual) : std::nullopt, Format::number, 2));
  };
  std::string table = fmt::format(
      "<table class=\"facts\"><caption>Deflated Sharpe ratio: inputs</caption><thead><tr><th></th>"
      "<th scope=\"col\">per day</th><th scope=\"col\">annualised "
      "(&times;&radic;252)</th></tr></thead><tbody>"
      "<tr><th scope=\"row\">Sharpe ratio of the best variant (variant {})</th>{}</tr>"
      "<tr><th scope=\"row\">SR*: expected best Sharpe ratio of {} trials without skill</th>{}</tr>",
      s.best_id, per_day_and_year(selected), escape(n_text), per_day_and_year(expected));
  table +=
      fmt::format("<tr><th scope=\"row\">Skewness of its daily returns</th><td colspan=\"2\">{}</td></tr>",
                  fmt_or_na(doc.number(dsr, w, "selected_skewness"), Format::number, 2));
  table +=
      fmt::format("<tr><th scope=\"row\">Kurtosis (3 for normal returns)</th><td colspan=\"2\">{}</td></tr>",
                  fmt_or_na(doc.number(dsr, w, "selected_kurtosis"), Format::number, 2));
  table += fmt::format("<tr><th scope=\"row\">Daily returns (T)</th><td colspan=\"2\">{}</td></tr>",
                       fmt_or_na(doc.count(dsr, w, "observations"), Format::integer, 0));
  table += "</tbody></table>";
  table +=
      "<p class=\"small\">Sharpe ratios here use the daily returns with standard deviation ddof 1, so the "
      "annualised value can differ slightly from the ranking's Sharpe ratio.</p>";

  // Histogram of the CSCV logits.
  svg::Histogram h;
  h.frame = {kHalfWidth, 230.0, "Distribution of the CSCV logits", 0.0};
  h.color = "#7f9cc4";
  std::string chart;
  if (pbo_value) {
    const json& logits = doc.array(pbo, "overfitting.pbo", "logits");
    for (const json& l : logits) {
      if (!l.is_number() || !std::isfinite(l.get<double>()))
        doc.fail("overfitting.pbo.logits", "expected finite numbers");
      h.values.push_back(l.get<double>());
    }
    h.markers.push_back({0.0, "λ = 0: median out of sample", kLossColor});
    h.left_closed_edge = 0.0;  // λ = 0 counts as overfit: its bar ends at the line
    chart = svg::histogram(h);
  } else {
    chart = svg::placeholder(h.frame, "n/a: PBO undefined");
  }
  const std::string hist = fmt::format(
      "<div><div class=\"sub-title\">Logits &lambda; of the in-sample best variant's out-of-sample rank</div>"
      "<p class=\"small\">One per train/test split: &lambda; = ln(&omega; / (1 &minus; &omega;)), &omega; = "
      "its "
      "relative out-of-sample rank. PBO is the share with &lambda; &le; 0 (left of the red line); a skilled "
      "selection puts most of the mass on the right.</p>{}</div>",
      chart);
  body += fmt::format("<div class=\"of-grid\"><div>{}</div>{}</div>", table, hist);
  return panel(
      "panel-overfitting", "Overfitting: how much of the best result is luck",
      "Trying many variants and keeping the best inflates its backtest; these statistics estimate by how "
      "much (docs/sweep.md, &ldquo;Overfitting&rdquo;).",
      body, "overfitting");
}

// ---- ranking

std::string ranking_panel(const Sweep& s) {
  const JsonDoc& doc = s.summary;
  const json& ranking = doc.array(doc.root, "", "ranking");
  std::vector<std::string> stats = {
      "sharpe",       "sortino",           "calmar",       "cagr",
      "total_return", "annual_volatility", "max_drawdown", "max_drawdown_duration"};
  if (std::find(stats.begin(), stats.end(), s.metric.key) == stats.end()) stats.push_back(s.metric.key);

  std::string head = "<tr><th scope=\"col\">Rank</th><th scope=\"col\">Id</th>";
  for (const Dimension& d : s.manifest.dims)
    head +=
        fmt::format("<th scope=\"col\" class=\"param{}\">{}</th>", d.numeric ? "" : " text", key_html(d.key));
  for (const std::string& key : stats) {
    head += fmt::format("<th scope=\"col\"{}>{}</th>", key == s.metric.key ? " class=\"key\"" : "",
                        escape(metric_info(key).label));
  }
  head += "</tr>";

  std::string rows;
  for (std::size_t i = 0; i < ranking.size(); ++i) {
    const std::string where = fmt::format("ranking.{}", i);
    const json& entry = ranking[i];
    if (!entry.is_object()) doc.fail(where, "expected an object");
    const std::uint64_t id = doc.index(entry, where, "id");
    const json& params = doc.object(entry, where, "params");
    std::string row = fmt::format("<tr{}><td>{}</td><td>{}</td>", id == s.best_id ? " class=\"best\"" : "",
                                  doc.index(entry, where, "rank"), id);
    for (const Dimension& d : s.manifest.dims) {
      const json* v = JsonDoc::find(params, d.key);
      const std::string text = v ? param_label(doc, fmt::format("{}.params.{}", where, d.key), *v) : "n/a";
      row += fmt::format("<td class=\"param{}\">{}</td>", d.numeric ? "" : " text", escape(text));
    }
    for (const std::string& key : stats) {
      const Metric m = metric_info(key);
      const std::optional<double> v = doc.number(entry, where, key);
      const std::string text = m.text(v);
      std::string cls = key == s.metric.key ? "key" : "";
      if (!v)
        cls += cls.empty() ? "na" : " na";
      else if (text.front() == '-' && (m.format == Format::percent))
        cls += cls.empty() ? "neg" : " neg";
      row += fmt::format("<td{}>{}</td>", cls.empty() ? "" : fmt::format(" class=\"{}\"", cls), text);
    }
    rows += row + "</tr>";
  }
  const std::string note = fmt::format(
      "The {} best of {} by {} ({} is better; undefined values rank last, ties keep id order). Returns and "
      "drawdowns "
      "in percent; n/a: undefined for that variant. results.csv has every variant.",
      count_text(ranking.size()), plural(s.results.ids.size(), "variant", "variants"), escape(s.metric.label),
      s.higher_is_better ? "higher" : "lower");
  return panel(
      "panel-ranking", "Ranking", note,
      fmt::format("<div class=\"table-scroll\"><table class=\"ranking\"><thead>{}</thead><tbody>{}</tbody>"
                  "</table></div>",
                  head, rows));
}

// ---- heatmap

// Mean of the shown rank_by per value of the dimensions `a` (rows) and `b` (columns), in axis
// order; NaN where no variant has a defined value.
std::vector<double> cell_means(const Sweep& s, std::size_t a, std::size_t b) {
  const Dimension& da = s.manifest.dims[a];
  const Dimension& db = s.manifest.dims[b];
  std::vector<std::size_t> pos_a(da.labels.size()), pos_b(db.labels.size());
  for (std::size_t i = 0; i < da.order.size(); ++i) pos_a[da.order[i]] = i;
  for (std::size_t j = 0; j < db.order.size(); ++j) pos_b[db.order[j]] = j;
  std::vector<double> sums(da.labels.size() * db.labels.size(), 0.0);
  std::vector<std::size_t> counts(sums.size(), 0);
  for (std::size_t r = 0; r < s.results.ids.size(); ++r) {
    if (!s.results.metric[r]) continue;
    const std::size_t cell = pos_a[s.results.values[r][a]] * db.labels.size() + pos_b[s.results.values[r][b]];
    sums[cell] += s.metric.shown(*s.results.metric[r]);
    ++counts[cell];
  }
  for (std::size_t c = 0; c < sums.size(); ++c)
    sums[c] = counts[c] ? sums[c] / static_cast<double>(counts[c]) : std::nan("");
  return sums;
}

// The two dimensions of the heatmap: the manifest's choice, else the two with the most values
// (canonical order breaks ties). Empty when fewer than two dimensions have two or more values.
std::optional<std::pair<std::size_t, std::size_t>> heatmap_dims(const Manifest& m) {
  auto index_of = [&](const std::string& key) {
    return static_cast<std::size_t>(
        std::find_if(m.dims.begin(), m.dims.end(), [&](const Dimension& d) { return d.key == key; }) -
        m.dims.begin());
  };
  if (m.heatmap.size() == 2) return std::pair{index_of(m.heatmap[0]), index_of(m.heatmap[1])};
  std::vector<std::size_t> candidates;
  for (std::size_t d = 0; d < m.dims.size(); ++d)
    if (m.dims[d].labels.size() >= 2) candidates.push_back(d);
  if (candidates.size() < 2) return std::nullopt;
  std::stable_sort(candidates.begin(), candidates.end(), [&](std::size_t x, std::size_t y) {
    return m.dims[x].labels.size() > m.dims[y].labels.size();
  });
  return std::pair{std::min(candidates[0], candidates[1]), std::max(candidates[0], candidates[1])};
}

std::string heatmap_panel(const Sweep& s) {
  const Manifest& m = s.manifest;
  const std::string title = fmt::format("{} over two parameters", s.metric.label);
  const auto dims = heatmap_dims(m);
  if (!dims) {
    const svg::Frame frame{kFullWidth, 90.0, "Heatmap", 0.0};
    const std::string message =
        m.dims.size() == 1 ? fmt::format("Only one parameter is swept ({}): no heatmap", m.dims[0].key)
                           : "Fewer than two parameters have two or more values: no heatmap";
    return panel("panel-heatmap", title,
                 "A heatmap needs two swept parameters with at least two values each.",
                 svg::placeholder(frame, message));
  }
  // Rows and columns: the dimension with more values across, when its labels fit the cells.
  auto fits_across = [&](std::size_t rows_dim, std::size_t cols_dim) {
    const Dimension& r = m.dims[rows_dim];
    const Dimension& c = m.dims[cols_dim];
    const std::vector<double> means = cell_means(s, rows_dim, cols_dim);
    double row_w = 0.0, need = 0.0;
    for (const std::string& l : r.labels) row_w = std::max(row_w, svg::text_width(l, 11.0));
    for (const std::string& l : c.labels) need = std::max(need, svg::text_width(l, 11.0));
    for (const double v : means)
      need = std::max(need, svg::text_width(svg::format_value(v, s.metric.format, s.metric.decimals), 11.0));
    const double cell_w = (kFullWidth - row_w - 12.0) / static_cast<double>(c.labels.size());
    return cell_w >= need + 4.0;
  };
  std::size_t row_dim = dims->first, col_dim = dims->second;
  if (m.heatmap.size() != 2 && m.dims[row_dim].labels.size() > m.dims[col_dim].labels.size())
    std::swap(row_dim, col_dim);
  if (!fits_across(row_dim, col_dim) && fits_across(col_dim, row_dim)) std::swap(row_dim, col_dim);
  const Dimension& rd = m.dims[row_dim];
  const Dimension& cd = m.dims[col_dim];

  // Cells at most kMaxCellWidth wide: a heatmap with few columns does not stretch over the page.
  double row_w = 0.0;
  for (const std::string& l : rd.labels) row_w = std::max(row_w, svg::text_width(l, 11.0));
  const double width =
      std::min(kFullWidth, row_w + 12.0 + kMaxCellWidth * static_cast<double>(cd.labels.size()));
  svg::Heatmap h;
  h.frame = {width, 120.0, fmt::format("Mean {} by {} and {}", s.metric.label, rd.key, cd.key), 0.0};
  h.values = cell_means(s, row_dim, col_dim);
  for (const std::size_t i : rd.order) h.row_labels.push_back(rd.labels[i]);
  for (const std::size_t j : cd.order) h.column_labels.push_back(cd.labels[j]);
  h.format = s.metric.format;
  h.decimals = s.metric.decimals;
  h.cell_height = 24.0;

  std::vector<std::string> others;
  for (std::size_t d = 0; d < m.dims.size(); ++d)
    if (d != row_dim && d != col_dim) others.push_back(escape(m.dims[d].key));
  std::size_t per_cell = 1;
  for (std::size_t d = 0; d < m.dims.size(); ++d)
    if (d != row_dim && d != col_dim) per_cell *= m.dims[d].labels.size();
  std::string note;
  if (others.empty()) {
    note = fmt::format(
        "Each cell is the {} of the one variant with those two values (no other parameter is swept).",
        escape(s.metric.label));
  } else {
    std::string list;
    for (std::size_t i = 0; i < others.size(); ++i)
      list += (i == 0 ? "" : (i + 1 == others.size() ? " and " : ", ")) + others[i];
    note = fmt::format(
        "Each cell is the <b>mean</b> of {} over the other swept parameters ({}: up to {} per cell).",
        escape(s.metric.label), list, plural(per_cell, "variant", "variants"));
  }
  if (s.results.undefined)
    note += fmt::format(" {} with undefined {} left out.", plural(s.results.undefined, "variant", "variants"),
                        escape(s.metric.label));
  note += m.heatmap.size() == 2 ? " Axes chosen by the sweep's heatmap setting."
                                : " Axes: the two parameters with the most values.";
  if (!m.heatmap_ignored.empty())
    note += fmt::format(
        " The heatmap setting {} in manifest.json does not name two different swept keys and is ignored.",
        escape(m.heatmap_ignored));
  note += " Hover a cell for its exact value.";
  const std::string axes =
      fmt::format("<div class=\"axes\"><span>Rows <b>{}</b></span><span>Columns <b>{}</b></span></div>",
                  escape(rd.key), escape(cd.key));
  return panel("panel-heatmap", title, note,
               fmt::format("{}<div style=\"max-width:{:.0f}px\">{}</div>", axes, width, svg::heatmap(h)));
}

// ---- sensitivity

// Dimensions with up to this many values get bars (every value labelled); numeric ones with more, lines.
constexpr std::size_t kMaxBarValues = 6;

std::string sensitivity_chart(const Sweep& s, std::size_t d) {
  const Dimension& dim = s.manifest.dims[d];
  const std::size_t n = dim.labels.size();
  std::vector<double> sum(n, 0.0), lo(n, std::nan("")), hi(n, std::nan(""));
  std::vector<std::size_t> count(n, 0);
  for (std::size_t r = 0; r < s.results.ids.size(); ++r) {
    if (!s.results.metric[r]) continue;
    const std::size_t v = s.results.values[r][d];
    const double x = s.metric.shown(*s.results.metric[r]);
    sum[v] += x;
    lo[v] = count[v] ? std::min(lo[v], x) : x;
    hi[v] = count[v] ? std::max(hi[v], x) : x;
    ++count[v];
  }
  std::vector<double> mean(n), xs, mean_o, lo_o, hi_o;
  std::vector<std::string> cats;
  for (std::size_t i = 0; i < n; ++i)
    mean[i] = count[i] ? sum[i] / static_cast<double>(count[i]) : std::nan("");
  for (const std::size_t i : dim.order) {
    if (dim.numeric) xs.push_back(dim.numbers[i]);
    cats.push_back(dim.labels[i]);
    mean_o.push_back(mean[i]);
    lo_o.push_back(lo[i]);
    hi_o.push_back(hi[i]);
  }
  const std::string title = fmt::format("{} by {}", s.metric.label, dim.key);
  const svg::Frame frame{kHalfWidth, 230.0, title, 0.0};
  std::string chart;
  if (dim.numeric && n > kMaxBarValues) {
    svg::LineChart c;
    c.frame = frame;
    c.x_axis = svg::XAxis::number;
    c.y_format = s.metric.format;
    c.series.push_back({"Mean", xs, mean_o, kAccent, 2.2});
    c.series.push_back({"Max", xs, hi_o, "#7d97bd", 1.2, true});
    c.series.push_back({"Min", xs, lo_o, "#c08a8a", 1.2, true});
    chart = svg::line_chart(c);
  } else {
    svg::BarChart c;
    c.frame = frame;
    c.categories = cats;
    c.format = s.metric.format;
    c.label_decimals = s.metric.decimals;
    c.series.push_back({"Min", lo_o, "#c9a3a3"});
    c.series.push_back({"Mean", mean_o, kAccent});
    c.series.push_back({"Max", hi_o, "#93a8c6"});
    chart = svg::bar_chart(c);
  }
  std::string values;
  if (dim.numeric && n > 4) {
    values = fmt::format("{} values, {} to {}", count_text(n), dim.labels[dim.order.front()],
                         dim.labels[dim.order.back()]);
  } else {
    for (const std::size_t i : dim.order) values += (values.empty() ? "" : ", ") + dim.labels[i];
  }
  return fmt::format(
      "<figure class=\"multiple\"><figcaption>{} <span class=\"muted\">({})</span></figcaption>{}</figure>",
      key_html(dim.key), escape(values), chart);
}

std::string sensitivity_panel(const Sweep& s) {
  std::string body = "<div class=\"multiples\">";
  for (std::size_t d = 0; d < s.manifest.dims.size(); ++d) body += sensitivity_chart(s, d);
  body += "</div>";
  std::string note = fmt::format(
      "For each swept parameter and each of its values: the mean (dark blue), lowest and highest {} over all "
      "variants with that value; bars for parameters with up to {} values, lines (bounds dashed) for numeric "
      "ones "
      "with more. A flat mean with a narrow range means the result does not hinge on that parameter.",
      escape(s.metric.label), kMaxBarValues);
  if (s.results.undefined)
    note += fmt::format(" {} with undefined {} left out.", plural(s.results.undefined, "variant", "variants"),
                        escape(s.metric.label));
  return panel("panel-sensitivity", fmt::format("Sensitivity of {} to each parameter", s.metric.label), note,
               body);
}

// ---- distribution

std::string distribution_panel(const Sweep& s) {
  svg::Histogram h;
  h.frame = {kNarrowWidth, 300.0, fmt::format("Distribution of {} over all variants", s.metric.label), 0.0};
  h.x_format = s.metric.format;
  h.color = "#8aa6cc";
  for (const auto& v : s.results.metric)
    if (v) h.values.push_back(s.metric.shown(*v));
  const std::optional<double> best = s.shown_metric(s.best_id);
  const std::optional<double> median = s.shown_metric(s.median_id);
  if (median && s.median_id != s.best_id) {
    h.markers.push_back(
        {*median,
         fmt::format("Median {} (v{})", svg::format_value(*median, s.metric.format, s.metric.decimals),
                     s.median_id),
         kMedianColor});
  }
  if (best) {
    h.markers.push_back({*best,
                         fmt::format("{} {} (v{})", s.median_id == s.best_id ? "Best = median" : "Best",
                                     svg::format_value(*best, s.metric.format, s.metric.decimals), s.best_id),
                         kAccent});
  }
  std::string note = fmt::format("{} of all {}, with the best and the median variant marked.",
                                 escape(s.metric.label), plural(s.results.ids.size(), "variant", "variants"));
  if (s.results.undefined)
    note += fmt::format(" {} with undefined {} not shown.",
                        plural(s.results.undefined, "variant", "variants"), escape(s.metric.label));
  return panel("panel-distribution", fmt::format("Distribution of {}", s.metric.label), note,
               svg::histogram(h));
}

// ---- equity curves

// One of the equity panel's two charts (linear or log y axis).
std::string equity_chart(const Sweep& s, svg::YScale scale) {
  const Curves& c = s.curves;
  std::vector<double> x(c.dates.begin(), c.dates.end());
  auto growth = [&](std::uint64_t id) {
    std::vector<double> g = c.equity.at(id);
    double first = std::nan("");
    for (const double v : g)
      if (std::isfinite(v)) {
        first = v;
        break;
      }
    for (double& v : g) v = first > 0.0 ? v / first : std::nan("");
    return g;
  };
  const bool has_best = c.equity.count(s.best_id) > 0;
  const bool has_median = c.equity.count(s.median_id) > 0;
  auto legend_name = [&](std::string_view what, std::uint64_t id) {
    return fmt::format("{}: variant {} ({} {})", what, id, s.metric.label, s.metric_text(id));
  };
  svg::LineChart lc;
  lc.frame = {kWideWidth, 330.0,
              scale == svg::YScale::log ? "Cumulative return, log scale" : "Cumulative return", 0.0};
  lc.y_format = Format::percent;
  lc.y_label_shift = -1.0;
  lc.y_scale = scale;
  lc.reference_line = 1.0;
  bool named = false;
  for (const std::uint64_t id : c.ids) {
    if (id == s.best_id || id == s.median_id) continue;
    lc.series.push_back({named ? "" : "Other kept variants (top ranks)", x, growth(id), kOtherColor, 1.0});
    named = true;
  }
  if (has_median && s.median_id != s.best_id)
    lc.series.push_back({legend_name("Median", s.median_id), x, growth(s.median_id), kMedianColor, 1.6});
  if (has_best)
    lc.series.push_back({legend_name(s.median_id == s.best_id ? "Best = median" : "Best", s.best_id), x,
                         growth(s.best_id), kAccent, 2.0});
  return svg::line_chart(lc);
}

// The equity panel around its linear and log charts (equity_chart).
std::string equity_panel(const Sweep& s, const std::string& linear_chart, const std::string& log_chart) {
  const Curves& c = s.curves;
  const bool has_best = c.equity.count(s.best_id) > 0;
  const bool has_median = c.equity.count(s.median_id) > 0;
  std::string note =
      "Growth of each kept variant from its first equity point (curves.csv); dashed line: break-even.";
  if (!has_best) note += fmt::format(" The best variant's curve ({}) is not in curves.csv.", s.best_id);
  if (!has_median) note += fmt::format(" The median variant's curve ({}) is not in curves.csv.", s.median_id);
  const std::string body = fmt::format(
      "<input type=\"radio\" name=\"equity-scale\" id=\"equity-linear\" class=\"scale-radio\" checked>"
      "<input type=\"radio\" name=\"equity-scale\" id=\"equity-log\" class=\"scale-radio\">"
      "<div class=\"scale-switch\" role=\"group\" aria-label=\"y axis scale\">"
      "<label for=\"equity-linear\">Linear</label><label for=\"equity-log\">Log</label></div>"
      "<div class=\"scale-linear\">{}</div><div class=\"scale-log\">{}</div>",
      linear_chart, log_chart);
  return panel("panel-equity", "Best variant against the median variant", escape(note), body, "has-switch");
}

// ---- page

// The sweep report's additions to the shared style sheet (src/report/html_page.cpp).
constexpr report::PageStyle kStyle{
    R"css()css",
    R"css(.has-switch .note{padding-right:120px}
td.neg,.kpi .value.neg,.of-card .value.neg{color:var(--neg)}
td.na{color:#9ca3af}
.pfx{color:var(--muted);font-weight:400}
.muted{color:var(--muted);font-weight:400}
.small{font-size:12px;color:var(--muted);margin:4px 0 6px}
.alert{border:1px solid;border-left-width:5px;border-radius:6px;padding:9px 14px;margin:6px 0 12px;font-size:13.5px}
.alert ul{margin:4px 0 0;padding-left:20px}.alert li+li{margin-top:3px}
.alert-title{font-weight:650}
.alert.bad{background:#fdecea;border-color:#b91c1c;color:#7f1d1d}
.alert.caution{background:#fff7e6;border-color:#b45309;color:#78350f}
.alert.good{background:#edf7f0;border-color:#2f7d4f;color:#1d4d31}
.of-cards{display:grid;grid-template-columns:1fr 1.4fr 1.6fr;gap:12px;margin-bottom:12px}
.of-card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;background:#fafbfc}
.of-card .label{font-size:11.5px;letter-spacing:.05em;text-transform:uppercase;color:var(--muted)}
.of-card .value{font-size:26px;font-weight:650;font-variant-numeric:tabular-nums;margin-top:2px}
.of-card .sub{font-size:12px;color:var(--muted);margin-top:2px}
.na-reason{font-size:13px;color:#92400e;font-weight:600}
.of-grid{display:grid;grid-template-columns:5fr 6fr;gap:22px;align-items:start}
.of-grid>*{min-width:0}
.sub-title{font-weight:650;font-size:13px}
table.facts{border-collapse:collapse;width:100%;font-size:13px;font-variant-numeric:tabular-nums}
table.facts caption{text-align:left;font-weight:650;font-size:12px;letter-spacing:.05em;text-transform:uppercase;
 color:var(--muted);padding:2px 0 4px;border-bottom:2px solid var(--ink)}
table.facts th,table.facts td{padding:4px 6px;border-bottom:1px solid #eef0f2;text-align:right;white-space:nowrap}
table.facts thead th{font-size:11.5px;color:var(--muted);font-weight:600}
table.facts tbody th{text-align:left;font-weight:400;color:#374151;padding-left:0;white-space:normal}
.table-scroll{overflow-x:auto}
table.ranking{border-collapse:collapse;width:100%;font-size:13px;font-variant-numeric:tabular-nums}
table.ranking th,table.ranking td{padding:4px 8px;border-bottom:1px solid #eef0f2;text-align:right;white-space:nowrap}
table.ranking thead th{font-size:11.5px;color:var(--muted);font-weight:600;border-bottom:2px solid var(--ink);
 vertical-align:bottom;white-space:normal}
table.ranking thead th .pfx{display:block;font-size:10.5px}
table.ranking .text{text-align:left}
table.ranking .key{background:#eef3fa;font-weight:650}
table.ranking thead th.key{color:var(--accent)}
table.ranking tr.best td{background:#f4f8fd}
table.ranking tr.best td.key{background:#e3ecf8}
table.ranking tbody tr:hover td{background:#f6f7f9}
.axes{display:flex;gap:18px;font-size:12.5px;color:var(--muted);margin:0 0 6px}
.axes b{color:var(--ink);font-weight:600}
.multiples{display:grid;grid-template-columns:1fr 1fr;gap:10px 28px}
figure.multiple{margin:0;min-width:0}
figure.multiple figcaption{font-size:13px;font-weight:650;margin:4px 0 2px}
)css",
    R"css(.row,.of-grid,.multiples,.of-cards{grid-template-columns:1fr}
 .kpis{grid-template-columns:repeat(3,1fr)})css",
    R"css( .row{grid-template-columns:7fr 5fr}.of-grid{grid-template-columns:5fr 6fr}.multiples{grid-template-columns:1fr 1fr}
 .of-cards{grid-template-columns:1fr 1.4fr 1.6fr}
 .table-scroll{overflow:visible}
)css"};

// `threads`: how many threads may build its panels.
std::string page(const Sweep& s, unsigned threads) {
  const Manifest& m = s.manifest;
  std::string period = "no curves";
  if (!s.curves.dates.empty())
    period = fmt::format("{} to {}", format_date(s.curves.dates.front()), format_date(s.curves.dates.back()));
  std::string meta;
  if (!m.strategy_kind.empty())
    meta += fmt::format("<span>Strategy <b>{}</b></span>", escape(m.strategy_kind));
  if (!m.mode.empty()) meta += fmt::format("<span>Mode <b>{}</b></span>", escape(m.mode));
  meta += fmt::format("<span>Period <b>{}</b></span>", escape(period));
  meta += fmt::format("<span>Variants <b>{}</b>{}</span>", count_text(s.results.ids.size()),
                      m.skipped ? fmt::format(" ({} invalid skipped)", count_text(m.skipped)) : "");
  std::string keys;
  for (const Dimension& d : m.dims)
    keys += (keys.empty() ? "" : ", ") + fmt::format("{} ({})", d.key, d.labels.size());
  meta += fmt::format("<span>Grid <b>{}</b></span>", escape(keys));
  meta += fmt::format("<span>Ranked by <b>{}</b> ({} is better)</span>", escape(s.metric.label),
                      s.higher_is_better ? "higher" : "lower");

  std::string html =
      report::page_start({fmt::format("{} sweep ({} variants)", m.name, count_text(s.results.ids.size())),
                          "qsweep sweep report", m.name, meta, "panel-title", kStyle});
  // The two equity charts take most of the time: each is a task, beside the other panels.
  std::string linear_chart, log_chart, panels;
  run_tasks({[&] { linear_chart = equity_chart(s, svg::YScale::linear); },
             [&] { log_chart = equity_chart(s, svg::YScale::log); },
             [&] { panels = kpis(s) + overfitting_panel(s) + ranking_panel(s) + heatmap_panel(s) + sensitivity_panel(s); }},
            threads);
  html += panels;
  html += "<div class=\"row\">" + equity_panel(s, linear_chart, log_chart) + distribution_panel(s) + "</div>\n";
  html += report::page_end(m.version, "manifest.json, results.csv, curves.csv and sweep_summary.json");
  return html;
}

bool all_numbers_finite(const json& value) {
  if (value.is_number_float()) return std::isfinite(value.get<double>());
  if (value.is_structured())
    for (const json& item : value)
      if (!all_numbers_finite(item)) return false;
  return true;
}

// `summary_doc`: sweep_summary.json, parsed; `curves`: curves.csv, or nullopt to read it.
void write_report(const fs::path& sweep_dir, JsonDoc summary_doc, std::optional<Curves> curves, bool sync,
                  unsigned threads) {
  Sweep s;
  s.manifest = read_manifest(JsonDoc::load(sweep_dir / "manifest.json"));
  s.summary = std::move(summary_doc);
  const JsonDoc& summary = s.summary;
  s.metric = metric_info(summary.string(summary.root, "", "rank_by"));
  if (const json* h = JsonDoc::find(summary.root, "higher_is_better"); h != nullptr) {
    if (!h->is_boolean()) summary.fail("higher_is_better", "expected true or false");
    s.higher_is_better = h->get<bool>();
  }
  s.best_id = summary.index(summary.root, "", "best_id");
  s.median_id = summary.index(summary.root, "", "median_id");
  s.results = read_results(sweep_dir / "results.csv", s.manifest, s.metric.key);
  for (const auto& [key, id] : {std::pair{"best_id", s.best_id}, std::pair{"median_id", s.median_id}})
    if (s.results.row_of.count(id) == 0)
      summary.fail(key, fmt::format("variant {} is not in results.csv", id));
  s.curves = curves ? std::move(*curves) : read_curves(sweep_dir / "curves.csv");
  write_file_atomic(sweep_dir / "report.html", page(s, threads), sync);
}

}  // namespace

void write_sweep_report(const fs::path& sweep_dir, bool sync) {
  require_output_folder(sweep_dir, "sweep");
  write_report(sweep_dir, JsonDoc::load(sweep_dir / "sweep_summary.json"), std::nullopt, sync, available_cpus());
}

namespace report {

ManifestGrid read_sweep_grid(const fs::path& manifest_path) {
  const JsonDoc doc = JsonDoc::load(manifest_path);
  const Manifest m = read_manifest(doc);
  ManifestGrid grid;
  for (const Dimension& d : m.dims) grid.keys.push_back(d.key);
  grid.size = m.grid_size;
  grid.rank_by = doc.optional_string(doc.root, "", "rank_by").value_or("sharpe");
  return grid;
}

ResultsTable read_results_table(const fs::path& path, std::uint64_t grid_size) {
  const std::string text = read_existing(path);
  if (!text.empty() && text.back() != '\n') {
    throw InputError(fmt::format("{}:{}: the last line is cut short (no line end)", path.string(),
                                 std::count(text.begin(), text.end(), '\n') + 1));
  }
  ResultsTable table{parse_csv(path, text, CsvQuotes::rfc4180), {}};
  const CsvFile& csv = table.csv;
  const std::size_t id_col = column_of(csv, "id");
  std::vector<bool> seen(static_cast<std::size_t>(grid_size));  // at most kMaxSweepVariants
  for (std::size_t i = 0; i < csv.row_count(); ++i) {
    const std::string_view field = csv.cell(i, id_col);
    std::uint64_t id = 0;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), id);
    if (ec != std::errc() || end != field.data() + field.size() || field.empty() || id >= grid_size) {
      throw InputError(fmt::format("{}:{}: column 'id': '{}' is not a variant id of the grid in manifest.json (0 to {})",
                                   path.string(), csv.lines[i], field, grid_size - 1));
    }
    if (seen[id]) throw InputError(fmt::format("{}:{}: variant id {} appears twice", path.string(), csv.lines[i], id));
    seen[id] = true;
    table.ids.push_back(id);
  }
  return table;
}

void write_sweep_report(const fs::path& sweep_dir, json summary, SweepCurves curves, bool sync, unsigned threads) {
  require_output_folder(sweep_dir, "sweep");
  Curves c;
  c.dates = std::move(curves.dates);
  c.ids = curves.ids;
  for (std::size_t i = 0; i < curves.ids.size(); ++i) {
    for (double& v : curves.equity[i])
      if (!std::isfinite(v)) v = std::nan("");
    c.equity.emplace(curves.ids[i], std::move(curves.equity[i]));
  }
  const fs::path path = sweep_dir / "sweep_summary.json";
  // The file holds a non-finite number as null: read that back from the text the file holds.
  if (!summary.is_object() || !all_numbers_finite(summary)) summary = json::parse(summary.dump());
  write_report(sweep_dir, JsonDoc{path, std::move(summary)}, std::move(c), sync, threads);
}

}  // namespace report

}  // namespace qsweep
