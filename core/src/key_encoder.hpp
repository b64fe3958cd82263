// The canonical encoding of cache keys (program_cache.hpp, decision_cache.hpp):
// every item is its 8-byte little-endian length followed by its bytes, so no
// two different sequences of items encode alike. Fed straight into SHA-256.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "scc/sha256.hpp"

namespace scc {

class KeyEncoder {
 public:
  explicit KeyEncoder(Sha256& hash) : hash_(hash) {}
  void bytes(std::string_view data) {
    number(data.size());
    hash_.update(data);
  }
  void number(std::uint64_t value) {
    std::uint8_t le[8];
    for (int i = 0; i < 8; ++i) le[i] = static_cast<std::uint8_t>(value >> (8 * i));
    hash_.update(std::span<const std::uint8_t>(le, 8));
  }
  void optional(const std::optional<std::uint64_t>& value) {
    number(value ? 1 : 0);
    number(value.value_or(0));
  }
  void optional(const std::optional<std::string>& value) {
    number(value ? 1 : 0);
    bytes(value.value_or(""));
  }

 private:
  Sha256& hash_;
};

}  // namespace scc
