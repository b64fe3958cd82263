#include <doctest/doctest.h>

#include "support/support.hpp"

using namespace scc::test;

namespace {
const char* kA =
    R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86_64"],"syscalls":[)"
    R"({"names":["read"],"action":"SCMP_ACT_ALLOW"},{"names":["mount"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]})";
const char* kB =
    R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86_64"],"syscalls":[)"
    R"({"names":["mount"],"action":"SCMP_ACT_ALLOW"}]})";
}  // namespace

TEST_CASE("merge command exits 1 on a conflict and writes nothing") {
  TempDir dir;
  auto a = dir.write("a.json", kA), b = dir.write("b.json", kB);
  auto out = dir.path() / "out.json";
  RunResult r = run_convert({"merge", a.string(), b.string(), "-o", out.string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("error: \"mount\" has two actions: SCMP_ACT_ERRNO (1) in " + a.string() +
                   " /syscalls/1/names/0, but SCMP_ACT_ALLOW in " + b.string() + " /syscalls/0/names/0") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("merge command with --prefer last writes the union") {
  TempDir dir;
  auto a = dir.write("a.json", kA), b = dir.write("b.json", kB);
  auto out = dir.path() / "out.json";
  RunResult r = run_convert({"merge", a.string(), b.string(), "--prefer", "last", "-o", out.string()});
  CHECK(r.exit_code == 0);
  CHECK(read_file(out) ==
        "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"defaultErrnoRet\": 1,\n  \"architectures\": [\n"
        "    \"SCMP_ARCH_X86_64\"\n  ],\n  \"syscalls\": [\n    {\n      \"names\": [\n        \"mount\",\n"
        "        \"read\"\n      ],\n      \"action\": \"SCMP_ACT_ALLOW\"\n    }\n  ]\n}\n");
  RunResult bad = run_convert({"merge", a.string(), b.string(), "--prefer", "newest"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == "seccomp-convert merge: error: --prefer \"newest\" is not first, last or strictest\n");
}
