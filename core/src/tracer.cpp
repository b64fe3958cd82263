#include "scc/tracer.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <span>
#include <unordered_map>

#include "scc/recorded_args.hpp"
#include "scc/syscall_table.hpp"

namespace scc {
namespace {

constexpr std::uint32_t kX32SyscallBit = 0x40000000;
constexpr unsigned kOptionsCommon = PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                                    PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;

std::string errno_text(int error) { return std::strerror(error); }

// What one (arch, nr) pair has been seen doing. Names are resolved once, at
// first sight; every later stop is a hash lookup and a count.
struct Seen {
  std::optional<Arch> arch;
  std::string name;
  std::span<const unsigned> indices;  // arguments to keep (record_args only)
  RecordedSyscall syscall;
};

class Recorder {
 public:
  explicit Recorder(bool record_args) : record_args_(record_args) {}

  void record(std::uint32_t audit, std::uint64_t nr64, const std::uint64_t* args) {
    const auto nr = static_cast<std::uint32_t>(nr64);  // seccomp_data.nr is an int
    const std::uint64_t key = (std::uint64_t{audit} << 32) | nr;
    auto [it, inserted] = seen_.try_emplace(key);
    Seen& seen = it->second;
    if (inserted) resolve(seen, audit, nr);
    ++seen.syscall.count;
    ++total_;
    for (unsigned index : seen.indices) seen.syscall.args[index].insert(args[index]);
  }

  Recording finish() const {
    Recording recording;
    for (const auto& [key, seen] : seen_) {
      if (!seen.arch) continue;
      RecordedSyscall& out = recording.syscalls[*seen.arch][seen.name];
      out.count += seen.syscall.count;
      for (const auto& [index, values] : seen.syscall.args) out.args[index].insert(values.begin(), values.end());
    }
    return recording;
  }

  std::uint64_t total() const { return total_; }
  std::size_t distinct() const { return seen_.size(); }

 private:
  void resolve(Seen& seen, std::uint32_t audit, std::uint32_t nr) const {
    seen.arch = arch_from_audit(audit);
    if (!seen.arch) return;  // an arch without a name here: not representable
    if (*seen.arch == Arch::X86_64 && (nr & kX32SyscallBit) != 0) seen.arch = Arch::X32;
    const SyscallTable* table = syscall_table(*seen.arch);
    std::optional<std::string_view> name = table ? table->name(nr) : std::nullopt;
    seen.name = name ? std::string(*name) : "__nr_" + std::to_string(nr);
    if (record_args_ && name) seen.indices = recorded_arg_indices(*seen.arch, *name);
  }

  bool record_args_;
  std::unordered_map<std::uint64_t, Seen> seen_;
  std::uint64_t total_ = 0;
};

// The "Tgid:" and "PPid:" of /proc/<tid>/status (0 when unreadable).
std::pair<pid_t, pid_t> thread_group_and_parent(pid_t tid) {
  std::ifstream status("/proc/" + std::to_string(tid) + "/status");
  std::string line;
  pid_t tgid = 0, ppid = 0;
  while (std::getline(status, line)) {
    if (line.starts_with("Tgid:")) tgid = static_cast<pid_t>(std::atol(line.c_str() + 5));
    if (line.starts_with("PPid:")) ppid = static_cast<pid_t>(std::atol(line.c_str() + 5));
  }
  return {tgid, ppid};
}

std::set<pid_t> threads_of(pid_t pid) {
  std::set<pid_t> tids;
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = ::opendir(dir.c_str());
  if (!d) return tids;
  while (dirent* entry = ::readdir(d))
    if (entry->d_name[0] != '.') tids.insert(static_cast<pid_t>(std::atol(entry->d_name)));
  ::closedir(d);
  return tids;
}

bool is_group_stop_signal(int sig) { return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU; }

// One traced thread.
struct Task {
  bool starting = true;  // its first stop (the attach stop) is still to come
  pid_t tgid = 0;
  // attach mode: the syscall it entered last, for its exit stop
  std::uint32_t audit = 0;
  std::uint64_t nr = 0;
  std::uint64_t args[6] = {};
  bool loading_filter = false;
  bool in_syscall = false;
};

enum class Mode { Seccomp, SyscallStops };

class Tracer {
 public:
  Tracer(Mode mode, pid_t root, const TraceOptions& options)
      : mode_(mode), root_(root), options_(options), recorder_(options.record_args) {}

  // Threads seized before the loop; `attached` runs after each had its first stop.
  void expect_initial(const std::set<pid_t>& tids, std::function<void()> attached) {
    for (pid_t tid : tids) {
      Task& task = tasks_[tid];
      task.tgid = root_;
      pending_initial_.insert(tid);
    }
    armed_[root_] = false;
    attached_ = std::move(attached);
    if (pending_initial_.empty()) fire_attached();
  }

