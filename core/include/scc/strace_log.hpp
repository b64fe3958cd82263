// strace logs as a Recording (DESIGN.md section 10, `seccomp-convert
// from-strace`): which syscalls a traced workload made, per architecture.
//
// Accepted (strace 6.1, checked against real output in test/core/strace_log/):
// - `-f` pid prefixes, both "1234 " (-o FILE) and "[pid  1234] " (stderr);
//   `-ff -o FILE` per-process files FILE.PID (the pid comes from the name);
// - timestamps -t, -tt, -ttt, -r (any combination), -T durations, -i
//   instruction pointers "[00007f...]", -n syscall numbers "[  59]";
// - "name(args) = ret", "name(args <unfinished ...>" (counted here) and
//   "<... name resumed>..." (not counted again, unless its pid has no
//   unfinished call: a log that starts in the middle of a call);
// - unknown numbers "syscall_0x1c8(...)", named through the pid's arch table
//   ("__nr_<n>" when the table does not know the number either);
// - "[ Process PID=N runs in 64 bit|32 bit|x32 mode. ]": the pid's later
//   calls belong to that arch. strace writes these only with
//   `-e quiet=none` (or --quiet=none) when the output goes to a file; a
//   child starts in its parent's arch at the clone/fork/vfork that made it
//   (across -ff files too), as strace's own accounting does;
// - signals "--- SIGCHLD {...} ---", "--- stopped by SIGSTOP ---", exits
//   "+++ exited with 0 +++", "+++ killed by SIGKILL +++", "+++ superseded by
//   execve in pid N +++" (the pid's state ends; a reused pid starts fresh);
// - "strace: Process N attached|detached|suspended" and -k stack lines
//   (" > /lib/...") are skipped; -X raw, -e raw=all, -y, -v and -s change
//   only the arguments, which are not read.
// Every other line is a warning (log-syntax) at its line:column; it is not
// fatal. It is an error when no syscall at all was found in a log. A name the
// arch's table does not know is an error (unknown-syscall) at its position,
// with the nearest name or, for a 32-bit name in a 64-bit process, a hint
// that the personality markers are missing. Nothing is printed.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scc/arch.hpp"
#include "scc/diagnostics.hpp"
#include "scc/recording.hpp"

namespace scc {

struct StraceLog {
  std::string_view text;
  std::optional<int> pid;  // the pid of a -ff file (its lines carry none)
};

struct StraceResult {
  Recording recording;
  std::vector<Diagnostics> diagnostics;  // one per log, with line and column
  std::size_t calls = 0;                 // syscalls counted over all logs
  bool ok() const;                       // no errors in any log
};

// Parse the logs of one trace (one -f file, or every FILE.PID of one -ff
// run, or several independent traces): pids are shared between them.
// `native` is the arch strace ran on (64 bit mode).
StraceResult parse_strace_logs(std::span<const StraceLog> logs, Arch native = native_arch());

// The pid of a -ff file name: "trace.1234" -> 1234; nullopt otherwise.
std::optional<int> strace_ff_pid(std::string_view path);

}  // namespace scc
