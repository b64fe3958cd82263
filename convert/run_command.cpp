// seccomp-convert run --profile PROFILE [--arch A]... [--caps LIST] [--log]
//   [--no-new-privs=false] -- CMD ARG...
// Compiles the profile for this machine, then runs CMD under the filter: a
// child loads it and execs CMD; this process waits, forwards SIGINT, SIGTERM,
// SIGHUP and SIGQUIT, and exits with CMD's status (128 + signal number, like a
// shell, when a signal killed it). Its own failures exit 125, a command that
// cannot be executed 126, one that is not found 127 (as env(1) does).
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "profile_input.hpp"
#include "report.hpp"
#include "scc/capabilities.hpp"
#include "scc/compile.hpp"
#include "scc/filter_load.hpp"
#include "scc/input_file.hpp"
#include "scc/names.hpp"
#include "scc/read.hpp"
#include "scc/resolve.hpp"

namespace scc::convert {
namespace {

constexpr int kExitRunFailed = 125;
constexpr int kExitCannotExecute = 126;
constexpr int kExitNotFound = 127;

struct RunOptions {
  std::string profile;
  std::vector<std::string> arches;
  std::optional<std::string> caps;  // comma-separated; default: Docker's set
  bool log = false;
  bool no_new_privs = true;
  std::vector<std::string> command;
};

// The filter to load and the flags it is loaded with.
struct PreparedFilter {
  bpf::Program program;
  LoadOptions load;
};

// ---- building the filter ----------------------------------------------------

// Print errors and warnings; notes are for `check`, not for every run.
void report(const std::string& source, const Diagnostics& diagnostics) {
  Diagnostics shown;
  for (const Diagnostic& d : diagnostics)
    if (d.severity != Severity::Note) shown.add(d);
  print_diagnostics(std::cerr, source, shown);
}

// The one profile of `path`, located diagnostics on failure.
Result<Profile> read_profile(const std::string& path) {
  Result<Profile> result;
  const ReadOptions read_options;
  Result<std::string> input = read_input_file(path, read_options.limits.max_bytes);
  result.diagnostics = input.diagnostics;
  if (!input.value) return result;
  Result<Document> doc = read_document(*input.value, read_options);
  result.diagnostics = doc.diagnostics;
  if (!doc.value) return result;
  if (doc.value->profiles.size() != 1) {
    result.diagnostics.error(Code::NotAProfile, "",
                             "the file holds " + std::to_string(doc.value->profiles.size()) +
                                 " profiles; run takes a file with one");
    return result;
  }
  result.value = std::move(doc.value->profiles.front());
  return result;
}

// Docker's default set unless --caps names the set.
std::optional<Target> run_target(const RunOptions& options, Diagnostics& diagnostics) {
  Target target = default_target();
  if (!options.caps) return target;
  auto caps = parse_capability_list(*options.caps);
  diagnostics.append(caps.diagnostics);
  if (!caps.value) return std::nullopt;
  target.caps = std::move(*caps.value);
  return target;
}

// --arch values (checked by the option's validator); they must cover this
// machine, or the command itself would meet the bad-arch action.
std::optional<std::vector<Arch>> run_arches(const RunOptions& options, Diagnostics& diagnostics) {
  std::vector<Arch> arches;
  for (const std::string& name : options.arches) arches.push_back(*parse_arch_flexible(name));
  if (arches.empty() || std::find(arches.begin(), arches.end(), native_arch()) != arches.end())
    return arches;
  diagnostics.error(Code::UnknownArch, "",
                    "--arch does not include this machine's arch " +
                        std::string(short_name(native_arch())) +
                        ": the command would be killed by the bad-arch action");
  return std::nullopt;
}

// Profile flags as load_filter applies them, plus --log.
LoadOptions load_options(const CompiledFilter& compiled, const RunOptions& options) {
  LoadOptions load;
  load.no_new_privs = options.no_new_privs;
  for (Flag flag : compiled.flags)
    if (filter_flag_bits(flag)) load.flags.push_back(flag);
  if (options.log && std::find(load.flags.begin(), load.flags.end(), Flag::Log) == load.flags.end())
    load.flags.push_back(Flag::Log);
  if (compiled.needs_listener)
    std::cerr << "seccomp-convert: warning: run has no user-notification listener: syscalls the "
                 "profile sends to SCMP_ACT_NOTIFY fail with ENOSYS\n";
  return load;
}

Result<PreparedFilter> prepare_filter(const RunOptions& options) {
  Result<PreparedFilter> result;
  Diagnostics& diagnostics = result.diagnostics;
  Result<Profile> profile = read_profile(options.profile);
  diagnostics.append(profile.diagnostics);
  std::optional<Target> target = run_target(options, diagnostics);
  CompileOptions compile_options;
  std::optional<std::vector<Arch>> arches = run_arches(options, diagnostics);
  if (profile.ok() && target && arches) {
    compile_options.arches = std::move(*arches);
    Result<Profile> flat = resolve(*profile.value, *target);
    diagnostics.append(flat.diagnostics);
    if (flat.ok()) {
      Result<CompiledFilter> compiled = compile(*flat.value, compile_options);
      diagnostics.append(compiled.diagnostics);
      if (compiled.ok())
        result.value =
            PreparedFilter{compiled.value->program, load_options(*compiled.value, options)};
    }
  }
  report(display_name(options.profile), diagnostics);
  return result;
}

// ---- running the command ----------------------------------------------------

// The child's pid for the forwarding handler; 0 before the fork.
volatile sig_atomic_t g_child = 0;
constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

void forward_signal(int signal, siginfo_t* info, void*) {
  // The terminal sends its signals to the whole foreground process group, so
  // the command has its own copy already; pass on only those sent to us.
  if (info != nullptr && info->si_code == SI_KERNEL) return;
  if (g_child > 0) kill(static_cast<pid_t>(g_child), signal);
}

sigset_t forwarded_set() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : kForwarded) sigaddset(&set, s);
  return set;
}