  Diagnostics run(TraceOutcome& outcome) {
    Diagnostics diagnostics;
    last_progress_ = std::chrono::steady_clock::now();
    for (;;) {
      int status = 0;
      const pid_t tid = ::waitpid(-1, &status, __WALL);
      if (tid < 0) {
        if (errno == EINTR) continue;
        if (errno != ECHILD) diagnostics.error(Code::SystemError, "", "waitpid: " + errno_text(errno));
        break;
      }
      if (WIFEXITED(status) || WIFSIGNALED(status)) {
        if (tid == root_) {
          outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
          outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        }
        tasks_.erase(tid);
        if (pending_initial_.erase(tid) && pending_initial_.empty()) fire_attached();
        continue;
      }
      if (!WIFSTOPPED(status)) continue;
      ++outcome.stops;
      handle_stop(tid, status);
      if ((outcome.stops & 255) == 0) maybe_progress();
    }
    outcome.recording = recorder_.finish();
    return diagnostics;
  }

 private:
  Task& task_of(pid_t tid) {
    auto [it, inserted] = tasks_.try_emplace(tid);
    if (inserted && mode_ == Mode::SyscallStops) {
      // A thread or process we have not met: its thread group, and for a new
      // group the armed state of the parent process.
      auto [tgid, ppid] = thread_group_and_parent(tid);
      it->second.tgid = tgid ? tgid : tid;
      if (!armed_.contains(it->second.tgid)) {
        auto parent = armed_.find(ppid);
        armed_[it->second.tgid] = parent != armed_.end() && parent->second;
      }
    }
    return it->second;
  }

  void handle_stop(pid_t tid, int status) {
    const int sig = WSTOPSIG(status);
    const unsigned event = static_cast<unsigned>(status) >> 16;
    Task& task = task_of(tid);
    int inject = 0;
    switch (event) {
      case PTRACE_EVENT_SECCOMP:
        on_seccomp_stop(tid);
        break;
      case PTRACE_EVENT_CLONE:
      case PTRACE_EVENT_FORK:
      case PTRACE_EVENT_VFORK: {
        unsigned long child = 0;
        if (::ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &child) == 0) task_of(static_cast<pid_t>(child));
        break;
      }
      case PTRACE_EVENT_EXEC:
        on_exec(tid);
        break;
      case PTRACE_EVENT_STOP:
        if (!task.starting && is_group_stop_signal(sig)) {
          // A group-stop: stay stopped until SIGCONT, but keep reporting.
          ::ptrace(PTRACE_LISTEN, tid, nullptr, nullptr);
          return;
        }
        break;
      default:
        if (sig == (SIGTRAP | 0x80))
          on_syscall_stop(tid);
        else
          inject = sig;  // a signal-delivery stop: deliver it
    }
    if (task.starting) {
      task.starting = false;
      if (pending_initial_.erase(tid) && pending_initial_.empty()) fire_attached();
    }
    ::ptrace(mode_ == Mode::Seccomp ? PTRACE_CONT : PTRACE_SYSCALL, tid, nullptr, inject);
  }

  void on_seccomp_stop(pid_t tid) {
    __ptrace_syscall_info info{};
    if (::ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info) <= 0) return;
    if (info.op != PTRACE_SYSCALL_INFO_SECCOMP) return;
    recorder_.record(info.arch, info.seccomp.nr, info.seccomp.args);
  }

  bool is_filter_load(std::uint32_t audit, std::uint64_t nr, const std::uint64_t* args) const {
    std::optional<Arch> arch = arch_from_audit(audit);
    if (!arch) return false;
    if (*arch == Arch::X86_64 && (nr & kX32SyscallBit)) arch = Arch::X32;
    const SyscallTable* table = syscall_table(*arch);
    if (!table) return false;
    std::optional<std::string_view> name = table->name(static_cast<std::uint32_t>(nr));
    if (!name) return false;
    if (*name == "seccomp") return args[0] == SECCOMP_SET_MODE_FILTER;
    if (*name == "prctl") return args[0] == PR_SET_SECCOMP && args[1] == SECCOMP_MODE_FILTER;
    return false;
  }

