// Internal pieces of the sweep shared between its source files and tests.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "qsweep/sweep.hpp"

namespace qsweep::sweep {

// Canonical TOML text of a value (floats always keep a decimal point).
std::string toml_text(const toml::node& node);
// A parameter's value, given as TOML text, as results.csv shows it: a string as its text ("é",
// not "\u00E9"; control characters as \uXXXX, so that a row stays one line), anything else as
// its TOML text.
std::string param_text(const std::string& toml_text);
// Parses "v = <text>" (throws toml::parse_error).
toml::table parse_value_text(const std::string& text);
// Reads the [sweep] table of a parsed config. Throws InputError naming the key.
SweepSpec spec_from_table(const toml::table& root, const std::filesystem::path& path);
// format_overfitting() of a sweep_summary.json already parsed; `path` names it in errors.
std::string format_overfitting(const nlohmann::json& summary, const std::filesystem::path& path,
                               std::vector<std::string>& warnings);

}  // namespace qsweep::sweep
