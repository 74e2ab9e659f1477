#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numeric>

#include <fmt/format.h>

#include "qsweep/engine.hpp"
#include "qsweep/error.hpp"
#include "strategy/strategy_call.hpp"

namespace qsweep {
namespace {

// Closes up to and including `last` (a day index), from each asset's universe entry.
class SessionHistory final : public PriceHistory {
 public:
  SessionHistory(const PreparedSession& session, std::ptrdiff_t last) : session_(session), last_(last) {}
  std::span<const double> closes(AssetIndex asset) const override { return session_.history(asset, last_); }

 private:
  const PreparedSession& session_;
  std::ptrdiff_t last_;
};

struct Order {
  AssetIndex asset;
  double quantity;
  Day created = 0;  // the decision day
};

// Portfolio state and the broker's fill rules. Positions are kept in QSTrader's insertion
// order (a position closed to zero is removed), which fixes the order of the market-value sum.
class Portfolio {
 public:
  Portfolio(const PreparedSession& session, const SessionConfig& config, SessionResult& result,
            const RecordOptions& record)
      : session_(session), config_(config), result_(result), record_(record),
        quantity_(session.asset_count(), 0.0), cash_(config_.initial_cash) {}

  double cash() const noexcept { return cash_; }
  double quantity(AssetIndex a) const noexcept { return quantity_[a]; }
  const std::vector<AssetIndex>& held() const noexcept { return held_; }

  // Σ price·quantity in insertion order, starting from 0 (Python's sum()).
  template <class PriceOf>
  double market_value(PriceOf&& price_of) const noexcept {
    double total = 0.0;
    for (AssetIndex a : held_) total += price_of(a) * quantity_[a];
    return total;
  }

  double fee(double consideration) const noexcept {
    if (config_.fees.model == FeeModelKind::zero) return 0.0;
    return config_.fees.commission * std::abs(consideration) + config_.fees.tax * std::abs(consideration);
  }

  // Executes a market order at `price` on day index t. Strict long-only sessions cut buys
  // so cash never goes negative.
  void execute(AssetIndex a, double quantity, double price, std::size_t t) {
    const bool qstrader = config_.mode == Mode::qstrader;
    auto commission_for = [&](double q) {
      // QSTrader charges fees on the traded value rounded to a whole currency unit.
      return qstrader ? fee(std::nearbyint(price * q)) : fee(price * q);
    };
    double commission = commission_for(quantity);
    // One branch (buys and sells alternate unpredictably); rarely taken.
    if (!qstrader & config_.long_only & (quantity > 0.0) & (price * quantity + commission > cash_)) {
      const double rate = 1.0 + (config_.fees.model == FeeModelKind::percent ? config_.fees.commission + config_.fees.tax : 0.0);
      // The largest whole quantity whose cost, fees included, fits in cash: the estimate is off
      // by a unit or two at most. Past 2^53 shares, ±1 no longer changes a double, so the steps
      // also stop when the quantity stops changing.
      double affordable = std::floor(std::max(cash_, 0.0) / (price * rate));
      while (affordable + 1.0 != affordable && price * (affordable + 1.0) + commission_for(affordable + 1.0) <= cash_)
        affordable += 1.0;
      while (affordable > 0.0 && affordable - 1.0 != affordable && price * affordable + commission_for(affordable) > cash_)
        affordable -= 1.0;
      // Where whole steps cannot reach an affordable quantity (an infinite estimate from a price
      // near zero), nothing is bought: the invariant is never to overdraw.
      if (!(price * affordable + commission_for(affordable) <= cash_)) return;
      quantity = std::min(quantity, affordable);
      if (quantity <= 0.0) return;
      commission = commission_for(quantity);
    }
    cash_ -= price * quantity + commission;
    const double before = quantity_[a];
    quantity_[a] = before + quantity;
    if (before == 0.0) {
      held_.push_back(a);
    } else if (quantity_[a] == 0.0) {
      held_.erase(std::find(held_.begin(), held_.end(), a));
    }
    ++result_.fill_count;
    if (record_.fills) result_.fills.push_back({session_.days()[t], a, quantity, price, commission, cash_});
  }

