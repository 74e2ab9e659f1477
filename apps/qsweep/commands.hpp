// The qsweep subcommands. Each add_* registers its options on the app and returns the function
// that runs it (after parsing) and returns the process exit code.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace qsweep::cli {

using Command = std::function<int()>;

// Refuses an empty value ("--out ''" would otherwise silently mean the default folder).
inline const CLI::Validator kNonEmpty(
    [](std::string& value) { return value.empty() ? std::string("must not be empty") : std::string(); }, "", "NonEmpty");

Command add_backtest(CLI::App& app);
Command add_data(CLI::App& app);
Command add_sweep(CLI::App& app);
Command add_show(CLI::App& app);
Command add_report(CLI::App& app);

}  // namespace qsweep::cli
