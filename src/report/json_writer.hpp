// A streaming JSON writer (internal to libqsweep): appends the text of a document to one string,
// without building a tree. Its layout is nlohmann::json's dump() (compact) or dump(indent), with
// strings escaped by nlohmann (invalid UTF-8 throws nlohmann::json::type_error, as dump() does).
// Numbers print as Python's json.dump prints them, as QSTrader's statistics file has them:
// shortest round-trip digits, "1.0" for whole doubles, null where not finite (append_json_number).
// Not thread-safe; one writer per document.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report/number_text.hpp"

namespace qsweep::report {

class JsonWriter {
 public:
  // `indent` < 0: compact (dump()); otherwise one member per line, `indent` spaces per level.
  explicit JsonWriter(int indent = -1) : indent_(indent) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  // The key of the next member; `k` is escaped like any string.
  void key(std::string_view k) {
    before_value();
    append_string(k);
    buf_.push_back(':');
    if (indent_ >= 0) buf_.push_back(' ');
    after_key_ = true;
  }

  // key(k) then value(v): one member of an object.
  template <class T>
  void field(std::string_view k, const T& v) {
    key(k);
    value(v);
  }
  void null() {
    before_value();
    append("null");
  }
  void value(double v) {
    before_value();
    append_number(buf_, v);
  }
  void value(const std::optional<double>& v) {
    if (v) value(*v);
    else null();
  }
  template <std::integral T>
  void value(T v) {
    before_value();
    const fmt::format_int digits(v);
    buf_.append(digits.data(), digits.size());
  }
  void value(std::string_view s) {
    before_value();
    append_string(s);
  }
  void value(const char* s) { value(std::string_view(s)); }
  void value(const std::string& s) { value(std::string_view(s)); }

  // `count` values whose text the caller writes itself, for hot loops that reuse pre-formatted
  // pieces: `write(out, i)`, called for i = 0, 1, ... in order, writes the i-th value's text at
  // `out` and returns its end. The text must be one complete JSON value of at most `max_chars`
  // characters; it is kept verbatim, so in an indented document only a scalar matches
  // dump(indent).
  template <class Write>
  void values(std::size_t count, std::size_t max_chars, Write&& write) {
    if (indent_ >= 0) {  // a line per value
      for (std::size_t i = 0; i < count; ++i) {
        before_value();
        const std::size_t size = buf_.size();
        buf_.resize(size + max_chars);
        buf_.resize(static_cast<std::size_t>(write(buf_.data() + size, i) - buf_.data()));
      }
      return;
    }
    constexpr std::size_t kBatch = 256;  // values per resize of the text
    for (std::size_t i = 0; i < count;) {
      before_value();  // the comma before this batch, and streaming
      const std::size_t batch = std::min(kBatch, count - i);
      const std::size_t size = buf_.size();
      buf_.resize(size + batch * (max_chars + 1));
      char* const start = buf_.data();
      char* out = write(start + size, i++);
      for (std::size_t last = i + batch - 1; i < last; ++i) {
        *out++ = ',';
        out = write(out, i);
      }
      buf_.resize(static_cast<std::size_t>(out - start));
    }
  }

  // A double as value(v) writes it.
  static void append_number(std::string& out, double v) { append_json_number(out, v); }

  // Makes room for `bytes` more characters (an estimate saves regrowing a large document).
  void reserve(std::size_t bytes) { buf_.reserve(buf_.size() + bytes); }

  // Streams the document instead of keeping it: once the text not yet handed over reaches
  // `chunk_bytes`, it goes to `sink` before the next value; finish() hands over the rest.
  void stream_to(std::function<void(std::string_view)> sink, std::size_t chunk_bytes) {
    sink_ = std::move(sink);
    chunk_bytes_ = chunk_bytes;
    buf_.reserve(chunk_bytes + chunk_bytes / 2);
  }
  void finish() {
    if (sink_ && !buf_.empty()) sink_(buf_);
    buf_.clear();
  }
  // The document's text followed by `suffix`; the writer is left empty.
  std::string take(std::string_view suffix = {}) {
    buf_.append(suffix);
    std::string s = std::move(buf_);
    buf_.clear();
    return s;
  }

 private:
  void append(std::string_view s) { buf_.append(s); }
  void append_string(std::string_view s) {
    // Plain ASCII without quotes, backslashes or control characters needs no escaping.
    bool plain = true;
    for (const char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u >= 0x80 || c == '"' || c == '\\') {
        plain = false;
        break;
      }
    }
    if (plain) {
      buf_.push_back('"');
      append(s);
      buf_.push_back('"');
      return;
    }
    append(nlohmann::json(std::string(s)).dump());
  }
  void newline() {
    if (indent_ < 0) return;
    buf_.push_back('\n');
    for (std::size_t i = 0; i < first_.size() * static_cast<std::size_t>(indent_); ++i) buf_.push_back(' ');
  }
  void before_value() {
    if (sink_ && buf_.size() >= chunk_bytes_) finish();
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) buf_.push_back(',');
    first_.back() = false;
    newline();
  }
  void open(char bracket) {
    before_value();
    buf_.push_back(bracket);
    first_.push_back(true);
  }
  void close(char bracket) {
    const bool empty = first_.back();
    first_.pop_back();
    if (!empty) newline();
    buf_.push_back(bracket);
  }

  int indent_;
  std::string buf_;
  std::function<void(std::string_view)> sink_;  // set by stream_to()
  std::size_t chunk_bytes_ = 0;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

}  // namespace qsweep::report
