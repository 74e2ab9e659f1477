// Running independent tasks on a few threads (internal to libqsweep).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

namespace qsweep {

// Runs every task once, on up to `threads` threads (the calling one included), and returns when
// all are done. Tasks run in any order, side by side: any that share state coordinate it
// themselves. If some throw, the exception of the first
// of them in task order is rethrown, whatever thread ran it: errors are deterministic.
inline void run_tasks(const std::vector<std::function<void()>>& tasks, unsigned threads) {
  std::vector<std::exception_ptr> errors(tasks.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < tasks.size();) {
      try {
        tasks[i]();
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> helpers;
  const std::size_t n_threads = std::clamp<std::size_t>(threads, 1, std::max<std::size_t>(1, tasks.size()));
  for (std::size_t t = 1; t < n_threads; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace qsweep
