// Calendar dates as day numbers. Thread-safe, no allocation except formatting.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qsweep {

// Days since 1970-01-01 (proleptic Gregorian). Day 0 was a Thursday.
using Day = std::int32_t;

struct CivilDate {
  int year;
  int month;  // 1..12
  int day;    // 1..31
};

Day day_from_civil(int year, int month, int day) noexcept;
CivilDate civil_from_day(Day day) noexcept;

// 0 = Monday .. 6 = Sunday.
int weekday_of(Day day) noexcept;
inline bool is_weekday(Day day) noexcept { return weekday_of(day) < 5; }

// Parses exactly "YYYY-MM-DD" (a real calendar date); nullopt otherwise.
std::optional<Day> parse_iso_date(std::string_view text) noexcept;
// Formats as "YYYY-MM-DD".
std::string format_date(Day day);

// Last day of the given month.
int days_in_month(int year, int month) noexcept;

}  // namespace qsweep
