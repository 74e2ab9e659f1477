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

// The 8 decimal digits of `x` < 10^8, leading zeros included, as the 8 bytes of a word in
// memory order (the first digit first). Branch-free: 4 + 4 digits in two 32-bit lanes, then
// 2 + 2 in 16-bit lanes, then 1 + 1 in bytes, each quotient by a multiplication that is exact
// for these ranges (x / 100 = x * 10486 >> 20 below 10^4, x / 10 = x * 103 >> 10 below 100).
std::uint64_t eight_digits(std::uint32_t x) {
  std::uint64_t v = (x / 10'000) | (static_cast<std::uint64_t>(x % 10'000) << 32);
  std::uint64_t q = ((v * 10486) >> 20) & 0x0000007F0000007FULL;
  v = q | ((v - q * 100) << 16);
  q = ((v * 103) >> 10) & 0x000F000F000F000FULL;
  v = q | ((v - q * 10) << 8);
  v += 0x3030303030303030ULL;
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

// The `n` decimal digits of `x` (n = decimal_digits(x), at most 20) at [out, out + n). Writes
// whole 8-byte words: the bytes up to out + 8 may be overwritten even when n < 8.
void write_digits(char* out, std::uint64_t x, int n) {
  // x = lead * 10^(8 k) + the k blocks of 8 digits; lead has 1..8 digits.
  std::uint32_t blocks[2];
  int k = 0;
  while (n - 8 * k > 8) {
    blocks[k++] = static_cast<std::uint32_t>(x % 100'000'000);
    x /= 100'000'000;
  }
  const int lead = n - 8 * k;
  std::uint64_t word = eight_digits(static_cast<std::uint32_t>(x));
  // Its last `lead` digits, moved to the front.
  if constexpr (std::endian::native == std::endian::little) word >>= 8 * (8 - lead);
  else word <<= 8 * (8 - lead);
  std::memcpy(out, &word, sizeof word);
  out += lead;
  while (k > 0) {
    word = eight_digits(blocks[--k]);
    std::memcpy(out, &word, sizeof word);
    out += 8;
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
  // v = significand * 10^exponent, the significand without trailing zeros. Its digits (at most
  // 17) go to `digits`, then to `out` in fixed-size copies (room: kShortestMaxChars), which
  // compile to a few moves where copies of the exact length would call memcpy.
  const auto decimal = fmt::detail::dragonbox::to_decimal(magnitude);
  char digits[40];
  const int n = decimal_digits(decimal.significand);
  write_digits(digits, decimal.significand, n);
  const int exponent = decimal.exponent;
  const int leading_exponent = exponent + n - 1;  // of the first digit
  if (leading_exponent < -4 || leading_exponent >= 16) {
    *out++ = digits[0];
    if (n > 1) {
      *out++ = '.';
      std::memcpy(out, digits + 1, 16);
      out += n - 1;
    }
    *out++ = 'e';
    *out++ = leading_exponent < 0 ? '-' : '+';
    const int exponent_digits = std::abs(leading_exponent);
    if (exponent_digits >= 100) *out++ = static_cast<char>('0' + exponent_digits / 100);
    std::memcpy(out, &kDigitPairs[static_cast<std::size_t>(exponent_digits % 100) * 2], 2);
    return out + 2;
  }
  if (exponent >= 0) {  // a whole number: its digits, then zeros
    std::memcpy(out, digits, 24);
    out = write_zeros(out + n, exponent);
    if (whole == WholeNumbers::kPointZero) {
      *out++ = '.';
      *out++ = '0';
    }
    return out;
  }
  if (leading_exponent >= 0) {  // the point falls among the digits
    const int before = leading_exponent + 1;  // 1..16
    std::memcpy(out, digits, 16);
    out += before;
    *out++ = '.';
    std::memcpy(out, digits + before, 16);
    return out + (n - before);
  }
  *out++ = '0';  // 0.000ddd
  *out++ = '.';
  out = write_zeros(out, -leading_exponent - 1);
  std::memcpy(out, digits, 24);
  return out + n;
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

char* write_json_number(char* out, double v) {
  if (!std::isfinite(v)) {
    std::memcpy(out, "null", 4);
    return out + 4;
  }
  return write_shortest(out, v, WholeNumbers::kPointZero);
}

void append_json_number(std::string& out, double v) {
  char text[kShortestMaxChars];
  out.append(text, write_json_number(text, v));
}

}  // namespace qsweep::report
