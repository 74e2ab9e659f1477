// Shortest round-trip text of doubles (internal to libqsweep): the fewest significant digits that
// read back as the same double, nearest to it (Dragonbox), laid out as fmt's "{}" and Python's
// repr() lay them out: fixed notation when the decimal exponent is in -4..15 ("0.0001",
// "123.5"), otherwise "1.5e-07" / "1e+16" (sign and at least two exponent digits).
// These run on every number of every output file, so they skip fmt's formatting machinery.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <fmt/format.h>

namespace qsweep::report {

// How a whole number in fixed notation ends: "3" (fmt) or "3.0" (Python, JSON writers).
enum class WholeNumbers { kBare, kPointZero };

// Room write_shortest needs: "-1.2345678901234567e-308" is 24 characters, and it copies digits
// in fixed-size pieces that may reach 40 bytes past `out` (the bytes past the text are left
// undefined).
constexpr std::size_t kShortestMaxChars = 40;

// Writes finite `v` to `out`, which has room for kShortestMaxChars; returns the end of the text.
// -0.0 prints as "-0" ("-0.0" with kPointZero), as fmt and Python print it.
char* write_shortest(char* out, double v, WholeNumbers whole);

// Writes the decimal digits of `v` to `out` (room for 20 characters: the bytes up to out + 8 may
// be overwritten past a shorter text); returns the end.
char* write_integer(char* out, std::uint64_t v);

// Appends `v` exactly as fmt::format("{}", v) would ("nan", "inf", "-inf" included).
void append_shortest(fmt::memory_buffer& out, double v);

// Writes `v` as append_json_number appends it to `out`, which has room for kShortestMaxChars;
// returns the end of the text.
char* write_json_number(char* out, double v);

// Appends `v` exactly as Python's repr(v) would for finite values, which is how QSTrader's
// json.dump writes numbers; "null" when `v` is not finite.
void append_json_number(std::string& out, double v);

}  // namespace qsweep::report
