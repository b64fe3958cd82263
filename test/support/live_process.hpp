// Helpers for live tests that need root and the real kernel's seccomp: child
// processes that are always killed and reaped, and a look at their state.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace scc::test {

// Exit 77 (skipped) unless this runs as root, the kernel has seccomp
// filters, and this process has no filter of its own (a filtered process
// cannot dump filters).
void skip_unless_live_seccomp();

// A forked child. The constructor returns once the child has called ready()
// or has exited; the destructor kills (SIGKILL) and reaps it if nobody did,
// killing its own children first (a `seccomp-convert run` and its command).
// Bodies run in the child: they must not use doctest; they report through
// their exit status.
class ChildProcess {
 public:
  using Ready = std::function<void()>;
  // Run `body` in the child and _exit with what it returns.
  explicit ChildProcess(const std::function<int(const Ready& ready)>& body);
  // Exec `argv` (PATH lookup) with stdin, stdout and stderr on /dev/null; it
  // counts as ready as soon as the exec succeeded.
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool became_ready() const { return ready_; }
  // Reap the child and return its wait status.
  int wait();
  // Send `signal`, reap, return the wait status.
  int kill_and_wait(int signal);

 private:
  pid_t pid_ = -1;
  bool ready_ = false;
  bool reaped_ = false;
};

// The state letter of /proc/PID/stat ('R', 'S', 'T', 't', 'Z', ...), or '?'
// when there is no such process.
char process_state(pid_t pid);
// A field of /proc/PID/status ("TracerPid"), trimmed; "" if absent.
std::string process_status_field(pid_t pid, const std::string& field);
// Wait up to `seconds` until process_state(pid) == state.
bool wait_for_state(pid_t pid, char state, double seconds = 5);
// The pids of the children of `pid` (from /proc/PID/task/PID/children).
std::vector<pid_t> child_pids(pid_t pid);
// Wait up to `seconds` for a child of `parent` whose /proc/PID/comm is
// `comm` (a command that has been exec'd); 0 if none appears.
pid_t wait_for_child(pid_t parent, const std::string& comm, double seconds = 5);

}  // namespace scc::test
