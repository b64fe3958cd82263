// Helpers shared by the libFuzzer targets: the input as text, and a byte taken off its
// front to choose among variants (so one target covers several entry points and a seed
// file says which one it exercises).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace scc::fuzz {

struct Input {
  const std::uint8_t* data;
  std::size_t size;

  // The first byte modulo `n` (0 when the input is empty), removed from the input.
  std::size_t take_choice(std::size_t n) {
    if (size == 0) return 0;
    const std::size_t choice = data[0] % n;
    ++data;
    --size;
    return choice;
  }
  std::string_view text() const { return {reinterpret_cast<const char*>(data), size}; }
};

}  // namespace scc::fuzz
