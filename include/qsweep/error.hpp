// Error policy: expected failures (bad user input, I/O) are typed exceptions derived from
// qsweep::Error, caught at the CLI boundary and mapped to an exit code. Programmer errors are
// assertions. Messages name the file, line and field where one is known.
#pragma once

#include <stdexcept>
#include <string>

namespace qsweep {

// Process exit codes, documented in docs/cli.md.
enum class ExitCode : int {
  ok = 0,
  internal = 1,   // a bug: an unexpected exception
  usage = 2,      // bad command line
  input = 3,      // bad config or data
  io = 4,         // a file could not be read or written
  interrupted = 130,
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const noexcept { return code_; }

 private:
  ExitCode code_;
};

// Bad config, data or parameters supplied by the user.
class InputError : public Error {
 public:
  explicit InputError(const std::string& message) : Error(ExitCode::input, message) {}
};

// A file or directory could not be read, written or renamed.
class IoError : public Error {
 public:
  explicit IoError(const std::string& message) : Error(ExitCode::io, message) {}
};

// Bad command-line usage detected after CLI parsing (e.g. a malformed --set).
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(ExitCode::usage, message) {}
};

// A run stopped by SIGINT or SIGTERM before it had anything to keep.
class Interrupted : public Error {
 public:
  explicit Interrupted(const std::string& message) : Error(ExitCode::interrupted, message) {}
};

}  // namespace qsweep
