#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "qsweep/error.hpp"
#include "qsweep/market_data.hpp"

namespace qsweep::cli {

Command add_data(CLI::App& app) {
  struct Options {
    std::string dir;
    bool raw = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* data = app.add_subcommand("data", "Inspect market data");
  data->require_subcommand(1);
  CLI::App* check = data->add_subcommand("check", "Report every problem in a folder of <TICKER>.csv files");
  check->add_option("dir", opts->dir, "Data folder")->required();
  check->add_flag("--raw", opts->raw, "Check for raw prices (Adj Close not required)");
  return [opts] {
    const auto problems = check_data_dir(opts->dir, LoadOptions{!opts->raw});
    for (const DataProblem& p : problems) fmt::print("{}\n", p.to_string());
    if (!problems.empty()) {
      fmt::print(stderr, "qsweep: error: {} problem{} found in {}\n", problems.size(), problems.size() == 1 ? "" : "s", opts->dir);
      return static_cast<int>(ExitCode::input);
    }
    fmt::print("{}: all files OK\n", opts->dir);
    return 0;
  };
}

}  // namespace qsweep::cli
