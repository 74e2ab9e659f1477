#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>

#include <fmt/format.h>

#include "config/config_toml.hpp"
#include "qsweep/error.hpp"
#include "qsweep/file_io.hpp"

namespace fs = std::filesystem;

namespace qsweep {

const char* to_string(Mode mode) noexcept {
  return mode == Mode::qstrader ? "qstrader" : "strict";
}

const char* to_string(RebalanceFrequency frequency) noexcept {
  switch (frequency) {
    case RebalanceFrequency::buy_and_hold: return "buy_and_hold";
    case RebalanceFrequency::daily: return "daily";
    case RebalanceFrequency::weekly: return "weekly";
    case RebalanceFrequency::end_of_month: return "end_of_month";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------
// StrategyParams

StrategyParams::StrategyParams(std::string kind, std::string key_prefix, std::string origin,
                               std::map<std::string, ParamValue> values,
                               std::map<std::string, std::string> locations,
                               std::map<std::string, std::string> unreadable)
    : kind_(std::move(kind)), key_prefix_(std::move(key_prefix)), origin_(std::move(origin)),
      values_(std::move(values)), locations_(std::move(locations)), unreadable_(std::move(unreadable)) {}

void StrategyParams::fail(const std::string& name, const std::string& message) const {
  const auto located = locations_.find(name);
  const std::string& where = located != locations_.end() ? located->second : origin_;
  throw InputError(fmt::format("{}: {}.{}: {}", where, key_prefix_, name, message));
}

void StrategyParams::fail_entry(const std::string& name, const std::string& entry, const std::string& message) const {
  auto located = locations_.find(name + "." + entry);
  if (located == locations_.end()) located = locations_.find(name);
  const std::string& where = located != locations_.end() ? located->second : origin_;
  throw InputError(fmt::format("{}: {}.{}: {}", where, key_prefix_, name, message));
}

bool StrategyParams::has(const std::string& name) const {
  used_[name] = true;
  return values_.count(name) != 0 || unreadable_.count(name) != 0;
}

const ParamValue& StrategyParams::require(const std::string& name) const {
  used_[name] = true;
  if (const auto bad = unreadable_.find(name); bad != unreadable_.end()) throw InputError(bad->second);
  const auto it = values_.find(name);
  if (it == values_.end()) fail(name, fmt::format("required by strategy kind '{}' but missing", kind_));
  return it->second;
}

std::int64_t StrategyParams::get_int(const std::string& name) const {
  const ParamValue& v = require(name);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  fail(name, "expected an integer");
}

std::int64_t StrategyParams::get_int(const std::string& name, std::int64_t fallback) const {
  return has(name) ? get_int(name) : fallback;
}

double StrategyParams::get_double(const std::string& name) const {
  const ParamValue& v = require(name);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  fail(name, "expected a number");
}

double StrategyParams::get_double(const std::string& name, double fallback) const {
  return has(name) ? get_double(name) : fallback;
}

std::string StrategyParams::get_string(const std::string& name) const {
  const ParamValue& v = require(name);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  fail(name, "expected a string");
}

std::vector<std::string> StrategyParams::get_string_list(const std::string& name) const {
  const ParamValue& v = require(name);
  if (const auto* s = std::get_if<std::vector<std::string>>(&v)) return *s;
  fail(name, "expected an array of strings");
}

WeightList StrategyParams::get_weights(const std::string& name) const {
  const ParamValue& v = require(name);
  if (const auto* w = std::get_if<WeightList>(&v)) return *w;
  fail(name, "expected a table of ticker = weight");
}

void StrategyParams::check_all_used() const {
  // Keys in name order, whether their values were readable or not.
  std::set<std::string_view> names;
  for (const auto& [name, value] : values_) names.insert(name);
  for (const auto& [name, message] : unreadable_) names.insert(name);
  for (const std::string_view name : names) {
    if (!used_.count(std::string(name)))
      fail(std::string(name), fmt::format("unknown key for strategy kind '{}'", kind_));
  }
}

std::string config_name(const fs::path& file) {
  std::string name = file.filename().string();
  constexpr std::string_view kSuffix = ".toml";
  if (name.ends_with(kSuffix)) {
    const std::string_view base = std::string_view(name).substr(0, name.size() - kSuffix.size());
    if (!base.empty() && base != "." && base != "..") name.resize(base.size());
  }
  return name;
}

Config load_config(const fs::path& path, const std::vector<std::string>& overrides) {
  toml::table root = config::parse_file(path);
  for (const std::string& assignment : overrides) config::apply_assignment(root, assignment);
  return config::from_table(root, path);
}

namespace config {
namespace {

// Where the values of a config table came from, for messages.
struct Origin {
  const fs::path& path;  // the config file
  bool parsed = true;    // the root table was parsed from `path`, not copied (a sweep variant)
};

// location() of a node of a parsed root; in a copied root (a sweep variant) every node lacks
// a source line, so just "file".
std::string where(const Origin& origin, const toml::node& node) {
  if (node.source().path == nullptr && !origin.parsed) return origin.path.string();
  return location(origin.path, node);
}

const char* type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date/time";
  }
}

// Reads keys of one table with type checks; remembers which of its entries were read so unknown
// keys can be reported.
class TableReader {
 public:
  // `prefix` is the table's dotted path, e.g. "benchmark.fees" (it must outlive the reader).
  TableReader(const toml::table* table, std::string_view prefix, const Origin& origin)
      : table_(table), prefix_(prefix), origin_(origin) {}

  const toml::node* node(std::string_view key) {
    const toml::node* n = table_ ? table_->get(key) : nullptr;
    if (!n) return nullptr;
    if (read_count_ < read_.size()) read_[read_count_++] = n;
    else read_more_.push_back(n);
    return n;
  }
  std::string key_path(std::string_view key) const {
    return prefix_.empty() ? std::string(key) : fmt::format("{}.{}", prefix_, key);
  }
  [[noreturn]] void fail(const toml::node& at, std::string_view key, const std::string& message) const {
    throw InputError(fmt::format("{}: {}: {}", where(origin_, at), key_path(key), message));
  }
  [[noreturn]] void fail_missing(std::string_view key) const {
    throw InputError(fmt::format("{}: {}: required key is missing", origin_.path.string(), key_path(key)));
  }

  std::optional<double> number(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (auto d = n->value_exact<double>()) {
      if (!std::isfinite(*d)) fail(*n, key, "must be a finite number");
      return *d;
    }
    if (auto i = n->value_exact<std::int64_t>()) return static_cast<double>(*i);
    fail(*n, key, fmt::format("expected a number, got {}", type_name(*n)));
  }
  std::optional<bool> boolean(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (auto b = n->value_exact<bool>()) return *b;
    fail(*n, key, fmt::format("expected true or false, got {}", type_name(*n)));
  }
  // A view of the table's own string.
  std::optional<std::string_view> string(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (const auto* s = n->as_string()) return std::string_view(s->get());
    fail(*n, key, fmt::format("expected a string, got {}", type_name(*n)));
  }
  std::optional<Day> date(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (auto d = n->value_exact<toml::date>()) {
      const int year = d->year, month = d->month, day = d->day;
      if (year >= 0 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month))
        return day_from_civil(year, month, day);
    }
    if (const auto* s = n->as_string()) {
      if (auto day = parse_iso_date(s->get())) return *day;
      fail(*n, key, fmt::format("'{}' is not a date (expected \"YYYY-MM-DD\")", s->get()));
    }
    fail(*n, key, fmt::format("expected a date \"YYYY-MM-DD\", got {}", type_name(*n)));
  }
  const toml::table* subtable(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) return nullptr;
    if (const auto* t = n->as_table()) return t;
    fail(*n, key, fmt::format("expected a table, got {}", type_name(*n)));
  }
  void check_unknown() const {
    if (!table_) return;
    for (const auto& [k, v] : *table_) {
      const auto read_end = read_.begin() + static_cast<std::ptrdiff_t>(read_count_);
      if (std::find(read_.begin(), read_end, &v) == read_end &&
          std::find(read_more_.begin(), read_more_.end(), &v) == read_more_.end())
        fail(v, k.str(), "unknown key");
    }
  }
  const toml::table* table() const { return table_; }

 private:
  const toml::table* table_;
  std::string_view prefix_;
  const Origin& origin_;
  // The entries of the table asked for: the first 16 (more than a config table has) in read_,
  // without allocating; any others in read_more_.
  std::array<const toml::node*, 16> read_;
  std::size_t read_count_ = 0;
  std::vector<const toml::node*> read_more_;
};

// The keys of [benchmark] that are not strategy parameters: the [backtest] keys it overrides, and
// its fees table.
const std::set<std::string, std::less<>>& benchmark_session_keys() {
  static const std::set<std::string, std::less<>> keys = {
      "start", "end", "burn_in", "initial_cash", "rebalance", "weekday", "long_only", "cash_buffer",
      "gross_leverage", "mode", "fees"};
  return keys;
}

// Applies the [backtest]-style keys of `reader` on top of `session`.
void read_session_keys(TableReader& reader, SessionConfig& session) {
  if (auto v = reader.date("start")) session.start = *v;
  if (auto v = reader.date("end")) session.end = *v;
  if (const toml::node* n = reader.node("burn_in")) {
    // burn_in = false disables an inherited burn-in (useful for a benchmark).
    if (auto b = n->value_exact<bool>(); b && !*b) session.burn_in.reset();
    else session.burn_in = reader.date("burn_in");
  }
  if (auto v = reader.number("initial_cash")) {
    if (*v <= 0.0) reader.fail(*reader.node("initial_cash"), "initial_cash", "must be positive");
    // Beyond 1e15 a double no longer holds cents, and sums of equity overflow sooner.
    if (*v > 1e15) reader.fail(*reader.node("initial_cash"), "initial_cash", "must be at most 1e15");
    session.initial_cash = *v;
  }
  if (auto v = reader.string("rebalance")) {
    if (*v == "buy_and_hold") session.rebalance = RebalanceFrequency::buy_and_hold;
    else if (*v == "daily") session.rebalance = RebalanceFrequency::daily;
    else if (*v == "weekly") session.rebalance = RebalanceFrequency::weekly;
    else if (*v == "end_of_month") session.rebalance = RebalanceFrequency::end_of_month;
    else reader.fail(*reader.node("rebalance"), "rebalance",
                     fmt::format("'{}' is not one of buy_and_hold, daily, weekly, end_of_month", *v));
  }
  if (auto v = reader.string("weekday")) {
    static const char* kNames[] = {"MON", "TUE", "WED", "THU", "FRI"};
    std::string upper(*v);
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    const auto it = std::find(std::begin(kNames), std::end(kNames), upper);
    if (it == std::end(kNames)) reader.fail(*reader.node("weekday"), "weekday", fmt::format("'{}' is not one of MON, TUE, WED, THU, FRI", *v));
    session.weekday = static_cast<int>(it - std::begin(kNames));
  }
  if (auto v = reader.boolean("long_only")) session.long_only = *v;
  if (auto v = reader.number("cash_buffer")) {
    if (*v < 0.0 || *v > 1.0) reader.fail(*reader.node("cash_buffer"), "cash_buffer", "must be within [0, 1]");
    session.cash_buffer = *v;
  }
  if (auto v = reader.number("gross_leverage")) {
    if (*v <= 0.0) reader.fail(*reader.node("gross_leverage"), "gross_leverage", "must be positive");
    if (*v > 100.0) reader.fail(*reader.node("gross_leverage"), "gross_leverage", "must be at most 100");
    session.gross_leverage = *v;
  }
  if (auto v = reader.string("mode")) {
    if (*v == "qstrader") session.mode = Mode::qstrader;
    else if (*v == "strict") session.mode = Mode::strict;
    else reader.fail(*reader.node("mode"), "mode", fmt::format("'{}' is not one of strict, qstrader", *v));
  }
}

void read_fees(TableReader& reader, FeeConfig& fees) {
  if (auto v = reader.string("model")) {
    if (*v == "zero") fees = FeeConfig{};
    else if (*v == "percent") fees.model = FeeModelKind::percent;
    else reader.fail(*reader.node("model"), "model", fmt::format("'{}' is not one of zero, percent", *v));
  }
  for (const char* key : {"commission", "tax"}) {
    if (auto v = reader.number(key)) {
      if (*v < 0.0 || *v > 1.0) reader.fail(*reader.node(key), key, "must be a fraction within [0, 1]");
      (std::string_view(key) == "commission" ? fees.commission : fees.tax) = *v;
      if (fees.model == FeeModelKind::zero && *v != 0.0)
        reader.fail(*reader.node(key), key,
                    fmt::format("is set but {} is \"zero\" (use model = \"percent\")", reader.key_path("model")));
    }
  }
  // Fees of the whole traded value or more would turn every long-only target negative.
  if (fees.commission + fees.tax >= 1.0) {
    // Named at the larger of the two that this table sets.
    const bool tax_here = reader.node("tax") != nullptr, commission_here = reader.node("commission") != nullptr;
    const char* key = tax_here && (!commission_here || fees.tax > fees.commission) ? "tax" : "commission";
    reader.fail(*reader.node(key), key,
                fmt::format("commission + tax = {} is 100% of the traded value or more; each is a fraction "
                            "(0.001 = 0.1%)", fees.commission + fees.tax));
  }
  reader.check_unknown();
}

// The value of `prefix`.`key`.
ParamValue to_param(const toml::node& node, std::string_view prefix, std::string_view key, const Origin& origin) {
  auto bad = [&](const std::string& message) -> InputError {
    return InputError(fmt::format("{}: {}.{}: {}", where(origin, node), prefix, key, message));
  };
  if (auto b = node.value_exact<bool>()) return *b;
  if (auto i = node.value_exact<std::int64_t>()) return *i;
  if (auto d = node.value_exact<double>()) return *d;
  if (auto s = node.value_exact<std::string>()) return std::move(*s);
  if (const auto* arr = node.as_array()) {
    std::vector<std::string> items;
    items.reserve(arr->size());
    for (const auto& item : *arr) {
      const auto* s = item.as_string();
      if (!s)
        throw bad(fmt::format("an array holding {}: arrays hold ticker strings (assets = [\"SPY\", \"AGG\"]); "
                              "weights are a table (weights = {{ SPY = 0.6, AGG = 0.4 }})",
                              type_name(item)));
      items.push_back(s->get());
    }
    return items;
  }
  if (const auto* tbl = node.as_table()) {
    WeightList weights;
    for (const auto& [k, v] : *tbl) {
      // Located at the entry itself: it may come from --set while the table is in the file.
      auto bad_entry = [&](const char* message) {
        return InputError(fmt::format("{}: {}.{}: {}: {}", where(origin, v), prefix, key, k.str(), message));
      };
      double w = 0.0;
      if (auto d = v.value_exact<double>()) w = *d;
      else if (auto i = v.value_exact<std::int64_t>()) w = static_cast<double>(*i);
      else throw bad_entry("expected a number (a table parameter maps tickers to numbers, as weights = { SPY = 0.6 })");
      if (!std::isfinite(w)) throw bad_entry("must be finite");
      weights.emplace_back(std::string(k.str()), w);
    }
    // toml++ keeps tables sorted by key; weights are order-independent by design.
    return weights;
  }
  throw bad(fmt::format("unsupported value type ({})", type_name(node)));
}

StrategyParams read_strategy(const toml::table& table, const std::string& prefix, const Origin& origin,
                             const std::set<std::string, std::less<>>& skip) {
  std::map<std::string, ParamValue> values;
  std::map<std::string, std::string> locations;
  std::map<std::string, std::string> unreadable;  // reported when the strategy reads the key
  std::string kind;
  for (const auto& [k, v] : table) {
    const std::string_view key = k.str();
    if (skip.count(key)) continue;
    // Messages fall back to the file name: only a more precise location is recorded.
    if (v.source().path != nullptr || origin.parsed) locations.emplace(key, where(origin, v));
    if (const toml::table* entries = v.as_table()) {  // each entry's own location ("weights.SPY")
      for (const auto& [entry, value] : *entries)
        if (value.source().path != nullptr || origin.parsed)
          locations.emplace(fmt::format("{}.{}", key, entry.str()), where(origin, value));
    }
    if (key == "kind") {
      auto s = v.value_exact<std::string>();
      if (!s) throw InputError(fmt::format("{}: {}.kind: expected a string", where(origin, v), prefix));
      kind = std::move(*s);
      continue;
    }
    // A value of the wrong shape is an error only for a key the strategy reads: for any other
    // (a misplaced [benchmark.data] table, say) "unknown key" says more.
    try {
      values.emplace(key, to_param(v, prefix, key, origin));
    } catch (const InputError& e) {
      unreadable.emplace(key, e.what());
    }
  }
  if (kind.empty()) {
    if (values.count("weights") || unreadable.count("weights")) kind = "fixed_weights";
    else throw InputError(fmt::format("{}: {}.kind: required key is missing", origin.path.string(), prefix));
  }
  return StrategyParams(std::move(kind), prefix, origin.path.string(), std::move(values), std::move(locations),
                        std::move(unreadable));
}

void validate_session(const SessionConfig& s, const fs::path& path, const std::string& table) {
  auto fail = [&](const std::string& key, const std::string& message) {
    throw InputError(fmt::format("{}: {}.{}: {}", path.string(), table, key, message));
  };
  if (s.end < s.start) fail("end", fmt::format("{} is before start {}", format_date(s.end), format_date(s.start)));
  if (s.burn_in && (*s.burn_in < s.start || *s.burn_in > s.end))
    fail("burn_in", fmt::format("{} is outside [start, end]", format_date(*s.burn_in)));
  // Every simulated day is a weekday: without one from burn_in to end, nothing is recorded.
  // (Whether the data trades on those weekdays is known when the session is prepared.)
  if (s.burn_in) {
    bool weekday = false;
    for (Day d = *s.burn_in; d <= s.end && d < *s.burn_in + 7 && !weekday; ++d) weekday = is_weekday(d);
    if (!weekday)
      fail("burn_in", fmt::format("no weekday between burn_in {} and end {}: the session would record nothing",
                                  format_date(*s.burn_in), format_date(s.end)));
  }
  if (s.rebalance == RebalanceFrequency::weekly && s.weekday < 0)
    fail("weekday", "required when rebalance = \"weekly\" (MON..FRI)");
  if (s.rebalance != RebalanceFrequency::weekly && s.weekday >= 0)
    fail("weekday", fmt::format("only applies to rebalance = \"weekly\", not \"{}\"", to_string(s.rebalance)));
}

// The 1-based line of `text` where a key nested more than kMaxKeyDepth levels by dots starts, if
// any. Counts the dots between key parts (bare or quoted) outside comments and string values: a
// chain of parts ends at any other character, so numbers ("1.5") count one dot at most.
std::optional<std::size_t> too_deep_key_line(std::string_view text) {
  std::size_t line = 1, chain_line = 1, dots = 0;
  auto is_bare = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"' || c == '\'') {  // a string: skipped whole, escapes and multi-line forms included
      const bool multi = text.substr(i, 3) == std::string_view(c == '"' ? "\"\"\"" : "'''");
      const std::string_view close = multi ? text.substr(i, 3) : text.substr(i, 1);
      std::size_t j = i + close.size();
      while (j < text.size() && text.substr(j, close.size()) != close && (multi || text[j] != '\n')) {
        if (text[j] == '\n') ++line;
        // An escaped character is skipped with its backslash, unless it is a line end.
        j += (c == '"' && text[j] == '\\' && j + 1 < text.size() && text[j + 1] != '\n') ? 2 : 1;
      }
      // An unclosed one-line string ends before its line end, which the loop then counts.
      const bool closed = j < text.size() && text[j] != '\n';
      i = closed ? std::min(j + close.size(), text.size()) - 1 : j - 1;
    } else if (c == '.') {
      if (dots++ == 0) chain_line = line;
      if (dots >= kMaxKeyDepth) return chain_line;
    } else if (c == '#') {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (!is_bare(c) && c != ' ' && c != '\t') {
      dots = 0;
      if (c == '\n') ++line;
    }
  }
  return std::nullopt;
}

