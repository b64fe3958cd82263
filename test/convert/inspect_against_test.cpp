// inspect --against on live processes: one confined by `seccomp-convert run`
// and one in a runc container with the flat OCI of a corpus profile.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scc/arch.hpp"
#include "scc/names.hpp"
#include "scc/oci_json.hpp"
#include "scc/read.hpp"
#include "scc/resolve.hpp"
#include "scc/syscall_table.hpp"
#include "support/live_process.hpp"
#include "support/support.hpp"

using scc::test::RunResult;
using scc::test::TempDir;

namespace {

std::string sleeper_profile(int clone3_errno) {
  return R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "syscalls": [
        {"names": ["read", "write", "close", "exit_group", "execve", "brk", "mmap", "munmap",
                   "mprotect", "openat", "newfstatat", "fstat", "arch_prctl", "access",
                   "pread64", "set_tid_address", "set_robust_list", "rseq", "prlimit64",
                   "getrandom", "clock_nanosleep", "nanosleep", "rt_sigaction",
                   "rt_sigprocmask", "restart_syscall", "exit", "futex", "uname"],
         "action": "SCMP_ACT_ALLOW"},
        {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": )" +
         std::to_string(clone3_errno) + "}]}";
}

// "x86_64 clone3 (435):" for this machine.
std::string named(const char* name) {
  const scc::Arch arch = scc::native_arch();
  const auto nr = scc::syscall_table(arch)->number(name);
  REQUIRE(nr.has_value());
  return std::string(scc::short_name(arch)) + " " + name + " (" + std::to_string(*nr) + "):";
}

bool has_command(const std::string& name) {
  return scc::test::run_program({"sh", "-c", "command -v " + name}).exit_code == 0;
}

// A runc container running `sleep 300` in a busybox rootfs, deleted on destruction.
class RuncContainer {
 public:
  RuncContainer(const TempDir& dir, const std::string& seccomp_json) : state_((dir.path() / "state").string()) {
    const auto rootfs = dir.path() / "rootfs";
    std::filesystem::create_directories(rootfs / "bin");
    for (const char* d : {"proc", "sys", "dev", "tmp", "etc"}) std::filesystem::create_directories(rootfs / d);
    const std::string busybox = scc::test::run_program({"sh", "-c", "command -v busybox"}).out;
    std::filesystem::copy_file(busybox.substr(0, busybox.find('\n')), rootfs / "bin" / "busybox");
    std::filesystem::create_symlink("busybox", rootfs / "bin" / "sleep");
    const auto bundle = dir.path() / "bundle";
    std::filesystem::create_directories(bundle);
    REQUIRE(scc::test::run_program({"runc", "spec", "--bundle", bundle.string()}).exit_code == 0);
    auto config = nlohmann::json::parse(scc::test::read_file(bundle / "config.json"));
    config["process"]["terminal"] = false;
    config["process"]["args"] = {"sleep", "300"};
    config["root"]["path"] = rootfs.string();
    config["linux"]["seccomp"] = nlohmann::json::parse(seccomp_json);
    dir.write("bundle/config.json", config.dump());
    id_ = "scc-against-" + std::to_string(getpid());
    // The container keeps the stdio it is given: /dev/null, so that nothing
    // waits for it to close a pipe.
    const auto err = dir.path() / "runc.err";
    const RunResult run = scc::test::run_program(
        {"sh", "-c", "exec \"$@\" </dev/null >/dev/null 2>" + err.string(), "sh", "runc", "--root", state_, "run",
         "--detach", "--bundle", bundle.string(), id_});
    INFO(scc::test::read_file(err));
    REQUIRE(run.exit_code == 0);
    started_ = true;
    const RunResult state = scc::test::run_program({"runc", "--root", state_, "state", id_});
    REQUIRE(state.exit_code == 0);
    pid_ = nlohmann::json::parse(state.out)["pid"].get<int>();
  }
  ~RuncContainer() {
    if (started_) scc::test::run_program({"runc", "--root", state_, "delete", "-f", id_});
  }
  RuncContainer(const RuncContainer&) = delete;
  RuncContainer& operator=(const RuncContainer&) = delete;
  int pid() const { return pid_; }

 private:
  std::string state_;
  std::string id_;
  bool started_ = false;
  int pid_ = 0;
};

// The flat OCI linux.seccomp of a corpus profile, resolved for this machine.
std::string flat_corpus_profile(const std::string& name) {
  const std::string text = scc::test::read_file(scc::test::shared_dir() / "corpus" / name);
  auto doc = scc::read_document(text);
  REQUIRE(doc.ok());
  auto flat = scc::resolve(doc.value->profiles.at(0), scc::default_target());
  REQUIRE(flat.ok());
  return scc::to_oci_json_text(*flat.value);
}

}  // namespace

TEST_CASE("inspect against: a command under run is proven equivalent to its profile") {
  scc::test::skip_unless_live_seccomp();
  TempDir dir;
  const auto profile = dir.write("p.json", sleeper_profile(38)).string();
  const auto changed = dir.write("changed.json", sleeper_profile(13)).string();
  scc::test::ChildProcess run(
      std::vector<std::string>{SCC_CONVERT_BIN, "run", "--profile", profile, "--", "sleep", "30"});
  REQUIRE(run.became_ready());
  const pid_t sleeper = scc::test::wait_for_child(run.pid(), "sleep");
  REQUIRE(sleeper != 0);
  const std::string pid = std::to_string(sleeper);

  const RunResult same = scc::test::run_convert({"inspect", "--pid", pid, "--against", profile});
  CHECK(same.exit_code == 0);
  CHECK(same.err == "");
  CHECK(same.out.find("\nagainst " + profile + ", compiled for " + std::string(scc::short_name(scc::native_arch())) +
                      " (syscall numbers outside the tables are not compared") != std::string::npos);
  CHECK(same.out.find("\nequivalent (proven): compared ") != std::string::npos);

  const RunResult differ = scc::test::run_convert({"inspect", "--pid", pid, "--against", changed});
  CHECK(differ.exit_code == 1);
  CHECK(differ.out.find("\n" + named("clone3") + "\n  any arguments: live ERRNO(38) ENOSYS, profile ERRNO(13) EACCES\n"
                        "different: 1 difference (proven)") != std::string::npos);
  kill(sleeper, SIGKILL);
  CHECK(WIFEXITED(run.wait()));
}

TEST_CASE("inspect against: a process without a filter differs from a profile that denies") {
  scc::test::skip_unless_live_seccomp();
  TempDir dir;
  const auto profile = dir.write("p.json", sleeper_profile(38)).string();
  scc::test::ChildProcess child([](const scc::test::ChildProcess::Ready& ready) -> int {
    ready();
    for (;;) pause();
  });
  REQUIRE(child.became_ready());
  const RunResult r = scc::test::run_convert({"inspect", "--pid", std::to_string(child.pid()), "--against", profile});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find(" has no seccomp filter\n") != std::string::npos);
  CHECK(r.out.find("\n" + named("clone3") + "\n  any arguments: live ALLOW, profile ERRNO(38) ENOSYS\n") !=
        std::string::npos);
}

TEST_CASE("inspect against: a runc container with a corpus profile is equivalent and a changed rule is named") {
  scc::test::skip_unless_live_seccomp();
  scc::test::skip_unless_shared();
  if (!has_command("runc") || !has_command("busybox")) scc::test::skip("needs runc and busybox");
  if (scc::native_arch() != scc::Arch::X86_64) scc::test::skip("the expected text is x86_64's");
  TempDir dir;
  const std::string flat = flat_corpus_profile("runc-syscall-test2.json");
  const auto profile = dir.write("flat.json", flat).string();
  // The same profile with chmod taken out of its allow list: the profile now
  // denies chmod with its default errno (6, ENXIO), the container allows it.
  auto edited = nlohmann::json::parse(flat);
  for (auto& rule : edited["syscalls"]) {
    auto& names = rule["names"];
    for (auto it = names.begin(); it != names.end(); ++it)
      if (*it == "chmod") {
        names.erase(it);
        break;
      }
  }
  const auto changed = dir.write("changed.json", edited.dump()).string();
  RuncContainer container(dir, flat);
  const std::string pid = std::to_string(container.pid());

  const RunResult same = scc::test::run_convert({"inspect", "--pid", pid, "--against", profile});
  INFO(same.out << same.err);
  CHECK(same.exit_code == 0);
  CHECK(same.out.find("\nequivalent (proven): compared 385 syscalls") != std::string::npos);

  const RunResult differ = scc::test::run_convert({"inspect", "--pid", pid, "--against", changed});
  INFO(differ.out << differ.err);
  CHECK(differ.exit_code == 1);
  CHECK(differ.out.find("\nx86_64 chmod (90):\n  any arguments: live ALLOW, profile ERRNO(6) ENXIO\n"
                        "different: 1 difference (proven)") != std::string::npos);
}

// The differences runc makes from a correct profile are the ones seccomp-hook
// poststart tolerates (scc::attest_filters): listed apart with the reason, exit 0.
TEST_CASE("inspect against: runc's 64-bit compare of socket's family is listed as tolerated - not counted") {
  scc::test::skip_unless_live_seccomp();
  if (!has_command("runc") || !has_command("busybox")) scc::test::skip("needs runc and busybox");
  if (scc::native_arch() != scc::Arch::X86_64) scc::test::skip("the expected text is x86_64's");
  TempDir dir;
  // Everything busybox sleep needs is allowed by default; socket unless AF_VSOCK
  // (moby's rule); mkdir is denied.
  const std::string profile_json = R"({"defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
                  "args": [{"index": 0, "value": 40, "op": "SCMP_CMP_EQ"}]},
                 {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]})";
  const auto profile = dir.write("p.json", profile_json).string();
  RuncContainer container(dir, profile_json);
  const RunResult r = scc::test::run_convert({"inspect", "--pid", std::to_string(container.pid()), "--against", profile});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\nequivalent (proven): compared ") != std::string::npos);
  CHECK(r.out.find("\ntolerated (not counted; the same as seccomp-hook poststart tolerates):\n"
                   "  32-bit-argument-high-bits: x86_64:socket\n    why: only values with high bits set") !=
        std::string::npos);
}