  void on_syscall_stop(pid_t tid) {
    __ptrace_syscall_info info{};
    if (::ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info) <= 0) return;
    Task& task = tasks_[tid];
    if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
      task.audit = info.arch;
      task.nr = info.entry.nr;
      std::memcpy(task.args, info.entry.args, sizeof task.args);
      task.in_syscall = true;
      if (armed_[task.tgid]) {
        recorder_.record(info.arch, info.entry.nr, info.entry.args);
        task.loading_filter = false;
      } else {
        task.loading_filter = is_filter_load(info.arch, info.entry.nr, info.entry.args);
      }
    } else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
      if (task.loading_filter && !info.exit.is_error) armed_[task.tgid] = true;
      task.loading_filter = false;
      task.in_syscall = false;
    }
  }

  void on_exec(pid_t tid) {
    unsigned long former = 0;
    if (::ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &former) == 0 && static_cast<pid_t>(former) != tid) {
      // A non-leader thread exec'd: it now has the leader's id.
      auto it = tasks_.find(static_cast<pid_t>(former));
      if (it != tasks_.end()) {
        Task moved = it->second;
        moved.starting = false;
        tasks_.erase(it);
        tasks_[tid] = moved;
      }
    }
    if (mode_ != Mode::SyscallStops) return;
    Task& task = tasks_[tid];
    if (!armed_[task.tgid]) {
      // The exec starts the recorded part; the execve itself must be allowed
      // by any filter loaded for the new program, so it is recorded too.
      armed_[task.tgid] = true;
      if (task.in_syscall) recorder_.record(task.audit, task.nr, task.args);
    }
  }

  void fire_attached() {
    if (!attached_) return;
    auto callback = std::move(attached_);
    attached_ = nullptr;
    callback();
  }

  void maybe_progress() {
    if (!options_.progress) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_progress_ < options_.progress_interval) return;
    last_progress_ = now;
    options_.progress(TraceProgress{recorder_.total(), recorder_.distinct(), tasks_.size()});
  }

  Mode mode_;
  pid_t root_;
  const TraceOptions& options_;
  Recorder recorder_;
  std::unordered_map<pid_t, Task> tasks_;
  std::unordered_map<pid_t, bool> armed_;  // thread group -> its syscalls are recorded
  std::set<pid_t> pending_initial_;
  std::function<void()> attached_;
  std::chrono::steady_clock::time_point last_progress_;
};

// What the child reports through its close-on-exec pipe when it cannot go on.
struct ChildFailure {
  int stage;  // 1: loading the trace filter, 2: exec
  int error;
};

void write_failure(int fd, int stage, int error) {
  ChildFailure failure{stage, error};
  [[maybe_unused]] ssize_t n = ::write(fd, &failure, sizeof failure);
}

// The trace filter: SECCOMP_RET_TRACE for every syscall but the native
// ones in `untrapped`, which are allowed (a linear chain of comparisons; the
// kernel JITs it).
std::vector<sock_filter> trace_filter(const std::vector<std::string>& untrapped) {
  std::vector<std::uint32_t> numbers;
  const SyscallTable* table = syscall_table(native_arch());
  for (const std::string& name : untrapped)
    if (std::optional<std::uint32_t> nr = table ? table->number(name) : std::nullopt) numbers.push_back(*nr);
  if (numbers.empty() || numbers.size() > 200) return {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE)};
  const auto n = static_cast<std::uint8_t>(numbers.size());
  std::vector<sock_filter> program{
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, audit_arch(native_arch()), 0, static_cast<std::uint8_t>(n + 2)),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, kX32SyscallBit, static_cast<std::uint8_t>(n), 0),
  };
  for (std::uint8_t i = 0; i < n; ++i)  // match: jump past the rest and the TRACE return
    program.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, numbers[i], static_cast<std::uint8_t>(n - i), 0));
  program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE));
  program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  return program;
}

// The child: wait until the tracer has seized it, load the trace filter,
// exec. Only async-signal-safe calls.
[[noreturn]] void run_child(int sync_fd, int failure_fd, char* const* argv, const sock_fprog& program) {
  char byte = 0;
  ssize_t n;
  do n = ::read(sync_fd, &byte, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) ::_exit(125);  // the tracer gave up
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) != 0) {
    // Without CAP_SYS_ADMIN the kernel wants no_new_privs first.
    if (errno != EACCES || ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) != 0) {
      write_failure(failure_fd, 1, errno);
      ::_exit(125);
    }
  }
  ::execvp(argv[0], argv);
  const int error = errno;
  write_failure(failure_fd, 2, error);
  ::_exit(error == ENOENT ? 127 : 126);
}

}  // namespace

