// The profiles the project ships (profiles/*.json) pass `seccomp-convert check`
// with zero errors for x86_64 and for aarch64, each checked on its own; the
// three written here (with an archMap) resolve for both. Every JSON file in profiles/ is checked, so a profile
// added later is covered without touching this test.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "support/support.hpp"

using scc::test::run_convert;
using scc::test::source_dir;

namespace {

std::vector<std::string> shipped_profiles() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "profiles"))
    if (entry.path().extension() == ".json") out.push_back(entry.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// The count check prints last: "0 errors, N warnings in 1 file".
bool zero_errors(const std::string& summary) {
  return summary.rfind("0 errors, ", 0) == 0 && summary.find(" in 1 file\n") != std::string::npos;
}

}  // namespace

TEST_CASE("shipped profiles: the three written here are present") {
  std::vector<std::string> names;
  for (const std::string& path : shipped_profiles())
    names.push_back(std::filesystem::path(path).filename().string());
  for (const char* want : {"runtime-default.json", "strict.json", "audit.json"})
    CHECK_MESSAGE(std::find(names.begin(), names.end(), want) != names.end(), want);
}

TEST_CASE("shipped profiles: check reports zero errors for x86_64 and for aarch64") {
  for (const std::string& path : shipped_profiles()) {
    for (const char* arch : {"x86_64", "aarch64"}) {
      auto r = run_convert({"check", "--arch", arch, path});
      INFO(path << " --arch " << arch << "\n" << r.out << r.err);
      CHECK(r.exit_code == 0);
      CHECK(zero_errors(r.err));
      CHECK(r.out.find(": error: ") == std::string::npos);
    }
  }
}

TEST_CASE("shipped profiles: check gives no namespace warning for their clone and unshare rules") {
  // The recorded ones allow clone with SCMP_CMP_EQ on flags without a
  // CLONE_NEW* bit; the others mask them as moby does or gate on a capability.
  for (const std::string& path : shipped_profiles()) {
    for (const char* arch : {"x86_64", "aarch64"}) {
      auto r = run_convert({"check", "--arch", arch, path});
      INFO(path << " --arch " << arch << "\n" << r.out << r.err);
      CHECK(r.exit_code == 0);
      CHECK(r.out.find("creates namespaces") == std::string::npos);
      CHECK(r.err.find("creates namespaces") == std::string::npos);
    }
  }
}

TEST_CASE("shipped profiles: the archMap ones resolve for x86_64 and aarch64 to their native arch first") {
  for (const char* name : {"runtime-default.json", "strict.json", "audit.json"}) {
    const std::string path = (source_dir() / "profiles" / name).string();
    for (auto [arch, scmp] : {std::pair{"x86_64", "SCMP_ARCH_X86_64"}, std::pair{"aarch64", "SCMP_ARCH_AARCH64"}}) {
      auto r = run_convert({"resolve", "--arch", arch, path});
      INFO(path << " --arch " << arch << "\n" << r.err);
      CHECK(r.exit_code == 0);
      CHECK(r.out.find(std::string("\"architectures\": [\n    \"") + scmp + "\"") != std::string::npos);
    }
  }
}

TEST_CASE("shipped profiles: profiles/README.md shows what diff against moby-default prints today") {
  scc::test::skip_unless_shared();
  const std::string ours = (source_dir() / "profiles" / "runtime-default.json").string();
  const std::string moby = (scc::test::shared_dir() / "corpus" / "moby-default.json").string();
  auto r = run_convert({"diff", ours, moby});
  CHECK(r.exit_code == 1);
  // The README shows the paths as typed from the repository.
  std::string out = r.out;
  for (auto [from, to] : {std::pair{ours, std::string("profiles/runtime-default.json")},
                          std::pair{moby, std::string("../shared/corpus/moby-default.json")}})
    for (std::size_t at = out.find(from); at != std::string::npos; at = out.find(from, at))
      out.replace(at, from.size(), to);
  const std::string readme = scc::test::read_file(source_dir() / "profiles" / "README.md");
  const std::string command =
      "$ seccomp-convert diff profiles/runtime-default.json ../shared/corpus/moby-default.json\n";
  const auto begin = readme.find(command);
  REQUIRE(begin != std::string::npos);
  const auto end = readme.find("\n```\n", begin);
  REQUIRE(end != std::string::npos);
  const std::string shown = readme.substr(begin + command.size(), end + 1 - begin - command.size());
  // All but the last line, whose evaluation count depends on how the analysis explores.
  auto without_last = [](const std::string& text) {
    const auto cut = text.rfind('\n', text.size() - 2);
    return text.substr(0, cut == std::string::npos ? 0 : cut + 1);
  };
  CHECK(without_last(out) == without_last(shown));
  CHECK(shown.find("different: 410 differences (proven); ") != std::string::npos);
  CHECK(out.find("different: 410 differences (proven); ") != std::string::npos);
}
