#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "qsweep/backtest.hpp"
#include "qsweep/error.hpp"
#include "qsweep/strategy.hpp"

namespace fs = std::filesystem;

namespace qsweep::cli {

Command add_backtest(CLI::App& app) {
  struct Options {
    std::string config;
    std::string out;
    std::vector<std::string> overrides;
    std::vector<std::string> plugins;
    bool json = false;
    bool quiet = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("backtest", "Run one backtest (and its benchmark) and write its results");
  cmd->add_option("config", opts->config, "Config file (TOML)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out,-o", opts->out, "Output folder (default: runs/<config name>)")->check(kNonEmpty);
  cmd->add_option("--set", opts->overrides, "Override a config key, e.g. --set strategy.lookback=63")
      ->type_name("KEY=VALUE")->expected(1)->allow_extra_args(false)->take_all();
  cmd->add_option("--plugin", opts->plugins, "Load a strategy plug-in library first")
      ->type_name("PATH")->expected(1)->allow_extra_args(false)->take_all()->check(kNonEmpty);
  cmd->add_flag("--json", opts->json, "Print summary.json to stdout instead of the table");
  cmd->add_flag("--quiet,-q", opts->quiet, "Print nothing on success");
  return [opts] {
    for (const std::string& plugin : opts->plugins) load_strategy_plugin(plugin);
    const Config config = load_config(opts->config, opts->overrides);
    fs::path out = opts->out.empty() ? fs::path("runs") / config.name : fs::path(opts->out).lexically_normal();
    if (!out.has_filename()) out = out.parent_path();  // "--out dir/" names the folder "dir"
    // The output folder replaces an existing folder, never a file the user may still need.
    std::error_code ec;
    if (fs::exists(out, ec) && !fs::is_directory(out, ec))
      throw IoError(fmt::format("{}: exists and is not a folder; choose another --out", out.string()));
    const BacktestRun run = run_backtest(config);
    write_backtest_outputs(run, out);
    if (opts->json) {
      fmt::print("{}", summary_json(run));
    } else if (!opts->quiet) {
      fmt::print("{}", summary_table(run));
      fmt::print("results: {}\n", out.string());
    }
    return 0;
  };
}

}  // namespace qsweep::cli