 private:
  const PreparedSession& session_;
  const SessionConfig& config_;
  SessionResult& result_;
  const RecordOptions& record_;
  std::vector<double> quantity_;
  std::vector<AssetIndex> held_;
  double cash_;
};

// Turns target weights into orders the way QSTrader's portfolio construction does: every asset
// that is held, in the universe or weighted is sized (sorted by ticker), and the difference to
// the current holding becomes an order. Every asset of the session is sized here: an asset that
// is neither held nor weighted gets a zero target and so no order, as in QSTrader.
class OrderSizer {
 public:
  OrderSizer(const PreparedSession& session, const SessionConfig& config) : session_(session), config_(config) {
    by_ticker_.resize(session.asset_count());
    std::iota(by_ticker_.begin(), by_ticker_.end(), AssetIndex{0});
    std::sort(by_ticker_.begin(), by_ticker_.end(),
              [&](AssetIndex x, AssetIndex y) { return session.tickers()[x] < session.tickers()[y]; });
    weighted_.resize(by_ticker_.size());
    targets_.resize(by_ticker_.size());
    orders_.resize(by_ticker_.size());
  }

  // `equity` is the portfolio's total equity now; `price_of(a)` the price used for sizing.
  // Only weighted assets need a division; every asset then gets its order in ticker order.
  // The orders, valid until the next call, are stamped with the decision day `day`.
  template <class PriceOf>
  std::span<const Order> size(std::span<const double> weights, const Portfolio& portfolio, double equity,
                              PriceOf&& price_of, Day day) {
    // The weighted assets in ticker order. Skipping zero weights leaves the sums below exact:
    // a sum started at +0.0 is unchanged by adding ±0.0.
    std::size_t n_weighted = 0;
    for (const AssetIndex a : by_ticker_) {
      weighted_[n_weighted] = a;
      n_weighted += weights[a] != 0.0;
    }
    // A zero weight sells all: floor((0 - fee(0)) / price) = 0, even without a usable price.
    std::fill(targets_.begin(), targets_.end(), 0.0);
    if (config_.long_only) {
      const double budget = equity * (1.0 - config_.cash_buffer);
      double sum = 0.0;
      for (std::size_t i = 0; i < n_weighted; ++i) sum += weights[weighted_[i]];
      if (!std::isfinite(sum)) [[unlikely]]
        fail_weight_sum(sum, day);
      const bool rescale = !(std::abs(sum) <= 1e-8);  // numpy.isclose(sum, 0)
      for (std::size_t i = 0; i < n_weighted; ++i) {
        const AssetIndex a = weighted_[i];
        const double w = rescale ? weights[a] / sum : weights[a];
        const double dollars = budget * w;
        const double cost = portfolio.fee(dollars);
        targets_[a] = std::floor((dollars - cost) / price_of(a));
        if (std::isinf(targets_[a])) [[unlikely]]
          fail_unsizable(a, price_of(a), day);
      }
    } else {
      double gross = 0.0;
      for (std::size_t i = 0; i < n_weighted; ++i) gross += std::abs(weights[weighted_[i]]);
      if (!std::isfinite(gross)) [[unlikely]]
        fail_weight_sum(gross, day);
      const bool rescale = !(std::abs(gross) <= 1e-8);
      const double ratio = rescale ? config_.gross_leverage / gross : 1.0;
      for (std::size_t i = 0; i < n_weighted; ++i) {
        const AssetIndex a = weighted_[i];
        const double w = rescale ? weights[a] * ratio : weights[a];
        const double dollars = equity * w;
        const double after_cost = dollars - portfolio.fee(dollars);
        const double truncated = after_cost >= 0.0 ? std::floor(after_cost) : std::ceil(after_cost);
        targets_[a] = std::trunc(truncated / price_of(a));
        if (std::isinf(targets_[a])) [[unlikely]]
          fail_unsizable(a, price_of(a), day);
      }
    }
    // One slot per asset; an order is kept when it is a non-zero change to a finite target (no
    // usable price leaves the holding alone).
    std::size_t count = 0;
    for (const AssetIndex a : by_ticker_) {
      const double delta = targets_[a] - portfolio.quantity(a);
      orders_[count] = {a, delta, day};
      count += static_cast<std::size_t>(std::isfinite(targets_[a]) & (delta != 0.0));
    }
    return {orders_.data(), count};
  }

