// Internal: the TOML layer under load_config, shared with the sweep (which applies grid values
// to the base table and builds one Config per variant).
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "qsweep/config.hpp"

namespace qsweep::config {

// The deepest a key may be nested by dots ("a.b.c" is 3 deep). toml++ nests its parser calls
// once per level, so a key of tens of thousands of parts would overflow the stack; no config
// comes near this bound.
inline constexpr std::size_t kMaxKeyDepth = 64;

// Parses a TOML file. Throws InputError with file:line:column (a key nested more than
// kMaxKeyDepth levels by dots is one), or IoError.
toml::table parse_file(const std::filesystem::path& path);

// The parts of a dotted key as --set and [sweep] write it: "a.b" is {a, b}; a part in double
// quotes may hold dots ("sweep.\"strategy.top_n\""). Throws UsageError for an empty part, an
// unclosed quote, or more than kMaxKeyDepth parts.
std::vector<std::string_view> key_parts(std::string_view key);

// Sets the dotted `key` (e.g. "strategy.lookback") to `value`, creating tables as needed.
// Throws UsageError for a malformed key (key_parts) or if a path component exists and is not a
// table.
void set_value(toml::table& root, std::string_view key, const toml::node& value);
// set_value() of `key` already split into `parts` by key_parts().
void set_value(toml::table& root, std::string_view key, std::span<const std::string_view> parts,
               const toml::node& value);

// The key of a "--set key=value" assignment: the text before its first '=', blanks trimmed.
std::string_view assignment_key(std::string_view assignment);

// Applies one "--set key=value" assignment. The value is TOML ("63", "0.5", "\"x\"", "[1,2]",
// "{SPY=1.0}"); anything that does not parse as TOML is taken as a plain string
// (so --set backtest.rebalance=weekly works). Throws UsageError for a malformed assignment,
// one that spans lines among them.
void apply_assignment(toml::table& root, std::string_view assignment);

// Where `node`, of a table parsed from the config `file`, is set: "file:line", or
// "file (--set)" for a value set after parsing (--set; toml++ copies drop source lines too).
std::string location(const std::filesystem::path& file, const toml::node& node);

// Builds and validates the typed config from a parsed table. `path` is the config file (used
// for relative paths and messages). Messages give "file:line", or "file (--set)" for values
// set after parsing; a root that is a copy (toml++ copies drop line information, e.g. a sweep
// variant) gives just "file". Throws InputError.
Config from_table(const toml::table& root, const std::filesystem::path& path);

// A config file's path with what a config takes from it, worked out once for the many tables of
// a sweep.
struct ConfigFile {
  explicit ConfigFile(std::filesystem::path file);
  std::filesystem::path path;
  std::string name;           // config_name(path), Config::name
  std::filesystem::path dir;  // where the config's relative paths start
};
// from_table() of a table from `file`.
Config from_table(const toml::table& root, const ConfigFile& file);

}  // namespace qsweep::config
