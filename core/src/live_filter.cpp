#include "scc/live_filter.hpp"

#include <linux/filter.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

namespace scc {
namespace {

std::string pid_text(pid_t pid) { return std::to_string(pid); }

// One field of /proc/PID/status ("State", "TracerPid", "Seccomp"), trimmed;
// empty when the file or the field is absent.
std::string status_field(pid_t pid, std::string_view field) {
  std::ifstream in("/proc/" + pid_text(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() <= field.size() || line.compare(0, field.size(), field) != 0 ||
        line[field.size()] != ':')
      continue;
    auto start = line.find_first_not_of(" \t", field.size() + 1);
    return start == std::string::npos ? std::string() : line.substr(start);
  }
  return {};
}

Diagnostics single(Code code, std::string message, std::string hint = {}) {
  Diagnostics d;
  d.error(code, "", std::move(message), std::move(hint));
  return d;
}

// PTRACE_SEIZE says EPERM for several unrelated reasons; /proc tells them apart.
Diagnostics attach_error(pid_t pid, int error) {
  const std::string who = "process " + pid_text(pid);
  if (error == ESRCH) return single(Code::ProcessNotFound, "no process with pid " + pid_text(pid));
  if (error != EPERM)
    return single(Code::SystemError, "cannot attach to " + who + ": " + std::strerror(error));
  if (status_field(pid, "State").starts_with("Z"))
    return single(Code::ProcessNotFound, who + " has exited (it is a zombie)");
  const std::string tracer = status_field(pid, "TracerPid");
  if (!tracer.empty() && tracer != "0")
    return single(Code::PermissionDenied,
                  "cannot attach to " + who + ": it is already traced by pid " + tracer);
  if (status_field(pid, "Tgid") == pid_text(getpid()))
    return single(Code::PermissionDenied, "cannot attach to " + who + ": it is this process");
  return single(Code::PermissionDenied, "not permitted to trace " + who,
                "the kernel's ptrace access check refused: it needs CAP_SYS_PTRACE over the "
                "process, and kernel threads or a security module may forbid it anyway");
}

// A thread attached with PTRACE_SEIZE. The destructor detaches it, passing on
// a signal that stopped it so that the signal is not lost.
class Attachment {
 public:
  explicit Attachment(pid_t pid) : pid_(pid) {}
  Attachment(const Attachment&) = delete;
  Attachment& operator=(const Attachment&) = delete;
  ~Attachment() {
    if (stopped_) ptrace(PTRACE_DETACH, pid_, nullptr, reinterpret_cast<void*>(signal_));
  }

  // Stop the thread and wait until it is in a ptrace stop.
  Diagnostics stop() {
    if (ptrace(PTRACE_INTERRUPT, pid_, nullptr, nullptr) != 0)
      return single(Code::SystemError,
                    "cannot interrupt process " + pid_text(pid_) + ": " + std::strerror(errno));
    int status = 0;
    while (waitpid(pid_, &status, __WALL) < 0) {
      if (errno != EINTR)
        return single(Code::SystemError,
                      "cannot wait for process " + pid_text(pid_) + ": " + std::strerror(errno));
    }
    if (!WIFSTOPPED(status))  // it exited or was killed: nothing left to detach
      return single(Code::ProcessNotFound,
                    "process " + pid_text(pid_) + " exited while it was being inspected");
    stopped_ = true;
    // A signal-delivery stop (event 0, not PTRACE_EVENT_STOP) holds a signal
    // that was on its way to the thread: hand it back on detach.
    if ((status >> 16) == 0) signal_ = WSTOPSIG(status);
    return {};
  }

 private:
  pid_t pid_;
  bool stopped_ = false;
  long signal_ = 0;
};

// Diagnostics for PTRACE_SECCOMP_GET_FILTER failing at `index` with `error`.
Diagnostics read_error(pid_t pid, long index, int error) {
  const std::string who = "process " + pid_text(pid);
  switch (error) {
    case EACCES:
      return single(Code::PermissionDenied, "cannot read the seccomp filters of " + who,
                    "reading filters needs CAP_SYS_ADMIN, and a reader that is not itself "
                    "under a seccomp filter");
    case EIO:
      return single(Code::SeccompUnavailable,
                    "this kernel cannot dump seccomp filters (PTRACE_SECCOMP_GET_FILTER needs "
                    "CONFIG_CHECKPOINT_RESTORE)");
    case ESRCH:
      return single(Code::ProcessNotFound, who + " exited while it was being inspected");
    case EMEDIUMTYPE:
      return single(Code::SystemError, "filter " + std::to_string(index) + " of " + who +
                                           " was not loaded as classic BPF and has no "
                                           "instructions to dump");
    default:
      return single(Code::SystemError, "cannot read filter " + std::to_string(index) + " of " +
                                           who + ": " + std::strerror(error));
  }
}

void note_strict_mode(pid_t pid, Diagnostics& diagnostics) {
  if (status_field(pid, "Seccomp") == "1")
    diagnostics.note(Code::SeccompUnavailable, "",
                     "process " + pid_text(pid) +
                         " is in seccomp strict mode: it has no filter, and only read, write, "
                         "_exit and sigreturn are allowed");
}

}  // namespace

Result<std::vector<bpf::Program>> dump_filters(pid_t pid) {
  Result<std::vector<bpf::Program>> result;
  if (pid <= 0) {
    result.diagnostics.error(Code::ProcessNotFound, "", "no process with pid " + pid_text(pid));
    return result;
  }
  if (ptrace(PTRACE_SEIZE, pid, nullptr, nullptr) != 0) {
    result.diagnostics = attach_error(pid, errno);
    return result;
  }
  Attachment attachment(pid);
  result.diagnostics = attachment.stop();
  if (result.diagnostics.has_errors()) return result;

  // A buffer of the largest size the kernel allows for one filter: the kernel
  // copies the whole filter without knowing our buffer's size.
  std::vector<sock_filter> buffer(BPF_MAXINSNS);
  std::vector<bpf::Program> programs;
  for (long index = 0;; ++index) {
    long count =
        ptrace(PTRACE_SECCOMP_GET_FILTER, pid, reinterpret_cast<void*>(index), buffer.data());
    if (count < 0) {
      const int error = errno;
      if (error == ENOENT) break;           // past the oldest filter
      if (error == EINVAL && index == 0) {  // the thread is not in filter mode
        note_strict_mode(pid, result.diagnostics);
        break;
      }
      result.diagnostics = read_error(pid, index, error);
      return result;
    }
    if (count > static_cast<long>(buffer.size())) {  // the kernel's own limit; never seen
      result.diagnostics.error(Code::SystemError, "",
                               "filter " + std::to_string(index) + " of process " + pid_text(pid) +
                                   " claims " + std::to_string(count) + " instructions");
      return result;
    }
    programs.emplace_back(std::vector<sock_filter>(buffer.begin(), buffer.begin() + count));
  }
  // The kernel counts from the oldest filter; callers want the newest first.
  std::reverse(programs.begin(), programs.end());
  result.value = std::move(programs);
  return result;
}

}  // namespace scc
