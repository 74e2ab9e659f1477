// Shortest round-trip text of a double, as fmt's "{}" writes it (internal to libqsweep).
#pragma once

#include <cmath>
#include <cstdint>

#include <fmt/compile.h>
#include <fmt/format.h>

namespace qsweep::report {

// Appends `v` to `out` exactly as fmt::format("{}", v) would: whole numbers below 1e15 (share
// quantities, zero weights) as their integer digits without calling the float formatter, every
// other value through fmt. "-0" for -0.0, as fmt.
inline void append_shortest(fmt::memory_buffer& out, double v) {
  if (std::abs(v) < 1e15 && v == std::trunc(v)) {
    const auto whole = static_cast<std::int64_t>(v);
    if (whole == 0 && std::signbit(v)) out.push_back('-');
    const fmt::format_int digits(whole);
    out.append(digits.data(), digits.data() + digits.size());
    return;
  }
  fmt::format_to(fmt::appender(out), FMT_COMPILE("{}"), v);
}

}  // namespace qsweep::report
