// qsweep: the command line over libqsweep. Parses flags, calls the library, maps errors to the
// documented exit codes (docs/cli.md).
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <malloc.h>

#include <fmt/format.h>

#include "commands.hpp"
#include "qsweep/error.hpp"
#include "qsweep/version.hpp"

int main(int argc, char** argv) {
  using qsweep::ExitCode;
  // A short-lived process: keep freed memory for reuse instead of returning large blocks to the
  // kernel (each fresh page costs a fault; a backtest allocates and frees ~10 MB of buffers).
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  CLI::App app{"qsweep: fast QSTrader-compatible backtests and parameter sweeps", "qsweep"};
  app.set_version_flag("--version", std::string("qsweep ") + qsweep::kVersion);
  app.require_subcommand(1);
  // Command-line mistakes get the same "qsweep: error:" prefix as every other error.
  app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
    return "qsweep: error: " + CLI::FailureMessage::simple(failed, e);
  });
  std::vector<std::pair<CLI::App*, qsweep::cli::Command>> commands;
  auto add = [&](qsweep::cli::Command (*adder)(CLI::App&)) {
    const std::size_t before = app.get_subcommands({}).size();
    qsweep::cli::Command command = adder(app);
    commands.emplace_back(app.get_subcommands({}).at(before), std::move(command));
  };
  add(qsweep::cli::add_backtest);
  add(qsweep::cli::add_data);
  add(qsweep::cli::add_sweep);
  add(qsweep::cli::add_show);
  add(qsweep::cli::add_report);

  // A word where a command (or a command's subcommand, as in `data check`) belongs that names
  // none: CLI11 would only say that a command is required.
  std::string path;  // "data " for data's subcommands
  CLI::App* level = &app;
  for (int i = 1; i < argc && argv[i][0] != '-'; ++i) {
    const std::vector<CLI::App*> subs = level->get_subcommands({});
    if (subs.empty()) break;
    CLI::App* match = nullptr;
    std::string names;
    for (CLI::App* sub : subs) {
      if (sub->check_name(argv[i])) match = sub;
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (match == nullptr) {
      fmt::print(stderr, "qsweep: error: unknown command '{}{}' ({}commands: {})\nRun with --help for more information.\n",
                 path, argv[i], path, names);
      return static_cast<int>(ExitCode::usage);
    }
    path += match->get_name() + " ";
    level = match;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(ExitCode::usage);
  }
  try {
    for (auto& [sub, command] : commands)
      if (sub->parsed()) return command();
    return static_cast<int>(ExitCode::usage);
  } catch (const qsweep::Error& e) {
    fmt::print(stderr, "qsweep: error: {}\n", e.what());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    fmt::print(stderr, "qsweep: internal error: {}\n", e.what());
    return static_cast<int>(ExitCode::internal);
  } catch (...) {
    fmt::print(stderr, "qsweep: internal error: an exception of unknown type\n");
    return static_cast<int>(ExitCode::internal);
  }
}
