// The built-in syscall recorder: a ptrace tracer that follows a command (or an
// existing process), its threads, forks, vforks, clones and execs, and
// records (arch, syscall) as seccomp_data carries them: an x86_64 process
// making int 0x80 is recorded as x86, x32 numbers as x32.
//
// Two ways in:
// - trace_command() forks and execs a command under a seccomp filter that
//   returns SECCOMP_RET_TRACE for every syscall. The tracer then gets exactly
//   one PTRACE_EVENT_SECCOMP stop per syscall and no syscall-exit stops
//   (strace -f stops twice per syscall and formats each one).
// - trace_process() seizes a running process (a container's init, waiting
//   for its runtime) whose filter we cannot choose: syscall-entry stops
//   (PTRACE_SYSCALL; exit stops are continued at once). A process's syscalls
//   count from the moment it loads a seccomp filter or execs, whichever comes
//   first: the runtime's own syscalls after filter load are included, its
//   setup before it is not. Children inherit that state; threads share it.
//
// Tracees are seized with PTRACE_O_EXITKILL: none outlives the tracer. The
// tracer returns when the last tracee has exited. It never prints; progress
// goes to a callback.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scc/diagnostics.hpp"
#include "scc/recording.hpp"

namespace scc {

struct TraceProgress {
  std::uint64_t syscalls = 0;  // syscalls recorded so far
  std::size_t distinct = 0;    // distinct (arch, syscall) pairs
  std::size_t tasks = 0;       // threads being traced now
};

struct TraceOptions {
  // Record the values of the arguments recorded_arg_indices() names.
  bool record_args = false;
  // Called at most once per `progress_interval` while the command runs.
  std::function<void(const TraceProgress&)> progress;
  std::chrono::milliseconds progress_interval{250};
  // trace_command: native-arch syscalls the trace filter allows without a
  // stop, so they are neither seen nor counted. For names the caller's
  // profile allows anyway (the runtime baseline recorded_profile() adds by
  // default): a hot read/write loop then runs at untraced speed. Names the
  // native table does not know are ignored.
  std::vector<std::string> untrapped;
  // trace_command: called with the command's pid once it is traced, before
  // it execs (to forward signals to it).
  std::function<void(pid_t)> started;
};

struct TraceOutcome {
  Recording recording;
  // How the traced process ended: its exit code, or the signal that killed
  // it (then exit_code is -1).
  int exit_code = -1;
  int signal = 0;
  std::uint64_t stops = 0;  // ptrace stops the tracer handled
  bool exec_failed = false;  // trace_command: the command could not be executed
  int exec_errno = 0;        // why (ENOENT, EACCES, ...)
};

// Fork, install the trace filter in the child, exec `argv` (PATH searched)
// and record until every tracee has exited. Errors (no seccomp, ptrace
// refused, fork failed) come back as diagnostics.
Result<TraceOutcome> trace_command(const std::vector<std::string>& argv, const TraceOptions& options);

// Seize every thread of `pid` and record until every tracee has exited.
// `attached` runs once all of them are stopped under the tracer and resumed
// (after it returns, nothing the process does escapes the recording).
// exit_code/signal describe `pid`'s end when the tracer saw it.
Result<TraceOutcome> trace_process(pid_t pid, const TraceOptions& options,
                                   const std::function<void()>& attached);

}  // namespace scc
