// Reading the seccomp filters attached to a live thread, as the kernel holds
// them (PTRACE_SECCOMP_GET_FILTER): what `inspect` and the hook's attestation
// compare with a profile.
#pragma once

#include <sys/types.h>

#include <vector>

#include "scc/bpf.hpp"
#include "scc/diagnostics.hpp"

namespace scc {

// Every filter attached to thread `pid`, index 0 = the one installed last
// (the order in which the kernel runs them). PTRACE_SECCOMP_GET_FILTER itself
// numbers them the other way: its index 0 is the oldest filter, whatever
// ptrace(2) says. Filters belong to threads; a process's pid names its main
// thread.
//
// The thread is attached with PTRACE_SEIZE + PTRACE_INTERRUPT (no SIGSTOP is
// queued), read while it sits in the ptrace stop, and detached on every path
// once it has stopped: a running thread keeps running, a stopped one stays
// stopped, and a signal that arrived meanwhile is delivered. While the thread
// has not stopped yet (uninterruptible sleep), this waits.
//
// An empty list when the thread has no filter; in seccomp strict mode it also
// carries a note saying so. Errors: ProcessNotFound (no such process, or it
// has exited), PermissionDenied (not traceable; or the caller lacks
// CAP_SYS_ADMIN or runs under seccomp itself, which the kernel refuses),
// SeccompUnavailable (a kernel without CONFIG_CHECKPOINT_RESTORE), SystemError.
Result<std::vector<bpf::Program>> dump_filters(pid_t pid);

}  // namespace scc
