#include <algorithm>
#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/parallel.hpp"
#include "qsweep/backtest.hpp"
#include "qsweep/cpus.hpp"
#include "qsweep/date.hpp"
#include "qsweep/error.hpp"
#include "strategy/strategy_call.hpp"

namespace fs = std::filesystem;

namespace qsweep {

void load_config_plugins(const Config& config) {
  for (const fs::path& plugin : config.plugins) load_strategy_plugin(plugin.string());
}

DataFileIndex::DataFileIndex(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& file = it->path();
    std::error_code type_ec;
    if (file.extension() == ".csv" && it->is_regular_file(type_ec)) tickers_.insert(file.stem().string());
  }
}

std::unique_ptr<Strategy> make_strategy(const Config& config, const SessionConfig& session,
                                        const DataFileIndex* index) {
  std::unique_ptr<Strategy> strategy = StrategyRegistry::global().create(session.strategy);
  const std::vector<std::string> assets =
      call_strategy_code([&] { return strategy->assets(); }, [&](const std::string& reason) {
        return InputError(fmt::format("{}: {}: strategy '{}' could not list its assets{}", config.path.string(),
                                      session.strategy.key_prefix(), session.strategy.kind(), reason));
      });
  // Each asset once (a plug-in's list is not checked by its parameters as the built-ins' are).
  std::vector<std::string_view> sorted(assets.begin(), assets.end());
  std::sort(sorted.begin(), sorted.end());
  if (const auto twice = std::adjacent_find(sorted.begin(), sorted.end()); twice != sorted.end())
    throw InputError(fmt::format("{}: {}: strategy '{}' lists asset '{}' twice", config.path.string(),
                                 session.strategy.key_prefix(), session.strategy.kind(), *twice));
  for (const std::string& ticker : assets) {
    // A ticker names <TICKER>.csv in data.dir and a column of the output CSV files.
    const bool usable = !ticker.empty() && ticker != "." && ticker != ".." &&
                        std::none_of(ticker.begin(), ticker.end(), [](char c) {
                          const auto u = static_cast<unsigned char>(c);
                          return u < 0x20 || u == 0x7f || c == '/' || c == '\\' || c == ',' || c == '"';
                        });
    if (!usable) {
      throw InputError(fmt::format("{}: {}: '{}' is not a usable ticker: it names <TICKER>.csv in data.dir and a CSV "
                                   "column, so it cannot hold / \\ , \" or control characters",
                                   config.path.string(), session.strategy.key_prefix(), ticker));
    }
    auto file = [&] { return config.data_dir / (ticker + ".csv"); };
    if (index ? !index->contains(ticker) : !fs::exists(file())) {
      throw InputError(fmt::format("{}: {}: asset '{}' has no data file {}", config.path.string(),
                                   session.strategy.key_prefix(), ticker, file().string()));
    }
  }
  // fixed_weights' weights are known now: a negative one cannot run in a long-only session.
  if (session.long_only && session.strategy.kind() == "fixed_weights") {
    for (const auto& [ticker, weight] : session.strategy.get_weights("weights")) {
      if (weight < 0.0)
        session.strategy.fail_entry("weights", ticker, fmt::format("{} = {} is negative in a long-only session (set long_only = "
                                                     "false for long/short)",
                                                     ticker, weight));
    }
  }
  for (const auto& [ticker, day] : session.universe_entries) {
    (void)day;
    if (session.label == "strategy" && std::find(assets.begin(), assets.end(), ticker) == assets.end()) {
      throw InputError(fmt::format("{}: universe.{}: not an asset of the strategy", config.path.string(), ticker));
    }
  }
  // Assets may join after the end (a walk-forward over `end`), but not all of them: the session
  // would silently never trade.
  const auto joins_after_end = [&](const std::string& ticker) {
    return std::any_of(session.universe_entries.begin(), session.universe_entries.end(),
                       [&](const auto& entry) { return entry.first == ticker && entry.second > session.end; });
  };
  if (!assets.empty() && std::all_of(assets.begin(), assets.end(), joins_after_end)) {
    throw InputError(fmt::format("{}: universe: every asset of the {} joins after its end {}: it would never trade",
                                 config.path.string(), session.label, format_date(session.end)));
  }
  return strategy;
}

namespace {

SessionRun run_one(const Config& config, const MarketData& data, const SessionConfig& session) {
  std::unique_ptr<Strategy> strategy = make_strategy(config, session);
  // The errors of preparing and running the session (no trading day after burn_in, no bars in
  // the range, a weight or price that cannot be traded) name the session; the file is added.
  std::optional<PreparedSession> prepared_session;
  SessionRun run;
  try {
    prepared_session.emplace(data, session, strategy->assets());
    run.result = run_session(*prepared_session, *strategy);
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", config.path.string(), e.what()));
  }
  const PreparedSession& prepared = *prepared_session;
  run.stats = compute_performance(run.result.dates, run.result.equity, session.mode);
  run.portfolio = compute_portfolio_stats(run.result, prepared, run.stats);
  return run;
}

}  // namespace

BacktestRun run_backtest(const Config& config) {
  load_config_plugins(config);
  // Validate both strategies before loading anything.
  std::vector<std::string> tickers = make_strategy(config, config.strategy)->assets();
  if (config.benchmark) {
    for (const std::string& t : make_strategy(config, *config.benchmark)->assets()) tickers.push_back(t);
  }
  const MarketData data = MarketData::load(config.data_dir, tickers, LoadOptions{config.adjust_prices, /*checksum=*/false, available_cpus()});
  BacktestRun run;
  run.config = config;
  // The two sessions are independent: run side by side.
  std::vector<std::function<void()>> sessions = {[&] { run.strategy = run_one(config, data, config.strategy); }};
  if (config.benchmark) sessions.emplace_back([&] { run.benchmark = run_one(config, data, *config.benchmark); });
  run_tasks(sessions, available_cpus());
  if (config.benchmark) {
    run.relative = compute_relative_stats(run.strategy.result.dates, run.strategy.result.equity,
                                          run.benchmark->result.dates, run.benchmark->result.equity,
                                          run.strategy.stats.periods_per_year);
  }
  return run;
}

}  // namespace qsweep
