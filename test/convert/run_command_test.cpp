// seccomp-convert run on the real kernel: the command runs under the compiled
// filter, its exit status and signals come back, run's own failures are clear.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <string>

#include "support/live_process.hpp"
#include "support/support.hpp"

using scc::test::RunResult;
using scc::test::TempDir;

namespace {

constexpr const char* kDenyMkdir =
    R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]})";

constexpr const char* kKillMkdir =
    R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]})";

RunResult run_under(const std::string& profile, const std::vector<std::string>& command,
                    const std::vector<std::string>& flags = {}) {
  std::vector<std::string> args{"run", "--profile", profile};
  args.insert(args.end(), flags.begin(), flags.end());
  args.push_back("--");
  args.insert(args.end(), command.begin(), command.end());
  return scc::test::run_convert(args);
}

}  // namespace

TEST_CASE("run: a denied syscall fails with the profile's errno") {
  scc::test::skip_unless_live_seccomp();
  TempDir dir;
  const auto profile = dir.write("p.json", kDenyMkdir).string();
  const auto target = (dir.path() / "x").string();
  auto r = run_under(profile, {"/bin/sh", "-c", "LC_ALL=C mkdir " + target});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "mkdir: cannot create directory '" + target + "': Operation not permitted\n");
  CHECK_FALSE(std::filesystem::exists(target));
  // The same command without the filter works: the denial is the filter's.
  CHECK(scc::test::run_program({"/bin/sh", "-c", "mkdir " + target}).exit_code == 0);
  CHECK(std::filesystem::is_directory(target));
}

TEST_CASE("run: the exit status is the command's") {
  scc::test::skip_unless_live_seccomp();
  TempDir dir;
  const auto profile = dir.write("p.json", kDenyMkdir).string();
  auto r = run_under(profile, {"sh", "-c", "echo out; exit 7"});
  CHECK(r.exit_code == 7);
  CHECK(r.out == "out\n");
  CHECK(r.err == "");
}

TEST_CASE("run: a command killed by the filter is reported as killed by SIGSYS") {
  scc::test::skip_unless_live_seccomp();
  TempDir dir;
  const auto profile = dir.write("k.json", kKillMkdir).string();
  const auto target = (dir.path() / "x").string();
  auto r = run_under(profile, {"mkdir", target});
  CHECK(r.exit_code == 159);
  CHECK(r.err == "seccomp-convert: mkdir killed by signal SIGSYS (31)\n");
  CHECK_FALSE(std::filesystem::exists(target));
}

TEST_CASE("run: a command not found exits 127 and one not executable 126") {
  scc::test::skip_unless_live_seccomp();
  TempDir dir;
  const auto profile = dir.write("p.json", kDenyMkdir).string();
  auto missing = run_under(profile, {"no-such-command-scc"});
  CHECK(missing.exit_code == 127);
  CHECK(missing.err == "seccomp-convert: no-such-command-scc: command not found\n");
  const auto plain = dir.write("plain.txt", "not a program\n").string();
  auto not_executable = run_under(profile, {plain});
  CHECK(not_executable.exit_code == 126);
  CHECK(not_executable.err == "seccomp-convert: " + plain + ": Permission denied\n");
}

TEST_CASE("run: no_new_privs is set unless --no-new-privs=false with CAP_SYS_ADMIN") {
  scc::test::skip_unless_live_seccomp();
  TempDir dir;
  const auto profile = dir.write("p.json", kDenyMkdir).string();
  const std::vector<std::string> show{"grep", "NoNewPrivs", "/proc/self/status"};
  auto set = run_under(profile, show);
  CHECK(set.exit_code == 0);
  CHECK(set.out == "NoNewPrivs:\t1\n");
  auto unset = run_under(profile, show, {"--no-new-privs=false"});
  CHECK(unset.exit_code == 0);
  CHECK(unset.out == "NoNewPrivs:\t0\n");
  // Without CAP_SYS_ADMIN (dropped from the bounding set, so root's exec
  // does not regain it) the request is refused before anything runs.
  auto refused =
      scc::test::run_program({"setpriv", "--bounding-set", "-sys_admin", SCC_CONVERT_BIN, "run",
                              "--profile", profile, "--no-new-privs=false", "--", "echo", "ran"});
  CHECK(refused.exit_code == 125);
  CHECK(refused.out == "");
  CHECK(refused.err ==
        "seccomp-convert: error: --no-new-privs=false needs CAP_SYS_ADMIN in the effective set; "
        "without it the kernel refuses the filter (EACCES)\n");
}

TEST_CASE("run: a profile with errors runs nothing and exits 125") {
  scc::test::skip_unless_live_seccomp();
  TempDir dir;
  const auto profile = dir.write("bad.json", R"({"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 99999}]})");
  const auto marker = (dir.path() / "ran").string();
  auto r = run_under(profile.string(), {"touch", marker});
  CHECK(r.exit_code == 125);
  CHECK(r.err.starts_with(profile.string() + ": /syscalls/0/errnoRet: error: errnoRet 99999 is out of range 0-4094"));
  CHECK(r.err.find("[errno-range]") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(marker));

  auto missing = run_under((dir.path() / "none.json").string(), {"touch", marker});
  CHECK(missing.exit_code == 125);
  CHECK(missing.err.find("[input-unreadable]") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(marker));
}

TEST_CASE("run: --arch must cover this machine") {
  scc::test::skip_unless_live_seccomp();
  TempDir dir;
  const auto profile = dir.write("p.json", kDenyMkdir).string();
  const std::string other = sizeof(void*) == 8 ? "arm" : "x32";
  auto r = run_under(profile, {"echo", "ran"}, {"--arch", other});
  CHECK(r.exit_code == 125);
  CHECK(r.out == "");
  CHECK(r.err.find("--arch does not include this machine's arch") != std::string::npos);
}

TEST_CASE("run: SIGTERM sent to run reaches the command") {
  scc::test::skip_unless_live_seccomp();
  TempDir dir;
  const auto profile = dir.write("p.json", kDenyMkdir).string();
  scc::test::ChildProcess run({SCC_CONVERT_BIN, "run", "--profile", profile, "--", "sleep", "30"});
  REQUIRE(run.became_ready());
  const pid_t sleeper = scc::test::wait_for_child(run.pid(), "sleep");
  REQUIRE(sleeper != 0);
  kill(run.pid(), SIGTERM);
  const int status = run.wait();
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 128 + SIGTERM);
  CHECK(scc::test::process_state(sleeper) == '?');  // killed and reaped by run
}