// toml++ 3.3 garbles the name of a quoted key defined twice ('"SPSPY"' for "SPY"): the name is
// read back from the text instead, as written before the '=' of the value the error points at.
std::string repaired_description(const toml::parse_error& e, std::string_view text) {
  std::string description(e.description());
  const std::size_t redefine = description.find("cannot redefine existing ");
  const std::size_t quote = redefine == std::string::npos ? std::string::npos : description.find('\'', redefine);
  if (quote == std::string::npos) return description;
  // The error's line, and its column (counted in characters) as a byte offset into it.
  std::size_t start = 0;
  for (std::size_t line = 1; line < e.source().begin.line; ++line) {
    start = text.find('\n', start);
    if (start == std::string_view::npos) return description;
    ++start;
  }
  const std::string_view line = text.substr(start, text.find('\n', start) - start);
  std::size_t offset = 0;
  for (std::size_t chars = 1; chars < e.source().begin.column && offset < line.size(); ++chars) {
    ++offset;
    while (offset < line.size() && (static_cast<unsigned char>(line[offset]) & 0xC0) == 0x80) ++offset;
  }
  // The last key before the offset: after the last '{' or ',' (or the line's start), up to its
  // '=', both outside strings.
  std::size_t key_start = 0, equals = std::string_view::npos;
  for (std::size_t i = 0; i < offset; ++i) {
    const char c = line[i];
    if (c == '"' || c == '\'') {
      std::size_t j = i + 1;
      while (j < offset && line[j] != c) j += (c == '"' && line[j] == '\\') ? 2 : 1;
      i = j;
    } else if (c == '{' || c == ',') {
      key_start = i + 1;
      equals = std::string_view::npos;
    } else if (c == '=') {
      equals = i;
    }
  }
  if (equals == std::string_view::npos) return description;
  std::string_view key = line.substr(key_start, equals - key_start);
  while (!key.empty() && (key.front() == ' ' || key.front() == '\t')) key.remove_prefix(1);
  while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
  if (key.empty()) return description;
  // One quoted part without escapes: its text, as toml++ names a bare key.
  const char q = key.front();
  if (key.size() >= 2 && (q == '"' || q == '\'') && key.find(q, 1) == key.size() - 1 &&
      key.find('\\') == std::string_view::npos)
    key = key.substr(1, key.size() - 2);
  return fmt::format("{}'{}'", description.substr(0, quote), key);
}

}  // namespace