 private:
  // Finite weights whose sum overflows: scaled by it, every weight would be 0 (all cash).
  [[noreturn]] void fail_weight_sum(double sum, Day day) const {
    throw InputError(fmt::format("{}: strategy '{}' returned weights on {} whose sum is {}: too large to scale",
                                 config_.label, config_.strategy.kind(), format_date(day), sum));
  }

  // A target no quantity reaches: dollars / price overflowed (a price near zero). Never skipped
  // silently, as a missing price is.
  [[noreturn]] void fail_unsizable(AssetIndex a, double price, Day day) const {
    throw InputError(fmt::format("{}: sizing {} on {} at price {} gives an infinite quantity: the price is too "
                                 "small to trade (check its data)",
                                 config_.label, session_.tickers()[a], format_date(day), price));
  }

  const PreparedSession& session_;
  const SessionConfig& config_;
  std::vector<AssetIndex> by_ticker_;
  std::vector<AssetIndex> weighted_;  // scratch: assets with a non-zero weight, in ticker order
  std::vector<double> targets_;       // scratch: target quantity of each asset
  std::vector<Order> orders_;         // one slot per asset; the first `count` are the orders
};

void check_weights(const PreparedSession& session, const SessionConfig& config, std::span<const double> weights,
                   Day day) {
  // One branch-free pass over the weights' bits (integer SIMD); the slow pass below only finds
  // what to report. Non-finite: all exponent bits set. Negative: sign set and not -0.0.
  const std::uint64_t long_only = config.long_only ? 1 : 0;
  std::uint64_t bad = 0;
  for (const double w : weights) {
    const auto bits = std::bit_cast<std::uint64_t>(w);
    const std::uint64_t non_finite = ((bits >> 52) & 0x7ff) == 0x7ff;
    const std::uint64_t negative = (bits >> 63) & static_cast<std::uint64_t>((bits << 1) != 0);
    bad |= non_finite | (negative & long_only);
  }
  if (bad == 0) return;
  for (AssetIndex a = 0; a < weights.size(); ++a) {
    if (!std::isfinite(weights[a])) {
      throw InputError(fmt::format("{}: strategy '{}' returned a non-finite weight for {} on {}",
                                   config.label, config.strategy.kind(),
                                   session.tickers()[a], format_date(day)));
    }
    if (config.long_only && weights[a] < 0.0) {
      throw InputError(fmt::format("{}: strategy '{}' returned a negative weight for {} on {} in a long-only "
                                   "session (set long_only = false for long/short)",
                                   config.label, config.strategy.kind(),
                                   session.tickers()[a], format_date(day)));
    }
  }
}

// Appends `orders` to a queue that holds all its sells before all its buys, keeping it so: the
// queue stays in QSTrader's fill order (a stable sort by direction). Branch-free: directions are
// unpredictable.
void enqueue(std::vector<Order>& queue, std::span<const Order> orders) {
  const std::size_t old_size = queue.size();
  const std::size_t old_sells = static_cast<std::size_t>(
      std::partition_point(queue.begin(), queue.end(), [](const Order& o) { return o.quantity < 0.0; }) -
      queue.begin());
  std::size_t new_sells = 0;
  for (const Order& o : orders) new_sells += o.quantity < 0.0;
  queue.resize(old_size + orders.size());
  std::move_backward(queue.begin() + static_cast<std::ptrdiff_t>(old_sells),
                     queue.begin() + static_cast<std::ptrdiff_t>(old_size), queue.end() - static_cast<std::ptrdiff_t>(orders.size() - new_sells));
  std::size_t sell_slot = old_sells;
  std::size_t buy_slot = old_size + new_sells;
  for (const Order& o : orders) {
    const std::size_t sell = o.quantity < 0.0;
    queue[buy_slot + (sell_slot - buy_slot) * sell] = o;  // arithmetic select: no branch
    sell_slot += sell;
    buy_slot += 1 - sell;
  }
}

}  // namespace

SessionResult run_session(const PreparedSession& session, Strategy& strategy, const RecordOptions& record) {
  return run_session(session, session.config(), strategy, record);
}

SessionResult run_session(const PreparedSession& session, const SessionConfig& config, Strategy& strategy,
                          const RecordOptions& record) {
  const bool qstrader = config.mode == Mode::qstrader;
  const std::size_t n_days = session.day_count();
  const std::size_t n_assets = session.asset_count();
  const std::vector<Day>& days = session.days();

  SessionResult result;
  result.tickers = session.tickers();
  const std::size_t n_points = n_days > session.burn_in_index() ? n_days - session.burn_in_index() : 0;
  result.dates.reserve(n_points);
  result.equity.reserve(n_points);
  if (record.balances) {
    result.cash.reserve(n_points);
    result.market_value.reserve(n_points);
  }
  if (record.positions) result.positions.reserve(n_points * n_assets);

  Portfolio portfolio(session, config, result, record);
  OrderSizer sizer(session, config);
  std::vector<Order> queue;  // sells first, then buys (see enqueue)
  std::vector<Order> deferred;
  std::vector<double> weights(n_assets, 0.0);
  std::vector<AssetIndex> universe;
  std::vector<std::uint64_t> tradable(n_assets, 0);  // all bits set for assets in `universe`
  const std::vector<std::size_t>& schedule = session.rebalance_days();
  std::size_t next_rebalance = 0;
  std::vector<std::size_t> exits;  // strict: days (sorted) on whose close some asset's data ends
  for (AssetIndex a = 0; a < n_assets; ++a)
    if (session.exit_index(a) + 1 < n_days) exits.push_back(session.exit_index(a));
  std::sort(exits.begin(), exits.end());
  std::size_t next_exit = 0;

  std::size_t universe_until = 0;  // `universe` and `tradable` hold for day indices below this
  auto decide = [&](std::size_t t, std::ptrdiff_t last_close, std::size_t closes_seen) {
    if (t >= universe_until) {
      session.universe_at(t, universe);
      universe_until = session.next_universe_change(t);
      std::fill(tradable.begin(), tradable.end(), 0);
      for (AssetIndex a : universe) tradable[a] = ~std::uint64_t{0};
    }
    std::fill(weights.begin(), weights.end(), 0.0);
    SessionHistory history(session, last_close);
    DecisionContext ctx;
    ctx.day = days[t];
    ctx.day_index = t;
    ctx.closes_seen = closes_seen;
    ctx.universe = universe;
    ctx.history = &history;
    ctx.indicators = &session.indicators();
    call_strategy_code([&] { strategy.target_weights(ctx, weights); },
                       [&](const std::string& reason) {
                         return InputError(fmt::format("{}: strategy '{}' failed on {}{}", config.label,
                                                       config.strategy.kind(), format_date(days[t]), reason));
                       });
    check_weights(session, config, weights, days[t]);
    if (!qstrader) {
      // Strict: nothing outside the tradable universe can be targeted.
      if (universe.size() < n_assets)
        for (AssetIndex a = 0; a < n_assets; ++a)  // a weight's bits, or +0.0's (integer SIMD)
          weights[a] = std::bit_cast<double>(std::bit_cast<std::uint64_t>(weights[a]) & tradable[a]);
    }
    if (record.rebalances) result.rebalances.push_back({days[t], weights});
  };

  // Days on which nothing can happen but the marking to market: no order is queued, no
  // rebalance, no delisting. They are recorded in bulk, asset by asset, with the same sums in
  // the same order as the day loop below (Σ price·quantity over `held` from 0, then + cash).
  auto record_quiet_days = [&](std::size_t from, std::size_t to) {
    from = std::max(from, session.burn_in_index());
    if (from >= to) return;
    const std::size_t n = to - from;
    result.dates.insert(result.dates.end(), days.begin() + static_cast<std::ptrdiff_t>(from),
                        days.begin() + static_cast<std::ptrdiff_t>(to));
    const std::size_t at = result.equity.size();
    result.equity.resize(at + n, 0.0);
    double* const equity = result.equity.data() + at;
    for (const AssetIndex a : portfolio.held()) {
      const double* const close = session.closes(a).data() + from;
      const double quantity = portfolio.quantity(a);
      for (std::size_t k = 0; k < n; ++k) equity[k] += close[k] * quantity;
    }
    const double cash = portfolio.cash();
    if (record.balances) {
      result.market_value.insert(result.market_value.end(), equity, equity + n);
      result.cash.insert(result.cash.end(), n, cash);
    }
    for (std::size_t k = 0; k < n; ++k) equity[k] += cash;
    if (record.positions)
      for (std::size_t k = 0; k < n; ++k)
        for (AssetIndex a = 0; a < n_assets; ++a) result.positions.push_back(portfolio.quantity(a));
  };
  // The first day after t on which an order can fill, a rebalance or a delisting happens.
  auto next_event_after = [&](std::size_t t) {
    if (!queue.empty()) return t + 1;
    std::size_t next = n_days;
    while (next_rebalance < schedule.size() && schedule[next_rebalance] <= t) ++next_rebalance;
    if (next_rebalance < schedule.size()) next = std::min(next, schedule[next_rebalance]);
    if (!qstrader) {
      while (next_exit < exits.size() && exits[next_exit] <= t) ++next_exit;
      if (next_exit < exits.size()) next = std::min(next, exits[next_exit]);
    }
    if (session.rebalance_at_first_open() && session.open_rebalance_index() > t)
      next = std::min(next, session.open_rebalance_index());
    return next;
  };

  for (std::size_t t = 0; t < n_days;) {
    // --- market open: fill queued orders (sells first), or a buy-and-hold entry.
    if (session.rebalance_at_first_open() && t == session.open_rebalance_index()) {
      decide(t, static_cast<std::ptrdiff_t>(t) - 1, t);
      auto open_price = [&](AssetIndex a) { return session.open_price(a, t); };
      const double equity = portfolio.market_value(open_price) + portfolio.cash();
      const std::span<const Order> orders = sizer.size(weights, portfolio, equity, open_price, days[t]);
      // Filled at once, one by one in ticker order (QSTrader: no sells-first sort here). Strict:
      // an asset with no bar today is queued until its next bar.
      deferred.clear();
      for (const Order& o : orders) {
        if (!qstrader && !session.has_bar(o.asset, t)) {
          deferred.push_back(o);
          continue;
        }
        portfolio.execute(o.asset, o.quantity, session.open_price(o.asset, t), t);
      }
      enqueue(queue, deferred);
    }
    if (!queue.empty()) {
      // The queue holds its sells before its buys, so one pass fills in QSTrader's order.
      std::size_t kept = 0;
      for (std::size_t i = 0; i < queue.size(); ++i) {
        const Order o = queue[i];
        if (!qstrader && !session.has_bar(o.asset, t)) {  // strict: wait for its next real bar
          queue[kept++] = o;
          continue;
        }
        portfolio.execute(o.asset, o.quantity, session.open_price(o.asset, t), t);
      }
      queue.resize(kept);
    }

    // --- market close: delistings, mark to market, rebalance, record.
    while (next_exit < exits.size() && exits[next_exit] < t) ++next_exit;
    if (!qstrader && next_exit < exits.size() && exits[next_exit] == t) {
      for (std::size_t i = portfolio.held().size(); i-- > 0;) {
        const AssetIndex a = portfolio.held()[i];
        if (session.exit_index(a) == t && t + 1 < n_days) {
          // Strict: the asset's data ends here, so the position is closed at its last close.
          portfolio.execute(a, -portfolio.quantity(a), session.close_price(a, t), t);
          std::erase_if(queue, [a](const Order& o) { return o.asset == a; });
        }
      }
    }
    auto close_price = [&](AssetIndex a) { return session.close_price(a, t); };
    const double market_value = portfolio.market_value(close_price);
    const double equity = market_value + portfolio.cash();

    while (next_rebalance < schedule.size() && schedule[next_rebalance] < t) ++next_rebalance;
    if (next_rebalance < schedule.size() && schedule[next_rebalance] == t) {
      decide(t, static_cast<std::ptrdiff_t>(t), t + 1);
      const std::span<const Order> orders = sizer.size(weights, portfolio, equity, close_price, days[t]);
      if (!qstrader) queue.clear();  // strict: a new decision replaces unfilled orders
      enqueue(queue, orders);
    }

    if (t >= session.burn_in_index()) {
      result.dates.push_back(days[t]);
      result.equity.push_back(equity);
      if (record.balances) {
        result.cash.push_back(portfolio.cash());
        result.market_value.push_back(market_value);
      }
      if (record.positions)
        for (AssetIndex a = 0; a < n_assets; ++a) result.positions.push_back(portfolio.quantity(a));
    }

    const std::size_t next = next_event_after(t);
    record_quiet_days(t + 1, next);
    t = next;
  }
  for (const Order& o : queue) result.pending.push_back({o.created, o.asset, o.quantity});
  return result;
}

}  // namespace qsweep
