// The backtest engine: daily bars, target weights, market orders at the next open.
// Timing (both modes): the strategy decides at a rebalance day's close, orders are sized on
// that close and filled at the next simulated day's open (buy_and_hold: sized and filled at
// the first day's open). docs/engine.md states the rules; docs/modes.md the strict-mode fixes.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "qsweep/config.hpp"
#include "qsweep/market_data.hpp"
#include "qsweep/strategy.hpp"

namespace qsweep {

// One executed trade.
struct Fill {
  Day day = 0;              // the fill happens at this day's open
  AssetIndex asset = 0;     // index into SessionResult::tickers
  double quantity = 0.0;    // signed: + buy, - sell
  double price = 0.0;       // the (adjusted) fill price
  double commission = 0.0;  // total fees charged, in cash units
  double cash_after = 0.0;  // portfolio cash after this fill
};

// An order left unfilled when the session ended: created at the last close, or (strict mode)
// earlier and still waiting for its asset's next bar.
struct PendingOrder {
  Day created = 0;  // the decision day that sized it
  AssetIndex asset = 0;
  double quantity = 0.0;
};

// Target weights at one rebalance, as the strategy returned them (before normalisation).
struct RebalanceRecord {
  Day day = 0;
  std::vector<double> weights;  // one per ticker
};

struct SessionResult {
  std::vector<std::string> tickers;
  // One point per simulated day's close from the burn-in day on.
  std::vector<Day> dates;
  std::vector<double> equity;
  std::vector<double> cash;
  std::vector<double> market_value;
  std::vector<Fill> fills;       // when recorded
  std::size_t fill_count = 0;    // fills executed, recorded or not
  std::vector<PendingOrder> pending;   // queued at the end, never filled; in fill order (sells first)
  std::vector<RebalanceRecord> rebalances;
  // Quantity held per ticker at each close: positions[i * tickers.size() + a].
  std::vector<double> positions;
};

// What to record besides the equity curve (sweeps skip what they do not need).
struct RecordOptions {
  bool fills = true;
  bool positions = true;
  bool rebalances = true;
  bool balances = true;  // cash and market value at each point (dates and equity always)
};

class PreparedSession;

// Indicator tables computed once per session and shared read-only by every run of it (for
// example momentum at each rebalance day for one lookback, used by all top_n variants of a
// sweep). Thread-safe: concurrent callers asking for the same key wait for one computation.
// A compute function may use the whole session, but each value it stores for day t must depend
// only on data up to day t (no look-ahead).
class IndicatorCache {
 public:
  explicit IndicatorCache(const PreparedSession& session) : session_(session) {}

  template <class T>
  std::shared_ptr<const T> get(const std::string& key, const std::function<T(const PreparedSession&)>& compute) {
    std::unique_lock lock(mutex_);
    for (;;) {
      const auto it = entries_.find(key);
      if (it == entries_.end()) break;
      if (it->second) return std::static_pointer_cast<const T>(it->second);
      ready_.wait(lock);  // another thread is computing it
    }
    entries_.emplace(key, nullptr);
    lock.unlock();
    std::shared_ptr<const T> value;
    try {
      value = std::make_shared<const T>(compute(session_));
    } catch (...) {
      lock.lock();
      entries_.erase(key);
      ready_.notify_all();
      throw;
    }
    lock.lock();
    entries_[key] = value;
    ready_.notify_all();
    return value;
  }

 private:
  const PreparedSession& session_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::map<std::string, std::shared_ptr<const void>> entries_;
};

// A session's calendar, schedule and price grid, built once from market data and shared
// read-only by every run with the same dates, mode, rebalance schedule and assets. Thread-safe
// after construction.
class PreparedSession {
 public:
  // Throws InputError when an asset is missing from `data`, or has no bar in the range.
  PreparedSession(const MarketData& data, const SessionConfig& config, std::vector<std::string> tickers);

