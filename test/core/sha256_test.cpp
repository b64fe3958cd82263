#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "scc/sha256.hpp"
#include "sha256_compress.hpp"

using namespace scc;

namespace {

struct Engine {
  const char* name;
  Sha256CompressFn compress;
};

// The implementations this CPU runs: the portable one always, SHA-NI where it has it.
std::vector<Engine> engines() {
  std::vector<Engine> out{{"portable", sha256_compress_portable}};
#if defined(__x86_64__)
  if (sha256_sha_ni_available()) out.push_back({"sha-ni", sha256_compress_sha_ni});
#endif
  return out;
}

std::string name_of(Sha256CompressFn fn) {
  for (const Engine& engine : engines())
    if (engine.compress == fn) return engine.name;
  return "unknown";
}

// Makes scc::Sha256 use one implementation while it lives.
class UseEngine {
 public:
  explicit UseEngine(Sha256CompressFn fn) { sha256_use_compress_for_testing(fn); }
  ~UseEngine() { sha256_use_compress_for_testing(nullptr); }
  UseEngine(const UseEngine&) = delete;
  UseEngine& operator=(const UseEngine&) = delete;
};

// Runs `check` once with each implementation, naming it in any failure.
template <typename Check>
void on_every_engine(Check check) {
  for (const Engine& engine : engines()) {
    INFO("engine: " << std::string(engine.name));
    UseEngine use(engine.compress);
    check();
  }
}

}  // namespace

// Test vectors from FIPS 180-4 examples and NIST CAVP (SHA256ShortMsg/LongMsg).
TEST_CASE("sha256 of the empty string") {
  on_every_engine([] {
    CHECK(to_hex(sha256(std::string_view{})) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
}

TEST_CASE("sha256 of abc (one block)") {
  on_every_engine([] {
    CHECK(to_hex(sha256("abc")) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
}

TEST_CASE("sha256 of the 448-bit message (padding spills into a second block)") {
  on_every_engine([] {
    CHECK(to_hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  });
}

TEST_CASE("sha256 of the 896-bit message") {
  on_every_engine([] {
    CHECK(to_hex(sha256("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                        "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")) ==
          "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  });
}

TEST_CASE("sha256 of one million 'a' - fed in uneven pieces") {
  on_every_engine([] {
    Sha256 h;
    std::string piece(997, 'a');
    std::size_t left = 1000000;
    while (left > 0) {
      std::size_t n = std::min(left, piece.size());
      h.update(std::string_view(piece).substr(0, n));
      left -= n;
    }
    CHECK(to_hex(h.finish()) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  });
}

TEST_CASE("sha256 of 55 and 56 and 64 byte messages (padding boundaries)") {
  on_every_engine([] {
    CHECK(to_hex(sha256(std::string(55, 'a'))) ==
          "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    CHECK(to_hex(sha256(std::string(56, 'a'))) ==
          "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    CHECK(to_hex(sha256(std::string(64, 'a'))) ==
          "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
  });
}

namespace {

// The digest of `bytes` with the current implementation, fed in pieces that end
// at random split points (some empty, some spanning many blocks).
Sha256::Digest digest_in_pieces(const std::vector<std::uint8_t>& bytes, std::mt19937& random) {
  Sha256 h;
  std::size_t at = 0;
  while (at < bytes.size()) {
    std::uniform_int_distribution<std::size_t> piece(0, std::min<std::size_t>(bytes.size() - at, 300));
    const std::size_t n = piece(random);
    h.update(std::span(bytes).subspan(at, n));
    at += n;
  }
  return h.finish();
}

std::vector<std::uint8_t> random_bytes(std::size_t size, std::mt19937& random) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<std::uint8_t> out(size);
  for (std::uint8_t& b : out) b = static_cast<std::uint8_t>(byte(random));
  return out;
}

}  // namespace

TEST_CASE("sha256 implementations agree for lengths 0 to 1000 and large buffers in random pieces") {
  const std::vector<Engine> all = engines();
  if (all.size() == 1)
    MESSAGE("this CPU has no SHA extensions: only the portable implementation is checked");
  std::mt19937 random(20261129);
  std::vector<std::size_t> sizes;
  for (std::size_t n = 0; n <= 1000; ++n) sizes.push_back(n);
  for (std::size_t n : {65536u, 100003u, 1u << 20}) sizes.push_back(n);
  for (std::size_t size : sizes) {
    const std::vector<std::uint8_t> bytes = random_bytes(size, random);
    INFO("length " << size);
    Sha256::Digest reference{};
    {
      UseEngine use(sha256_compress_portable);
      reference = sha256(bytes);
    }
    for (const Engine& engine : all) {
      INFO("engine: " << std::string(engine.name));
      UseEngine use(engine.compress);
      CHECK(to_hex(sha256(bytes)) == to_hex(reference));
      CHECK(to_hex(digest_in_pieces(bytes, random)) == to_hex(reference));
    }
  }
}

TEST_CASE("sha256 compress functions agree on many blocks in one call") {
  std::mt19937 random(7);
  const std::vector<std::uint8_t> bytes = random_bytes(64 * 37, random);
  Sha256State portable_state{};
  for (std::uint32_t& word : portable_state) word = static_cast<std::uint32_t>(random());
  const Sha256State start = portable_state;
  sha256_compress_portable(portable_state, bytes.data(), 37);
  CHECK(portable_state != start);
  // One call of 37 blocks = 37 calls of one block.
  Sha256State one_by_one = start;
  for (std::size_t i = 0; i < 37; ++i) sha256_compress_portable(one_by_one, bytes.data() + 64 * i, 1);
  CHECK(one_by_one == portable_state);
#if defined(__x86_64__)
  if (!sha256_sha_ni_available()) {
    MESSAGE("this CPU has no SHA extensions: the SHA-NI compress function is not run");
    return;
  }
  Sha256State sha_ni_state = start;
  sha256_compress_sha_ni(sha_ni_state, bytes.data(), 37);
  CHECK(sha_ni_state == portable_state);
  Sha256State untouched = start;
  sha256_compress_sha_ni(untouched, bytes.data(), 0);
  CHECK(untouched == start);
#endif
}

TEST_CASE("sha256 uses the SHA extensions exactly where the CPU reports them") {
#if defined(__x86_64__)
  std::ifstream cpuinfo("/proc/cpuinfo");
  if (!cpuinfo) MESSAGE("no /proc/cpuinfo: CPUID's answer is not cross-checked");
  std::string line;
  bool flags_seen = false;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream words(line.substr(line.find(':') + 1));
    std::string word;
    bool sha_ni = false;
    while (words >> word) sha_ni = sha_ni || word == "sha_ni";
    CHECK(sha256_sha_ni_available() == sha_ni);
    flags_seen = true;
    break;
  }
  if (cpuinfo.is_open()) CHECK(flags_seen);
  CHECK(name_of(sha256_compress_active()) ==
        std::string(sha256_sha_ni_available() ? "sha-ni" : "portable"));
#else
  CHECK_FALSE(sha256_sha_ni_available());
  CHECK(name_of(sha256_compress_active()) == std::string("portable"));
#endif
}
