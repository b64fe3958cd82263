// SHA-256 as FIPS 180-4 section 6.2 describes it. The block compression is
// the portable one written for clarity below, or on x86_64 CPUs with the SHA
// extensions the one in sha256_sha_ni.cpp, chosen once (sha256_compress.hpp).
#include "scc/sha256.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>

#include "sha256_compress.hpp"

namespace scc {
namespace {

constexpr Sha256State kInitial{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

std::uint32_t load_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
         (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

// The implementation in use; nullptr until the first use chooses one.
std::atomic<Sha256CompressFn> g_compress{nullptr};

Sha256CompressFn cpu_choice() {
#if defined(__x86_64__)
  if (sha256_sha_ni_available()) return sha256_compress_sha_ni;
#endif
  return sha256_compress_portable;
}

}  // namespace

void sha256_compress_portable(Sha256State& state, const std::uint8_t* data, std::size_t blocks) {
  for (; blocks > 0; --blocks, data += 64) {
    std::array<std::uint32_t, 64> w{};
    for (std::size_t i = 0; i < 16; ++i) w[i] = load_be32(data + 4 * i);
    for (std::size_t i = 16; i < 64; ++i) {
      std::uint32_t s0 = std::rotr(w[i - 15], 7) ^ std::rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      std::uint32_t s1 = std::rotr(w[i - 2], 17) ^ std::rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    auto [a, b, c, d, e, f, g, h] = state;
    for (std::size_t i = 0; i < 64; ++i) {
      std::uint32_t t1 = h + (std::rotr(e, 6) ^ std::rotr(e, 11) ^ std::rotr(e, 25)) +
                         ((e & f) ^ (~e & g)) + kSha256Round[i] + w[i];
      std::uint32_t t2 =
          (std::rotr(a, 2) ^ std::rotr(a, 13) ^ std::rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    Sha256State add{a, b, c, d, e, f, g, h};
    for (std::size_t i = 0; i < 8; ++i) state[i] += add[i];
  }
}

Sha256CompressFn sha256_compress_active() {
  Sha256CompressFn fn = g_compress.load(std::memory_order_relaxed);
  if (fn == nullptr) {
    fn = cpu_choice();
    g_compress.store(fn, std::memory_order_relaxed);
  }
  return fn;
}

void sha256_use_compress_for_testing(Sha256CompressFn fn) {
  g_compress.store(fn != nullptr ? fn : cpu_choice(), std::memory_order_relaxed);
}

Sha256::Sha256() : state_(kInitial) {}

void Sha256::compress(const std::uint8_t* block) { sha256_compress_active()(state_, block, 1); }

Sha256& Sha256::update(std::span<const std::uint8_t> bytes) {
  total_bytes_ += bytes.size();
  if (bytes.empty()) return *this;  // (memcpy must not see the null data of an empty span)
  const std::uint8_t* data = bytes.data();
  std::size_t left = bytes.size();
  if (buffered_ > 0) {
    const std::size_t take = std::min(left, buffer_.size() - buffered_);
    std::memcpy(buffer_.data() + buffered_, data, take);
    buffered_ += take;
    data += take;
    left -= take;
    if (buffered_ < buffer_.size()) return *this;
    compress(buffer_.data());
    buffered_ = 0;
  }
  // Whole blocks straight from the input, in one call.
  const std::size_t blocks = left / buffer_.size();
  if (blocks > 0) {
    sha256_compress_active()(state_, data, blocks);
    data += blocks * buffer_.size();
    left -= blocks * buffer_.size();
  }
  if (left > 0) std::memcpy(buffer_.data(), data, left);
  buffered_ = left;
  return *this;
}

Sha256& Sha256::update(std::string_view text) {
  return update(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

Sha256::Digest Sha256::finish() {
  const std::uint64_t bit_length = total_bytes_ * 8;
  // Padding: 0x80, zeros up to 56 mod 64, then the length in bits, big-endian.
  std::array<std::uint8_t, 72> pad{};
  pad[0] = 0x80;
  std::size_t pad_len = (buffered_ < 56 ? 56 : 120) - buffered_;
  for (std::size_t i = 0; i < 8; ++i)
    pad[pad_len + i] = static_cast<std::uint8_t>(bit_length >> (56 - 8 * i));
  const std::uint64_t saved_total = total_bytes_;
  update(std::span(pad.data(), pad_len + 8));
  total_bytes_ = saved_total;
  Digest out{};
  for (std::size_t i = 0; i < 8; ++i)
    for (std::size_t j = 0; j < 4; ++j)
      out[4 * i + j] = static_cast<std::uint8_t>(state_[i] >> (24 - 8 * j));
  return out;
}

Sha256::Digest sha256(std::span<const std::uint8_t> bytes) { return Sha256().update(bytes).finish(); }

Sha256::Digest sha256(std::string_view text) { return Sha256().update(text).finish(); }

}  // namespace scc
