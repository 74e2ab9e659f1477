// SHA-256 of a byte string, as lowercase hex (the same digest `sha256sum` prints).
#pragma once

#include <string>
#include <string_view>

namespace qsweep {

// Which compression function hashes the blocks. `best` uses the x86 SHA extensions when the CPU
// has them and the portable code otherwise; the digest is the same either way.
enum class Sha256Kernel { best, portable };

std::string sha256_hex(std::string_view bytes, Sha256Kernel kernel = Sha256Kernel::best);

}  // namespace qsweep
