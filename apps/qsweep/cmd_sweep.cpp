#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "qsweep/error.hpp"
#include "qsweep/strategy.hpp"
#include "qsweep/sweep.hpp"

namespace qsweep::cli {

Command add_sweep(CLI::App& app) {
  struct Options {
    SweepOptions sweep;
    std::string config;
    std::string out;
    std::string heatmap;
    std::vector<std::string> plugins;
    bool quiet = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("sweep", "Run a parameter grid ([sweep] in the config) on all local cores");
  cmd->add_option("config", opts->config, "Config file (TOML) with a [sweep] table")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out,-o", opts->out, "Output folder (default: runs/<config name>-sweep)")->check(kNonEmpty);
  cmd->add_option("--jobs,-j", opts->sweep.jobs, "Worker threads, 1 to 4096 (default: every CPU this process may use)")
      ->transform(whole_number(1, 4096));
  cmd->add_option("--keep-curves", opts->sweep.keep_curves, "Keep the equity curves of the top K variants (0 to 100000000)")
      ->default_val(10)
      ->transform(whole_number(0, 100000000));
  cmd->add_option("--set", opts->sweep.overrides, "Override a config key before the grid, e.g. --set backtest.mode=qstrader")
      ->type_name("KEY=VALUE")->expected(1)->allow_extra_args(false)->take_all();
  cmd->add_option("--heatmap", opts->heatmap, "Two swept keys for the report heatmap: a,b")->check(kNonEmpty);
  cmd->add_option("--plugin", opts->plugins, "Load a strategy plug-in library first")
      ->type_name("PATH")->expected(1)->allow_extra_args(false)->take_all()->check(kNonEmpty);
  CLI::Option* resume = cmd->add_flag("--resume", opts->sweep.resume, "Continue a sweep in --out, skipping finished variants");
  cmd->add_flag("--overwrite", opts->sweep.overwrite, "Discard results already in --out")->excludes(resume);
  cmd->add_flag("--skip-invalid", opts->sweep.skip_invalid, "List and skip invalid variants instead of failing");
  cmd->add_flag("--quiet,-q", opts->quiet, "Print nothing on success (warnings still go to stderr)");
  return [opts] {
    for (const std::string& plugin : opts->plugins) load_strategy_plugin(plugin);
    SweepOptions options = opts->sweep;
    options.config_path = opts->config;
    options.out_dir = opts->out;
    options.progress = !opts->quiet;
    if (!opts->heatmap.empty()) {
      const auto comma = opts->heatmap.find(',');
      if (comma == std::string::npos) throw UsageError("--heatmap expects two swept keys: a,b");
      options.heatmap = {opts->heatmap.substr(0, comma), opts->heatmap.substr(comma + 1)};
    }
    const SweepSummary s = run_sweep(options);
    for (const std::string& skipped : s.skipped) fmt::print(stderr, "skipped {}\n", skipped);
    if (s.interrupted) {
      fmt::print(stderr, "qsweep: interrupted: {} of {} variants done are kept in {}; continue with --resume\n",
                 s.resumed + s.ran, s.valid, s.out_dir.string());
      return static_cast<int>(ExitCode::interrupted);
    }
    if (!opts->quiet) {
      const double rate = s.seconds > 0 ? static_cast<double>(s.ran) / s.seconds : 0.0;
      fmt::print("{} variants ({} run now, {} resumed, {} skipped) in {:.3f} s: {:.0f} variants/s, {:.1f} M asset-days/s\n",
                 s.variants, s.ran, s.resumed, s.skipped.size(), s.seconds, rate,
                 s.seconds > 0 ? s.asset_days / s.seconds / 1e6 : 0.0);
      fmt::print("{}", format_ranking(s.out_dir, 10));
    }
    if (!opts->quiet) fmt::print("{}", s.overfitting);
    for (const std::string& warning : s.overfitting_warnings) fmt::print(stderr, "qsweep: warning: {}\n", warning);
    if (!opts->quiet) fmt::print("report: {}\n", (s.out_dir / "report.html").string());
    return 0;
  };
}

Command add_show(CLI::App& app) {
  struct Options {
    std::string dir;
    std::size_t top = 10;
    std::string rank_by;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("show", "Print the ranking of a finished sweep");
  cmd->add_option("dir", opts->dir, "Sweep output folder")->required()->check(kNonEmpty);
  cmd->add_option("--top,-n", opts->top, "How many variants (0 to 100000000)")
      ->default_val(10)
      ->transform(whole_number(0, 100000000));
  cmd->add_option("--rank-by", opts->rank_by, "Statistic to rank by (default: the sweep's rank_by)")->check(kNonEmpty);
  return [opts] {
    fmt::print("{}", format_ranking(opts->dir, opts->top, opts->rank_by));
    return 0;
  };
}

}  // namespace qsweep::cli
