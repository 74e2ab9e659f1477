// The qsweep subcommands. Each add_* registers its options on the app and returns the function
// that runs it (after parsing) and returns the process exit code.
#pragma once

#include <charconv>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>

#include <CLI/CLI.hpp>

namespace qsweep::cli {

using Command = std::function<int()>;

// Refuses an empty value ("--out ''" would otherwise silently mean the default folder).
inline const CLI::Validator kNonEmpty(
    [](std::string& value) { return value.empty() ? std::string("must not be empty") : std::string(); }, "", "NonEmpty");

// A whole number in [lo, hi], written in decimal. Unlike CLI::Range, says what is wrong with a
// value that is not one: "'abc' is not a whole number", "5000 is out of range (1 to 4096)". The
// value is handed on without leading zeros, which CLI11 would read as octal ("010" is 10).
inline CLI::Validator whole_number(std::uint64_t lo, std::uint64_t hi) {
  const std::string range = std::to_string(lo) + " to " + std::to_string(hi);
  return CLI::Validator(
      [lo, hi, range](std::string& value) {
        const bool negative = !value.empty() && value.front() == '-';
        const std::string_view digits = std::string_view(value).substr(negative ? 1 : 0);
        if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos)
          return "'" + value + "' is not a whole number";
        std::uint64_t n = 0;
        const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        if ((negative && n != 0) || error != std::errc{} || n < lo || n > hi)
          return value + " is out of range (" + range + ")";
        value = std::to_string(n);
        return std::string();
      },
      "", "WholeNumber");
}

Command add_backtest(CLI::App& app);
Command add_data(CLI::App& app);
Command add_sweep(CLI::App& app);
Command add_show(CLI::App& app);
Command add_report(CLI::App& app);

}  // namespace qsweep::cli
