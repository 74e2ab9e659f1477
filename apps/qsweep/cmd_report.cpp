#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "qsweep/report.hpp"

namespace fs = std::filesystem;

namespace qsweep::cli {

Command add_report(CLI::App& app) {
  struct Options {
    std::string run_dir;
    bool quiet = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("report", "Re-render report.html of a backtest or sweep output folder from its files");
  cmd->add_option("run_dir", opts->run_dir, "Output folder of qsweep backtest or qsweep sweep")
      ->required()
      ->check(kNonEmpty);
  cmd->add_flag("--quiet,-q", opts->quiet, "Print nothing on success");
  return [opts] {
    // A sweep folder has a manifest.json; a backtest folder has none.
    if (fs::exists(fs::path(opts->run_dir) / "manifest.json")) write_sweep_report(opts->run_dir);
    else write_backtest_report(opts->run_dir);
    if (!opts->quiet) fmt::print("report: {}\n", (fs::path(opts->run_dir) / "report.html").string());
    return 0;
  };
}

}  // namespace qsweep::cli
