#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <optional>
#include <system_error>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>

#include "qsweep/error.hpp"
#include "qsweep/file_io.hpp"
#include "qsweep/market_data.hpp"
#include "qsweep/sha256.hpp"
#include "core/parallel.hpp"

namespace fs = std::filesystem;

namespace qsweep {

std::string DataProblem::to_string() const {
  std::string where = path.string();
  if (line > 0) where += fmt::format(":{}", line);
  if (column.empty()) return fmt::format("{}: {}", where, message);
  return fmt::format("{}: column '{}': {}", where, column, message);
}

namespace {

// Receives problems; either throws on the first (strict loading) or records them all.
class ProblemSink {
 public:
  explicit ProblemSink(std::vector<DataProblem>* out) : out_(out) {}
  bool collecting() const noexcept { return out_ != nullptr; }
  void report(DataProblem problem) {
    if (out_ == nullptr) throw InputError(problem.to_string());
    out_->push_back(std::move(problem));
    ++count_;
  }
  std::size_t count() const noexcept { return count_; }

 private:
  std::vector<DataProblem>* out_;
  std::size_t count_ = 0;
};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view s) {
  // Most fields start and end with a printable character: one comparison each.
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ' && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ' && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// Splits one line on commas into `fields` (views into `line`).
void split_fields(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      fields.push_back(trim(line.substr(start)));
      return;
    }
    fields.push_back(trim(line.substr(start, comma - start)));
    start = comma + 1;
  }
}

// Exact powers of ten as doubles: 10^0 .. 10^22.
constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// A plain decimal "digits[.digits]" with at most 15 digits in all, starting at `p`: the integer
// of its digits and the power of ten it is divided by are exact doubles (< 2^53 and <= 10^22), so
// one correctly rounded division gives the correctly rounded value, as std::from_chars does
// (Clinger's fast path). Returns the end of the number's text (the caller checks what follows),
// or nullptr when [p, end) does not start with such a number.
// Always inlined: it is the inner loop of reading a data file.
[[gnu::always_inline]] inline const char* read_plain_decimal(const char* p, const char* const end,
                                                             double& out) noexcept {
  std::uint64_t digits = 0;
  // Appends the digits from p on to `digits` (wrapping past 19 digits, which the count check
  // below refuses); returns how many there were.
  auto read_digits = [&] {
    const char* const first = p;
    for (; p != end; ++p) {
      const unsigned digit = static_cast<unsigned char>(*p) - unsigned{'0'};
      if (digit > 9) break;
      digits = digits * 10 + digit;
    }
    return static_cast<std::size_t>(p - first);
  };
  const std::size_t count = read_digits();
  if (count == 0) return nullptr;
  std::size_t decimals = 0;
  if (p != end && *p == '.') {
    ++p;
    decimals = read_digits();
    if (decimals == 0) return nullptr;
  }
  if (count + decimals > 15) return nullptr;
  out = static_cast<double>(digits) / kPowersOfTen[decimals];
  return p;
}

// read_plain_decimal() of the whole of `text`.
bool parse_plain_decimal(std::string_view text, double& out) {
  const char* const end = text.data() + text.size();
  return !text.empty() && read_plain_decimal(text.data(), end, out) == end;
}

bool parse_double(std::string_view text, double& out) {
  if (text.empty()) return false;
  if (text.front() == '+') text.remove_prefix(1);
  if (parse_plain_decimal(text, out)) return true;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && ptr == text.data() + text.size();
}

