#include "report/number_text.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace qsweep::report {
namespace {

// "00", "01", ... "99": two digits per table look-up.
constexpr std::array<char, 200> kDigitPairs = [] {
  std::array<char, 200> pairs{};
  for (int i = 0; i < 100; ++i) {
    pairs[static_cast<std::size_t>(2 * i)] = static_cast<char>('0' + i / 10);
    pairs[static_cast<std::size_t>(2 * i + 1)] = static_cast<char>('0' + i % 10);
  }
  return pairs;
}();

// 10^0 .. 10^19.
constexpr std::array<std::uint64_t, 20> kPowersOfTen = [] {
  std::array<std::uint64_t, 20> powers{};
  std::uint64_t p = 1;
  for (std::uint64_t& power : powers) {
    power = p;
    p *= 10;
  }
  return powers;
}();

// The number of decimal digits of `x` > 0.
int decimal_digits(std::uint64_t x) {
  // bit_width * log10(2) is the digit count or one less.
  const int guess = static_cast<int>((static_cast<unsigned>(std::bit_width(x)) * 1233u) >> 12);
  return guess + (x >= kPowersOfTen[static_cast<std::size_t>(guess)] ? 1 : 0);
}

// The 4 digits of `x` < 10^4, leading zeros included, at [out, out + 4).
void write_four_digits(char* out, std::uint32_t x) {
  std::memcpy(out, &kDigitPairs[(x / 100) * 2], 2);
  std::memcpy(out + 2, &kDigitPairs[(x % 100) * 2], 2);
}

// The `n` decimal digits of `x` at [out, out + n): blocks of 8 from the right in 32-bit
// arithmetic, then pairs.
void write_digits(char* out, std::uint64_t x, int n) {
  char* p = out + n;
  while (x >= 100'000'000) {
    const auto block = static_cast<std::uint32_t>(x % 100'000'000);
    x /= 100'000'000;
    p -= 8;
    write_four_digits(p, block / 10'000);
    write_four_digits(p + 4, block % 10'000);
  }
  auto y = static_cast<std::uint32_t>(x);
  while (y >= 100) {
    p -= 2;
    std::memcpy(p, &kDigitPairs[(y % 100) * 2], 2);
    y /= 100;
  }
  if (y >= 10) {
    p -= 2;
    std::memcpy(p, &kDigitPairs[y * 2], 2);
  } else {
    *--p = static_cast<char>('0' + y);
  }
}

char* write_zeros(char* out, int count) {
  for (int i = 0; i < count; ++i) *out++ = '0';
  return out;
}

}  // namespace

char* write_integer(char* out, std::uint64_t v) {
  if (v == 0) {
    *out = '0';
    return out + 1;
  }
  const int n = decimal_digits(v);
  write_digits(out, v, n);
  return out + n;
}

char* write_shortest(char* out, double v, WholeNumbers whole) {
  if (std::signbit(v)) *out++ = '-';
  if (v == 0.0) {
    *out++ = '0';
    if (whole == WholeNumbers::kPointZero) {
      *out++ = '.';
      *out++ = '0';
    }
    return out;
  }
  const double magnitude = std::abs(v);
  if (magnitude < 1e15 && magnitude == std::trunc(magnitude)) {  // share quantities, whole cash
    out = write_integer(out, static_cast<std::uint64_t>(magnitude));
    if (whole == WholeNumbers::kPointZero) {
      *out++ = '.';
      *out++ = '0';
    }
    return out;
  }
  // v = significand * 10^exponent, the significand without trailing zeros.
  const auto decimal = fmt::detail::dragonbox::to_decimal(magnitude);
  char digits[20];
  const int n = decimal_digits(decimal.significand);
  write_digits(digits, decimal.significand, n);
  const auto count = static_cast<std::size_t>(n);
  const int exponent = decimal.exponent;
  const int leading_exponent = exponent + n - 1;  // of the first digit
  if (leading_exponent < -4 || leading_exponent >= 16) {
    *out++ = digits[0];
    if (n > 1) {
      *out++ = '.';
      std::memcpy(out, digits + 1, count - 1);
      out += count - 1;
    }
    *out++ = 'e';
    *out++ = leading_exponent < 0 ? '-' : '+';
    const int exponent_digits = std::abs(leading_exponent);
    if (exponent_digits >= 100) *out++ = static_cast<char>('0' + exponent_digits / 100);
    std::memcpy(out, &kDigitPairs[static_cast<std::size_t>(exponent_digits % 100) * 2], 2);
    return out + 2;
  }
  if (exponent >= 0) {  // a whole number: its digits, then zeros
    std::memcpy(out, digits, count);
    out = write_zeros(out + count, exponent);
    if (whole == WholeNumbers::kPointZero) {
      *out++ = '.';
      *out++ = '0';
    }
    return out;
  }
  if (leading_exponent >= 0) {  // the point falls among the digits
    const auto before = static_cast<std::size_t>(leading_exponent + 1);
    std::memcpy(out, digits, before);
    out += before;
    *out++ = '.';
    std::memcpy(out, digits + before, count - before);
    return out + (count - before);
  }
  *out++ = '0';  // 0.000ddd
  *out++ = '.';
  out = write_zeros(out, -leading_exponent - 1);
  std::memcpy(out, digits, count);
  return out + count;
}

void append_shortest(fmt::memory_buffer& out, double v) {
  if (!std::isfinite(v)) {
    fmt::format_to(fmt::appender(out), "{}", v);
    return;
  }
  const std::size_t size = out.size();
  out.resize(size + kShortestMaxChars);
  char* const end = write_shortest(out.data() + size, v, WholeNumbers::kBare);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

void append_json_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out.append("null");
    return;
  }
  char text[kShortestMaxChars];
  out.append(text, write_shortest(text, v, WholeNumbers::kPointZero));
}

}  // namespace qsweep::report
