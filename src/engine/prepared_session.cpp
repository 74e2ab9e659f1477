#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "qsweep/engine.hpp"
#include "qsweep/error.hpp"

namespace qsweep {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Every Mon-Fri in [start, end]: QSTrader's business-day clock (no holidays).
std::vector<Day> weekday_calendar(Day start, Day end) {
  std::vector<Day> days;
  for (Day d = start; d <= end; ++d)
    if (is_weekday(d)) days.push_back(d);
  return days;
}

// Sorted union of the assets' bar dates.
std::vector<Day> data_calendar(const std::vector<const AssetSeries*>& series) {
  // Each series' dates are strictly increasing: merge them one by one, dropping duplicates.
  std::vector<Day> days;
  std::vector<Day> merged;
  for (const AssetSeries* s : series) {
    merged.clear();
    merged.reserve(days.size() + s->dates.size());
    std::set_union(days.begin(), days.end(), s->dates.begin(), s->dates.end(), std::back_inserter(merged));
    days.swap(merged);
  }
  return days;
}

std::size_t first_index_at_or_after(const std::vector<Day>& days, Day day) {
  return static_cast<std::size_t>(std::lower_bound(days.begin(), days.end(), day) - days.begin());
}

int month_key(Day d) {
  const CivilDate c = civil_from_day(d);
  return c.year * 12 + c.month;
}

}  // namespace

