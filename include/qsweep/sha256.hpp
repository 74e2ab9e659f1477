// SHA-256 of a byte string, as lowercase hex (the same digest `sha256sum` prints).
#pragma once

#include <string>
#include <string_view>

namespace qsweep {

std::string sha256_hex(std::string_view bytes);

}  // namespace qsweep