// parse_iso_date for a file's dates in order: the rows of a month share "YYYY-MM-", so after a
// full parse of its first row the others need only their day. Same results, same failures.
class SequentialDates {
 public:
  std::optional<Day> parse(std::string_view text) noexcept {
    if (known_ && text.size() == 10 && std::memcmp(text.data(), prefix_, sizeof prefix_) == 0) {
      const auto tens = static_cast<unsigned>(text[8] - '0');
      const auto ones = static_cast<unsigned>(text[9] - '0');
      const auto day = static_cast<int>(tens * 10 + ones);
      if (tens > 9 || ones > 9 || day < 1 || day > month_length_) return std::nullopt;
      return month_start_ + day - 1;
    }
    const std::optional<Day> day = parse_iso_date(text);
    if (day) {  // a valid "YYYY-MM-DD": remember its month
      const CivilDate c = civil_from_day(*day);
      std::memcpy(prefix_, text.data(), sizeof prefix_);
      month_start_ = *day - (c.day - 1);
      month_length_ = static_cast<int>(
          (c.month == 12 ? day_from_civil(c.year + 1, 1, 1) : day_from_civil(c.year, c.month + 1, 1)) - month_start_);
      known_ = true;
    }
    return day;
  }

 private:
  bool known_ = false;
  char prefix_[8] = {};  // "YYYY-MM-" of the last full parse
  Day month_start_ = 0;  // the day number of that month's first day
  int month_length_ = 0;
};

// A field as error messages quote it: whole up to 40 bytes, else its start and its length.
// Control bytes (a NUL, a CR) are written as \xNN, never echoed to the terminal.
std::string excerpt(std::string_view field) {
  const bool cut = field.size() > 40;
  std::string out;
  for (const char c : cut ? field.substr(0, 32) : field) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) fmt::format_to(std::back_inserter(out), "\\x{:02x}", byte);
    else out.push_back(c);
  }
  if (cut) fmt::format_to(std::back_inserter(out), "... ({} bytes)", field.size());
  return out;
}

constexpr std::size_t kMissing = static_cast<std::size_t>(-1);

// The first ',' or '\n' in [p, end), or `end`. Looks at 16 bytes at a time with SSE2, else at
// 8: each byte of `x` equal to zero gets its high bit set in the mask (exact per byte, no borrow
// between bytes).
const char* next_separator(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
  // 16 bytes per step: a whole usual field.
  while (end - p >= 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8(',')), _mm_cmpeq_epi8(block, _mm_set1_epi8('\n')))));
    if (mask != 0) return p + std::countr_zero(mask);
    p += 16;
  }
#endif
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
    constexpr std::uint64_t kCommas = 0x2C2C2C2C2C2C2C2CULL;
    constexpr std::uint64_t kNewlines = 0x0A0A0A0A0A0A0A0AULL;
    auto zero_bytes = [](std::uint64_t x) { return ~(((x & kLow7) + kLow7) | x | kLow7); };
    for (; end - p >= 8; p += 8) {
      std::uint64_t word;
      std::memcpy(&word, p, sizeof word);
      const std::uint64_t mask = zero_bytes(word ^ kCommas) | zero_bytes(word ^ kNewlines);
      if (mask != 0) return p + std::countr_zero(mask) / 8;
    }
  }
  while (p < end && *p != ',' && *p != '\n') ++p;
  return p;
}

