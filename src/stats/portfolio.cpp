// Turnover, exposure and FIFO round-trip trade statistics of a session (docs/statistics.md).
#include <algorithm>
#include <cmath>
#include <deque>

#include "qsweep/stats.hpp"

namespace qsweep {
namespace {

// An open lot: what one fill (or the unclosed rest of it) added to a position.
struct Lot {
  Day day = 0;
  double quantity = 0.0;       // signed: + long, - short
  double price = 0.0;
  double fee_per_unit = 0.0;   // the opening fill's fees per unit of quantity
};

std::optional<double> mean_or_null(double sum, std::size_t count) {
  if (count == 0) return std::nullopt;
  return sum / static_cast<double>(count);
}

}  // namespace

TradeStats compute_trade_stats(std::span<const Fill> fills, std::size_t asset_count) {
  TradeStats t;
  std::vector<std::deque<Lot>> lots(asset_count);
  double win_sum = 0.0;
  double loss_sum = 0.0;
  double holding_sum = 0.0;
  for (const Fill& f : fills) {
    if (f.quantity == 0.0 || f.asset >= asset_count) continue;
    std::deque<Lot>& open = lots[f.asset];
    const double fill_fee_per_unit = f.commission / std::abs(f.quantity);
    double remaining = f.quantity;
    double pnl = 0.0;
    double closed = 0.0;
    double unit_days = 0.0;  // Σ closed quantity * holding days
    while (remaining != 0.0 && !open.empty() && (open.front().quantity > 0.0) != (remaining > 0.0)) {
      Lot& lot = open.front();
      const double matched = std::min(std::abs(remaining), std::abs(lot.quantity));
      const double side = lot.quantity > 0.0 ? 1.0 : -1.0;
      pnl += matched * (f.price - lot.price) * side - matched * (lot.fee_per_unit + fill_fee_per_unit);
      closed += matched;
      unit_days += matched * static_cast<double>(f.day - lot.day);
      lot.quantity -= side * matched;
      remaining += side * matched;
      if (lot.quantity == 0.0) open.pop_front();
    }
    if (remaining != 0.0) open.push_back({f.day, remaining, f.price, fill_fee_per_unit});
    if (closed == 0.0) continue;

    ++t.trades;
    t.total_pnl += pnl;
    holding_sum += unit_days / closed;
    if (pnl > 0.0) {
      ++t.winning;
      win_sum += pnl;
      t.largest_win = std::max(t.largest_win.value_or(pnl), pnl);
    } else if (pnl < 0.0) {
      ++t.losing;
      loss_sum += pnl;
      t.largest_loss = std::min(t.largest_loss.value_or(pnl), pnl);
    }
  }
  if (t.trades > 0) t.win_rate = static_cast<double>(t.winning) / static_cast<double>(t.trades);
  t.average_win = mean_or_null(win_sum, t.winning);
  t.average_loss = mean_or_null(loss_sum, t.losing);
  if (loss_sum < 0.0) t.profit_factor = win_sum / -loss_sum;
  t.average_holding_days = mean_or_null(holding_sum, t.trades);
  return t;
}

PortfolioStats compute_portfolio_stats(const SessionResult& result, const PreparedSession& session,
                                       const PerformanceStats& perf) {
  PortfolioStats p;
  const std::size_t n_points = result.dates.size();
  const std::size_t n_assets = result.tickers.size();
  for (const Fill& f : result.fills) p.traded_value += std::abs(f.quantity * f.price);

  double equity_sum = 0.0;
  for (double e : result.equity) equity_sum += e;
  if (n_points > 1 && equity_sum > 0.0 && perf.years) {
    p.turnover = p.traded_value / (equity_sum / static_cast<double>(n_points)) / *perf.years;
  }

  if (result.positions.size() == n_points * n_assets && n_points > 0) {
    const std::vector<Day>& days = session.days();
    std::size_t invested = 0;
    std::size_t levered_points = 0;
    double gross_sum = 0.0;
    double net_sum = 0.0;
    for (std::size_t i = 0; i < n_points; ++i) {
      // The session's day index of this point (points are consecutive simulated days).
      const auto day_it = std::lower_bound(days.begin(), days.end(), result.dates[i]);
      const auto t = static_cast<std::size_t>(day_it - days.begin());
      double gross = 0.0;
      double net = 0.0;
      bool any = false;
      for (std::size_t a = 0; a < n_assets; ++a) {
        const double q = result.positions[i * n_assets + a];
        if (q == 0.0) continue;
        any = true;
        const double value = q * session.close_price(a, t);
        gross += std::abs(value);
        net += value;
      }
      if (any) ++invested;
      const double equity = result.equity[i];
      if (equity > 0.0 && std::isfinite(gross)) {
        ++levered_points;
        gross_sum += gross / equity;
        net_sum += net / equity;
      }
    }
    p.time_invested = static_cast<double>(invested) / static_cast<double>(n_points);
    p.average_gross_leverage = mean_or_null(gross_sum, levered_points);
    p.average_net_leverage = mean_or_null(net_sum, levered_points);
  }
  p.trades = compute_trade_stats(result.fills, n_assets);
  return p;
}

}  // namespace qsweep
