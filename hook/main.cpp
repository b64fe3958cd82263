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

// The hook stages that take no option of their own: state on stdin.
struct Stage {
  const char* name;
  const char* help;
  int (*run)(const CommonOptions&, const std::string& stage);
};

constexpr Stage kStages[] = {
    {"createRuntime", "enforce the policy on the bundle's config.json (state on stdin)",
     [](const CommonOptions& c, const std::string& stage) { return run_create_runtime(c, stage); }},
    {"prestart", "enforce the policy on the bundle's config.json (state on stdin)",
     [](const CommonOptions& c, const std::string& stage) { return run_create_runtime(c, stage); }},
    {"poststart", "attest the container's live filter (state on stdin)",
     [](const CommonOptions& c, const std::string&) { return run_poststart(c); }},
    {"record", "createRuntime: record the container's syscalls (annotation seccomp-hook.record)",
     [](const CommonOptions& c, const std::string&) { return run_record(c); }},
    {"poststop", "finish a container recording (state on stdin)",
     [](const CommonOptions& c, const std::string&) { return run_poststop(c); }},
};

// A stage in the form runtimes and engines use, `seccomp-hook [--config FILE]
// STAGE` and nothing else, is run without building the CLI11 parser (a tenth
// of a warm createRuntime); any other command line goes through CLI11.
const Stage* plain_stage(int argc, char** argv, CommonOptions& common) {
  int at = 1;
  if (argc == 4 && std::strcmp(argv[1], "--config") == 0 && argv[2][0] != '-') {
    common.config = argv[2];
    at = 3;
  } else if (argc != 2) {
    return nullptr;
  }
  for (const Stage& stage : kStages)
    if (std::strcmp(argv[at], stage.name) == 0) return &stage;
  common.config.reset();
  return nullptr;
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

int report_exception(const std::exception& e) {
  std::cerr << "seccomp-hook: error: " << e.what() << "\n";
  return kExitRefused;
}

}  // namespace

int main(int argc, char** argv) {
  ensure_standard_fds();
  CommonOptions common;
  prepare_process(mode_of(argc, argv), common);
  if (const Stage* stage = plain_stage(argc, argv, common)) {
    try {
      return stage->run(common, stage->name);
    } catch (const std::exception& e) {
      return report_exception(e);
    }
  }
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

  for (const Stage& stage : kStages)
    app.add_subcommand(stage.name, stage.help)->callback([&exit_code, &common, &stage] {
      exit_code = stage.run(common, stage.name);
    });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  } catch (const std::exception& e) {
    return report_exception(e);
  }
  return exit_code;
}