void install_forwarding() {
  struct sigaction action {};
  action.sa_sigaction = forward_signal;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&action.sa_mask);
  for (int s : kForwarded) sigaction(s, &action, nullptr);
}

// In the child: load the filter and exec. Never returns. A load failure is
// printed here (nothing is filtered yet); an exec failure is sent to the
// parent as an errno on `report_fd`, since printing may be what the filter
// denies.
[[noreturn]] void exec_under_filter(const PreparedFilter& filter, const RunOptions& options,
                                    int report_fd, const sigset_t& old_mask) {
  sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  Diagnostics problems = load_filter(filter.program, filter.load);
  if (problems.has_errors()) {
    print_diagnostics(std::cerr, "seccomp-convert run", problems);
    _exit(kExitRunFailed);
  }
  std::vector<char*> argv;
  for (const auto& arg : options.command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  const int error = errno;
  (void)!write(report_fd, &error, sizeof error);
  _exit(error == ENOENT || error == ENOTDIR ? kExitNotFound : kExitCannotExecute);
}

// The errno the child could not exec with, or 0 when the exec happened (the
// close-on-exec pipe closed without a word).
int read_exec_error(int fd) {
  int error = 0;
  ssize_t n;
  do {
    n = read(fd, &error, sizeof error);
  } while (n < 0 && errno == EINTR);
  close(fd);
  return n == static_cast<ssize_t>(sizeof error) ? error : 0;
}

std::string signal_name(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  return abbrev != nullptr ? "SIG" + std::string(abbrev) : "signal " + std::to_string(signal);
}

// Report how the command ended and turn it into our exit status.
int command_status(const std::string& command, int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  const int signal = WTERMSIG(status);
  std::cerr << "seccomp-convert: " << command << " killed by signal " << signal_name(signal) << " ("
            << signal << ")" << (WCOREDUMP(status) ? " (core dumped)" : "") << "\n";
  return 128 + signal;
}

void report_exec_error(const std::string& command, int error) {
  std::cerr << "seccomp-convert: " << command << ": "
            << (error == ENOENT ? "command not found" : std::strerror(error));
  if (error == EPERM) std::cerr << " (does the profile allow execve?)";
  std::cerr << "\n";
}

int run_command(const PreparedFilter& filter, const RunOptions& options) {
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    std::cerr << "seccomp-convert: cannot create a pipe: " << std::strerror(errno) << "\n";
    return kExitRunFailed;
  }
  // Forwarded signals wait until the child's pid is known.
  const sigset_t forwarded = forwarded_set();
  sigset_t old_mask;
  sigprocmask(SIG_BLOCK, &forwarded, &old_mask);
  std::cout.flush();
  const pid_t child = fork();
  if (child == 0) {
    close(report[0]);
    exec_under_filter(filter, options, report[1], old_mask);
  }
  close(report[1]);
  if (child < 0) {
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    std::cerr << "seccomp-convert: cannot fork: " << std::strerror(errno) << "\n";
    close(report[0]);
    return kExitRunFailed;
  }
  g_child = child;
  install_forwarding();
  sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  const int exec_error = read_exec_error(report[0]);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (exec_error != 0) {
    report_exec_error(options.command.front(), exec_error);
    return WIFEXITED(status) ? WEXITSTATUS(status) : kExitCannotExecute;
  }
  return command_status(options.command.front(), status);
}

// --no-new-privs=false: only with CAP_SYS_ADMIN, and only while it is unset.
bool no_new_privs_request_ok(const RunOptions& options) {
  if (options.no_new_privs) return true;
  if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1) {
    std::cerr << "seccomp-convert: error: --no-new-privs=false: no_new_privs is already set on "
                 "this process and cannot be cleared\n";
    return false;
  }
  if (!has_effective_sys_admin()) {
    std::cerr << "seccomp-convert: error: --no-new-privs=false needs CAP_SYS_ADMIN in the "
                 "effective set; without it the kernel refuses the filter (EACCES)\n";
    return false;
  }
  return true;
}

int run(const RunOptions& options) {
  if (!no_new_privs_request_ok(options)) return kExitRunFailed;
  Result<PreparedFilter> filter = prepare_filter(options);
  if (!filter.ok()) return kExitRunFailed;
  return run_command(*filter.value, options);
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand(
      "run", "Run a command under the filter a profile compiles to, as a container would");
  cmd->add_option("--profile", options->profile, "The profile (any dialect); - reads stdin")
      ->required();
  cmd->add_option("--arch", options->arches,
                  "Compile for this arch (repeatable); default: the profile's own arches "
                  "resolved for this machine")
      ->allow_extra_args(false)
      ->check(arch_validator());
  cmd->add_option("--caps", options->caps,
                  "The capability set includes/excludes are resolved against, comma-separated "
                  "(default: Docker's 14 default capabilities)");
  cmd->add_flag("--log", options->log, "Load with SECCOMP_FILTER_FLAG_LOG");
  cmd->add_flag("--no-new-privs", options->no_new_privs,
                "Set no_new_privs (default); --no-new-privs=false needs CAP_SYS_ADMIN");
  cmd->add_option("command", options->command, "The command and its arguments, after --")
      ->required();
  cmd->callback([options, &exit_code] { exit_code = run(*options); });
}

}  // namespace scc::convert
