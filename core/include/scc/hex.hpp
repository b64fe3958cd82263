// Hexadecimal text, one place for the whole project: bytes as lower-case
// digit pairs (content hashes, cache keys, random names) and numbers as C
// literals in diagnostics.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace scc {

// Two lower-case digits per byte, in order: {0x0a, 0xff} -> "0aff".
std::string to_hex(std::span<const std::uint8_t> bytes);

// A number as a C hexadecimal literal, lower case, no padding: 40 -> "0x28".
std::string hex_literal(std::uint64_t value);

}  // namespace scc
