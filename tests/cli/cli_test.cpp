// The qsweep command line as a user runs it: help and version, exit codes (include/qsweep/error.hpp,
// docs/cli.md), error messages on stderr, outputs that never appear half-written,
// `qsweep data check` and `qsweep backtest --json`.
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qsweep/version.hpp"
#include "test_support.hpp"

namespace qsweep {
namespace {

namespace fs = std::filesystem;
using test::fresh_temp_dir;
using test::run_qsweep;
using test::RunResult;
using test::slurp;
using test::write_text;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr int kOk = 0, kUsage = 2, kInput = 3, kIo = 4;

// The path in single quotes, for the shell (test paths contain no quotes).
std::string quoted(const fs::path& path) {
  std::string out = path.string();
  out.insert(out.begin(), '\'');
  out.push_back('\'');
  return out;
}

fs::path synthetic_data() { return test::source_dir() / "data" / "synthetic"; }

// A one-year 60/40 backtest with a buy-and-hold SPY benchmark on the bundled data; `extra` is
// appended (inside [benchmark], the last table).
std::string config_text(const fs::path& data_dir = synthetic_data(), const std::string& extra = "") {
  return "[data]\ndir = \"" + data_dir.string() +
         "\"\n"
         "[backtest]\nstart = \"2019-01-02\"\nend = \"2019-12-31\"\nrebalance = \"end_of_month\"\n"
         "[strategy]\nweights = { SPY = 0.6, AGG = 0.4 }\n"
         "[benchmark]\nweights = { SPY = 1.0 }\nrebalance = \"buy_and_hold\"\n" +
         extra;
}

fs::path write_config(const std::string& text, const std::string& name = "cli.toml") {
  const fs::path path = fresh_temp_dir("cli") / name;
  write_text(path, text);
  return path;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

// Names of the entries of `dir` (empty if it does not exist).
std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> names;
  if (!fs::exists(dir)) return names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

// A failed run: the exit code, nothing on stdout, one "qsweep: error: ..." message on stderr.
void expect_failure(const RunResult& r, int code, const std::string& args) {
  EXPECT_EQ(r.exit_code, code) << args << "\nstderr: " << r.err;
  EXPECT_THAT(r.err, StartsWith("qsweep: error: ")) << args;
  EXPECT_EQ(r.out, "") << args;
}

// ---------------------------------------------------------------------------------------------
// --version and --help

TEST(Cli, VersionPrintsTheVersion) {
  const RunResult r = run_qsweep("--version");
  EXPECT_EQ(r.exit_code, kOk);
  EXPECT_THAT(r.out, HasSubstr(std::string("qsweep ") + kVersion));
  EXPECT_EQ(r.err, "");
}

TEST(Cli, HelpForTheAppAndEverySubcommand) {
  struct HelpCase {
    std::string args;
    std::vector<std::string> mentions;
  };
  const std::vector<HelpCase> cases = {
      {"--help", {"backtest", "data", "--version"}},
      {"-h", {"backtest"}},
      {"backtest --help", {"config", "--out", "--set", "--json", "--quiet", "--plugin"}},
      {"data --help", {"check"}},
      {"data check --help", {"dir", "--raw"}},
  };
  for (const HelpCase& c : cases) {
    const RunResult r = run_qsweep(c.args);
    EXPECT_EQ(r.exit_code, kOk) << c.args;
    EXPECT_THAT(r.out, HasSubstr("Usage:")) << c.args;
    for (const std::string& m : c.mentions) EXPECT_THAT(r.out, HasSubstr(m)) << c.args;
    EXPECT_EQ(r.err, "") << c.args;
  }
}

// ---------------------------------------------------------------------------------------------
// Exit codes

TEST(Cli, UsageErrorsExitWith2) {
  const fs::path config = write_config(config_text());
  const std::vector<std::string> cases = {
      "",                                              // no subcommand
      "--bogus",                                       // unknown flag
      "frobnicate",                                    // unknown subcommand
      "backtest",                                      // missing CONFIG
      "backtest " + quoted(config) + " --bogus",       // unknown flag of a subcommand
      "backtest " + quoted(config) + " --out",         // option without its value
      "backtest " + quoted(config) + " extra.toml",    // one positional too many
      "backtest " + quoted(config) + " --set novalue", // malformed --set
      "backtest " + quoted(config) + " --set =5",
      "backtest " + quoted(config) + " --set backtest..start=1",
      "backtest " + quoted(config) + " --set backtest.start.day=1",  // 'start' is not a table
      "backtest " + quoted(config.parent_path() / "missing.toml"),   // CONFIG does not exist
      "sweep " + quoted(config) + " --resume --overwrite",  // exclusive
      "sweep " + quoted(config) + " --overwrite --resume",
      "sweep " + quoted(config) + " --heatmap ''",       // empty values
      "sweep " + quoted(config) + " --plugin ''",
      "backtest " + quoted(config) + " --plugin ''",
      "show . --rank-by ''",
      "data",                                          // missing `check`
      "data check",                                    // missing DIR
  };
  for (const std::string& args : cases) expect_failure(run_qsweep(args), kUsage, args);
}

TEST(Cli, UsageErrorsSayWhatIsWrong) {
  RunResult r = run_qsweep("frobnicate");
  expect_failure(r, kUsage, "unknown command");
  EXPECT_THAT(r.err, HasSubstr("unknown command 'frobnicate' (commands: backtest, data, sweep, show, report)"));
  r = run_qsweep("data frob x");
  expect_failure(r, kUsage, "unknown data command");
  EXPECT_THAT(r.err, HasSubstr("unknown command 'data frob' (data commands: check)"));

  const fs::path config = write_config(config_text());
  for (const std::string command : {"backtest", "sweep"}) {
    r = run_qsweep(command + " " + quoted(config) + " --out ''");
    expect_failure(r, kUsage, command + " --out ''");
    EXPECT_THAT(r.err, HasSubstr("--out: must not be empty")) << command;
  }
}

TEST(Cli, BadConfigExitsWith3AndNamesFileAndKey) {
  const fs::path bad = write_config(config_text() + "colour = \"red\"\n");
  RunResult r = run_qsweep("backtest " + quoted(bad));
  expect_failure(r, kInput, "unknown key");
  EXPECT_THAT(r.err, HasSubstr(bad.string() + ":12: benchmark.colour"));

  const fs::path good = write_config(config_text());
  r = run_qsweep("backtest " + quoted(good) + " --set backtest.initial_cash=-1");
  expect_failure(r, kInput, "bad --set value");
  EXPECT_THAT(r.err, HasSubstr(good.string() + " (--set): backtest.initial_cash: must be positive"));

  // Known before anything runs: a fixed negative weight in a long-only session, located where it
  // was written: on the command line, or in the file (line 8: [strategy]'s weights).
  r = run_qsweep("backtest " + quoted(good) + " --set strategy.weights.SPY=-0.6");
  expect_failure(r, kInput, "negative fixed weight, long only");
  EXPECT_THAT(r.err, HasSubstr(good.string() + " (--set): strategy.weights: SPY = -0.6 is negative in a long-only session"));
  std::string negative_text = config_text();
  negative_text.replace(negative_text.find("SPY = 0.6"), 9, "SPY = -0.6");
  const fs::path negative = write_config(negative_text);
  r = run_qsweep("backtest " + quoted(negative));
  expect_failure(r, kInput, "negative fixed weight in the file");
  EXPECT_THAT(r.err, HasSubstr(negative.string() + ":8: strategy.weights: SPY = -0.6 is negative in a long-only session"));
  EXPECT_EQ(run_qsweep("backtest " + quoted(good) + " -q --out " + quoted(fresh_temp_dir("cli") / "ls") +
                       " --set strategy.weights.SPY=-0.6 --set backtest.long_only=false")
                .exit_code,
            kOk);

  // --set takes one KEY=VALUE each time: the config may follow it.
  r = run_qsweep("backtest --set strategy.weights.SPY=0.5 --set strategy.weights.AGG=0.5 " + quoted(good) +
                 " -q --out " + quoted(fresh_temp_dir("cli") / "set-first"));
  EXPECT_EQ(r.exit_code, kOk) << r.err;

  r = run_qsweep("backtest " + quoted(write_config("[backtest\nstart = 1\n")));
  expect_failure(r, kInput, "TOML syntax");
  EXPECT_THAT(r.err, HasSubstr("cli.toml:1:"));

  r = run_qsweep("backtest " + quoted(good) + " --set 'strategy.weights={SPY=0.5,XYZ=0.5}'");
  expect_failure(r, kInput, "asset without data");
  EXPECT_THAT(r.err, HasSubstr("'XYZ'"));
  // Tickers name files in data.dir and CSV columns: no paths out of it, no commas or quotes.
  for (const char* ticker : {"../synthetic/SPY", "X,Y", "A\\\"B", ".."}) {
    r = run_qsweep("backtest " + quoted(good) + " --set 'strategy.weights={SPY=0.5,\"" + ticker + "\"=0.5}'");
    expect_failure(r, kInput, std::string("unusable ticker ") + ticker);
    EXPECT_THAT(r.err, HasSubstr("is not a usable ticker")) << ticker;
  }

  r = run_qsweep("backtest " + quoted(good) + " --set backtest.start=2030-01-02 --set backtest.end=2030-12-31");
  expect_failure(r, kInput, "no data in range");
  EXPECT_THAT(r.err, HasSubstr("no bars between 2030-01-02 and 2030-12-31"));

  // An asset may join after the end (a walk-forward over end), but not every asset of a session.
  EXPECT_EQ(run_qsweep("backtest " + quoted(good) + " -q --set universe.AGG=2020-06-01 --out " +
                       quoted(fresh_temp_dir("cli") / "late"))
                .exit_code,
            kOk);
  r = run_qsweep("backtest " + quoted(good) + " --set universe.SPY=2020-06-01");
  expect_failure(r, kInput, "every asset joins after the end");
  EXPECT_THAT(r.err, HasSubstr(good.string() + ": universe: every asset of the benchmark joins after its end 2019-12-31"));
  r = run_qsweep("backtest " + quoted(good) + " --set universe.SPY=2020-06-01 --set universe.AGG=2020-01-02");
  EXPECT_THAT(r.err, HasSubstr("every asset of the strategy joins after its end 2019-12-31"));

  // A burn-in with no simulated day after it would record nothing: known from the config when
  // no weekday is left (2019-12-28 and 29 are a Saturday and a Sunday), in either mode ...
  for (const char* mode : {"strict", "qstrader"}) {
    r = run_qsweep("backtest " + quoted(good) + " --set backtest.end=2019-12-29 --set backtest.burn_in=2019-12-28" +
                   " --set backtest.mode=" + mode + " --out " + quoted(fresh_temp_dir("cli") / "empty"));
    expect_failure(r, kInput, std::string("nothing after burn-in, ") + mode);
    EXPECT_THAT(r.err, HasSubstr("backtest.burn_in: no weekday between burn_in 2019-12-28 and end 2019-12-29"));
  }
  // ... and from the data in strict mode, whose calendar is the trading days (none on Christmas).
  r = run_qsweep("backtest " + quoted(good) + " --set backtest.end=2019-12-25 --set backtest.burn_in=2019-12-25" +
                 " --out " + quoted(fresh_temp_dir("cli") / "holiday"));
  expect_failure(r, kInput, "nothing after burn-in, holiday");
  EXPECT_THAT(r.err, HasSubstr(good.string() + ": strategy: no trading day between burn_in 2019-12-25 and end 2019-12-25"));
}

TEST(Cli, BadDataExitsWith3AndNamesFileLineAndColumn) {
  const fs::path data = fresh_temp_dir("cli-data");
  fs::copy_file(synthetic_data() / "SPY.csv", data / "SPY.csv");
  write_text(data / "AGG.csv", "Date,Open,Close,Adj Close\n2019-01-02,1,1,1\n2019-01-03,1,-2,1\n");
  const RunResult r = run_qsweep("backtest " + quoted(write_config(config_text(data))));
  expect_failure(r, kInput, "bad data");
  EXPECT_THAT(r.err, HasSubstr((data / "AGG.csv").string() + ":3: column 'Close': price must be positive"));
}

TEST(Cli, UnwritableOutputExitsWith4) {
  const fs::path dir = fresh_temp_dir("cli-io");
  write_text(dir / "file", "a regular file");
  const fs::path config = write_config(config_text());
  const RunResult r = run_qsweep("backtest " + quoted(config) + " --out " + quoted(dir / "file" / "out"));
  expect_failure(r, kIo, "--out under a file");
  EXPECT_THAT(r.err, HasSubstr((dir / "file").string()));
  EXPECT_EQ(slurp(dir / "file"), "a regular file");
  EXPECT_EQ(entries(dir), std::set<std::string>{"file"});
}

TEST(Cli, OutputNeverReplacesARegularFile) {
  const fs::path dir = fresh_temp_dir("cli-io");
  write_text(dir / "results.txt", "precious");
  const fs::path config = write_config(config_text());
  const RunResult r = run_qsweep("backtest " + quoted(config) + " -q --out " + quoted(dir / "results.txt"));
  expect_failure(r, kIo, "--out is a file");
  EXPECT_THAT(r.err, HasSubstr("results.txt: exists and is not a folder"));
  EXPECT_EQ(slurp(dir / "results.txt"), "precious");
  EXPECT_EQ(entries(dir), std::set<std::string>{"results.txt"});
}

TEST(Cli, OutputReplacesAnEarlierRunButNeverAFolderHoldingOtherFiles) {
  const fs::path dir = fresh_temp_dir("cli-io");
  const fs::path config = write_config(config_text());
  const fs::path run = dir / "run";
  ASSERT_EQ(run_qsweep("backtest " + quoted(config) + " -q --out " + quoted(run)).exit_code, 0);
  const std::set<std::string> outputs = entries(run);
  write_text(run / ".report.html.tmp-1234abcd.42", "<html");  // left by a killed qsweep report
  ASSERT_EQ(run_qsweep("backtest " + quoted(config) + " -q --out " + quoted(run)).exit_code, 0);  // a rerun
  EXPECT_EQ(entries(run), outputs);

  // A folder of data (or notes beside a run) given as --out by mistake is refused and untouched.
  const fs::path data = dir / "data";
  fs::create_directories(data);
  fs::copy_file(synthetic_data() / "SPY.csv", data / "SPY.csv");
  write_text(run / "notes.txt", "mine");
  for (const fs::path& out : {data, run}) {
    const RunResult r = run_qsweep("backtest " + quoted(config) + " -q --out " + quoted(out));
    expect_failure(r, kInput, "--out holds other files");
    EXPECT_THAT(r.err, HasSubstr(out.string() + ": holds "));
    EXPECT_THAT(r.err, HasSubstr("refusing to replace the folder"));
  }
  EXPECT_EQ(entries(data), std::set<std::string>{"SPY.csv"});
  EXPECT_EQ(slurp(run / "notes.txt"), "mine");
}

TEST(Cli, ExitCodesAreDistinct) {
  const fs::path config = write_config(config_text());
  const fs::path file = fresh_temp_dir("cli-io") / "file";
  write_text(file, "x");
  const std::set<int> codes = {
      run_qsweep("backtest " + quoted(config) + " --out " + quoted(fresh_temp_dir("cli") / "ok") + " -q").exit_code,
      run_qsweep("backtest " + quoted(config) + " --bogus").exit_code,
      run_qsweep("backtest " + quoted(config) + " --set backtest.mode=fast").exit_code,
      run_qsweep("backtest " + quoted(config) + " --out " + quoted(file / "out")).exit_code,
  };
  EXPECT_EQ(codes, (std::set<int>{kOk, kUsage, kInput, kIo}));
}

// ---------------------------------------------------------------------------------------------
// Nothing half-written

TEST(Cli, FailingRunCreatesNoOutputFolder) {
  const fs::path parent = fresh_temp_dir("cli-out");
  const fs::path config = write_config(config_text());
  const RunResult r = run_qsweep("backtest " + quoted(config) + " --set backtest.rebalance=hourly --out " +
                                 quoted(parent / "out"));
  EXPECT_EQ(r.exit_code, kInput);
  EXPECT_TRUE(entries(parent).empty()) << "left behind: " << *entries(parent).begin();
}

TEST(Cli, FailingRunLeavesAnExistingOutputFolderUnchanged) {
  const fs::path parent = fresh_temp_dir("cli-out");
  const fs::path out = parent / "out";
  const fs::path config = write_config(config_text());
  ASSERT_EQ(run_qsweep("backtest " + quoted(config) + " -q --out " + quoted(out)).exit_code, kOk);
  const std::set<std::string> files = entries(out);
  ASSERT_TRUE(files.count("equity.csv"));
  const std::string equity = slurp(out / "equity.csv");

  const RunResult r = run_qsweep("backtest " + quoted(config) +
                                 " --set 'strategy.weights={SPY=1.0,NOPE=0.0}' --out " + quoted(out));
  EXPECT_EQ(r.exit_code, kInput);
  EXPECT_EQ(entries(out), files);
  EXPECT_EQ(slurp(out / "equity.csv"), equity);
  EXPECT_EQ(entries(parent), std::set<std::string>{"out"});  // no temporary siblings left
}

TEST(Cli, SuccessfulRunReplacesTheOutputFolder) {
  const fs::path out = fresh_temp_dir("cli-out") / "out";
  write_text(out / "statistics.json", "from an older run");
  const fs::path config = write_config(config_text());
  ASSERT_EQ(run_qsweep("backtest " + quoted(config) + " -q --out " + quoted(out)).exit_code, kOk);
  const std::set<std::string> files = entries(out);
  EXPECT_NE(slurp(out / "statistics.json"), "from an older run");
  for (const char* f : {"equity.csv", "fills.csv", "positions.csv", "summary.json", "benchmark_equity.csv"})
    EXPECT_TRUE(files.count(f)) << f;
  EXPECT_EQ(entries(out.parent_path()), std::set<std::string>{"out"});
}

TEST(Cli, OutputFolderNamesUpToTheLongestAFileNameMayHave) {
  // The temporary sibling the folder is built in has a longer name; it must still fit 255 bytes.
  const fs::path parent = fresh_temp_dir("cli-out");
  const fs::path config = write_config(config_text());
  for (const std::string& name : {std::string(240, 'y'), std::string(255, 'z'), std::string(254, 'x')}) {
    for (int run = 0; run < 2; ++run) {  // the second replaces the first, through another sibling
      const RunResult r = run_qsweep("backtest " + quoted(config) + " -q --out " + quoted(parent / name));
      EXPECT_EQ(r.exit_code, kOk) << name.size() << ": " << r.err;
      EXPECT_TRUE(fs::exists(parent / name / "equity.csv")) << name.size();
    }
  }
  std::string accents;  // 254 bytes of two-byte characters, cut at a character's start
  for (int i = 0; i < 127; ++i) accents += "\xC3\xA9";
  EXPECT_EQ(run_qsweep("backtest " + quoted(config) + " -q --out " + quoted(parent / accents)).exit_code, kOk);
  EXPECT_EQ(entries(parent).size(), 4u);  // no temporary folder left beside them
}

TEST(Cli, OutWithTrailingSlashNamesTheFolder) {
  const fs::path parent = fresh_temp_dir("cli-out");
  const fs::path config = write_config(config_text());
  const RunResult r = run_qsweep("backtest " + quoted(config) + " -q --out " + quoted(parent / "out") + "/");
  EXPECT_EQ(r.exit_code, kOk) << r.err;
  EXPECT_TRUE(fs::exists(parent / "out" / "equity.csv"));
  EXPECT_EQ(entries(parent), std::set<std::string>{"out"});
}

// ---------------------------------------------------------------------------------------------
// qsweep backtest: outputs

TEST(Cli, DefaultOutputIsRunsSlashConfigNameInTheWorkingDirectory) {
  const fs::path config = write_config(config_text(), "my_test_run.toml");
  const fs::path cwd = fresh_temp_dir("cli-cwd");
  const RunResult r = run_qsweep("backtest " + quoted(config), cwd);
  ASSERT_EQ(r.exit_code, kOk) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, HasSubstr("strategy"));
  EXPECT_THAT(r.out, HasSubstr("runs/my_test_run"));
  EXPECT_EQ(entries(cwd), std::set<std::string>{"runs"});
  EXPECT_EQ(entries(cwd / "runs"), std::set<std::string>{"my_test_run"});
  EXPECT_EQ(test::read_csv(cwd / "runs" / "my_test_run" / "equity.csv").header,
            (std::vector<std::string>{"date", "equity", "cash", "market_value"}));
  EXPECT_EQ(entries(config.parent_path()), std::set<std::string>{"my_test_run.toml"});
}

TEST(Cli, JsonPrintsTheSummaryToStdout) {
  const fs::path config = write_config(config_text());
  const fs::path out = fresh_temp_dir("cli-out") / "out";
  const RunResult r = run_qsweep("backtest " + quoted(config) + " --json --out " + quoted(out));
  ASSERT_EQ(r.exit_code, kOk) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);  // throws if not valid JSON
  for (const char* session : {"strategy", "benchmark"}) {
    ASSERT_TRUE(doc.contains(session) && doc[session].is_object()) << session;
    for (const char* key : {"total_return", "cagr", "sharpe", "sortino", "annual_volatility", "max_drawdown",
                            "max_drawdown_duration"})
      EXPECT_TRUE(doc[session].contains(key) && doc[session][key].is_number()) << session << "." << key;
  }
  // The same document is written as summary.json.
  EXPECT_EQ(nlohmann::json::parse(slurp(out / "summary.json")), doc);
  EXPECT_EQ(r.err, "");
}

TEST(Cli, QuietPrintsNothingAndSetOverridesApply) {
  const fs::path config = write_config(config_text());
  const fs::path out = fresh_temp_dir("cli-out") / "out";
  const RunResult r = run_qsweep("backtest " + quoted(config) + " -q --out " + quoted(out) +
                                 " --set backtest.rebalance=weekly --set 'backtest.weekday=\"WED\"'"
                                 " --set backtest.end=2019-06-28");
  ASSERT_EQ(r.exit_code, kOk) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  const test::CsvTable equity = test::read_csv(out / "equity.csv");
  ASSERT_FALSE(equity.rows.empty());
  EXPECT_EQ(equity.rows.back()[equity.column("date")], "2019-06-28");
}

// ---------------------------------------------------------------------------------------------
// qsweep data check

TEST(Cli, DataCheckListsEveryProblemAndExits3) {
  const fs::path data = fresh_temp_dir("cli-data");
  fs::copy_file(synthetic_data() / "SPY.csv", data / "SPY.csv");
  write_text(data / "A.csv", "Date,Open,Close,Adj Close\n2019-01-02,x,1,1\n2019-01-01,1,1,1\n");
  write_text(data / "B.csv", "Date,Open,Adj Close\n2019-01-02,1,1\n");
  write_text(data / "C.csv", "Date,Open,Close,Adj Close\n2019-01-02,1,1,inf\n");
  const RunResult r = run_qsweep("data check " + quoted(data));
  EXPECT_EQ(r.exit_code, kInput);
  EXPECT_THAT(r.err, StartsWith("qsweep: error: 4 problems found"));
  const std::vector<std::string> expected = {
      (data / "A.csv").string() + ":2: column 'Open': 'x' is not a number",
      // The bad price of line 2 does not hide its date coming before line 3's.
      (data / "A.csv").string() + ":3: column 'Date': 2019-01-01 is before the previous row's date 2019-01-02",
      (data / "B.csv").string() + ":1: column 'Close': required column is missing from the header (Date,Open,Adj Close)",
      (data / "C.csv").string() + ":2: column 'Adj Close': price must be positive and finite, got inf",
  };
  EXPECT_EQ(lines_of(r.out), expected);
}

TEST(Cli, DataCheckOnTheBundledData) {
  const RunResult r = run_qsweep("data check " + quoted(synthetic_data()));
  EXPECT_EQ(r.exit_code, kOk) << r.out;
  EXPECT_THAT(r.out, HasSubstr("all files OK"));
  EXPECT_EQ(r.err, "");
}

TEST(Cli, DataCheckRawAcceptsFilesWithoutAdjClose) {
  const fs::path data = fresh_temp_dir("cli-data");
  write_text(data / "RAW.csv", "Date,Open,Close\n2019-01-02,1,1\n");
  EXPECT_EQ(run_qsweep("data check " + quoted(data)).exit_code, kInput);
  const RunResult r = run_qsweep("data check --raw " + quoted(data));
  EXPECT_EQ(r.exit_code, kOk) << r.out;
  EXPECT_THAT(r.out, HasSubstr("all files OK"));
}

TEST(Cli, DataCheckOnAMissingFolder) {
  const fs::path missing = fresh_temp_dir("cli-data") / "nope";
  const RunResult r = run_qsweep("data check " + quoted(missing));
  EXPECT_EQ(r.exit_code, kInput);
  EXPECT_THAT(r.out, HasSubstr(missing.string() + ": no such directory"));
  EXPECT_THAT(r.err, StartsWith("qsweep: error: "));
}

}  // namespace
}  // namespace qsweep
