// kCompilerRevision keys the program and decision caches; a compiler change
// that alters programs without changing it would let a cache serve a program
// an older compiler built. This pins the revision to a hash of what compile()
// emits for the shipped profiles: when the hash changes, change the revision
// string in compile.hpp and both pins below.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "scc/compile.hpp"
#include "scc/sha256.hpp"
#include "support/random_profile.hpp"

using namespace scc;

namespace {

constexpr std::string_view kPinnedRevision = "2026-11-29 weighted range search";
constexpr std::string_view kPinnedOutputHash = "3f2a2353d164084b0381ef390c6363bf09aedec59d20f4d25eced4e8a8369105";

// Seeded random profiles (support/random_profile.hpp: every action kind,
// argument operators, 32/64-bit boundaries; small ones compile linear, large
// ones as a tree), for both arch sets, compiled with default options. Not the
// shipped profiles: editing one of those must not look like a compiler change.
std::string output_hash(int& compiled_count) {
  const std::vector<std::vector<Arch>> arch_sets = {{Arch::X86_64, Arch::X86, Arch::X32},
                                                    {Arch::Aarch64, Arch::Arm}};
  Sha256 hash;
  for (const std::vector<Arch>& arches : arch_sets) {
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
      const Profile flat = test::random_profile(seed, arches);
      CompileOptions options;
      options.arches = arches;
      Result<CompiledFilter> compiled = compile(flat, options);
      if (!compiled.ok()) continue;  // rule-too-complex and the like: no program to pin
      ++compiled_count;
      hash.update(std::to_string(seed));
      hash.update(compiled.value->sha256);
    }
  }
  return to_hex(hash.finish());
}

}  // namespace

TEST_CASE("compiler revision: the pinned output hash belongs to the current revision") {
  int compiled_count = 0;
  const std::string now = output_hash(compiled_count);
  CHECK(compiled_count >= 60);
  INFO("compile() output hash for the pinned profiles: ", now);
  CHECK_MESSAGE(kCompilerRevision == kPinnedRevision,
                "kCompilerRevision changed: record the new output hash in kPinnedOutputHash and the "
                "revision in kPinnedRevision");
  CHECK_MESSAGE(now == kPinnedOutputHash,
                "compile() emits different programs than at the pinned revision: change "
                "kCompilerRevision in compile.hpp (so caches stop serving older programs), then "
                "both pins here");
}
