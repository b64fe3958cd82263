// seccomp-convert record [-o OUT] [--args] [--base PROFILE] [--no-baseline]
//   [--errno N] -- CMD ARG...
// Runs CMD under the built-in tracer (core tracer.hpp), then writes the
// profile that lets what it did run (recorded_profile.hpp), to OUT atomically
// or to stdout; -o, --base, --no-baseline and --errno as from-strace takes
// them (recording_output.hpp). On a terminal, progress goes to stderr. The
// syscalls of the runtime baseline, which the profile allows anyway (unless
// --no-baseline), are allowed by the trace filter without a stop. The exit
// status is CMD's (128 + signal number when a signal killed it, like a
// shell); the profile is written whatever CMD's status. Own failures exit
// 125, a command that cannot be executed 126, one that is not found 127.
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "recording_output.hpp"
#include "report.hpp"
#include "scc/runtime_baseline.hpp"
#include "scc/tracer.hpp"

namespace scc::convert {
namespace {

constexpr int kExitRecordFailed = 125;
constexpr int kExitCannotExecute = 126;
constexpr int kExitNotFound = 127;

struct RecordOptions {
  RecordingOutputOptions output;  // -o, --base, --no-baseline, --errno
  bool args = false;
  std::vector<std::string> command;
};

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

int run_record(const RecordOptions& o) {
  // A bad --base is found before the command runs, not after.
  if (!o.output.base.empty() && !read_single_profile(o.output.base, "--base")) return kExitRecordFailed;
  TraceOptions options;
  options.record_args = o.args;
  // What the profile allows anyway need not stop the command: the baseline.
  if (!o.output.no_baseline)
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
  if (write_recorded_profile(outcome.recording, o.output, "record") != kExitOk) return kExitRecordFailed;
  return command_status(o.command.front(), outcome);
}

}  // namespace

void add_record_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RecordOptions>();
  auto* cmd = app.add_subcommand("record", "run a command under the built-in tracer and write the profile it needs");
  add_recording_output_options(*cmd, options->output);
  cmd->add_flag("--args", options->args,
                "also record clone flags, socket family and type, personality, prctl option and ioctl "
                "request, and emit argument rules");
  cmd->add_option("command", options->command, "the command and its arguments, after --")->required();
  cmd->callback([options, &exit_code] { exit_code = run_record(*options); });
}

}  // namespace scc::convert
