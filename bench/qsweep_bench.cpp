// Benchmarks of libqsweep on the bundled data (data/synthetic) and the QSTrader example configs
// (examples/qstrader/*.toml):
//   BM_LoadCsv/<TICKER>        parse one CSV file (rows/s)
//   BM_LoadAll/threads:<n>     MarketData::load of all 15 files on 1 thread, and on every
//                              available CPU as a backtest loads them
//   BM_Sha256/SPY              the file digest that loading records (part of BM_LoadCsv)
//   BM_PrepareSession/<config> PreparedSession construction (calendar, price grid, schedule)
//   BM_RunSession/<config>     run_session alone on a prepared session: the engine's cost
//                              (asset-days/s and time per asset-day: assets x simulated days)
//   BM_RunSessionEquityOnly/.. the same, recording only the equity curve (as sweeps do); also
//                              on momentum_sweep, one variant of examples/momentum_sweep.toml
//   BM_PrepareAndRun/<config>  a fresh PreparedSession + strategy + run_session
//   BM_RunBacktest/<config>    run_backtest: load the data, run strategy and benchmark, statistics
//   BM_StatisticsJson/<config> statistics.json's text (QSTrader's JSONStatistics document)
//   BM_WriteOutputs/<config>   write_backtest_outputs: every output file of `qsweep backtest`, into
//                              a temporary folder (removed at exit) that each iteration replaces
//   BM_BacktestReport/<config> write_backtest_report alone: report.html from a written folder
//                              (re-reading its files), as `qsweep report` does but without fsync
//   BM_RollingSharpe/<config>  the 252-day rolling Sharpe of the strategy's returns
//   BM_Pbo/<trials>            PBO by CSCV (S = 16, 12,870 splits, one thread) from block sums
//                              of seeded random returns, as a sweep of that many variants has
// Together, BM_RunBacktest + BM_WriteOutputs are what a `qsweep backtest` process does after
// start-up. Run from anywhere: paths come from QSWEEP_SOURCE_DIR.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include <benchmark/benchmark.h>

#include "qsweep/backtest.hpp"
#include "qsweep/config.hpp"
#include "qsweep/cpus.hpp"
#include "qsweep/engine.hpp"
#include "qsweep/market_data.hpp"
#include "qsweep/overfitting.hpp"
#include "qsweep/report.hpp"
#include "qsweep/sha256.hpp"
#include "qsweep/stats.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kSourceDir = QSWEEP_SOURCE_DIR;
const std::vector<std::string> kConfigs = {"sixty_forty", "sixty_forty_fees", "buy_and_hold", "long_short",
                                           "momentum_taa"};

fs::path data_dir() { return kSourceDir / "data" / "synthetic"; }

std::vector<std::string> data_tickers() {
  std::vector<std::string> tickers;
  for (const auto& entry : fs::directory_iterator(data_dir()))
    if (entry.path().extension() == ".csv") tickers.push_back(entry.path().stem().string());
  std::sort(tickers.begin(), tickers.end());
  return tickers;
}

// "momentum_sweep" is the base config of examples/momentum_sweep.toml: one variant of the sweep.
qsweep::Config load_example(const std::string& name) {
  if (name == "momentum_sweep") return qsweep::load_config(kSourceDir / "examples" / "momentum_sweep.toml");
  return qsweep::load_config(kSourceDir / "examples" / "qstrader" / (name + ".toml"));
}

