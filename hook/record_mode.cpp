// seccomp-hook record (createRuntime stage): container recording. A
// container annotated seccomp-hook.record=<name> gets a detached recorder
// (core tracer.hpp, attach mode) seized on its init process while the
// runtime waits for its createRuntime hooks, so everything after the
// runtime loads the filter (or execs, when it loads none) is recorded,
// runtime syscalls included. When the container's last process exits the
// recorder writes <recordDir>/<name>.json atomically (recorded_profile.hpp,
// runtime baseline included) and its status into the lock file
// <recordDir>/.<id>.recording, which it holds locked while it runs; the
// poststop mode waits on that lock.
//
// The hook returns only after the recorder has attached (or failed), within
// the hook's deadline. The recorder is a double-forked session leader with
// stdin, stdout and stderr on /dev/null and no other descriptor of the
// runtime's: it never holds the runtime's pipes. Tracees are seized with
// PTRACE_O_EXITKILL: a recorder that dies takes the container with it.
#include "record_target.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "deadline.hpp"
#include "modes.hpp"
#include "scc/atomic_file.hpp"
#include "scc/docker_json.hpp"
#include "scc/recorded_profile.hpp"
#include "scc/tracer.hpp"

namespace scc::hook {
namespace {

constexpr char kReady = 'R';
constexpr char kFailed = 'E';

void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

// Standard streams on /dev/null, every other descriptor but `keep` closed.
void detach_descriptors(std::initializer_list<int> keep) {
  const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd < 3; ++fd)
    if (null_fd >= 0) ::dup2(null_fd, fd);
  // close_range over the gaps between kept descriptors: one call each, not
  // one close() per possible descriptor (RLIMIT_NOFILE may be 2^20 under a
  // runtime).
  std::vector<int> kept(keep);
  std::sort(kept.begin(), kept.end());
  unsigned from = 3;
  for (int k : kept) {
    if (k < 3) continue;
    if (static_cast<unsigned>(k) > from) ::close_range(from, static_cast<unsigned>(k) - 1, 0);
    from = static_cast<unsigned>(k) + 1;
  }
  ::close_range(from, ~0U, 0);
}

// The recorder: runs in the detached grandchild, never returns.
[[noreturn]] void run_recorder(pid_t pid, const RecordTarget& target, int ready_fd, int lock_fd) {
  detach_descriptors({ready_fd, lock_fd});
  cancel_deadline();
  for (int s : {SIGALRM, SIGHUP, SIGINT, SIGTERM, SIGPIPE}) ::signal(s, SIG_IGN);
  bool attached = false;
  TraceOptions options;
  Result<TraceOutcome> traced = trace_process(pid, options, [&] {
    attached = true;
    write_all(ready_fd, std::string(1, kReady));
    ::close(ready_fd);
  });
  std::string status;
  if (!traced.ok()) {
    status = "error: " + summarize(traced.diagnostics);
    if (!attached) write_all(ready_fd, kFailed + status);
  } else {
    Result<Profile> profile = recorded_profile(traced.value->recording);
    if (!profile.ok()) {
      status = "error: " + summarize(profile.diagnostics);
    } else {
      Diagnostics written = write_file_atomically(target.output, to_docker_json_text(*profile.value));
      status = written.has_errors() ? "error: " + summarize(written) : "ok";
    }
  }
  write_all(lock_fd, status + "\n");
  ::fsync(lock_fd);
  ::_exit(status == "ok" ? 0 : 1);
}

}  // namespace

int run_record(const CommonOptions& common) {
  EventLog log("record");
  std::optional<RecordingRequest> request = read_recording_request(common, log, true);
  if (!request) return kExitRefused;
  if (!request->target) {
    log.info("no recording requested");
    return kExitOk;
  }
  const RecordTarget& where = *request->target;
  // The lock file: held (flock) by the recorder while it runs, then its status.
  const int lock_fd = ::open(where.lock.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (lock_fd < 0 || ::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    log.refuse("cannot lock " + where.lock.string() + ": " + std::strerror(errno) +
               (errno == EWOULDBLOCK ? " (a recorder of this container is running)" : ""));
    return kExitRefused;
  }
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) {
    log.refuse(std::string("pipe: ") + std::strerror(errno));
    return kExitRefused;
  }
  const pid_t pid = *request->state.pid;
  const pid_t middle = ::fork();
  if (middle < 0) {
    log.refuse(std::string("fork: ") + std::strerror(errno));
    return kExitRefused;
  }
  if (middle == 0) {
    ::close(ready[0]);
    ::setsid();
    const pid_t recorder = ::fork();
    if (recorder == 0) run_recorder(pid, where, ready[1], lock_fd);
    ::_exit(recorder < 0 ? 1 : 0);
  }
  ::close(ready[1]);
  ::close(lock_fd);  // the recorder keeps the lock
  int status = 0;
  while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
  std::string answer;
  char buffer[512];
  // Until the recorder has attached (and closed its end) or given up; the
  // deadline bounds the wait.
  for (;;) {
    ssize_t n = ::read(ready[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(ready[0]);
  if (answer.empty() || answer.front() != kReady) {
    log.refuse("the recorder did not attach to process " + std::to_string(pid) +
               (answer.size() > 1 ? ": " + answer.substr(1) : std::string(": it exited")));
    return kExitRefused;
  }
  log.info("recording process " + std::to_string(pid) + " into " + where.output.string());
  return kExitOk;
}

}  // namespace scc::hook