Result<TraceOutcome> trace_command(const std::vector<std::string>& argv, const TraceOptions& options) {
  Result<TraceOutcome> result;
  if (argv.empty()) {
    result.diagnostics.error(Code::SystemError, "", "no command to trace");
    return result;
  }
  std::vector<std::string> args = argv;
  std::vector<char*> c_argv;
  for (std::string& arg : args) c_argv.push_back(arg.data());
  c_argv.push_back(nullptr);

  std::vector<sock_filter> filter = trace_filter(options.untrapped);
  const sock_fprog program{static_cast<unsigned short>(filter.size()), filter.data()};

  int sync_pipe[2], failure_pipe[2];
  if (::pipe2(sync_pipe, O_CLOEXEC) != 0) {
    result.diagnostics.error(Code::SystemError, "", "pipe: " + errno_text(errno));
    return result;
  }
  if (::pipe2(failure_pipe, O_CLOEXEC) != 0) {
    result.diagnostics.error(Code::SystemError, "", "pipe: " + errno_text(errno));
    ::close(sync_pipe[0]);
    ::close(sync_pipe[1]);
    return result;
  }
  const pid_t child = ::fork();
  if (child < 0) {
    result.diagnostics.error(Code::SystemError, "", "fork: " + errno_text(errno));
    for (int fd : {sync_pipe[0], sync_pipe[1], failure_pipe[0], failure_pipe[1]}) ::close(fd);
    return result;
  }
  if (child == 0) {
    ::close(sync_pipe[1]);
    ::close(failure_pipe[0]);
    run_child(sync_pipe[0], failure_pipe[1], c_argv.data(), program);
  }
  ::close(sync_pipe[0]);
  ::close(failure_pipe[1]);
  if (::ptrace(PTRACE_SEIZE, child, nullptr, kOptionsCommon | PTRACE_O_TRACESECCOMP) != 0) {
    const int error = errno;
    ::close(sync_pipe[1]);  // the child reads EOF and exits 125
    ::close(failure_pipe[0]);
    int status;
    ::waitpid(child, &status, 0);
    result.diagnostics.error(error == EPERM ? Code::PermissionDenied : Code::SystemError, "",
                             "cannot trace the command: ptrace(PTRACE_SEIZE): " + errno_text(error));
    return result;
  }
  if (options.started) options.started(child);
  const char go = 1;
  [[maybe_unused]] ssize_t written = ::write(sync_pipe[1], &go, 1);
  ::close(sync_pipe[1]);

  TraceOutcome outcome;
  Tracer tracer(Mode::Seccomp, child, options);
  result.diagnostics = tracer.run(outcome);
  ChildFailure failure{0, 0};
  const bool failed = ::read(failure_pipe[0], &failure, sizeof failure) == sizeof failure;
  ::close(failure_pipe[0]);
  if (failed && failure.stage == 1) {
    result.diagnostics.error(failure.error == EINVAL || failure.error == ENOSYS ? Code::SeccompUnavailable
                                                                               : Code::SystemError,
                             "", "cannot load the trace filter: seccomp: " + errno_text(failure.error));
    return result;
  }
  if (failed && failure.stage == 2) {
    outcome.exec_failed = true;
    outcome.exec_errno = failure.error;
  }
  result.value = std::move(outcome);
  return result;
}

Result<TraceOutcome> trace_process(pid_t pid, const TraceOptions& options, const std::function<void()>& attached) {
  Result<TraceOutcome> result;
  std::set<pid_t> seized;
  // Threads can appear while we seize: list until every one is held (new
  // threads of a seized thread are then attached by PTRACE_O_TRACECLONE).
  for (;;) {
    std::set<pid_t> tids = threads_of(pid);
    if (tids.empty() && seized.empty()) {
      result.diagnostics.error(Code::ProcessNotFound, "", "process " + std::to_string(pid) + " does not exist");
      return result;
    }
    bool added = false;
    for (pid_t tid : tids) {
      if (seized.contains(tid)) continue;
      if (::ptrace(PTRACE_SEIZE, tid, nullptr, kOptionsCommon | PTRACE_O_TRACESYSGOOD) != 0) {
        if (errno == ESRCH) continue;  // the thread has just exited
        const int error = errno;
        result.diagnostics.error(error == EPERM ? Code::PermissionDenied : Code::SystemError, "",
                                 "cannot trace process " + std::to_string(pid) +
                                     ": ptrace(PTRACE_SEIZE): " + errno_text(error));
        return result;  // the seized threads are released when we exit (EXITKILL)
      }
      ::ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);
      seized.insert(tid);
      added = true;
    }
    if (!added) break;
  }
  TraceOutcome outcome;
  Tracer tracer(Mode::SyscallStops, pid, options);
  tracer.expect_initial(seized, attached);
  result.diagnostics = tracer.run(outcome);
  result.value = std::move(outcome);
  return result;
}

}  // namespace scc
