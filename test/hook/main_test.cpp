#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "hook/hook_fixture.hpp"

using namespace scc::test;

namespace {

struct TimedRun {
  int exit_code = -1;
  std::string err;
  double seconds = 0;
};

// Run the hook with a stdin pipe that is never written to nor closed, as a
// runtime that hangs would leave it.
TimedRun run_with_open_stdin(const std::vector<std::string>& args) {
  int in[2], err[2];
  REQUIRE(pipe2(in, O_CLOEXEC) == 0);
  REQUIRE(pipe2(err, O_CLOEXEC) == 0);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(err[1], 2);
    std::vector<char*> argv{const_cast<char*>(SCC_HOOK_BIN)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(in[0]);
  close(err[1]);
  TimedRun r;
  char buf[4096];
  for (ssize_t n; (n = read(err[0], buf, sizeof buf)) > 0;) r.err.append(buf, static_cast<std::size_t>(n));
  int status = 0;
  waitpid(pid, &status, 0);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  close(in[1]);
  close(err[0]);
  return r;
}

}  // namespace

TEST_CASE("a stdin that never closes meets the deadline: exit 3 with the message") {
  HookNode node;
  TimedRun r = run_with_open_stdin({"precreate", "--config", node.config_arg()});
  CHECK(r.exit_code == 3);
  CHECK(r.err == "seccomp-hook: precreate: container ?: profile (none): deadline of 2000 ms passed; refused\n");
  CHECK(r.seconds >= 1.9);
  CHECK(r.seconds < 3.5);
}

TEST_CASE("the deadline names the container once the state is read") {
  HookNode node;
  node.config["deadlineMs"] = 1;  // passed by the time the config is loaded: parsing 900 KB takes longer
  node.save();
  const std::string state = R"({"ociVersion":"1","id":"c9","status":"creating","bundle":"/nonexistent",)"
                            R"("annotations":{"big":")" + std::string(900 * 1024, 'x') + R"("}})";
  RunResult r = run_hook({"createRuntime", "--config", node.config_arg()}, state);
  CHECK(r.exit_code == 3);
  CHECK(r.err == "seccomp-hook: createRuntime: container c9: profile (none): deadline of 1 ms passed; refused\n");
}

TEST_CASE("SECCOMP_HOOK_CONFIG names the config file and --config wins over it") {
  HookNode node;
  const std::string absent = (node.tmp.path() / "absent.json").string();
  RunResult from_env = run_program({"env", "SECCOMP_HOOK_CONFIG=" + absent, SCC_HOOK_BIN, "precreate"}, "{}");
  CHECK(from_env.exit_code == 1);
  CHECK(from_env.err == "seccomp-hook: precreate: container ?: profile (none): refused: hook config: cannot open the "
                        "hook config " + absent + ": No such file or directory [input-unreadable]\n");
  RunResult cli = run_program({"env", "SECCOMP_HOOK_CONFIG=" + absent, SCC_HOOK_BIN, "--config", node.config_arg(),
                               "precreate"},
                              runc_spec_config());
  CHECK(cli.exit_code == 0);
}

TEST_CASE("with neither the default path is used") {
  if (std::filesystem::exists("/etc/seccomp-hook/config.json")) skip("this machine has a real hook config");
  RunResult r = run_hook({"precreate"}, "{}");
  CHECK(r.exit_code == 1);
  CHECK(r.err == "seccomp-hook: precreate: container ?: profile (none): refused: hook config: cannot open the hook "
                 "config /etc/seccomp-hook/config.json: No such file or directory [input-unreadable]\n");
}

TEST_CASE("a stage runs alike in the plain form and in every form CLI11 parses") {
  HookNode node;
  const std::string missing = (node.tmp.path() / "missing.json").string();
  const std::string state = R"({"ociVersion": "1.0.2", "id": "c1", "status": "creating", "pid": 1, "bundle": "/nonexistent"})";
  const std::string refusal = "seccomp-hook: createRuntime: container c1: profile (none): refused: hook config: "
                              "cannot open the hook config " + missing + ": No such file or directory [input-unreadable]\n";
  // The plain form (no CLI11) and two that only CLI11 reads: the same run.
  for (const auto& args : {std::vector<std::string>{"--config", missing, "createRuntime"},
                           std::vector<std::string>{"--config=" + missing, "createRuntime"},
                           std::vector<std::string>{"createRuntime", "--config", missing}}) {
    CAPTURE(args.front());
    RunResult r = run_hook(args, state);
    CHECK(r.exit_code == 1);
    CHECK(r.err == refusal);
  }
  // A stage with anything else after it is a usage error in both.
  CHECK(run_hook({"--config", missing, "createRuntime", "extra"}, state).exit_code == 2);
  CHECK(run_hook({"createRuntime", "extra"}, state).exit_code == 2);
  CHECK(run_hook({"--config", missing, "createruntime"}, state).exit_code == 2);
}

TEST_CASE("usage errors exit 2") {
  CHECK(run_hook({}).exit_code == 2);
  CHECK(run_hook({"launch"}).exit_code == 2);
  CHECK(run_hook({"runtime", "--", "create", "x"}).exit_code == 2);  // --runtime is required
}

TEST_CASE("--version names the program") {
  RunResult r = run_hook({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.starts_with("seccomp-hook "));
}

TEST_CASE("LD_PRELOAD cannot run code in the hook") {
  // The protection is static linking (hook/CMakeLists.txt): a sanitizer
  // build links the hook dynamically and cannot have it.
  if (!SCC_HOOK_STATIC) skip("seccomp-hook is linked dynamically in this build (sanitizers)");
  TempDir dir;
  const auto source = dir.write("evil.c",
                                "#include <fcntl.h>\n#include <stdlib.h>\n#include <unistd.h>\n"
                                "__attribute__((constructor)) static void evil(void) {\n"
                                "  const char* p = getenv(\"EVIL_MARKER\");\n"
                                "  if (p) close(open(p, O_CREAT | O_WRONLY, 0600));\n}\n");
  const auto library = dir.path() / "evil.so";
  RunResult cc = run_program({"cc", "-shared", "-fPIC", "-o", library.string(), source.string()});
  if (cc.exit_code == 127) skip("no C compiler to build the preload library");
  REQUIRE(cc.exit_code == 0);
  const auto marker = dir.path() / "marker";
  // The library works: a dynamically linked program runs it.
  REQUIRE(run_program({"env", "LD_PRELOAD=" + library.string(), "EVIL_MARKER=" + marker.string(), "true"}).exit_code == 0);
  REQUIRE(std::filesystem::exists(marker));
  std::filesystem::remove(marker);
  HookNode node;
  RunResult r = run_program({"env", "LD_PRELOAD=" + library.string(), "EVIL_MARKER=" + marker.string(), SCC_HOOK_BIN,
                             "precreate", "--config", node.config_arg()},
                            runc_spec_config());
  CHECK(r.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(marker));
}
