// kCompilerRevision keys the program and decision caches; a compiler change
// that alters programs without changing it would let a cache serve a program
// an older compiler built. This pins the revision to a hash of what compile()
// emits for the shipped profiles: when the hash changes, change the revision
// string in compile.hpp and both pins below.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "scc/capabilities.hpp"
#include "scc/compile.hpp"
#include "scc/read.hpp"
#include "scc/resolve.hpp"
#include "scc/sha256.hpp"
#include "support/support.hpp"

using namespace scc;

namespace {

constexpr std::string_view kPinnedRevision = "2026-11-29 weighted range search";
constexpr std::string_view kPinnedOutputHash = "29fa1336e39b9c6b281dadc276d739b754d58c5da803136ddceb465562043e0c";

std::string hex(const Sha256::Digest& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : d) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

// Every shipped profile, resolved for x86_64 and aarch64 with Docker's
// default caps on kernel 6.18, compiled with default options.
std::string output_hash() {
  Sha256 hash;
  for (const char* name : {"runtime-default.json", "strict.json", "audit.json"}) {
    const std::string text = test::read_file(test::source_dir() / "profiles" / name);
    Result<Document> doc = read_document(text);
    REQUIRE_MESSAGE(doc.ok(), name);
    for (Arch arch : {Arch::X86_64, Arch::Aarch64}) {
      Target target{arch, docker_default_caps(), KernelVersion{6, 18}};
      Result<Profile> flat = resolve(doc.value->profiles.front(), target);
      REQUIRE_MESSAGE(flat.ok(), name);
      CompileOptions options;
      options.arches = {arch};
      for (Arch sub : default_sub_arches(arch)) options.arches.push_back(sub);
      Result<CompiledFilter> compiled = compile(*flat.value, options);
      REQUIRE_MESSAGE(compiled.ok(), name);
      hash.update(name);
      hash.update(compiled.value->sha256);
    }
  }
  return hex(hash.finish());
}

}  // namespace

TEST_CASE("compiler revision: the pinned output hash belongs to the current revision") {
  const std::string now = output_hash();
  INFO("compile() output hash for the shipped profiles: ", now);
  CHECK_MESSAGE(kCompilerRevision == kPinnedRevision,
                "kCompilerRevision changed: record the new output hash in kPinnedOutputHash and the "
                "revision in kPinnedRevision");
  CHECK_MESSAGE(now == kPinnedOutputHash,
                "compile() emits different programs than at the pinned revision: change "
                "kCompilerRevision in compile.hpp (so caches stop serving older programs), then "
                "both pins here");
}
