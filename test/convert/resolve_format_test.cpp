// seccomp-convert resolve --format spo (convert/resolve_command.cpp): the
// shipped profiles as SPO SeccompProfile objects that resolve reads back to
// the same flat profile, the name, and the errors.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/support.hpp"

using scc::test::run_convert;
using scc::test::source_dir;
using scc::test::TempDir;

TEST_CASE("resolve --format spo: each shipped profile reads back to the same flat profile") {
  TempDir dir;
  for (const char* name : {"runtime-default", "strict", "audit"}) {
    for (const char* arch : {"x86_64", "aarch64"}) {
      const std::string profile = (source_dir() / "profiles" / (std::string(name) + ".json")).string();
      INFO(name << " " << arch);
      auto oci = run_convert({"resolve", "--arch", arch, profile});
      REQUIRE(oci.exit_code == 0);
      auto spo = run_convert({"resolve", "--arch", arch, "--format", "spo", profile});
      REQUIRE(spo.exit_code == 0);
      CHECK(spo.out.rfind("apiVersion: \"security-profiles-operator.x-k8s.io/v1beta1\"\n"
                          "kind: \"SeccompProfile\"\nmetadata:\n  name: \"" + std::string(name) + "\"\nspec:\n",
                          0) == 0);
      auto yaml = dir.write(std::string(name) + ".yaml", spo.out).string();
      auto back = run_convert({"resolve", "--arch", arch, yaml});
      REQUIRE(back.exit_code == 0);
      // SPO's spec has no defaultErrnoRet; these profiles' 1 (EPERM) is what runtimes
      // use without one.
      auto want = nlohmann::ordered_json::parse(oci.out);
      want.erase("defaultErrnoRet");
      CHECK(nlohmann::ordered_json::parse(back.out) == want);
    }
  }
}

TEST_CASE("resolve --format spo --spo-name names the object and -o writes it") {
  TempDir dir;
  const auto out = dir.path() / "web.yaml";
  auto r = run_convert({"resolve", "--format", "spo", "--spo-name", "web.v2", "-o", out.string(), "-"},
                       R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"]})");
  CHECK(r.exit_code == 0);
  CHECK(scc::test::read_file(out) ==
        "apiVersion: \"security-profiles-operator.x-k8s.io/v1beta1\"\n"
        "kind: \"SeccompProfile\"\n"
        "metadata:\n"
        "  name: \"web.v2\"\n"
        "spec:\n"
        "  defaultAction: \"SCMP_ACT_ALLOW\"\n"
        "  architectures:\n"
        "    - \"SCMP_ARCH_X86_64\"\n");
}

TEST_CASE("resolve --format spo: what SPO cannot hold fails with exit 1 and nothing written") {
  TempDir dir;
  const auto out = dir.path() / "enosys.yaml";
  auto r = run_convert({"resolve", "--format", "spo", "-o", out.string(), "-"},
                       R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38})");
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "<stdin>: /defaultErrnoRet: error: defaultErrnoRet 38 cannot be written in an SPO "
        "SeccompProfile: its spec has no defaultErrnoRet, so the runtimes would return EPERM (1) "
        "instead [dialect-mismatch]\n");
  CHECK_FALSE(std::filesystem::exists(out));
  auto bad_name = run_convert({"resolve", "--format", "spo", "--spo-name", "Web_Server", "-"},
                              R"({"defaultAction":"SCMP_ACT_ALLOW"})");
  CHECK(bad_name.exit_code == 1);
  CHECK(bad_name.err.find("\"Web_Server\" is not a Kubernetes object name") != std::string::npos);
  auto format = run_convert({"resolve", "--format", "yaml", "-"}, R"({"defaultAction":"SCMP_ACT_ALLOW"})");
  CHECK(format.exit_code == 2);
}
