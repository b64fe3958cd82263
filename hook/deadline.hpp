// The hook's own hard deadline (issue 4 "Robustness"): shorter than any
// runtime timeout, so a hung read or a slow filesystem ends in a clear
// message and a non-zero exit, never in a runtime waiting forever.
#pragma once

#include <cstdint>
#include <string_view>

namespace scc::hook {

inline constexpr int kExitDeadline = 3;

// Arm the deadline `ms` after the process started (SIGALRM from a real-time
// interval timer). When it passes, the current message and " deadline of
// <ms> ms passed; refused" go to stderr and to the log file, and the process
// _exits with kExitDeadline. Re-arming moves the deadline; a deadline already
// passed fires at once.
void arm_deadline(std::uint64_t ms);
// The line prefix of the message ("seccomp-hook: precreate: container ..."). Safe
// to call at any time: SIGALRM is blocked while the text changes.
void set_deadline_prefix(std::string_view prefix);
// The log file's descriptor, or -1.
void set_deadline_log(int fd);
// poststart: a pidfd of the container process, SIGKILLed when the deadline
// passes (an attestation that cannot finish fails closed); -1 for none.
void set_deadline_victim(int pidfd);
// Disarm, before exec'ing the real runtime (interval timers survive execve).
void cancel_deadline();
// Milliseconds since the process started.
std::uint64_t elapsed_ms();

}  // namespace scc::hook