toml::table parse_file(const fs::path& path) {
  if (!fs::exists(path)) throw IoError(fmt::format("{}: config file not found", path.string()));
  if (!fs::is_regular_file(path)) throw IoError(fmt::format("{}: not a regular file", path.string()));
  const std::string text = read_file(path);  // IoError when unreadable
  if (const auto line = too_deep_key_line(text))
    throw InputError(fmt::format("{}:{}: a key nested more than {} levels deep", path.string(), *line, kMaxKeyDepth));
  try {
    return toml::parse(text, path.string());
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}:{}:{}: {}", path.string(), e.source().begin.line, e.source().begin.column,
                                 repaired_description(e, text)));
  }
}

std::vector<std::string_view> key_parts(std::string_view key) {
  std::vector<std::string_view> parts;
  for (std::size_t pos = 0;;) {
    // A part in double quotes may hold dots, as in TOML (sweep."strategy.top_n").
    std::string_view part;
    std::size_t end = 0;
    if (pos < key.size() && key[pos] == '"') {
      const std::size_t close = key.find('"', pos + 1);
      if (close == std::string_view::npos) throw UsageError(fmt::format("'{}': unclosed quote", key));
      part = key.substr(pos + 1, close - pos - 1);
      end = close + 1;
      if (end < key.size() && key[end] != '.')
        throw UsageError(fmt::format("'{}': expected '.' after a quoted key component", key));
    } else {
      end = std::min(key.find('.', pos), key.size());
      part = key.substr(pos, end - pos);
    }
    if (part.empty()) throw UsageError(fmt::format("'{}': empty key component", key));
    if (parts.size() == kMaxKeyDepth)
      throw UsageError(fmt::format("a key of more than {} parts ('{}...')", kMaxKeyDepth, key.substr(0, 40)));
    parts.push_back(part);
    if (end >= key.size()) return parts;
    pos = end + 1;
  }
}

