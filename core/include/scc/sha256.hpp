// SHA-256 (FIPS 180-4), in-house so that content hashes of compiled programs
// and cache keys need no new dependency. Not constant-time: it hashes public
// data (profiles, programs), never secrets.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "scc/hex.hpp"

namespace scc {

class Sha256 {
 public:
  using Digest = std::array<std::uint8_t, 32>;

  Sha256();
  Sha256& update(std::span<const std::uint8_t> bytes);
  Sha256& update(std::string_view text);
  // The digest of everything fed so far. The object is spent afterwards:
  // further update() calls start nothing new (construct a fresh one).
  Digest finish();

 private:
  void compress(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_{};
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
};

Sha256::Digest sha256(std::span<const std::uint8_t> bytes);
Sha256::Digest sha256(std::string_view text);
// A digest as text: to_hex(digest) from scc/hex.hpp, 64 lower-case digits.

}  // namespace scc
