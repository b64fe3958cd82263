#include <doctest/doctest.h>

#include <array>
#include <cstdint>

#include "scc/hex.hpp"

using namespace scc;

TEST_CASE("to_hex writes two lower-case digits per byte in order") {
  const std::array<std::uint8_t, 5> bytes = {0x00, 0x0a, 0x7f, 0xab, 0xff};
  CHECK(to_hex(bytes) == "000a7fabff");
  CHECK(to_hex(std::span<const std::uint8_t>{}) == "");
}

TEST_CASE("hex_literal writes a C literal without padding") {
  CHECK(hex_literal(0) == "0x0");
  CHECK(hex_literal(40) == "0x28");
  CHECK(hex_literal(0x7e020000) == "0x7e020000");
  CHECK(hex_literal(0xffffffffffffffffULL) == "0xffffffffffffffff");
}
