// `qsweep sweep` and `qsweep show` as a user runs them.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace qsweep::test {
namespace {

namespace fs = std::filesystem;

// A small momentum grid on four sector ETFs (3 lookbacks × `top_n` values).
std::string sweep_config(const std::string& top_n = "[1, 2]", const std::string& extra = "") {
  return momentum_grid_config("\"strategy.top_n\" = " + top_n + "\nrank_by = \"sharpe\"\n" + extra);
}

class SweepCli : public ::testing::Test {
 protected:
  void SetUp() override {
    work_ = fresh_temp_dir("sweep");
    config_ = work_ / "grid.toml";
    write_text(config_, sweep_config());
  }
  void TearDown() override { fs::remove_all(work_); }
  RunResult sweep(const std::string& args) {
    return run_qsweep("sweep '" + config_.string() + "' --quiet " + args);
  }
  fs::path work_;
  fs::path config_;
};

TEST_F(SweepCli, WritesResultsInIdOrderWithParametersAndStatistics) {
  const RunResult r = sweep("--out '" + (work_ / "out").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");  // --quiet: nothing on success
  const CsvTable results = read_csv(work_ / "out/results.csv");
  ASSERT_EQ(results.rows.size(), 6u);
  EXPECT_EQ(results.header[0], "id");
  EXPECT_EQ(results.header[1], "hash");
  EXPECT_EQ(results.header[2], "strategy.lookback");
  EXPECT_EQ(results.header[3], "strategy.top_n");
  const std::size_t sharpe = results.column("sharpe");
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(results.rows[i][0], std::to_string(i));
    EXPECT_EQ(results.rows[i][1].size(), 16u);
    EXPECT_FALSE(results.rows[i][sharpe].empty());
  }
  // id 3 = lookback index 1 (63), top_n index 1 (2): the last dimension varies fastest.
  EXPECT_EQ(results.rows[3][2], "63");
  EXPECT_EQ(results.rows[3][3], "2");
  const auto manifest = nlohmann::json::parse(slurp(work_ / "out/manifest.json"));
  EXPECT_EQ(manifest.at("variants").get<int>(), 6);
  EXPECT_EQ(manifest.at("data_files").size(), 4u);
  EXPECT_EQ(manifest.at("data_files").at("XLB.csv").at("sha256").get<std::string>().size(), 64u);
}

TEST_F(SweepCli, PrintsTheOverfittingStatisticsBeforeTheReportPath) {
  const RunResult r = run_qsweep("sweep '" + config_.string() + "' --out '" + (work_ / "out").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::size_t line = r.out.find("overfitting: 6 trials; deflated Sharpe ratio of the best variant ");
  ASSERT_NE(line, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("; PBO ", line), std::string::npos) << r.out;
  EXPECT_LT(line, r.out.find("report: ")) << r.out;
  // Every warning in sweep_summary.json is also printed on stderr.
  const auto summary = nlohmann::json::parse(slurp(work_ / "out/sweep_summary.json"));
  for (const auto& warning : summary.at("overfitting").at("warnings"))
    EXPECT_NE(r.err.find("qsweep: warning: " + warning.get<std::string>()), std::string::npos) << r.err;
}

TEST_F(SweepCli, EachRowMatchesTheSameBacktestRunAlone) {
  ASSERT_EQ(sweep("--out '" + (work_ / "out").string() + "'").exit_code, 0);
  const CsvTable results = read_csv(work_ / "out/results.csv");
  for (const std::size_t id : {0u, 5u}) {
    const auto& row = results.rows[id];
    const RunResult bt = run_qsweep("backtest '" + config_.string() + "' --json --quiet --out '" +
                                    (work_ / ("bt" + std::to_string(id))).string() +
                                    "' --set strategy.lookback=" + row[2] + " --set strategy.top_n=" + row[3]);
    ASSERT_EQ(bt.exit_code, 0) << bt.err;
    const auto summary = nlohmann::json::parse(slurp(work_ / ("bt" + std::to_string(id)) / "summary.json"));
    for (const char* stat : {"sharpe", "cagr", "max_drawdown", "total_return"}) {
      EXPECT_EQ(std::stod(row[results.column(stat)]), summary.at("strategy").at(stat).get<double>())
          << "variant " << id << " " << stat;
    }
  }
}

TEST_F(SweepCli, ResultsAreByteIdenticalWhateverTheNumberOfJobs) {
  ASSERT_EQ(sweep("--jobs 1 --out '" + (work_ / "j1").string() + "'").exit_code, 0);
  ASSERT_EQ(sweep("--jobs 3 --out '" + (work_ / "j3").string() + "'").exit_code, 0);
  for (const char* file : {"results.csv", "curves.csv", "sweep_summary.json", "manifest.json"})
    EXPECT_EQ(slurp(work_ / "j1" / file), slurp(work_ / "j3" / file)) << file;
}

TEST_F(SweepCli, OverfittingStatisticsDoNotDependOnKeepCurves) {
  // The deflated Sharpe ratio is the best variant's, also when no curve is kept (the median's
  // curve is kept whatever K is, and must not stand in for the best).
  ASSERT_EQ(sweep("--keep-curves 0 --out '" + (work_ / "k0").string() + "'").exit_code, 0);
  ASSERT_EQ(sweep("--keep-curves 1 --out '" + (work_ / "k1").string() + "'").exit_code, 0);
  ASSERT_EQ(sweep("--out '" + (work_ / "k10").string() + "'").exit_code, 0);
  const auto k0 = nlohmann::json::parse(slurp(work_ / "k0/sweep_summary.json"));
  ASSERT_NE(k0.at("best_id"), k0.at("median_id"));
  EXPECT_EQ(k0.at("curve_ids"), nlohmann::json::array({k0.at("median_id")}));
  for (const char* other : {"k1", "k10"}) {
    const auto k = nlohmann::json::parse(slurp(work_ / other / "sweep_summary.json"));
    EXPECT_EQ(k0.at("overfitting"), k.at("overfitting")) << other;
  }
}

TEST_F(SweepCli, OutputFolderThatIsNotASweepsIsRefusedAndUntouched) {
  const fs::path notes = work_ / "notes";
  write_text(notes / "thesis.txt", "mine");
  for (const char* flag : {"", "--overwrite", "--resume"}) {
    const RunResult r = sweep(std::string(flag) + " --out '" + notes.string() + "'");
    EXPECT_EQ(r.exit_code, 3) << flag;
    EXPECT_NE(r.err.find(notes.string() + ": holds thesis.txt, which a sweep does not write"), std::string::npos)
        << r.err;
  }
  EXPECT_EQ(slurp(notes / "thesis.txt"), "mine");
  EXPECT_EQ(std::distance(fs::directory_iterator(notes), fs::directory_iterator()), 1);

  // Files named like a sweep's but without its manifest (written first) are someone else's.
  const fs::path other = work_ / "other";
  write_text(other / "results.csv", "theirs");
  write_text(other / "report.html", "theirs");
  for (const char* flag : {"--overwrite", "--resume"}) {
    const RunResult r = sweep(std::string(flag) + " --out '" + other.string() + "'");
    EXPECT_EQ(r.exit_code, 3) << flag << ": " << r.err;
  }
  EXPECT_EQ(slurp(other / "results.csv"), "theirs");
  EXPECT_EQ(slurp(other / "report.html"), "theirs");

  // So are they beside a manifest.json a sweep did not write (a web app's, or a broken one).
  for (const char* manifest : {R"({"name": "app"})", "[]", "{", R"({"grid": [], "base_config": ""})"}) {
    const fs::path web = work_ / "web";
    write_text(web / "manifest.json", manifest);
    write_text(web / "results.csv", "theirs");
    for (const char* flag : {"", "--overwrite", "--resume"}) {
      const RunResult r = sweep(std::string(flag) + " --out '" + web.string() + "'");
      EXPECT_EQ(r.exit_code, 3) << manifest << " " << flag << ": " << r.err;
      EXPECT_NE(r.err.find((web / "manifest.json").string() + ": not the manifest of a qsweep sweep"),
                std::string::npos)
          << r.err;
    }
    EXPECT_EQ(slurp(web / "manifest.json"), manifest);
    EXPECT_EQ(slurp(web / "results.csv"), "theirs");
  }

  // Only temporary files of a run killed while writing its manifest: a fresh start is fine.
  const fs::path killed = work_ / "killed";
  write_text(killed / ".manifest.json.tmp-1234abcd.42", "{");
  EXPECT_EQ(sweep("--out '" + killed.string() + "'").exit_code, 0);

  write_text(work_ / "file", "x");
  const RunResult r = sweep("--overwrite --out '" + (work_ / "file").string() + "'");
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("exists and is not a folder"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(work_ / "file"), "x");
}

TEST_F(SweepCli, OverwriteRemovesOnlyTheSweepsOwnFiles) {
  const fs::path out = work_ / "out";
  ASSERT_EQ(sweep("--out '" + out.string() + "'").exit_code, 0);
  const std::string results = slurp(out / "results.csv");
  write_text(out / "notes.txt", "mine");
  write_text(out / "results.csv", "stale");
  ASSERT_EQ(sweep("--overwrite --out '" + out.string() + "'").exit_code, 0);
  EXPECT_EQ(slurp(out / "notes.txt"), "mine");
  EXPECT_EQ(slurp(out / "results.csv"), results);
}

TEST_F(SweepCli, AFolderInUseByAnotherSweepIsRefused) {
  // Another sweep holds the folder's lock (here: this test, as a running sweep would).
  const fs::path out = work_ / "out";
  fs::create_directories(out);
  const int fd = ::open((out / ".qsweep.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  for (const char* flag : {"", "--resume", "--overwrite"}) {
    const RunResult r = sweep(std::string(flag) + " --out '" + out.string() + "'");
    EXPECT_EQ(r.exit_code, 3) << flag;
    EXPECT_NE(r.err.find(out.string() + ": another qsweep sweep is using this folder"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(out / "manifest.json"));
  ::close(fd);  // released: the folder is free
  EXPECT_EQ(sweep("--out '" + out.string() + "'").exit_code, 0);
}

TEST_F(SweepCli, ErrorsOfTheWholeConfigAreNotBlamedOnAVariant) {
  // A data folder that does not exist is the config's error, located where it was set.
  const RunResult dir = sweep("--set data.dir=/nonexistent/prices --out '" + (work_ / "d").string() + "'");
  EXPECT_EQ(dir.exit_code, 3);
  EXPECT_NE(dir.err.find(config_.string() + " (--set): data.dir: /nonexistent/prices is not a folder"),
            std::string::npos)
      << dir.err;
  EXPECT_EQ(dir.err.find("variant"), std::string::npos) << dir.err;
  // A benchmark whose data has no bars in its range is refused as a backtest refuses it, though
  // a sweep does not run it.
  write_text(config_, sweep_config("[1, 2]") + "[benchmark]\nweights = { SPY = 1.0 }\nrebalance = \"buy_and_hold\"\n"
                                               "start = \"2030-01-01\"\nend = \"2031-01-01\"\n");
  const RunResult bench = sweep("--out '" + (work_ / "b").string() + "'");
  EXPECT_EQ(bench.exit_code, 3);
  EXPECT_NE(bench.err.find(config_.string() + ": benchmark: "), std::string::npos) << bench.err;
  EXPECT_NE(bench.err.find("has no bars between 2030-01-01 and 2031-01-01"), std::string::npos) << bench.err;
  EXPECT_FALSE(fs::exists(work_ / "b"));
  // Base dates that every variant replaces are placeholders: the benchmark's range is not checked
  // with them.
  std::string placeholders =
      sweep_config("[1, 2]", "\"backtest.start\" = [\"2014-01-02\"]\n\"backtest.end\" = [\"2020-12-31\"]\n") +
      "[benchmark]\nweights = { SPY = 1.0 }\nrebalance = \"buy_and_hold\"\n";
  placeholders.replace(placeholders.find("start = \"2014-01-02\""), 20, "start = \"2030-01-02\"");
  placeholders.replace(placeholders.find("end = \"2020-12-31\""), 18, "end = \"2030-12-31\"");
  write_text(config_, placeholders);
  const RunResult placeholder = sweep("--out '" + (work_ / "p").string() + "'");
  EXPECT_EQ(placeholder.exit_code, 0) << placeholder.err;
}

TEST_F(SweepCli, SetOfASweptKeyIsAUsageErrorNotIgnored) {
  // Every variant's value would replace it.
  for (const char* set : {"strategy.lookback=5", " strategy.top_n = 3", "strategy={}", "strategy.\"lookback\"=5",
                          "\"strategy\".lookback=5",
                          "sweep.\"strategy.weights\"=[{SPY=1.0}]' --set 'strategy.weights.SPY=0.5"}) {
    const RunResult r = sweep(std::string("--set '") + set + "' --out '" + (work_ / "s").string() + "'");
    EXPECT_EQ(r.exit_code, 2) << set << ": " << r.err;
    EXPECT_NE(r.err.find("is swept in [sweep], whose values replace it"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(work_ / "s"));
  // Keys beside the swept ones, and the grid itself, may be set.
  EXPECT_EQ(sweep("--set strategy.lookbacks_note=1 --out '" + (work_ / "n").string() + "'").exit_code, 3);
  EXPECT_EQ(sweep("--set backtest.cash_buffer=0.02 --set 'sweep.\"strategy.top_n\"=[2]' --out '" +
                  (work_ / "ok").string() + "'").exit_code,
            0);
}

TEST_F(SweepCli, InvalidVariantNamesVariantAndKeyUnlessSkipped) {
  write_text(config_, sweep_config("[1, 2, 5]"));
  const RunResult bad = sweep("--out '" + (work_ / "bad").string() + "'");
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.err.find("variant 2 (strategy.lookback=21, strategy.top_n=5)"), std::string::npos) << bad.err;
  // The error points at the swept key's line in [sweep].
  const std::string text = sweep_config("[1, 2, 5]");
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(text.find("\"strategy.top_n\" =")), '\n');
  EXPECT_NE(bad.err.find(fmt::format("grid.toml:{}: strategy.top_n: 5 is more than the 4 assets", line)), std::string::npos)
      << bad.err;
  EXPECT_FALSE(fs::exists(work_ / "bad/results.csv"));

  // The same grid set on the command line (a quoted key): located at --set.
  write_text(config_, sweep_config("[1, 2]"));
  const RunResult set = sweep("--set 'sweep.\"strategy.top_n\"=[1, 5]' --out '" + (work_ / "set").string() + "'");
  EXPECT_EQ(set.exit_code, 3);
  EXPECT_NE(set.err.find("grid.toml (--set): strategy.top_n: 5 is more than"), std::string::npos) << set.err;

  // A key the grid does not sweep is located at its line in the file, as a backtest would.
  std::string unswept = momentum_grid_config("\"strategy.assets\" = [[\"XLB\", \"XLE\"]]\n");
  unswept.replace(unswept.find("top_n = 1"), 9, "top_n = 3");
  write_text(config_, unswept);
  const auto top_n_line = 1 + std::count(unswept.begin(), unswept.begin() + static_cast<std::ptrdiff_t>(unswept.find("top_n = 3")), '\n');
  const RunResult other = sweep("--out '" + (work_ / "other").string() + "'");
  EXPECT_EQ(other.exit_code, 3);
  EXPECT_NE(other.err.find(fmt::format("grid.toml:{}: strategy.top_n: 3 is more than the 2 assets", top_n_line)),
            std::string::npos) << other.err;
  write_text(config_, sweep_config("[1, 2, 5]"));

  const RunResult skipped = sweep("--skip-invalid --out '" + (work_ / "skip").string() + "'");
  ASSERT_EQ(skipped.exit_code, 0) << skipped.err;
  EXPECT_NE(skipped.err.find("skipped variant 2"), std::string::npos) << skipped.err;
  const CsvTable results = read_csv(work_ / "skip/results.csv");
  EXPECT_EQ(results.rows.size(), 6u);  // 9 variants, 3 with top_n = 5 skipped
  for (const auto& row : results.rows) EXPECT_NE(row[3], "5");
}

TEST_F(SweepCli, ResumesAfterAKilledRunAndGivesTheSameResults) {
  ASSERT_EQ(sweep("--out '" + (work_ / "full").string() + "'").exit_code, 0);
  // Fake a run killed mid-write: keep the header, two finished rows and half of a third line.
  const std::string journal = slurp(work_ / "full/journal.csv");
  std::size_t cut = 0;
  for (int lines = 0; lines < 3; ++lines) cut = journal.find('\n', cut) + 1;
  const std::size_t half = cut + (journal.find('\n', cut) - cut) / 2;
  fs::create_directories(work_ / "killed");
  fs::copy_file(work_ / "full/manifest.json", work_ / "killed/manifest.json");
  write_text(work_ / "killed/journal.csv", journal.substr(0, half));

  EXPECT_EQ(sweep("--out '" + (work_ / "killed").string() + "'").exit_code, 3);  // needs --resume
  const RunResult resumed = run_qsweep("sweep '" + config_.string() + "' --resume --out '" +
                                       (work_ / "killed").string() + "'");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("4 run now, 2 resumed"), std::string::npos) << resumed.out;
  // The rate in millions, to one decimal (not "2e+08").
  const std::size_t rate_end = resumed.out.find(" M asset-days/s\n");
  ASSERT_NE(rate_end, std::string::npos) << resumed.out;
  const std::size_t rate_start = resumed.out.rfind(' ', rate_end - 1) + 1;
  const std::string rate = resumed.out.substr(rate_start, rate_end - rate_start);
  EXPECT_TRUE(rate.size() >= 3 && rate[rate.size() - 2] == '.' &&
              rate.find_first_not_of("0123456789.") == std::string::npos)
      << resumed.out;
  EXPECT_EQ(slurp(work_ / "full/results.csv"), slurp(work_ / "killed/results.csv"));
}

// The derived files are not fsynced (docs/sweep.md): a --resume with nothing left to run must
// write them again, identical, from the journal and manifest.
TEST_F(SweepCli, ResumeOfAFinishedSweepRewritesItsDerivedFiles) {
  const fs::path out = work_ / "out";
  ASSERT_EQ(sweep("--out '" + out.string() + "'").exit_code, 0);
  const std::string results = slurp(out / "results.csv");
  const std::string curves = slurp(out / "curves.csv");
  for (const char* name : {"results.csv", "curves.csv", "sweep_summary.json", "report.html"}) fs::remove(out / name);
  const RunResult resumed = sweep("--resume --out '" + out.string() + "'");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(slurp(out / "results.csv"), results);
  EXPECT_EQ(slurp(out / "curves.csv"), curves);
  EXPECT_TRUE(fs::exists(out / "sweep_summary.json"));
  EXPECT_TRUE(fs::exists(out / "report.html"));
}

TEST_F(SweepCli, ResumeRefusesADifferentGrid) {
  ASSERT_EQ(sweep("--out '" + (work_ / "out").string() + "'").exit_code, 0);
  write_text(config_, sweep_config("[1, 3]"));
  const RunResult r = sweep("--resume --out '" + (work_ / "out").string() + "'");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("different sweep"), std::string::npos) << r.err;
  EXPECT_EQ(sweep("--overwrite --out '" + (work_ / "out").string() + "'").exit_code, 0);
}

TEST_F(SweepCli, InterruptKeepsFinishedWorkAndResumeCompletesIt) {
  // A grid big enough to be interrupted: 3 lookbacks × 4 top_n × 40 cash buffers, daily.
  write_text(config_, sweep_config("[1, 2, 3, 4]", "\"backtest.cash_buffer\" = { from = 0.0, to = 0.39, step = 0.01 }\n"
                                                   "\"backtest.rebalance\" = [\"daily\"]\n"));
  const fs::path out = work_ / "out";
  write_text(work_ / "run.sh", "'" + qsweep_binary().string() + "' sweep '" + config_.string() +
                                   "' --quiet --jobs 1 --out '" + out.string() + "' > /dev/null 2> '" +
                                   (work_ / "err").string() + "' &\necho $! > '" + (work_ / "pid.tmp").string() +
                                   "'\nmv '" + (work_ / "pid.tmp").string() + "' '" + (work_ / "pid").string() +
                                   "'\nwait $!\necho $? > '" + (work_ / "rc").string() + "'\n");
  std::thread runner([&] { std::system(("bash '" + (work_ / "run.sh").string() + "'").c_str()); });
  // Wait until some variants are in the journal, then press Ctrl-C.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(work_ / "pid") && fs::exists(out / "journal.csv") && read_csv(out / "journal.csv").rows.size() >= 2)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const std::string pid = fs::exists(work_ / "pid") ? slurp(work_ / "pid") : std::string();
  if (!pid.empty()) ::kill(std::stoi(pid), SIGINT);
  runner.join();
  ASSERT_FALSE(pid.empty());
  const int rc = std::stoi(slurp(work_ / "rc"));
  if (rc == 0) GTEST_SKIP() << "the sweep finished before the interrupt arrived";
  EXPECT_EQ(rc, 130) << slurp(work_ / "err");
  EXPECT_NE(slurp(work_ / "err").find("--resume"), std::string::npos);
  const std::size_t kept = read_csv(out / "journal.csv").rows.size();
  EXPECT_GE(kept, 2u);
  EXPECT_LT(kept, 480u);
  EXPECT_FALSE(fs::exists(out / "results.csv"));
  const RunResult resumed = run_qsweep("sweep '" + config_.string() + "' --quiet --resume --out '" + out.string() + "'");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(read_csv(out / "results.csv").rows.size(), 480u);
}

TEST_F(SweepCli, TermDuringValidationExits130AndWritesNothing) {
  // 120,000 variants take seconds to validate: the signal, sent as soon as the process catches
  // it, lands before any runs.
  write_text(config_, sweep_config("[1, 2, 3, 4]", "\"backtest.cash_buffer\" = { from = 0.0, to = 0.9999, step = 0.0001 }\n"));
  const fs::path out = work_ / "out";
  write_text(work_ / "run.sh", "'" + qsweep_binary().string() + "' sweep '" + config_.string() + "' --quiet --out '" +
                                   out.string() + "' > /dev/null 2> '" + (work_ / "err").string() + "' &\n" +
                                   // once the process catches SIGTERM (bit 15 of SigCgt), for
                                   // at most 30 s
                                   "pid=$!\nfor i in $(seq 3000); do\n"
                                   "  cgt=$(awk '/^SigCgt/ {print $2}' /proc/$pid/status 2>/dev/null)\n"
                                   "  if [ -n \"$cgt\" ] && (( 0x$cgt & 0x4000 )); then break; fi\n"
                                   "  sleep 0.01\ndone\nkill -TERM $pid\nwait $pid\necho $? > '" +
                                   (work_ / "rc").string() + "'\n");
  ASSERT_EQ(std::system(("bash '" + (work_ / "run.sh").string() + "'").c_str()), 0);
  EXPECT_EQ(slurp(work_ / "rc"), "130\n") << slurp(work_ / "err");
  EXPECT_NE(slurp(work_ / "err").find("interrupted before any variant ran; nothing was written"), std::string::npos)
      << slurp(work_ / "err");
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(SweepCli, ShowPrintsTheRankingBestFirst) {
  ASSERT_EQ(sweep("--out '" + (work_ / "out").string() + "'").exit_code, 0);
  const CsvTable results = read_csv(work_ / "out/results.csv");
  const std::size_t sharpe = results.column("sharpe");
  std::size_t best = 0;
  for (std::size_t i = 1; i < results.rows.size(); ++i)
    if (std::stod(results.rows[i][sharpe]) > std::stod(results.rows[best][sharpe])) best = i;
  const RunResult shown = run_qsweep("show '" + (work_ / "out").string() + "' --top 3");
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("top 3 of 6 variants by sharpe"), std::string::npos) << shown.out;
  // The first ranked line starts with rank 1 and the best id.
  const std::size_t first = shown.out.find("\n   1  ");
  ASSERT_NE(first, std::string::npos) << shown.out;
  std::istringstream line(shown.out.substr(first + 1));
  std::string rank, id;
  line >> rank >> id;
  EXPECT_EQ(id, results.rows[best][0]) << shown.out;
  const RunResult missing = run_qsweep("show '" + (work_ / "nothing").string() + "'");
  EXPECT_EQ(missing.exit_code, 4);  // as `qsweep report`: a folder that cannot be read
  EXPECT_NE(missing.err.find("no such sweep output folder"), std::string::npos) << missing.err;
  fs::create_directories(work_ / "empty");
  EXPECT_EQ(run_qsweep("show '" + (work_ / "empty").string() + "'").exit_code, 4);
}

// A sweep does not run the benchmark, but checks the base config's [benchmark] as a backtest
// does: a misplaced table or a bad value there is bad input, named, not silently ignored.
TEST_F(SweepCli, ChecksTheBenchmarkItDoesNotRun) {
  for (const auto& [benchmark, message] : std::vector<std::pair<std::string, std::string>>{
           {"[benchmark]\nweights = { SPY = 1.0 }\n[benchmark.data]\ndir = \"x\"\n",
            "benchmark.data: unknown key for strategy kind 'fixed_weights'"},
           {"[benchmark]\nweights = { SPY = \"one\" }\n", "benchmark.weights: SPY: expected a number"},
           {"[benchmark]\nweights = { NOPE = 1.0 }\n", "asset 'NOPE' has no data file"}}) {
    write_text(config_, sweep_config() + benchmark);
    const RunResult r = sweep("--out '" + (work_ / "out").string() + "'");
    EXPECT_EQ(r.exit_code, 3) << benchmark;
    EXPECT_NE(r.err.find(message), std::string::npos) << benchmark << ": " << r.err;
    EXPECT_FALSE(fs::exists(work_ / "out")) << benchmark;
  }
  write_text(config_, sweep_config() + "[benchmark]\nweights = { SPY = 1.0 }\nrebalance = \"buy_and_hold\"\n");
  EXPECT_EQ(sweep("--out '" + (work_ / "out").string() + "'").exit_code, 0);
}

TEST_F(SweepCli, ShowRejectsDamagedResultsAndBadOptions) {
  const fs::path out = work_ / "out";
  ASSERT_EQ(sweep("--out '" + out.string() + "'").exit_code, 0);
  const std::string results = slurp(out / "results.csv");
  const std::string show = "show '" + out.string() + "'";
  auto expect_error = [&](const std::string& args, int code, const std::string& message) {
    const RunResult r = run_qsweep(show + args);
    EXPECT_EQ(r.exit_code, code) << args;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << ": " << r.err;
  };
  expect_error(" --top -1", 2, "--top: -1 is out of range (0 to 100000000)");
  expect_error(" --top abc", 2, "--top: 'abc' is not a whole number");
  expect_error(" --top 1.5", 2, "--top: '1.5' is not a whole number");
  // Decimal, whatever the leading zeros (CLI11 alone reads "08" as bad octal).
  const RunResult leading_zero = run_qsweep(show + " --top 08");
  EXPECT_EQ(leading_zero.exit_code, 0) << leading_zero.err;
  EXPECT_NE(leading_zero.out.find("top 6 of 6 variants"), std::string::npos) << leading_zero.out;
  expect_error(" --rank-by hash", 2, "--rank-by: 'hash' is not a statistic");
  EXPECT_EQ(run_qsweep("sweep '" + config_.string() + "' --keep-curves -3 --out '" + (work_ / "k").string() + "'")
                .exit_code,
            2);
  const RunResult jobs = run_qsweep("sweep '" + config_.string() + "' --jobs 0 --out '" + (work_ / "j").string() + "'");
  EXPECT_EQ(jobs.exit_code, 2);
  EXPECT_NE(jobs.err.find("--jobs: 0 is out of range (1 to 4096)"), std::string::npos) << jobs.err;
  EXPECT_FALSE(fs::exists(work_ / "j"));

  const fs::path csv = out / "results.csv";
  write_text(csv, results.substr(0, results.size() - 10));  // cut off mid-line
  expect_error("", 3, csv.string() + ":7: the last line is cut short");
  std::string short_row = results;
  short_row.insert(short_row.find('\n') + 1, "99,x,1\n");
  write_text(csv, short_row);
  expect_error("", 3, csv.string() + ":2: expected ");
  const CsvTable table = read_csv(csv);
  std::string bad_number = results;
  const std::size_t row2 = bad_number.find('\n') + 1;
  std::size_t at = row2;
  for (std::size_t c = 0; c < table.column("sharpe"); ++c) at = bad_number.find(',', at) + 1;
  bad_number.replace(at, bad_number.find(',', at) - at, "abc");
  write_text(csv, bad_number);
  expect_error("", 3, csv.string() + ":2: column 'sharpe': 'abc' is not a finite number");
  // Non-finite numbers and ids outside the grid or repeated, as `qsweep report` refuses them.
  for (const char* value : {"nan", "inf", "-inf"}) {
    std::string text = results;
    text.replace(at, text.find(',', at) - at, value);
    write_text(csv, text);
    expect_error("", 3, csv.string() + ":2: column 'sharpe': '" + value + "' is not a finite number");
  }
  std::string bad_id = results;
  bad_id.replace(row2, bad_id.find(',', row2) - row2, "99999");
  write_text(csv, bad_id);
  expect_error("", 3, csv.string() + ":2: column 'id': '99999' is not a variant id of the grid in manifest.json (0 to 5)");
  std::string twice = results;
  const std::size_t row3 = twice.find('\n', row2) + 1;
  twice.replace(row3, twice.find(',', row3) - row3, twice.substr(row2, twice.find(',', row2) - row2));
  write_text(csv, twice);
  expect_error("", 3, csv.string() + ":3: variant id 0 appears twice");
  // Columns shown must be there and hold numbers or nothing; a header alone holds no ranking.
  std::string no_cagr;  // each line without its cagr field
  std::istringstream lines(results);
  for (std::string line; std::getline(lines, line);) {
    std::size_t cell = 0;
    for (std::size_t c = 0; c < table.column("cagr"); ++c) cell = line.find(',', cell) + 1;
    no_cagr += line.erase(cell, line.find(',', cell) + 1 - cell) + "\n";
  }
  write_text(csv, no_cagr);
  expect_error("", 3, csv.string() + ":1: no column 'cagr'");
  std::string bad_cagr = results;
  std::size_t cagr_at = row2;
  for (std::size_t c = 0; c < table.column("cagr"); ++c) cagr_at = bad_cagr.find(',', cagr_at) + 1;
  bad_cagr.replace(cagr_at, bad_cagr.find(',', cagr_at) - cagr_at, "abc");
  write_text(csv, bad_cagr);
  expect_error(" --top 100", 3, "column 'cagr': 'abc' is not a finite number");
  write_text(csv, results.substr(0, row2));
  expect_error("", 3, csv.string() + ": no variant's results (header only)");
  write_text(csv, results);

  // A damaged manifest.json is bad input naming the file and key, never an internal error.
  const fs::path manifest = out / "manifest.json";
  const std::string manifest_text = slurp(manifest);
  const std::vector<std::pair<std::string, std::string>> damaged = {
      {"[]", "expected a JSON object"},
      {"null", "expected a JSON object"},
      {"{}", "no \"grid\""},
      {"{\"grid\": []}", "\"config\": missing"},
      {"{\"config\": \"c.toml\", \"grid\": 5}", "\"grid\": expected an array"},
      {"{\"config\": \"c.toml\", \"grid\": [{}]}", "\"grid.key\": missing"},
      {"{\"config\": \"c.toml\", \"grid\": [{\"key\": 3, \"values\": [\"1\"]}]}", "\"grid.key\": expected a string"},
      {"{\"config\": \"c.toml\", \"grid\": [{\"key\": \"a\", \"values\": [\"1\"]}], \"rank_by\": 5}", "\"rank_by\": expected a string"},
      {"{\"config\": \"c.toml\", \"grid\": [{\"key\": \"a\", \"values\": [\"1\"]}], \"rank_by\": \"bogus\"}", "\"rank_by\": 'bogus' is not a statistic"},
  };
  for (const auto& [text, message] : damaged) {
    write_text(manifest, text);
    expect_error("", 3, manifest.string() + ": " + message);
  }
  write_text(manifest, manifest_text);
  EXPECT_EQ(run_qsweep(show).exit_code, 0);
}

// Data is loaded for exactly the assets the valid variants trade, whether or not the base config
// is itself a valid variant and whether or not the grid changes the assets; with one job or more
// (more load the base config's assets early, beside validation), the outputs are the same.
TEST_F(SweepCli, LoadsTheAssetsOfTheValidVariantsWhateverTheBaseConfig) {
  for (const char* base_top_n : {"1", "9"}) {  // 9 > 4 assets: the base alone is invalid
    std::string text = sweep_config("[1, 2]", "\"strategy.assets\" = [[\"XLB\", \"XLE\"], [\"XLF\", \"XLK\", \"XLU\"]]\n");
    text.replace(text.find("top_n = 1"), 9, std::string("top_n = ") + base_top_n);
    write_text(config_, text);
    const fs::path one = work_ / (std::string("j1-") + base_top_n);
    const fs::path two = work_ / (std::string("j2-") + base_top_n);
    ASSERT_EQ(sweep("--jobs 1 --out '" + one.string() + "'").exit_code, 0);
    const RunResult r = sweep("--jobs 2 --out '" + two.string() + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* file : {"results.csv", "manifest.json"})
      EXPECT_EQ(slurp(one / file), slurp(two / file)) << file << ", base top_n " << base_top_n;
    const auto manifest = nlohmann::json::parse(slurp(two / "manifest.json"));
    EXPECT_NE(manifest.dump().find("XLU.csv"), std::string::npos);  // only a variant trades it
  }
}

TEST_F(SweepCli, ABadDataFileGivesTheSameErrorWhateverTheJobs) {
  const fs::path data = work_ / "data";
  fs::create_directories(data);
  for (const char* t : {"XLB", "XLE", "XLF", "XLK"})
    fs::copy_file(source_dir() / "data/synthetic" / (std::string(t) + ".csv"), data / (std::string(t) + ".csv"));
  std::string xlf = slurp(data / "XLF.csv");
  xlf.insert(xlf.find('\n', xlf.find('\n') + 1) + 1, "2014-13-45,1,1,1,1,1,1\n");  // line 3
  write_text(data / "XLF.csv", xlf);
  std::string text = sweep_config();
  text.replace(text.find("dir = "), text.find('\n', text.find("dir = ")) - text.find("dir = "),
               "dir = \"" + data.string() + "\"");
  write_text(config_, text);
  std::string first_error;
  for (const char* jobs : {"1", "2"}) {
    const RunResult r = sweep(std::string("--jobs ") + jobs + " --out '" + (work_ / jobs).string() + "'");
    EXPECT_EQ(r.exit_code, 3) << jobs << " jobs";
    EXPECT_NE(r.err.find("XLF.csv:3"), std::string::npos) << r.err;
    if (first_error.empty()) first_error = r.err;
    else EXPECT_EQ(r.err, first_error);
  }
}

TEST_F(SweepCli, RankByMustBeAStatistic) {
  write_text(config_, sweep_config("[1, 2]").replace(sweep_config("[1, 2]").find("rank_by = \"sharpe\""), 18,
                                                         "rank_by = \"luck\""));
  const RunResult r = sweep("--out '" + (work_ / "out").string() + "'");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find(config_.string() + ":"), std::string::npos) << r.err;  // with its line
  EXPECT_NE(r.err.find("sweep.\"rank_by\": 'luck' is not a statistic"), std::string::npos) << r.err;
}

// A variant that cannot run is found by validation when the config shows it (--skip-invalid
// applies), or when its session is prepared (a burn-in on a holiday, in strict mode): then the
// sweep stops naming the variant, and keeps what it finished.
TEST_F(SweepCli, AVariantWithNothingToRecordIsAnErrorNamingIt) {
  std::string text = sweep_config("[1]", "\"backtest.burn_in\" = [\"2020-12-01\", \"2020-12-26\"]\n");
  text.replace(text.find("end = \"2020-12-31\""), 18, "end = \"2020-12-27\"");
  write_text(config_, text);
  RunResult r = sweep("--out '" + (work_ / "weekend").string() + "'");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("backtest.burn_in=\"2020-12-26\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no weekday between burn_in 2020-12-26 and end 2020-12-27"), std::string::npos) << r.err;
  EXPECT_EQ(sweep("--skip-invalid --out '" + (work_ / "weekend").string() + "'").exit_code, 0);

  text.replace(text.find("end = \"2020-12-27\""), 18, "end = \"2020-12-25\"");
  text.replace(text.find("\"2020-12-26\"]"), 13, "\"2020-12-25\"]");
  write_text(config_, text);
  r = sweep("--out '" + (work_ / "holiday").string() + "'");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("backtest.burn_in=\"2020-12-25\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no trading day between burn_in 2020-12-25 and end 2020-12-25"), std::string::npos) << r.err;
}

TEST_F(SweepCli, HeatmapMustNameTwoDifferentSweptKeys) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[\"strategy.top_n\", \"strategy.top_n\"]", "names 'strategy.top_n' twice"},
      {"[1, 2]", "expected two different swept keys"},
      {"[\"strategy.top_n\"]", "expected two different swept keys"},
      {"[\"strategy.top_n\", \"bogus\"]", "'bogus' is not a swept key"}};
  for (const auto& [value, message] : cases) {
    std::string text = sweep_config("[1, 2]");
    text.insert(text.find("rank_by"), "heatmap = " + value + "\n");
    write_text(config_, text);
    const RunResult r = sweep("--out '" + (work_ / "out").string() + "'");
    EXPECT_EQ(r.exit_code, 3) << value;
    EXPECT_NE(r.err.find(config_.string() + ":"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("sweep.\"heatmap\": " + message), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace qsweep::test