std::optional<AssetSeries> parse_csv(const fs::path& path, std::string ticker,
                                     const LoadOptions& options, ProblemSink& sink) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    sink.report({path, 0, "", "file not found"});
    return std::nullopt;
  }
  // A file that exists but cannot be read is an IoError (when throwing), not bad content.
  const bool regular = fs::is_regular_file(path, ec);
  FileBytes content;
  try {
    if (!regular) throw IoError(fmt::format("{}: cannot read: not a regular file", path.string()));
    content = read_file_bytes(path);
  } catch (const IoError&) {
    if (!sink.collecting()) throw;
    sink.report({path, 0, "", regular ? "cannot read the file" : "cannot read the file: not a regular file"});
    return std::nullopt;
  }
  const std::size_t problems_before = sink.count();
  std::string_view text = content.view();
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte-order mark
  // UTF-16 (as some spreadsheet exports write) would otherwise only show as missing columns.
  const std::string_view first_line = text.substr(0, text.find('\n'));
  const bool utf16_mark = text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF";
  if (utf16_mark || first_line.find('\0') != std::string_view::npos) {
    sink.report({path, 1, "", fmt::format("not UTF-8 text: {}; save the file as UTF-8 (or ASCII) CSV",
                                          utf16_mark ? "it starts with a UTF-16 byte-order mark"
                                                     : "its first line holds NUL bytes (UTF-16?)")});
    return std::nullopt;
  }

  // Header.
  std::size_t eol = text.find('\n');
  std::string_view header = text.substr(0, eol);
  if (eol == std::string_view::npos && trim(header).find('\r') != std::string_view::npos) {
    sink.report({path, 1, "", "lines end with a bare CR (classic Mac OS); convert the file to LF or CRLF line ends"});
    return std::nullopt;
  }
  if (trim(header).empty()) {
    const bool blank = text.find_first_not_of(" \t\r\n") == std::string_view::npos;
    sink.report({path, 1, "", blank ? "empty file: expected a header line starting with Date"
                                    : "line 1 is blank: expected a header line starting with Date"});
    return std::nullopt;
  }
  std::vector<std::string_view> fields;
  split_fields(header, fields);
  std::size_t col_date = kMissing, col_open = kMissing, col_close = kMissing, col_adj = kMissing;
  bool header_ok = true;
  // A second column with the same meaning would make the file ambiguous.
  auto assign = [&](std::size_t& col, std::size_t i, std::string_view name) {
    if (col != kMissing) {
      sink.report({path, 1, std::string(name), fmt::format("column appears twice (as '{}' and '{}')",
                                                           fields[col], fields[i])});
      header_ok = false;
    }
    col = i;
  };
  for (std::size_t i = 0; i < fields.size(); ++i) {
    std::string_view name = fields[i];
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    if (name == "Date") assign(col_date, i, name);
    else if (name == "Open") assign(col_open, i, name);
    else if (name == "Close") assign(col_close, i, name);
    else if (name == "Adj Close" || name == "Adjusted Close") assign(col_adj, i, "Adj Close");
  }
  const std::size_t n_columns = fields.size();
  auto require = [&](std::size_t col, const char* name) {
    if (col == kMissing) {
      sink.report({path, 1, name, fmt::format("required column is missing from the header ({})", excerpt(trim(header)))});
      header_ok = false;
    }
  };
  require(col_date, "Date");
  require(col_open, "Open");
  require(col_close, "Close");
  if (options.adjust) require(col_adj, "Adj Close");
  if (!header_ok) return std::nullopt;

  AssetSeries series;
  series.ticker = std::move(ticker);
  series.path = path;
  if (options.checksum) series.sha256 = sha256_hex(content.view());
  // Rows are at least as long as the header's comma count in practice; a guess, not a limit.
  const std::size_t expected_rows = text.size() / std::max<std::size_t>(header.size(), 16) + 1;
  series.dates.reserve(expected_rows);
  series.open.reserve(expected_rows);
  series.close.reserve(expected_rows);

  // Rows: one pass over each line that counts its fields and keeps only the columns used.
  enum Slot : std::uint8_t { kDate, kOpen, kClose, kAdj, kUnused };
  std::vector<Slot> slot_of(n_columns, kUnused);
  slot_of[col_date] = kDate;
  slot_of[col_open] = kOpen;
  slot_of[col_close] = kClose;
  if (options.adjust) slot_of[col_adj] = kAdj;
  std::string_view cells[kUnused];

  SequentialDates dates;
  // The date of the last row whose date was readable, whether or not the row was: each row's date
  // must come after it.
  std::optional<Day> previous_date;
  const char* const end = text.data() + text.size();
  // The row starting at `q` when it is in the usual form: the header's number of fields, the used
  // ones without blanks around them, the date as YYYY-MM-DD, the prices plain positive decimals
  // of at most 15 digits, dates rising. Appends it to `series` and returns the start of the next
  // line; returns nullptr, having changed nothing, for any other row, which the general path below
  // then reads (and names the problem of).
  auto read_usual_row = [&](const char* q) -> const char* {
    Day day = 0;
    double prices[kUnused] = {};
    for (std::size_t f = 0; f < n_columns; ++f) {
      const Slot slot = slot_of[f];
      if (slot == kUnused) {
        q = next_separator(q, end);
      } else if (slot == kDate) {
        if (end - q < 10) return nullptr;
        const std::optional<Day> parsed = dates.parse(std::string_view(q, 10));
        if (!parsed || (previous_date && *parsed <= *previous_date)) return nullptr;
        day = *parsed;
        q += 10;
      } else {  // a positive plain decimal
        q = read_plain_decimal(q, end, prices[slot]);
        if (q == nullptr || prices[slot] == 0.0) return nullptr;
      }
      if (f + 1 < n_columns) {
        if (q == end || *q != ',') return nullptr;
        ++q;
      } else {
        if (q != end && *q == '\r') ++q;
        if (q != end) {
          if (*q != '\n') return nullptr;
          ++q;
        }
      }
    }
    series.dates.push_back(day);
    previous_date = day;
    if (options.adjust) {
      series.open.push_back((prices[kAdj] / prices[kClose]) * prices[kOpen]);  // as below (finite: the prices are plain decimals)
      series.close.push_back(prices[kAdj]);
    } else {
      series.open.push_back(prices[kOpen]);
      series.close.push_back(prices[kClose]);
    }
    return q;
  };

  std::size_t line_no = 1;
  const char* p = text.data() + (eol == std::string_view::npos ? text.size() : eol + 1);
  while (p < end) {
    ++line_no;
    if (const char* next = read_usual_row(p)) {
      p = next;
      continue;
    }
    std::size_t n_fields = 0;
    const char* field_start = p;
    auto end_field = [&](const char* field_end) {
      if (n_fields < n_columns && slot_of[n_fields] != kUnused)
        cells[slot_of[n_fields]] = trim(std::string_view(field_start, static_cast<std::size_t>(field_end - field_start)));
      ++n_fields;
    };
    bool at_line_end = false;
#if defined(__SSE2__)
    // 16 bytes at a time while they lie inside the text: the commas before the line's '\n'.
    while (end - p >= 16) {
      const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      auto bytes_equal = [&](char c) {
        return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8(c))));
      };
      unsigned commas = bytes_equal(',');
      const unsigned newlines = bytes_equal('\n');
      if (newlines != 0) commas &= (newlines & (0u - newlines)) - 1;  // those before the first '\n'
      for (; commas != 0; commas &= commas - 1) {
        const char* comma = p + std::countr_zero(commas);
        end_field(comma);
        field_start = comma + 1;
      }
      if (newlines != 0) {
        p += std::countr_zero(newlines);
        at_line_end = true;
        break;
      }
      p += 16;
    }
