// seccomp-convert inspect against live processes: children load known
// programs with the raw seccomp() call, the CLI dumps them.
#include <doctest/doctest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "scc/bpf.hpp"
#include "scc/compile.hpp"
#include "scc/read.hpp"
#include "scc/resolve.hpp"
#include "support/live_process.hpp"
#include "support/support.hpp"

using namespace scc;
using scc::test::ChildProcess;

namespace {

// "nr == `nr` -> ERRNO(`error`), else ALLOW".
bpf::Program deny_program(std::uint32_t nr, std::uint32_t error) {
  return bpf::Program({
      sock_filter{BPF_LD | BPF_W | BPF_ABS, 0, 0, 0},
      sock_filter{BPF_JMP | BPF_JEQ | BPF_K, 0, 1, nr},
      sock_filter{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | error},
      sock_filter{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW},
  });
}

std::string bytes_of(const bpf::Program& program) {
  std::string bytes(program.size() * sizeof(sock_filter), '\0');
  std::memcpy(bytes.data(), program.instructions().data(), bytes.size());
  return bytes;
}

// A child that loads `programs` in order with seccomp() and then pauses.
int load_and_pause(const std::vector<bpf::Program>& programs, const ChildProcess::Ready& ready) {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return 2;
  for (const auto& program : programs) {
    std::vector<sock_filter> insns(program.instructions().begin(), program.instructions().end());
    sock_fprog fprog{static_cast<unsigned short>(insns.size()), insns.data()};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0) return 3;
  }
  ready();
  for (;;) pause();
}

// What `run` loads for `profile_text` on this machine, compiled in-process.
bpf::Program compiled_for_here(const std::string& profile_text) {
  auto doc = read_document(profile_text);
  REQUIRE(doc.ok());
  auto flat = resolve(doc.value->profiles.at(0), default_target());
  REQUIRE(flat.ok());
  auto compiled = compile(*flat.value);
  REQUIRE(compiled.ok());
  return compiled.value->program;
}

}  // namespace

TEST_CASE("inspect prints every filter newest first and writes them raw with -o") {
  scc::test::skip_unless_live_seccomp();
  const bpf::Program older = deny_program(SYS_mincore, 42);
  const bpf::Program newer = deny_program(SYS_madvise, 43);
  ChildProcess child([&](const auto& ready) { return load_and_pause({older, newer}, ready); });
  REQUIRE(child.became_ready());
  scc::test::TempDir dir;
  const auto prefix = dir.path() / "f";
  const std::string pid = std::to_string(child.pid());
  auto r = scc::test::run_convert({"inspect", "--pid", pid, "-o", prefix.string()});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  CHECK(r.out == "process " + pid + ": 2 filters, newest first\n\nfilter 0: 4 instructions\n" +
                     bpf::disassemble(newer) + "\nfilter 1: 4 instructions\n" +
                     bpf::disassemble(older));
  CHECK(scc::test::read_file(prefix.string() + ".0.bpf") == bytes_of(newer));
  CHECK(scc::test::read_file(prefix.string() + ".1.bpf") == bytes_of(older));
  CHECK_FALSE(std::filesystem::exists(prefix.string() + ".2.bpf"));
  CHECK(scc::test::wait_for_state(child.pid(), 'S'));
}

TEST_CASE("inspect says when a process has no filter") {
  scc::test::skip_unless_live_seccomp();
  ChildProcess child([](const auto& ready) { return load_and_pause({}, ready); });
  REQUIRE(child.became_ready());
  const std::string pid = std::to_string(child.pid());
  auto r = scc::test::run_convert({"inspect", "--pid", pid});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "process " + pid + " has no seccomp filter\n");
  CHECK(r.err == "");
}

TEST_CASE("inspect of a pid with no process fails with a message") {
  scc::test::skip_unless_live_seccomp();
  ChildProcess child([](const auto&) { return 0; });
  const std::string pid = std::to_string(child.pid());
  child.wait();
  auto r = scc::test::run_convert({"inspect", "--pid", pid});
  CHECK(r.exit_code == 1);
  CHECK(r.out == "");
  CHECK(r.err == "pid " + pid + ": error: no process with pid " + pid + " [process-not-found]\n");
}

TEST_CASE("inspect needs a positive --pid") {
  auto missing = scc::test::run_convert({"inspect"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("--pid is required") != std::string::npos);
  auto zero = scc::test::run_convert({"inspect", "--pid", "0"});
  CHECK(zero.exit_code == 2);
  CHECK(zero.out == "");
}

TEST_CASE("inspect finds exactly the compiled filter on a command started by run") {
  scc::test::skip_unless_live_seccomp();
  const std::string profile_text =
      R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "syscalls": [
        {"names": ["read", "write", "close", "exit_group", "execve", "brk", "mmap", "munmap",
                   "mprotect", "openat", "newfstatat", "fstat", "arch_prctl", "access",
                   "pread64", "set_tid_address", "set_robust_list", "rseq", "prlimit64",
                   "getrandom", "clock_nanosleep", "nanosleep", "rt_sigaction",
                   "rt_sigprocmask", "restart_syscall", "exit", "futex", "uname"],
         "action": "SCMP_ACT_ALLOW"}]})";
  scc::test::TempDir dir;
  const auto profile = dir.write("p.json", profile_text).string();
  scc::test::ChildProcess run(
      std::vector<std::string>{SCC_CONVERT_BIN, "run", "--profile", profile, "--", "sleep", "30"});
  REQUIRE(run.became_ready());
  const pid_t sleeper = scc::test::wait_for_child(run.pid(), "sleep");
  REQUIRE(sleeper != 0);
  const auto prefix = dir.path() / "live";
  auto r =
      scc::test::run_convert({"inspect", "--pid", std::to_string(sleeper), "-o", prefix.string()});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  const bpf::Program expected = compiled_for_here(profile_text);
  CHECK(r.out.starts_with("process " + std::to_string(sleeper) + ": 1 filter\n\nfilter 0: " +
                          std::to_string(expected.size()) + " instructions\n"));
  CHECK(scc::test::read_file(prefix.string() + ".0.bpf") == bytes_of(expected));
  // run itself stays unfiltered: only the command is confined.
  CHECK(scc::test::run_convert({"inspect", "--pid", std::to_string(run.pid())}).out ==
        "process " + std::to_string(run.pid()) + " has no seccomp filter\n");
  kill(sleeper, SIGKILL);
  CHECK(WIFEXITED(run.wait()));
}