  const SessionConfig& config() const noexcept { return config_; }
  const std::vector<std::string>& tickers() const noexcept { return tickers_; }
  std::size_t asset_count() const noexcept { return tickers_.size(); }
  // Simulated days: every Mon-Fri in qstrader mode, the data's trading days in strict mode.
  const std::vector<Day>& days() const noexcept { return days_; }
  std::size_t day_count() const noexcept { return days_.size(); }
  // Price at a day's open / close for asset a, day index t (NaN where unavailable in strict mode).
  double open_price(AssetIndex a, std::size_t t) const noexcept { return open_[a * days_.size() + t]; }
  double close_price(AssetIndex a, std::size_t t) const noexcept { return close_[a * days_.size() + t]; }
  std::span<const double> closes(AssetIndex a) const noexcept {
    return {close_.data() + a * days_.size(), days_.size()};
  }
  // Whether asset a has a real bar on day t.
  bool has_bar(AssetIndex a, std::size_t t) const noexcept { return has_bar_[a * days_.size() + t] != 0; }
  // First day index at whose close asset a is in the universe (day_count() if never).
  std::size_t entry_index(AssetIndex a) const noexcept { return entry_[a]; }
  // Last day index at which asset a can be held (strict: its last bar; qstrader: the end).
  std::size_t exit_index(AssetIndex a) const noexcept { return exit_[a]; }
  // Day indices whose close is a rebalance (sorted), and whether day 0's open is one
  // (buy_and_hold).
  const std::vector<std::size_t>& rebalance_days() const noexcept { return rebalance_days_; }
  bool rebalance_at_first_open() const noexcept { return rebalance_at_open_; }
  std::size_t open_rebalance_index() const noexcept { return open_rebalance_index_; }
  // First day index from which equity is recorded and rebalances may happen.
  std::size_t burn_in_index() const noexcept { return burn_in_index_; }
  // Universe in ranking order at day t's close: entry_index(a) <= t < exit_index(a), or
  // t == exit_index(a) on the session's last day (a strict-mode asset whose data ends at t is
  // sold at that close and cannot be targeted again).
  void universe_at(std::size_t t, std::vector<AssetIndex>& out) const;
  // The first day index after t whose universe may differ from universe_at(t); day_count() if
  // none does.
  std::size_t next_universe_change(std::size_t t) const noexcept;
  // Closes of asset a as the strategy sees them at day t: from its universe entry through
  // min(t, exit index); empty before entry. `t` may be -1 (before the first close).
  std::span<const double> history(AssetIndex a, std::ptrdiff_t t) const noexcept;
  // Indicators shared by all runs of this session (mutable: a memo, not session state).
  IndicatorCache& indicators() const noexcept { return *indicators_; }

 private:
  SessionConfig config_;
  std::vector<std::string> tickers_;
  std::vector<Day> days_;
  std::vector<double> open_;
  std::vector<double> close_;
  std::vector<unsigned char> has_bar_;
  std::vector<std::size_t> entry_;
  std::vector<std::size_t> exit_;
  std::vector<AssetIndex> ranking_order_;
  std::vector<std::size_t> universe_changes_;  // sorted: every entry_, exit_ and exit_ + 1
  std::vector<std::size_t> rebalance_days_;
  bool rebalance_at_open_ = false;
  std::size_t open_rebalance_index_ = 0;
  std::size_t burn_in_index_ = 0;
  std::unique_ptr<IndicatorCache> indicators_;
};

// Runs one session with session.config(). `strategy` must trade exactly session.tickers() in
// that order. Throws InputError when the strategy returns invalid weights (negative in a
// long-only session, non-finite). Thread-safe for distinct strategies and results.
SessionResult run_session(const PreparedSession& session, Strategy& strategy,
                          const RecordOptions& record = {});

// The same with another config of the same shape: `config` supplies the cash, fees and sizing
// (initial_cash, fees, long_only, cash_buffer, gross_leverage); its dates, mode, schedule and
// universe must equal those the session was prepared with. Lets sweep variants that differ
// only in those share one PreparedSession.
SessionResult run_session(const PreparedSession& session, const SessionConfig& config, Strategy& strategy,
                          const RecordOptions& record = {});

}  // namespace qsweep
