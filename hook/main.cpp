// seccomp-hook: the OCI hook (precreate, createRuntime/prestart, poststart)
// and runtime wrapper (runtime) of docs/hook.md. Thin and fail-closed: every
// mode exits non-zero with one line on stderr when anything is wrong.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "deadline.hpp"
#include "modes.hpp"

namespace {

using namespace scc::hook;

// Open /dev/null on any of fds 0-2 the caller left closed, so no file the
// hook opens can land there and be mistaken for a standard stream.
void ensure_standard_fds() {
  for (int fd = 0; fd < 3; ++fd)
    if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
      int null_fd = ::open("/dev/null", O_RDWR);
      if (null_fd >= 0 && null_fd != fd) {
        ::dup2(null_fd, fd);
        ::close(null_fd);
      }
    }
}

// The mode named on the command line ("" if none), skipping --config VALUE.
std::string mode_of(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config") {
      ++i;
      continue;
    }
    if (!arg.starts_with("-")) return arg;
  }
  return "";
}

// The hook modes run with an empty environment: nothing in them reads one,
// and a runtime's or engine's variables (LD_*, GCONV_PATH, ...) must not
// steer them. The runtime wrapper keeps it for the real runtime.
void prepare_process(const std::string& mode, CommonOptions& common) {
  if (const char* env = std::getenv(std::string(scc::kHookConfigEnv).c_str())) common.config_env = env;
  if (mode == "runtime") return;
  ::clearenv();
  ::signal(SIGPIPE, SIG_IGN);  // a closed stdout is a write error, not a silent death
  arm_deadline(2000);         // until the config says otherwise
}

}  // namespace

int main(int argc, char** argv) {
  ensure_standard_fds();
  CommonOptions common;
  prepare_process(mode_of(argc, argv), common);
  CLI::App app{"seccomp-hook: per-container seccomp profiles for OCI runtimes"};
  app.set_version_flag("--version", "seccomp-hook " SCC_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--config", common.config, "hook config file (default: $SECCOMP_HOOK_CONFIG, else /etc/seccomp-hook/config.json)");
  int exit_code = kExitOk;

  std::string runtime_name;
  auto* precreate = app.add_subcommand("precreate", "podman config filter: config.json on stdin -> stdout");
  precreate->add_option("--runtime-name", runtime_name, "the OCI runtime podman uses (crun: hand over compiled BPF)");
  precreate->callback([&] { exit_code = run_precreate(common, runtime_name); });

  RuntimeOptions runtime;
  auto* wrapper = app.add_subcommand("runtime", "OCI runtime wrapper: rewrite config.json on create/run, exec the runtime");
  wrapper->add_option("--runtime", runtime.runtime, "the real runtime binary (absolute path)")->required();
  wrapper->add_option("--runtime-name", runtime.runtime_name, "runc or crun (default: from the binary's name)");
  wrapper->add_option("args", runtime.args, "the runtime's arguments, after --");
  wrapper->callback([&] { exit_code = run_runtime(common, runtime); });

  for (const char* stage : {"createRuntime", "prestart"}) {
    auto* enforce = app.add_subcommand(stage, "enforce the policy on the bundle's config.json (state on stdin)");
    enforce->callback([&exit_code, &common, stage] { exit_code = run_create_runtime(common, stage); });
  }
  app.add_subcommand("poststart", "attest the container's live filter (state on stdin)")
      ->callback([&] { exit_code = run_poststart(common); });
  app.add_subcommand("record", "createRuntime: record the container's syscalls (annotation seccomp-hook.record)")
      ->callback([&] { exit_code = run_record(common); });
  app.add_subcommand("poststop", "finish a container recording (state on stdin)")
      ->callback([&] { exit_code = run_poststop(common); });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "seccomp-hook: error: " << e.what() << "\n";
    return kExitRefused;
  }
  return exit_code;
}