void set_value(toml::table& root, std::string_view key, const toml::node& value) {
  // The whole key is checked before the table changes.
  set_value(root, key, key_parts(key), value);
}

void set_value(toml::table& root, std::string_view key, std::span<const std::string_view> parts,
               const toml::node& value) {
  toml::table* table = &root;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    toml::node* child = table->get(parts[i]);
    if (!child) {
      table->insert_or_assign(parts[i], toml::table{});
      child = table->get(parts[i]);
    }
    table = child->as_table();
    if (!table) throw UsageError(fmt::format("'{}': '{}' is not a table", key, parts[i]));
  }
  value.visit([&, leaf = parts.back()](const auto& v) { table->insert_or_assign(leaf, v); });
}

namespace {

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view assignment_key(std::string_view assignment) {
  return trim_blanks(assignment.substr(0, assignment.find('=')));
}

void apply_assignment(toml::table& root, std::string_view assignment) {
  if (assignment.find_first_of("\r\n") != std::string_view::npos)
    throw UsageError(fmt::format("--set '{}': spans lines; give one key=value per --set", assignment));
  const std::size_t eq = assignment.find('=');
  const std::string_view key = assignment_key(assignment);
  if (eq == std::string_view::npos || key.empty())
    throw UsageError(fmt::format("--set '{}': expected key=value", assignment));
  const std::string_view text = trim_blanks(assignment.substr(eq + 1));
  // (The key itself is checked by set_value.)
  if (too_deep_key_line(text))
    throw UsageError(fmt::format("--set '{}...': a key nested more than {} levels deep in the value",
                                 assignment.substr(0, 60), kMaxKeyDepth));
  toml::table parsed;
  try {
    parsed = toml::parse(fmt::format("v = {}", text));
  } catch (const toml::parse_error&) {
    parsed = toml::table{{"v", std::string(text)}};
  }
  set_value(root, key, *parsed.get("v"));
}

std::string location(const fs::path& file, const toml::node& node) {
  const auto& source = node.source();
  if (source.path != nullptr) return fmt::format("{}:{}", file.string(), source.begin.line);
  return fmt::format("{} (--set)", file.string());
}

ConfigFile::ConfigFile(fs::path file)
    : path(std::move(file)), name(config_name(path)),
      dir(path.has_parent_path() ? path.parent_path() : fs::path(".")) {}

Config from_table(const toml::table& root, const fs::path& path) {
  return from_table(root, ConfigFile(path));
}

Config from_table(const toml::table& root, const ConfigFile& file) {
  const fs::path& path = file.path;
  const fs::path& base = file.dir;
  Config config;
  config.path = path;
  config.name = file.name;
  const Origin origin{path, root.source().path != nullptr};

  TableReader top(&root, "", origin);
  // [data]
  {
    TableReader data(top.subtable("data"), "data", origin);
    const auto dir = data.string("dir");
    config.data_dir = dir ? base / *dir : base / "data";
    if (auto adjust = data.boolean("adjust")) config.adjust_prices = *adjust;
    data.check_unknown();
  }
  // plugins = ["lib.so", ...], relative to the config file
  if (const toml::node* n = top.node("plugins")) {
    const auto* arr = n->as_array();
    if (!arr) top.fail(*n, "plugins", "expected an array of library paths");
    for (const auto& item : *arr) {
      auto s = item.value_exact<std::string>();
      if (!s) top.fail(item, "plugins", "expected an array of library paths");
      config.plugins.push_back(fs::path(*s).is_absolute() ? fs::path(*s) : base / *s);
    }
  }
  // [universe] ticker = "YYYY-MM-DD"
  std::vector<std::pair<std::string, Day>> universe;
  {
    TableReader reader(top.subtable("universe"), "universe", origin);
    if (reader.table()) {
      for (const auto& [k, v] : *reader.table()) universe.emplace_back(std::string(k.str()), *reader.date(k.str()));
    }
  }
  // [backtest] and [fees]
  SessionConfig session;
  session.label = "strategy";
  {
    TableReader bt(top.subtable("backtest"), "backtest", origin);
    if (!bt.table()) throw InputError(fmt::format("{}: [backtest]: required table is missing", path.string()));
    if (!bt.node("start")) bt.fail_missing("start");
    if (!bt.node("end")) bt.fail_missing("end");
    read_session_keys(bt, session);
    bt.check_unknown();
    TableReader fees(top.subtable("fees"), "fees", origin);
    read_fees(fees, session.fees);
  }
  session.universe_entries = universe;
  // [strategy]
  const toml::table* strategy_table = top.subtable("strategy");
  if (!strategy_table) throw InputError(fmt::format("{}: [strategy]: required table is missing", path.string()));
  config.strategy = session;
  config.strategy.strategy = read_strategy(*strategy_table, "strategy", origin, {});
  validate_session(config.strategy, path, "backtest");

  // [benchmark]: strategy keys plus overrides of [backtest] keys and a [benchmark.fees] table.
  if (const toml::table* bench = top.subtable("benchmark")) {
    SessionConfig b = session;
    b.label = "benchmark";
    TableReader reader(bench, "benchmark", origin);
    read_session_keys(reader, b);
    // The weekday inherited from [backtest] only applies while the schedule stays weekly.
    if (!bench->contains("weekday") && b.rebalance != RebalanceFrequency::weekly) b.weekday = -1;
    if (const toml::table* fees_table = reader.subtable("fees")) {
      TableReader fees(fees_table, "benchmark.fees", origin);
      b.fees = FeeConfig{};
      read_fees(fees, b.fees);
    }
    b.strategy = read_strategy(*bench, "benchmark", origin, benchmark_session_keys());
    validate_session(b, path, "benchmark");
    config.benchmark = std::move(b);
  }
  // [sweep] belongs to `qsweep sweep`; a backtest ignores it.
  top.node("sweep");
  top.check_unknown();
  return config;
}

}  // namespace config
}  // namespace qsweep
