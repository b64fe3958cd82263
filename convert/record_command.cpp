// seccomp-convert record [-o OUT] [--args] [--base PROFILE] [--no-baseline]
//   [--errno N] -- CMD ARG...
// Runs CMD under the built-in tracer (core tracer.hpp), then writes the
// profile that lets what it did run (recorded_profile.hpp): to OUT
// atomically, or to stdout. On a terminal, progress goes to stderr. The exit
// status is CMD's (128 + signal number when a signal killed it, like a
// shell); the profile is written whatever CMD's status. The syscalls of the
// runtime baseline, which the profile allows anyway (unless --no-baseline),
// are allowed by the trace filter without stopping the command. Own failures exit
// 125, a command that cannot be executed 126, one that is not found 127.
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <optional>

#include "commands.hpp"
#include "report.hpp"
#include "scc/atomic_file.hpp"
#include "scc/docker_json.hpp"
#include "scc/input_file.hpp"
#include "scc/read.hpp"
#include "scc/recorded_profile.hpp"
#include "scc/runtime_baseline.hpp"
#include "scc/tracer.hpp"

namespace scc::convert {
namespace {

constexpr int kExitRecordFailed = 125;
constexpr int kExitCannotExecute = 126;
constexpr int kExitNotFound = 127;

struct RecordOptions {
  std::string output;
  bool args = false;
  std::string base;
  bool no_baseline = false;
  std::uint64_t errno_ret = 1;
  std::vector<std::string> command;
};

// The base profile (any dialect the readers know; one profile).
std::optional<Profile> read_base(const std::string& path) {
  const ReadOptions read_options;
  Result<std::string> input = read_input_file(path, read_options.limits.max_bytes);
  Diagnostics diagnostics = input.diagnostics;
  std::optional<Profile> base;
  if (input.value) {
    Result<Document> doc = read_document(*input.value, read_options);
    diagnostics = doc.diagnostics;
    if (doc.value && doc.value->profiles.size() == 1 && !diagnostics.has_errors())
      base = std::move(doc.value->profiles.front());
    else if (doc.value && doc.value->profiles.size() != 1)
      diagnostics.error(Code::NotAProfile, "",
                        "the file holds " + std::to_string(doc.value->profiles.size()) +
                            " profiles; --base takes a file with one");
  }
  Diagnostics shown;
  for (const Diagnostic& d : diagnostics)
    if (d.severity != Severity::Note) shown.add(d);
  print_diagnostics(std::cerr, display_name(path), shown);
  return base;
}

// Progress on a terminal: one line, rewritten in place.
void show_progress(const TraceProgress& progress) {
  std::cerr << "\rseccomp-convert record: " << progress.syscalls << " syscalls, " << progress.distinct
            << " distinct, " << progress.tasks << " task" << (progress.tasks == 1 ? "" : "s") << "\033[K"
            << std::flush;
}

// Signals sent to the recorder alone (not by the terminal to the whole
// group) are passed on to the command; the tracer then sees it end.
volatile sig_atomic_t g_command = 0;

void forward_signal(int signal, siginfo_t* info, void*) {
  if (info != nullptr && info->si_code == SI_KERNEL) return;
  if (g_command > 0) ::kill(static_cast<pid_t>(g_command), signal);
}

void install_forwarding() {
  struct sigaction action {};
  action.sa_sigaction = forward_signal;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&action.sa_mask);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) ::sigaction(s, &action, nullptr);
}

int command_status(const std::string& command, const TraceOutcome& outcome) {
  if (outcome.signal == 0) return outcome.exit_code;
  const char* abbrev = sigabbrev_np(outcome.signal);
  std::cerr << "seccomp-convert: " << command << " killed by signal "
            << (abbrev ? "SIG" + std::string(abbrev) : std::to_string(outcome.signal)) << " (" << outcome.signal
            << ")\n";
  return 128 + outcome.signal;
}

// Write the profile; false after printing why not.
bool write_profile(const RecordOptions& o, const Recording& recording, const Profile* base) {
  RecordedProfileOptions profile_options;
  profile_options.errno_ret = o.errno_ret;
  profile_options.include_baseline = !o.no_baseline;
  profile_options.base = base;
  Result<Profile> profile = recorded_profile(recording, profile_options);
  print_diagnostics(std::cerr, "seccomp-convert record", profile.diagnostics);
  if (!profile.ok()) return false;
  const std::string text = to_docker_json_text(*profile.value);
  if (o.output.empty() || o.output == "-") {
    std::cout << text << std::flush;
    return static_cast<bool>(std::cout);
  }
  Diagnostics written = write_file_atomically(o.output, text);
  print_diagnostics(std::cerr, o.output, written);
  return !written.has_errors();
}

int run_record(const RecordOptions& o) {
  std::optional<Profile> base;
  if (!o.base.empty()) {
    base = read_base(o.base);
    if (!base) return kExitRecordFailed;
  }
  TraceOptions options;
  options.record_args = o.args;
  // What the profile allows anyway need not stop the command: the baseline.
  if (!o.no_baseline)
    for (std::string_view name : runtime_baseline(native_arch())) options.untrapped.emplace_back(name);
  options.started = [](pid_t pid) {
    g_command = pid;
    install_forwarding();
  };
  const bool progress = ::isatty(STDERR_FILENO) == 1;
  if (progress) options.progress = show_progress;
  Result<TraceOutcome> traced = trace_command(o.command, options);
  if (progress) std::cerr << "\r\033[K" << std::flush;
  print_diagnostics(std::cerr, "seccomp-convert record", traced.diagnostics);
  if (!traced.ok()) return kExitRecordFailed;
  const TraceOutcome& outcome = *traced.value;
  if (outcome.exec_failed) {
    std::cerr << "seccomp-convert: " << o.command.front() << ": "
              << (outcome.exec_errno == ENOENT ? "command not found" : std::strerror(outcome.exec_errno)) << "\n";
    return outcome.exec_errno == ENOENT || outcome.exec_errno == ENOTDIR ? kExitNotFound : kExitCannotExecute;
  }
  if (!write_profile(o, outcome.recording, base ? &*base : nullptr)) return kExitRecordFailed;
  return command_status(o.command.front(), outcome);
}

}  // namespace

void add_record_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RecordOptions>();
  auto* cmd = app.add_subcommand("record", "run a command under the built-in tracer and write the profile it needs");
  cmd->add_option("-o,--output", options->output, "write the profile here, atomically (default: stdout)");
  cmd->add_flag("--args", options->args,
                "also record clone flags, socket family and type, personality, prctl option and ioctl "
                "request, and emit argument rules");
  cmd->add_option("--base", options->base, "a profile to unite the recording with");
  cmd->add_flag("--no-baseline", options->no_baseline,
                "leave out the runtime baseline (the syscalls runc and crun make after loading the filter)");
  cmd->add_option("--errno", options->errno_ret, "errno of the default action (default 1, EPERM)")
      ->check(CLI::Range(0, 4094));
  cmd->add_option("command", options->command, "the command and its arguments, after --")->required();
  cmd->callback([options, &exit_code] { exit_code = run_record(*options); });
}

}  // namespace scc::convert
