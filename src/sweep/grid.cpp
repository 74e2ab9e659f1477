#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <string>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "config/config_toml.hpp"
#include "qsweep/date.hpp"
#include "qsweep/error.hpp"
#include "qsweep/sweep.hpp"
#include "sweep/results_table.hpp"
#include "sweep/sweep_internal.hpp"

namespace fs = std::filesystem;

namespace qsweep {

SweepGrid::SweepGrid(std::vector<SweepDimension> dimensions) : dimensions_(std::move(dimensions)) {
  std::sort(dimensions_.begin(), dimensions_.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  size_ = 1;
  for (const SweepDimension& d : dimensions_) size_ *= d.values.size();
}

std::vector<std::size_t> SweepGrid::value_indices(std::uint64_t id) const {
  std::vector<std::size_t> indices(dimensions_.size());
  for (std::size_t i = dimensions_.size(); i-- > 0;) {
    const std::uint64_t radix = dimensions_[i].values.size();
    indices[i] = static_cast<std::size_t>(id % radix);
    id /= radix;
  }
  return indices;
}

std::vector<std::pair<std::string, std::string>> SweepGrid::assignments(std::uint64_t id) const {
  const std::vector<std::size_t> indices = value_indices(id);
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 0; i < dimensions_.size(); ++i) out.emplace_back(dimensions_[i].key, dimensions_[i].values[indices[i]]);
  return out;
}

std::string SweepGrid::variant_hash(std::uint64_t id) const {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64
  auto feed = [&](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
  };
  for (const auto& [key, value] : assignments(id)) {
    feed(key);
    feed("=");
    feed(value);
    feed(";");
  }
  return fmt::format("{:016x}", h);
}

bool higher_is_better(const std::string& statistic) {
  static const std::set<std::string> lower = {"max_drawdown", "max_drawdown_duration", "annual_volatility",
                                              "tracking_error", "turnover", "ulcer_index"};
  return !lower.count(statistic);
}

namespace sweep {

// toml++'s text of a scalar (strings double-quoted and escaped).
std::string formatted(const toml::node& node) {
  std::ostringstream out;
  node.visit([&](const auto& v) { out << toml::toml_formatter(v, toml::format_flags::none); });
  return out.str();
}

// Arrays and inline tables are laid out as toml++ lays them out, with every float inside in its
// shortest form too (toml++ would write 0.4 as 0.40000000000000002).
std::string toml_text(const toml::node& node) {
  if (auto d = node.value_exact<double>()) {
    std::string s = fmt::format("{}", *d);
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // keep it a TOML float
    return s;
  }
  if (const toml::array* array = node.as_array()) {
    if (array->empty()) return "[]";
    std::string out = "[ ";
    for (std::size_t i = 0; i < array->size(); ++i) out += (i ? ", " : "") + toml_text(*array->get(i));
    return out + " ]";
  }
  if (const toml::table* table = node.as_table()) {
    if (table->empty()) return "{}";
    std::string out = "{ ";
    bool first = true;
    for (const auto& [key, value] : *table) {
      const std::string_view k = key.str();
      const bool bare = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
      });
      out += (first ? "" : ", ") + (bare ? std::string(k) : formatted(toml::value<std::string>(std::string(k)))) +
             " = " + toml_text(value);
      first = false;
    }
    return out + " }";
  }
  return formatted(node);
}

// What a value configures, for finding values listed twice: numbers by value (0 and 0.0 are
// the same), also inside arrays and tables; weekdays in any case ("wed" and "WED"); dates
// whether written as TOML dates or strings (2015-01-02 and "2015-01-02"); other values as
// written.
std::string same_value_key(std::string_view key, const toml::node& node) {
  if (auto date = node.value_exact<toml::date>())
    return fmt::format("date {:04}-{:02}-{:02}", date->year, date->month, date->day);
  if (auto text = node.value_exact<std::string>()) {
    if (const std::optional<Day> day = parse_iso_date(*text)) return "date " + format_date(*day);
  }
  if (auto whole = node.value_exact<std::int64_t>()) return fmt::format("{}", *whole);
  if (auto number = node.value_exact<double>()) {
    if (*number == std::trunc(*number) && std::abs(*number) < 9.2e18)
      return fmt::format("{}", static_cast<std::int64_t>(*number));
    return fmt::format("{}", *number);
  }
  if (auto text = node.value_exact<std::string>(); text && key.ends_with(".weekday")) {
    std::string upper = *text;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return fmt::format("\"{}\"", upper);
  }
  if (const toml::array* array = node.as_array()) {
    std::string out = "[";
    for (const toml::node& item : *array) out += same_value_key("", item) + ",";
    return out + "]";
  }
  if (const toml::table* table = node.as_table()) {
    std::string out = "{";
    for (const auto& [k, v] : *table) out += fmt::format("{}={},", formatted(toml::value<std::string>(std::string(k.str()))), same_value_key("", v));
    return out + "}";
  }
  return formatted(node);
}

