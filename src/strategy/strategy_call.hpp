// Calling a strategy's own code (a plug-in's, say), whose failures are the strategy's input
// errors, never qsweep's internal ones (internal to libqsweep).
#pragma once

#include <exception>
#include <string>

#include "qsweep/error.hpp"

namespace qsweep {

// Returns call(). A qsweep::Error it throws passes through; any other exception becomes the
// error fail(reason) returns, with reason ": <what()>", or " (it threw a non-exception)".
template <class Call, class Fail>
decltype(auto) call_strategy_code(Call&& call, Fail&& fail) {
  std::string reason;
  try {
    return call();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    reason = std::string(": ") + e.what();
  } catch (...) {
    reason = " (it threw a non-exception)";
  }
  throw fail(reason);
}

}  // namespace qsweep