// Counters for `per_iteration` units of work done in each iteration: a rate and its inverse.
void add_rate(benchmark::State& state, const std::string& unit, double per_iteration) {
  state.counters[unit + "/s"] = benchmark::Counter(per_iteration, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["time/" + unit] = benchmark::Counter(
      per_iteration, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void load_csv(benchmark::State& state, const fs::path& file, const std::string& ticker) {
  std::size_t rows = 0;
  for (auto _ : state) {
    qsweep::AssetSeries series = qsweep::load_asset_csv(file, ticker);
    rows = series.size();
    benchmark::DoNotOptimize(series.close.data());
  }
  add_rate(state, "row", static_cast<double>(rows));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(fs::file_size(file)));
}

void load_all(benchmark::State& state, const std::vector<std::string>& tickers) {
  const qsweep::LoadOptions options{/*adjust=*/true, /*checksum=*/false, static_cast<unsigned>(state.range(0))};
  std::size_t rows = 0;
  for (auto _ : state) {
    const qsweep::MarketData data = qsweep::MarketData::load(data_dir(), tickers, options);
    rows = 0;
    for (const auto& asset : data.assets()) rows += asset.size();
    benchmark::DoNotOptimize(data.assets().data());
  }
  add_rate(state, "row", static_cast<double>(rows));
  add_rate(state, "file", static_cast<double>(tickers.size()));
}

void sha256(benchmark::State& state, const fs::path& file) {
  std::ostringstream bytes;
  bytes << std::ifstream(file, std::ios::binary).rdbuf();
  const std::string content = bytes.str();
  for (auto _ : state) benchmark::DoNotOptimize(qsweep::sha256_hex(content));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(content.size()));
}

// The strategy session of an example config, with its data loaded once.
struct Fixture {
  qsweep::Config config;
  std::unique_ptr<qsweep::Strategy> strategy;
  std::vector<std::string> tickers;
  qsweep::MarketData data;

  explicit Fixture(const std::string& name)
      : config(load_example(name)), strategy(qsweep::make_strategy(config, config.strategy)),
        tickers(strategy->assets()),
        data(qsweep::MarketData::load(config.data_dir, tickers, qsweep::LoadOptions{config.adjust_prices})) {}
};

void prepare_session(benchmark::State& state, const std::string& name) {
  const Fixture f(name);
  std::size_t asset_days = 0;
  for (auto _ : state) {
    const qsweep::PreparedSession session(f.data, f.config.strategy, f.tickers);
    asset_days = session.asset_count() * session.day_count();
    benchmark::DoNotOptimize(session.days().data());
  }
  add_rate(state, "asset_day", static_cast<double>(asset_days));
}

void run_session(benchmark::State& state, const std::string& name, qsweep::RecordOptions record) {
  const Fixture f(name);
  const qsweep::PreparedSession session(f.data, f.config.strategy, f.tickers);
  std::size_t fills = 0;
  for (auto _ : state) {
    const qsweep::SessionResult result = qsweep::run_session(session, *f.strategy, record);
    fills = result.fills.size();
    benchmark::DoNotOptimize(result.equity.data());
  }
  add_rate(state, "asset_day", static_cast<double>(session.asset_count() * session.day_count()));
  state.counters["assets"] = static_cast<double>(session.asset_count());
  state.counters["days"] = static_cast<double>(session.day_count());
  if (record.fills) state.counters["fills"] = static_cast<double>(fills);
}

void prepare_and_run(benchmark::State& state, const std::string& name) {
  const Fixture f(name);
  std::size_t asset_days = 0;
  for (auto _ : state) {
    const qsweep::PreparedSession session(f.data, f.config.strategy, f.tickers);
    const std::unique_ptr<qsweep::Strategy> strategy = qsweep::make_strategy(f.config, f.config.strategy);
    const qsweep::SessionResult result = qsweep::run_session(session, *strategy);
    asset_days = session.asset_count() * session.day_count();
    benchmark::DoNotOptimize(result.equity.data());
  }
  add_rate(state, "asset_day", static_cast<double>(asset_days));
}

void run_backtest(benchmark::State& state, const std::string& name) {
  const qsweep::Config config = load_example(name);
  for (auto _ : state) {
    const qsweep::BacktestRun run = qsweep::run_backtest(config);
    benchmark::DoNotOptimize(run.strategy.result.equity.data());
  }
}

void statistics_json(benchmark::State& state, const std::string& name) {
  const qsweep::BacktestRun run = qsweep::run_backtest(load_example(name));
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string text = qsweep::statistics_json(run);
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

void write_outputs(benchmark::State& state, const std::string& name, const fs::path& out_dir) {
  const qsweep::BacktestRun run = qsweep::run_backtest(load_example(name));
  for (auto _ : state) qsweep::write_backtest_outputs(run, out_dir / name);
}

void backtest_report(benchmark::State& state, const std::string& name, const fs::path& out_dir) {
  const fs::path dir = out_dir / ("report-" + name);
  qsweep::write_backtest_outputs(qsweep::run_backtest(load_example(name)), dir);
  for (auto _ : state) qsweep::write_backtest_report(dir, /*sync=*/false);
}

void rolling_sharpe(benchmark::State& state, const std::string& name) {
  const qsweep::BacktestRun run = qsweep::run_backtest(load_example(name));
  const qsweep::PerformanceStats& stats = run.strategy.stats;
  for (auto _ : state) {
    const auto series = qsweep::rolling_sharpe(stats.returns, qsweep::kRollingSharpeWindow, stats.periods_per_year);
    benchmark::DoNotOptimize(series.data());
  }
  add_rate(state, "window", static_cast<double>(stats.returns.size()));
}

// Block sums of 16 blocks of 230 daily returns per trial, drawn from a seeded generator:
// what overfitting_summary hands to the PBO after a sweep of `trials` variants.
void pbo(benchmark::State& state) {
  const auto trials = static_cast<std::size_t>(state.range(0));
  constexpr std::size_t kBlocks = 16, kRowsPerBlock = 230;
  std::mt19937_64 random(42);
  std::normal_distribution<double> daily_return(0.0004, 0.01);
  qsweep::BlockReturnSums blocks;
  blocks.trials = trials;
  blocks.rows.assign(kBlocks, static_cast<double>(kRowsPerBlock));
  blocks.sum.assign(kBlocks * trials, 0.0);
  blocks.sum_sq.assign(kBlocks * trials, 0.0);
  for (std::size_t i = 0; i < kBlocks * trials; ++i)
    for (std::size_t t = 0; t < kRowsPerBlock; ++t) {
      const double r = daily_return(random);
      blocks.sum[i] += r;
      blocks.sum_sq[i] += r * r;
    }
  for (auto _ : state) {
    const auto result = qsweep::probability_of_backtest_overfitting(blocks);
    benchmark::DoNotOptimize(result.value->probability);
  }
  add_rate(state, "trial_split", static_cast<double>(trials) * 12870.0);
}

void register_benchmarks(const fs::path& scratch_dir) {
  const std::vector<std::string> tickers = data_tickers();
  for (const std::string& ticker : tickers) {
    benchmark::RegisterBenchmark(("BM_LoadCsv/" + ticker).c_str(), load_csv, data_dir() / (ticker + ".csv"), ticker)
        ->Unit(benchmark::kMicrosecond);
  }
  // One thread, and every available CPU as `qsweep backtest` loads them (wall time).
  auto* load_all_bench = benchmark::RegisterBenchmark("BM_LoadAll", load_all, tickers)
                            ->ArgName("threads")
                            ->Arg(1)
                            ->Unit(benchmark::kMillisecond)
                            ->UseRealTime();
  if (qsweep::available_cpus() > 1) load_all_bench->Arg(static_cast<std::int64_t>(qsweep::available_cpus()));
  benchmark::RegisterBenchmark("BM_Sha256/SPY", sha256, data_dir() / "SPY.csv")->Unit(benchmark::kMicrosecond);
  for (const std::string& name : kConfigs) {
    benchmark::RegisterBenchmark(("BM_PrepareSession/" + name).c_str(), prepare_session, name)
        ->Unit(benchmark::kMicrosecond);
  }
  for (const std::string& name : kConfigs) {
    benchmark::RegisterBenchmark(("BM_RunSession/" + name).c_str(), run_session, name, qsweep::RecordOptions{})
        ->Unit(benchmark::kMicrosecond);
  }
  std::vector<std::string> equity_only_configs = kConfigs;
  equity_only_configs.emplace_back("momentum_sweep");
  for (const std::string& name : equity_only_configs) {
    benchmark::RegisterBenchmark(("BM_RunSessionEquityOnly/" + name).c_str(), run_session, name,
                                 qsweep::RecordOptions{false, false, false, false})
        ->Unit(benchmark::kMicrosecond);
  }
  for (const std::string& name : kConfigs) {
    benchmark::RegisterBenchmark(("BM_PrepareAndRun/" + name).c_str(), prepare_and_run, name)
        ->Unit(benchmark::kMicrosecond);
  }
  for (const std::string& name : kConfigs) {
    benchmark::RegisterBenchmark(("BM_RunBacktest/" + name).c_str(), run_backtest, name)
        ->Unit(benchmark::kMillisecond);
  }
  for (const std::string& name : kConfigs) {
    benchmark::RegisterBenchmark(("BM_StatisticsJson/" + name).c_str(), statistics_json, name)
        ->Unit(benchmark::kMillisecond);
  }
  for (const std::string& name : kConfigs) {
    benchmark::RegisterBenchmark(("BM_WriteOutputs/" + name).c_str(), write_outputs, name, scratch_dir)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();  // includes waiting for the file system
  }
  for (const std::string& name : kConfigs) {
    benchmark::RegisterBenchmark(("BM_BacktestReport/" + name).c_str(), backtest_report, name, scratch_dir)
        ->Unit(benchmark::kMillisecond);
  }
  for (const std::string& name : kConfigs) {
    benchmark::RegisterBenchmark(("BM_RollingSharpe/" + name).c_str(), rolling_sharpe, name)
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark("BM_Pbo", pbo)->Arg(1020)->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const fs::path scratch_dir =
      fs::temp_directory_path() / ("qsweep-bench-" + std::to_string(static_cast<long long>(::getpid())));
  int status = 0;
  try {
    register_benchmarks(scratch_dir);  // reads the example configs: fails on a broken checkout
    benchmark::RunSpecifiedBenchmarks();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qsweep_bench: %s\n", e.what());
    status = 1;
  }
  benchmark::Shutdown();
  std::error_code ignored;
  fs::remove_all(scratch_dir, ignored);
  return status;
}
