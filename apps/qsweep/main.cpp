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

  // A first word that is neither a flag nor a command: CLI11 would only say that a command is
  // required.
  bool known = argc < 2 || argv[1][0] == '-';
  std::string names;
  for (const auto& [sub, command] : commands) {
    known = known || sub->check_name(argv[1]);
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  if (!known) {
    fmt::print(stderr, "qsweep: error: unknown command '{}' (commands: {})\nRun with --help for more information.\n",
               argv[1], names);
    return static_cast<int>(ExitCode::usage);
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
  }
}