PreparedSession::PreparedSession(const MarketData& data, const SessionConfig& config,
                                 std::vector<std::string> tickers)
    : config_(config), tickers_(std::move(tickers)), indicators_(std::make_unique<IndicatorCache>(*this)) {
  const bool qstrader = config.mode == Mode::qstrader;
  std::vector<const AssetSeries*> series;
  for (const std::string& ticker : tickers_) {
    const auto index = data.find(ticker);
    if (!index) throw InputError(fmt::format("{}: asset '{}' was not loaded", config.label, ticker));
    const AssetSeries& s = data.at(*index);
    const auto first = std::lower_bound(s.dates.begin(), s.dates.end(), config.start);
    if (first == s.dates.end() || *first > config.end) {
      throw InputError(fmt::format("{}: {} has no bars between {} and {} (its data covers {} to {})",
                                   config.label, s.path.string(), format_date(config.start),
                                   format_date(config.end), format_date(s.first_day()),
                                   format_date(s.last_day())));
    }
    series.push_back(&s);
  }

  // Calendar: QSTrader simulates every weekday; strict mode the days some asset traded.
  const std::vector<Day> all_data_days = data_calendar(series);
  if (qstrader) {
    days_ = weekday_calendar(config.start, config.end);
  } else {
    const auto lo = std::lower_bound(all_data_days.begin(), all_data_days.end(), config.start);
    const auto hi = std::upper_bound(all_data_days.begin(), all_data_days.end(), config.end);
    days_.assign(lo, hi);
  }
  if (days_.empty()) {
    throw InputError(fmt::format("{}: no trading days between {} and {}", config.label,
                                 format_date(config.start), format_date(config.end)));
  }
  const std::size_t n_days = days_.size();
  const std::size_t n_assets = tickers_.size();

  // Price grid with QSTrader's "pad" look-up: the last price at or before the event.
  open_.assign(n_assets * n_days, kNaN);
  close_.assign(n_assets * n_days, kNaN);
  has_bar_.assign(n_assets * n_days, 0);
  entry_.assign(n_assets, n_days);
  exit_.assign(n_assets, n_days == 0 ? 0 : n_days - 1);
  for (std::size_t a = 0; a < n_assets; ++a) {
    const AssetSeries& s = *series[a];
    Day entry_day = config.start;
    for (const auto& [ticker, day] : config.universe_entries)
      if (ticker == tickers_[a]) entry_day = day;
    std::size_t k = 0;  // next bar not yet passed
    for (std::size_t t = 0; t < n_days; ++t) {
      const Day d = days_[t];
      while (k < s.size() && s.dates[k] < d) ++k;
      double* open = &open_[a * n_days + t];
      double* close = &close_[a * n_days + t];
      if (k < s.size() && s.dates[k] == d) {
        *open = s.open[k];
        *close = s.close[k];
        has_bar_[a * n_days + t] = 1;
      } else if (k > 0) {
        *open = s.close[k - 1];  // no bar today: the previous close, at both events
        *close = s.close[k - 1];
      } else if (qstrader) {
        // QSTrader quirk: a look-up before the first bar returns the file's last row.
        *open = s.close.back();
        *close = s.close.back();
      }
    }
    if (qstrader) {
      entry_[a] = first_index_at_or_after(days_, entry_day);
    } else {
      entry_[a] = first_index_at_or_after(days_, std::max(entry_day, s.first_day()));
      const auto last = std::upper_bound(days_.begin(), days_.end(), s.last_day());
      exit_[a] = static_cast<std::size_t>(last - days_.begin()) - 1;
    }
  }

  // Ranking order. QSTrader's signals list the start universe in config order, then append
  // assets as they join; strict mode keeps the config order.
  ranking_order_.resize(n_assets);
  std::iota(ranking_order_.begin(), ranking_order_.end(), AssetIndex{0});
  if (qstrader) {
    std::stable_sort(ranking_order_.begin(), ranking_order_.end(),
                     [&](AssetIndex x, AssetIndex y) { return entry_[x] < entry_[y]; });
  }

  for (AssetIndex a = 0; a < n_assets; ++a)
    universe_changes_.insert(universe_changes_.end(), {entry_[a], exit_[a], exit_[a] + 1});
  std::sort(universe_changes_.begin(), universe_changes_.end());
  universe_changes_.erase(std::unique(universe_changes_.begin(), universe_changes_.end()), universe_changes_.end());

  // Burn-in: QSTrader compares event times with the burn-in day's open (14:30).
  burn_in_index_ = config.burn_in ? first_index_at_or_after(days_, *config.burn_in) : 0;
  if (burn_in_index_ >= n_days) {
    throw InputError(fmt::format("{}: no trading day between burn_in {} and end {}: the session would record nothing",
                                 config.label, format_date(*config.burn_in), format_date(config.end)));
  }

  // Rebalance schedule.
  auto add_close = [&](std::size_t t) {
    if (t >= burn_in_index_ && t < n_days) rebalance_days_.push_back(t);
  };
  switch (config.rebalance) {
    case RebalanceFrequency::buy_and_hold:
      if (qstrader) {
        // Fires at the first day's open, and only if that is not before the burn-in.
        rebalance_at_open_ = burn_in_index_ == 0;
        open_rebalance_index_ = 0;
      } else {
        rebalance_at_open_ = burn_in_index_ < n_days;
        open_rebalance_index_ = burn_in_index_;
      }
      break;
    case RebalanceFrequency::daily:
      for (std::size_t t = 0; t < n_days; ++t) add_close(t);
      break;
    case RebalanceFrequency::weekly:
      if (qstrader) {
        for (std::size_t t = 0; t < n_days; ++t)
          if (weekday_of(days_[t]) == config.weekday) add_close(t);
      } else {
        // The first trading day on or after each scheduled weekday.
        std::size_t last_added = n_days;
        const int shift = (config.weekday - weekday_of(config.start) + 7) % 7;
        for (Day d = config.start + shift; d <= config.end; d += 7) {
          const std::size_t t = first_index_at_or_after(days_, d);
          if (t < n_days && t != last_added && days_[t] < d + 7) {
            add_close(t);
            last_added = t;
          }
        }
      }
      break;
    case RebalanceFrequency::end_of_month:
      for (std::size_t t = 0; t < n_days; ++t) {
        const Day d = days_[t];
        bool month_end = false;
        if (qstrader) {
          // pandas 'BME': the last Mon-Fri of the month, holidays ignored.
          Day next = d + 1;
          while (!is_weekday(next)) ++next;
          month_end = month_key(next) != month_key(d);
        } else {
          // The last day of the month on which the data traded.
          const auto it = std::upper_bound(all_data_days.begin(), all_data_days.end(), d);
          month_end = it == all_data_days.end() || month_key(*it) != month_key(d);
        }
        if (month_end) add_close(t);
      }
      break;
  }
}

std::span<const double> PreparedSession::history(AssetIndex a, std::ptrdiff_t t) const noexcept {
  const auto first = static_cast<std::ptrdiff_t>(entry_[a]);
  const std::ptrdiff_t last = std::min(t, static_cast<std::ptrdiff_t>(exit_[a]));
  if (first > last) return {};
  return closes(a).subspan(static_cast<std::size_t>(first), static_cast<std::size_t>(last - first + 1));
}

std::size_t PreparedSession::next_universe_change(std::size_t t) const noexcept {
  const auto next = std::upper_bound(universe_changes_.begin(), universe_changes_.end(), t);
  return next == universe_changes_.end() ? days_.size() : std::min(*next, days_.size());
}

void PreparedSession::universe_at(std::size_t t, std::vector<AssetIndex>& out) const {
  out.clear();
  // An asset leaves after its exit day's close; on that close it is sold (strict), so it is no
  // longer targetable unless that close is the session's last.
  for (AssetIndex a : ranking_order_)
    if (entry_[a] <= t && (t < exit_[a] || (t == exit_[a] && t + 1 == days_.size()))) out.push_back(a);
}

}  // namespace qsweep