toml::table parse_value_text(const std::string& text) {
  return toml::parse("v = " + text);
}

// Values one dimension may have (the grid's own limit is kMaxSweepVariants).
constexpr std::uint64_t kMaxDimensionValues = 1'000'000;

// Digits after the point in the shortest text of x ("0.25" -> 2, "1e-07" -> 7, "300" -> 0).
int decimals_of(double x) {
  const std::string text = fmt::format("{}", x);
  const std::size_t e = text.find('e');
  const std::string mantissa = text.substr(0, e);
  const std::size_t point = mantissa.find('.');
  int digits = point == std::string::npos ? 0 : static_cast<int>(mantissa.size() - point - 1);
  if (e != std::string::npos) digits -= std::stoi(text.substr(e + 1));
  return std::max(digits, 0);
}

// x rounded to `decimals` digits after the point: the double nearest that decimal (an integer
// divided by an exact power of ten), or x itself when that integer would not be exact.
double round_to_decimals(double x, int decimals) {
  if (decimals > 22) return x;
  const double scale = std::pow(10.0, decimals);  // exact for 0..22
  const double scaled = std::round(x * scale);
  if (!(std::abs(scaled) < 9007199254740992.0)) return x;  // 2^53
  return scaled / scale;
}

// The number of whole steps from `from` to at most `to` (from <= to, step > 0), counted in the
// decimals the three are written with: 100000.0 to 100000.01 by 0.001 is 10 steps, although
// (to - from) / step is 9.99999999997904 in doubles. Where the decimals give no exact integers,
// in doubles with a relative tolerance.
double whole_steps(double from, double to, double step) {
  const int decimals = std::max({decimals_of(from), decimals_of(to), decimals_of(step)});
  if (decimals <= 22) {
    const double scale = std::pow(10.0, decimals);  // exact for 0..22
    const double a = std::round(from * scale), b = std::round(to * scale), s = std::round(step * scale);
    constexpr double kExact = 9007199254740992.0;  // 2^53: integers below it are exact
    if (std::abs(a) < kExact && std::abs(b) < kExact && s > 0.0 && s < kExact) return std::floor((b - a) / s);
  }
  const double steps = (to - from) / step;
  return std::floor(steps + 1e-9 * std::max(1.0, steps));
}