#endif
    while (!at_line_end) {
      p = next_separator(p, end);
      if (p == end || *p == '\n') break;
      end_field(p);
      field_start = ++p;
    }
    const char* const line_end = p;
    if (p < end) ++p;  // the '\n'
    if (n_fields == 0 && trim(std::string_view(field_start, static_cast<std::size_t>(line_end - field_start))).empty())
      continue;  // a blank line
    end_field(line_end);
    if (n_fields != n_columns) {
      sink.report({path, line_no, "", fmt::format("expected {} fields, found {}", n_columns, n_fields)});
      continue;
    }
    // Every problem of the row is reported, its date's and each price's.
    bool row_ok = true;
    const std::string_view date_text = cells[kDate];
    const auto date = dates.parse(date_text);
    if (!date) {
      sink.report({path, line_no, "Date", fmt::format("'{}' is not a date (expected YYYY-MM-DD)", excerpt(date_text))});
      row_ok = false;
    } else if (previous_date && *date <= *previous_date) {
      sink.report({path, line_no, "Date",
                   fmt::format("{} {} the previous row's date {}", date_text,
                               *date == *previous_date ? "duplicates" : "is before", format_date(*previous_date))});
      row_ok = false;
    }
    if (date) previous_date = *date;
    auto price = [&](Slot slot, const char* name) {
      double v = 0.0;
      if (!parse_double(cells[slot], v)) {
        sink.report({path, line_no, name, fmt::format("'{}' is not a number", excerpt(cells[slot]))});
        row_ok = false;
      } else if (!std::isfinite(v) || v <= 0.0) {
        sink.report({path, line_no, name, fmt::format("price must be positive and finite, got {}", excerpt(cells[slot]))});
        row_ok = false;
      }
      return v;
    };
    const double open = price(kOpen, "Open");
    const double close = price(kClose, "Close");
    const double adj = options.adjust ? price(kAdj, "Adj Close") : 0.0;
    if (!row_ok) continue;
    const double adjusted_open = (adj / close) * open;  // QSTrader's order: divide, then multiply
    if (options.adjust && !(std::isfinite(adjusted_open) && adjusted_open > 0.0)) {
      sink.report({path, line_no, "Open",
                   fmt::format("adjusted open Adj Close / Close * Open = {} / {} * {} is {}, not a positive "
                               "finite price",
                               excerpt(cells[kAdj]), excerpt(cells[kClose]), excerpt(cells[kOpen]), adjusted_open)});
      continue;
    }
    series.dates.push_back(*date);
    if (options.adjust) {
      series.open.push_back(adjusted_open);
      series.close.push_back(adj);
    } else {
      series.open.push_back(open);
      series.close.push_back(close);
    }
  }
  if (series.dates.empty() && sink.count() == problems_before) {
    sink.report({path, 0, "", "no data rows after the header"});
  }
  if (sink.count() != problems_before) return std::nullopt;
  return series;
}

}  // namespace

