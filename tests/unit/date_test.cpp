#include <gtest/gtest.h>

#include <fmt/format.h>

#include "qsweep/date.hpp"

namespace qsweep {
namespace {

TEST(Date, RoundTripsThroughCivil) {
  for (Day d = day_from_civil(1899, 12, 25); d < day_from_civil(2101, 1, 7); ++d) {
    const CivilDate c = civil_from_day(d);
    ASSERT_EQ(day_from_civil(c.year, c.month, c.day), d);
  }
}

TEST(Date, KnownDaysAndWeekdays) {
  EXPECT_EQ(day_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(weekday_of(0), 3);                               // Thursday
  EXPECT_EQ(weekday_of(day_from_civil(2020, 12, 31)), 3);    // Thursday
  EXPECT_EQ(weekday_of(day_from_civil(2005, 9, 30)), 4);     // Friday
  EXPECT_FALSE(is_weekday(day_from_civil(2018, 6, 17)));     // Sunday
  EXPECT_EQ(days_in_month(2020, 2), 29);
  EXPECT_EQ(days_in_month(1900, 2), 28);
  EXPECT_EQ(days_in_month(2000, 2), 29);
}

TEST(Date, ParsesAndFormatsIso) {
  EXPECT_EQ(parse_iso_date("2005-09-30"), day_from_civil(2005, 9, 30));
  EXPECT_EQ(format_date(day_from_civil(2005, 9, 30)), "2005-09-30");
  EXPECT_FALSE(parse_iso_date("2005-02-30"));
  EXPECT_FALSE(parse_iso_date("2005-13-01"));
  EXPECT_FALSE(parse_iso_date("2005-9-30"));
  EXPECT_FALSE(parse_iso_date("2005/09/30"));
  EXPECT_FALSE(parse_iso_date("2005-09-3x"));
  EXPECT_FALSE(parse_iso_date(""));
}

}  // namespace
TEST(Date, FormatsEveryDayAsFmtWould) {
  // The hand-written formatter against the general one, over years -1200 .. 12000.
  for (Day d = day_from_civil(-1200, 1, 1); d < day_from_civil(12000, 12, 31); d += 97) {
    const CivilDate c = civil_from_day(d);
    ASSERT_EQ(format_date(d), fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day)) << d;
  }
  EXPECT_EQ(format_date(day_from_civil(2000, 1, 1)), "2000-01-01");
  EXPECT_EQ(format_date(day_from_civil(1, 12, 31)), "0001-12-31");
  EXPECT_EQ(format_date(day_from_civil(9999, 12, 31)), "9999-12-31");
}

}  // namespace qsweep
