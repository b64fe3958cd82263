#include <doctest/doctest.h>

#include "support/support.hpp"

using namespace scc::test;

TEST_CASE("from-strace writes a profile from a -ff prefix and reports bad lines with file line and column") {
  TempDir dir;
  dir.write("t.100", "execve(\"/bin/true\", [\"true\"], 0x0 /* 0 vars */) = 0\nclone(child_stack=NULL, flags=SIGCHLD) = 101\n");
  dir.write("t.101", "getpid() = 101\nnonsense here\n+++ exited with 0 +++\n");
  auto out = dir.path() / "p.json";
  RunResult r = run_convert({"from-strace", (dir.path() / "t").string(), "--no-baseline", "--errno", "ENOSYS", "-o",
                             out.string()});
  CHECK(r.exit_code == 0);
  CHECK(r.err == (dir.path() / "t.101").string() +
                     ":2:1: warning: cannot parse strace line \"nonsense here\" [log-syntax]\n");
  CHECK(read_file(out) ==
        "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"defaultErrnoRet\": 38,\n  \"archMap\": [\n    {\n"
        "      \"architecture\": \"SCMP_ARCH_X86_64\",\n      \"subArchitectures\": []\n    }\n  ],\n"
        "  \"syscalls\": [\n    {\n      \"names\": [\n        \"clone\",\n        \"execve\",\n        \"getpid\"\n"
        "      ],\n      \"action\": \"SCMP_ACT_ALLOW\"\n    }\n  ]\n}\n");
}

TEST_CASE("from-strace fails on an unknown name with its position and writes nothing") {
  TempDir dir;
  auto log = dir.write("bad.log", "7 opne(\"/x\", O_RDONLY) = 3\n");
  auto out = dir.path() / "p.json";
  RunResult r = run_convert({"from-strace", log.string(), "-o", out.string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err == log.string() + ":1:3: error: unknown syscall \"opne\" on x86_64 (did you mean \"open\"?) [unknown-syscall]\n");
  CHECK_FALSE(std::filesystem::exists(out));
  RunResult e = run_convert({"from-strace", log.string(), "--errno", "EWHAT"});
  CHECK(e.exit_code == 2);
  CHECK(e.err == "seccomp-convert from-strace: error: --errno \"EWHAT\" is neither a number nor an errno name\n");
}

TEST_CASE("from-strace --arch aarch64 reads a trace made there") {
  TempDir dir;
  auto log = dir.write("arm.log", "9 [ Process PID=9 runs in 32-bit mode. ]\n9 _llseek(0, 0, NULL, SEEK_SET) = 0\n"
                                  "9 [ Process PID=9 runs in AArch64 mode. ]\n9 openat(AT_FDCWD, \"/\", O_RDONLY) = 3\n");
  RunResult r = run_convert({"from-strace", log.string(), "--arch", "arm64", "--no-baseline"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\"architecture\": \"SCMP_ARCH_AARCH64\",\n      \"subArchitectures\": [\n        \"SCMP_ARCH_ARM\"") !=
        std::string::npos);
  RunResult bad = run_convert({"from-strace", log.string(), "--arch", "x86"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == "seccomp-convert from-strace: error: --arch \"x86\" is not x86_64 or aarch64\n");
}