AssetSeries load_asset_csv(const fs::path& path, std::string ticker, const LoadOptions& options) {
  ProblemSink sink(nullptr);
  return *parse_csv(path, std::move(ticker), options, sink);
}

std::optional<AssetSeries> load_asset_csv_collecting(const fs::path& path, std::string ticker,
                                                     const LoadOptions& options,
                                                     std::vector<DataProblem>& problems) {
  ProblemSink sink(&problems);
  return parse_csv(path, std::move(ticker), options, sink);
}

MarketData MarketData::load(const fs::path& dir, const std::vector<std::string>& tickers,
                            const LoadOptions& options) {
  std::vector<std::string> unique;
  for (const std::string& ticker : tickers)
    if (std::find(unique.begin(), unique.end(), ticker) == unique.end()) unique.push_back(ticker);
  // Each file is read by one task into its own slot; the first error in ticker order wins.
  std::vector<std::optional<AssetSeries>> series(unique.size());
  std::vector<std::function<void()>> tasks;
  for (std::size_t i = 0; i < unique.size(); ++i) {
    tasks.emplace_back([&, i] {
      const fs::path path = dir / (unique[i] + ".csv");
      if (!fs::exists(path)) throw InputError(fmt::format("{}: no data file for asset '{}'", path.string(), unique[i]));
      series[i] = load_asset_csv(path, unique[i], options);
    });
  }
  run_tasks(tasks, options.threads);

  MarketData data;
  for (std::optional<AssetSeries>& s : series) data.add(std::move(*s));
  return data;
}

std::optional<std::size_t> MarketData::find(std::string_view ticker) const noexcept {
  for (std::size_t i = 0; i < assets_.size(); ++i)
    if (assets_[i].ticker == ticker) return i;
  return std::nullopt;
}

std::vector<DataProblem> check_data_dir(const fs::path& dir, const LoadOptions& options) {
  std::vector<DataProblem> problems;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    problems.push_back({dir, 0, "", fs::exists(dir, ec) ? "not a directory" : "no such directory"});
    return problems;
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".csv") files.push_back(it->path());
  if (ec) {
    problems.push_back({dir, 0, "", fmt::format("cannot list the folder: {}", ec.message())});
    return problems;
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) problems.push_back({dir, 0, "", "no *.csv files"});
  for (const fs::path& file : files)
    load_asset_csv_collecting(file, file.stem().string(), options, problems);
  return problems;
}

}  // namespace qsweep