SweepSpec spec_from_table(const toml::table& root, const fs::path& path) {
  SweepSpec spec;
  const toml::node* node = root.get("sweep");
  if (!node) throw InputError(fmt::format("{}: [sweep]: required table is missing (qsweep sweep needs a grid)", path.string()));
  const toml::table* table = node->as_table();
  if (!table) throw InputError(fmt::format("{}: sweep: expected a table", path.string()));
  auto fail = [&](const toml::node& at, std::string_view key, const std::string& message) -> InputError {
    return InputError(fmt::format("{}: sweep.\"{}\": {}", config::location(path, at), key, message));
  };
  // A range of `steps` + 1 values (compared as steps: + 1 could wrap around) must fit the limit.
  auto check_range_steps = [&](auto steps, const toml::node& at, std::string_view key) {
    if (!(steps < static_cast<decltype(steps)>(kMaxDimensionValues)))
      throw fail(at, key, fmt::format("the range has more than {} values", kMaxDimensionValues));
  };
  std::vector<SweepDimension> dims;
  const toml::node* heatmap_at = nullptr;  // where [sweep] heatmap is set
  for (const auto& [k, v] : *table) {
    const std::string key(k.str());
    if (key == "rank_by") {
      auto s = v.value_exact<std::string>();
      if (!s) throw fail(v, key, "expected a statistic name");
      if (!is_result_column(*s))
        throw fail(v, key, fmt::format("'{}' is not a statistic (one of: {})", *s, result_column_list()));
      spec.rank_by = *s;
      continue;
    }
    if (key == "heatmap") {
      const auto* arr = v.as_array();
      const char* expected = "expected two different swept keys, e.g. [\"strategy.lookback\", \"strategy.top_n\"]";
      if (!arr || arr->size() != 2 || !arr->is_homogeneous(toml::node_type::string)) throw fail(v, key, expected);
      for (const auto& item : *arr) spec.heatmap.push_back(item.value_or(std::string()));
      if (spec.heatmap[0] == spec.heatmap[1]) throw fail(v, key, fmt::format("names '{}' twice: {}", spec.heatmap[0], expected));
      heatmap_at = &v;
      continue;
    }
    if (key.rfind("sweep", 0) == 0 || key.find('.') == std::string::npos)
      throw fail(v, key, "a swept key must be a dotted config path such as \"strategy.lookback\"");
    if (key == "data.dir" || key == "data.adjust")
      throw fail(v, key, "cannot be swept: every variant of a sweep shares the loaded data");
    try {
      config::key_parts(key);
    } catch (const UsageError& e) {  // a key of the file: a config error
      throw InputError(fmt::format("{}: sweep: {}", config::location(path, v), e.what()));
    }
    SweepDimension dim;
    dim.key = key;
    if (v.source().path != nullptr) dim.line = v.source().begin.line;
    if (const auto* arr = v.as_array()) {
      for (const auto& item : *arr) dim.values.push_back(toml_text(item));
    } else if (const auto* range = v.as_table()) {
      const toml::node* from = range->get("from");
      const toml::node* to = range->get("to");
      const toml::node* step = range->get("step");
      for (const auto& [rk, rv] : *range)
        if (rk.str() != "from" && rk.str() != "to" && rk.str() != "step")
          throw fail(rv, key, fmt::format("unknown range key '{}' (use from, to, step)", rk.str()));
      if (!from || !to) throw fail(v, key, "a range needs from and to (and optionally step)");
      const bool ints = from->is_integer() && to->is_integer() && (!step || step->is_integer());
      if (ints) {
        const std::int64_t a = *from->value<std::int64_t>();
        const std::int64_t b = *to->value<std::int64_t>();
        const std::int64_t s = step ? *step->value<std::int64_t>() : 1;
        if (s <= 0) throw fail(*step, key, "step must be positive");
        if (b < a) throw fail(v, key, "to must not be less than from");
        // (b - a) / s + 1 values, counted in unsigned arithmetic: b - a may exceed INT64_MAX.
        const std::uint64_t steps =
            (static_cast<std::uint64_t>(b) - static_cast<std::uint64_t>(a)) / static_cast<std::uint64_t>(s);
        check_range_steps(steps, v, key);
        const std::uint64_t count = steps + 1;
        for (std::uint64_t i = 0; i < count; ++i)
          dim.values.push_back(fmt::format("{}", static_cast<std::int64_t>(static_cast<std::uint64_t>(a) +
                                                                           i * static_cast<std::uint64_t>(s))));
      } else {
        const auto a = from->value<double>();
        const auto b = to->value<double>();
        const auto s = step ? step->value<double>() : std::optional<double>(1.0);
        if (!a || !b || !s) throw fail(v, key, "from, to and step must be numbers");
        if (!(*s > 0.0)) throw fail(v, key, "step must be positive");
        if (*b < *a) throw fail(v, key, "to must not be less than from");
        const double steps = whole_steps(*a, *b, *s);
        check_range_steps(steps, v, key);
        const auto count = static_cast<std::uint64_t>(steps) + 1;
        // from + i·step, rounded to the decimals from and step are written with, so that 0.1
        // steps give 0.3, not 0.30000000000000004 (the same value and hash as a listed 0.3).
        const int decimals = std::max(decimals_of(*a), decimals_of(*s));
        for (std::uint64_t i = 0; i < count; ++i)
          dim.values.push_back(toml_text(toml::value<double>(round_to_decimals(*a + static_cast<double>(i) * *s, decimals))));
      }
    } else {
      throw fail(v, key, "expected an array of values or a range { from = ..., to = ..., step = ... }");
    }
    if (dim.values.empty()) throw fail(v, key, "has no values");
    // A listed value may repeat another written differently; a range's values are distinct.
    if (const toml::array* listed = v.as_array()) {
      std::set<std::string> seen;
      for (std::size_t i = 0; i < listed->size(); ++i)
        if (!seen.insert(same_value_key(key, *listed->get(i))).second)
          throw fail(v, key, fmt::format("value {} is listed twice", dim.values[i]));
    }
    dims.push_back(std::move(dim));
  }
  if (dims.empty()) throw InputError(fmt::format("{}: [sweep]: no swept keys", path.string()));
  std::uint64_t variants = 1;
  for (const SweepDimension& d : dims) {
    if (variants > kMaxSweepVariants / d.values.size())
      throw InputError(fmt::format("{}: [sweep]: the grid has more than {} variants, the most one sweep runs; "
                                   "split it into several sweeps",
                                   path.string(), kMaxSweepVariants));
    variants *= d.values.size();
  }
  spec.grid = SweepGrid(std::move(dims));
  for (const std::string& key : spec.heatmap) {
    const auto& d = spec.grid.dimensions();
    if (std::none_of(d.begin(), d.end(), [&](const auto& dim) { return dim.key == key; }))
      throw fail(*heatmap_at, "heatmap", fmt::format("'{}' is not a swept key", key));
  }
  return spec;
}

}  // namespace sweep

SweepSpec load_sweep_spec(const fs::path& config_path, const std::vector<std::string>& overrides) {
  toml::table root = config::parse_file(config_path);
  for (const std::string& assignment : overrides) config::apply_assignment(root, assignment);
  return sweep::spec_from_table(root, config_path);
}

}  // namespace qsweep
