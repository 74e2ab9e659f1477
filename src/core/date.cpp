#include "qsweep/date.hpp"

#include <fmt/format.h>

namespace qsweep {

namespace {

// Howard Hinnant's days_from_civil / civil_from_days algorithms. The public functions call these
// internal copies so that parse_iso_date can inline them (calls to exported functions of a shared
// library cannot be inlined).
inline Day civil_to_day(int year, int month, int day) noexcept {
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int mp = (month + 9) % 12;
  const int doy = (153 * mp + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

inline int month_length(int year, int month) noexcept {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

Day day_from_civil(int year, int month, int day) noexcept { return civil_to_day(year, month, day); }

CivilDate civil_from_day(Day z) noexcept {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = yoe + era * 400;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2 ? 1 : 0), m, d};
}

int weekday_of(Day day) noexcept {
  // 1970-01-01 was a Thursday (index 3 with Monday = 0).
  const int w = (day + 3) % 7;
  return w < 0 ? w + 7 : w;
}

int days_in_month(int year, int month) noexcept { return month_length(year, month); }

std::optional<Day> parse_iso_date(std::string_view text) noexcept {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  // The number of the digits text[pos, pos + len); false when one is not a digit.
  auto field = [&](std::size_t pos, std::size_t len, int& out) {
    int value = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      const auto digit = static_cast<unsigned>(text[i] - '0');
      if (digit > 9) return false;
      value = value * 10 + static_cast<int>(digit);
    }
    out = value;
    return true;
  };
  int y = 0, m = 0, d = 0;
  if (!field(0, 4, y) || !field(5, 2, m) || !field(8, 2, d)) return std::nullopt;
  if (m < 1 || m > 12 || d < 1 || d > month_length(y, m)) return std::nullopt;
  return civil_to_day(y, m, d);
}

std::string format_date(Day day) {
  const CivilDate c = civil_from_day(day);
  if (c.year < 0 || c.year > 9999) return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
  // The common case by hand: called for every row of every CSV file written.
  std::string out = "0000-00-00";
  auto put = [&out](std::size_t end, int value) {
    for (std::size_t i = end; value > 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
  };
  put(3, c.year);
  put(6, c.month);
  put(9, c.day);
  return out;
}

}  // namespace qsweep
