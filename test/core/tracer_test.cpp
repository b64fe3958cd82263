// The built-in tracer on the real kernel: a command's syscalls, per arch, its
// forks and threads, its exit status, argument values.
#include "scc/tracer.hpp"

#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "support/live_process.hpp"
#include "support/support.hpp"

namespace {

using scc::Arch;

const scc::RecordedSyscall* find(const scc::Recording& recording, Arch arch, const std::string& name) {
  auto per_arch = recording.syscalls.find(arch);
  if (per_arch == recording.syscalls.end()) return nullptr;
  auto it = per_arch->second.find(name);
  return it == per_arch->second.end() ? nullptr : &it->second;
}

scc::TraceOutcome trace(const std::vector<std::string>& argv, bool args = false) {
  scc::TraceOptions options;
  options.record_args = args;
  scc::Result<scc::TraceOutcome> traced = scc::trace_command(argv, options);
  REQUIRE_MESSAGE(traced.ok(), (traced.diagnostics.empty() ? "" : traced.diagnostics.items().front().message));
  return std::move(*traced.value);
}

// An absolute path, so that no PATH search adds failed execve calls.
std::string busybox() {
  for (const char* candidate : {"/usr/bin/busybox", "/bin/busybox"})
    if (::access(candidate, X_OK) == 0) return candidate;
  scc::test::skip("busybox is not installed");
}

std::string python() {
  for (const char* candidate : {"/usr/bin/python3", "/usr/local/bin/python3"})
    if (::access(candidate, X_OK) == 0) return candidate;
  scc::test::skip("python3 is not installed");
}

}  // namespace

TEST_CASE("tracer: a busybox shell workload and its forked children are recorded on x86_64") {
  scc::test::skip_unless_live_seccomp();
  scc::test::TempDir dir;
  const std::string target = (dir.path() / "made").string();
  scc::TraceOutcome outcome =
      trace({busybox(), "sh", "-c", busybox() + " mkdir " + target + "; " + busybox() + " rmdir " + target + "; echo done >/dev/null"});
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.signal == 0);
  CHECK_FALSE(outcome.exec_failed);
  // mkdir and rmdir run only in the forked children.
  for (const char* name : {"execve", "mkdir", "rmdir", "wait4", "exit_group", "write"})
    CHECK_MESSAGE(find(outcome.recording, Arch::X86_64, name) != nullptr, name);
  CHECK(find(outcome.recording, Arch::X86_64, "execve")->count == 3);  // sh, mkdir, rmdir
  CHECK(find(outcome.recording, Arch::X86, "execve") == nullptr);
  CHECK(find(outcome.recording, Arch::X86_64, "mkdir")->args.empty());
  CHECK_FALSE(std::filesystem::exists(target));
}

TEST_CASE("tracer: untrapped native syscalls run without a stop and are not recorded") {
  scc::test::skip_unless_live_seccomp();
  scc::TraceOptions options;
  options.untrapped = {"write", "getpid", "no_such_syscall"};
  const std::string script = "import os, ctypes\nos.write(1, b'')\nos.getpid()\nos.getuid()\n"
                             "ctypes.CDLL(None).syscall(0x40000000 | 1)\n";
  scc::Result<scc::TraceOutcome> traced = scc::trace_command({python(), "-c", script}, options);
  REQUIRE(traced.ok());
  CHECK(traced.value->exit_code == 0);
  CHECK(find(traced.value->recording, Arch::X86_64, "write") == nullptr);
  CHECK(find(traced.value->recording, Arch::X86_64, "getpid") == nullptr);
  CHECK(find(traced.value->recording, Arch::X86_64, "getuid") != nullptr);
  // x32 write shares nothing with the native number: still trapped.
  CHECK(find(traced.value->recording, Arch::X32, "write") != nullptr);
}

TEST_CASE("tracer: the command's exit code and a signal death are kept") {
  scc::test::skip_unless_live_seccomp();
  scc::TraceOutcome exited = trace({"busybox", "sh", "-c", "exit 7"});
  CHECK(exited.exit_code == 7);
  CHECK(exited.signal == 0);
  scc::TraceOutcome killed = trace({"busybox", "sh", "-c", "kill -SEGV $$"});
  CHECK(killed.exit_code == -1);
  CHECK(killed.signal == SIGSEGV);
  CHECK(find(killed.recording, Arch::X86_64, "kill") != nullptr);
}

TEST_CASE("tracer: a command that cannot be executed is reported with its errno") {
  scc::test::skip_unless_live_seccomp();
  scc::TraceOutcome outcome = trace({"/nonexistent/scc-no-such-command"});
  CHECK(outcome.exec_failed);
  CHECK(outcome.exec_errno == ENOENT);
  CHECK(outcome.exit_code == 127);
}

TEST_CASE("tracer: threads are followed and int 0x80 and x32 numbers are recorded on their arch") {
  scc::test::skip_unless_live_seccomp();
  // A thread calls getppid; the main thread makes x32 getpid (0x40000000|39)
  // and i386 getuid32 (199) through int 0x80 from mmap'ed code.
  const std::string script =
      "import ctypes, mmap, threading, os\n"
      "t = threading.Thread(target=os.getppid); t.start(); t.join()\n"
      "libc = ctypes.CDLL(None, use_errno=True)\n"
      "libc.syscall(0x40000000 | 39)\n"
      "code = b'\\xb8\\xc7\\x00\\x00\\x00\\xcd\\x80\\xc3'\n"
      "m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)\n"
      "m.write(code)\n"
      "addr = ctypes.addressof(ctypes.c_char.from_buffer(m))\n"
      "ctypes.CFUNCTYPE(ctypes.c_int)(addr)()\n";
  scc::TraceOutcome outcome = trace({python(), "-c", script});
  CHECK(outcome.exit_code == 0);
  CHECK(find(outcome.recording, Arch::X86_64, "getppid") != nullptr);
  CHECK(find(outcome.recording, Arch::X86_64, "clone3") != nullptr);
  const scc::RecordedSyscall* x32 = find(outcome.recording, Arch::X32, "getpid");
  REQUIRE(x32 != nullptr);
  CHECK(x32->count == 1);
  const scc::RecordedSyscall* x86 = find(outcome.recording, Arch::X86, "getuid32");
  REQUIRE(x86 != nullptr);
  CHECK(x86->count == 1);
}

TEST_CASE("tracer: a vforked child (posix_spawn) is followed through its exec") {
  scc::test::skip_unless_live_seccomp();
  scc::test::TempDir dir;
  const std::string target = (dir.path() / "spawned").string();
  // glibc's posix_spawn is clone(CLONE_VM | CLONE_VFORK): a PTRACE_EVENT_VFORK.
  const std::string script = "import os\n"
                             "pid = os.posix_spawn('" + busybox() + "', ['busybox', 'mkdir', '" + target + "'], {})\n"
                             "_, status = os.waitpid(pid, 0)\n"
                             "raise SystemExit(os.waitstatus_to_exitcode(status) + 4)\n";
  scc::TraceOutcome outcome = trace({python(), "-c", script});
  CHECK(outcome.exit_code == 4);
  CHECK(std::filesystem::is_directory(target));
  CHECK(find(outcome.recording, Arch::X86_64, "mkdir") != nullptr);
  CHECK(find(outcome.recording, Arch::X86_64, "execve")->count == 2);  // python, mkdir
}

TEST_CASE("tracer: argument values are recorded only with record_args") {
  scc::test::skip_unless_live_seccomp();
  const std::string script =
      "import socket, fcntl, termios\n"
      "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.close()\n"
      "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM); s.close()\n";
  scc::TraceOutcome with_args = trace({python(), "-c", script}, true);
  CHECK(with_args.exit_code == 0);
  const scc::RecordedSyscall* sock = find(with_args.recording, Arch::X86_64, "socket");
  REQUIRE(sock != nullptr);
  CHECK(sock->count == 2);
  REQUIRE(sock->args.size() == 2);
  CHECK(sock->args.at(0) == std::set<std::uint64_t>{1, 2});  // AF_UNIX, AF_INET
  // python adds SOCK_CLOEXEC (0x80000) to SOCK_DGRAM (2) and SOCK_STREAM (1)
  CHECK(sock->args.at(1) == std::set<std::uint64_t>{0x80001, 0x80002});
  const scc::RecordedSyscall* read = find(with_args.recording, Arch::X86_64, "read");
  REQUIRE(read != nullptr);
  CHECK(read->args.empty());

  scc::TraceOutcome without = trace({python(), "-c", script}, false);
  sock = find(without.recording, Arch::X86_64, "socket");
  REQUIRE(sock != nullptr);
  CHECK(sock->args.empty());
}

TEST_CASE("tracer: a running process is seized and recorded from its exec on") {
  scc::test::skip_unless_live_seccomp();
  // The child waits on a pipe (not recorded: before its exec), then execs
  // busybox, whose syscalls are recorded.
  const std::string bb = busybox();
  const std::string script = bb + " uname >/dev/null; exit 3";
  int go[2];
  REQUIRE(::pipe(go) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(go[1]);
    char byte;
    if (::read(go[0], &byte, 1) != 1) ::_exit(100);
    ::sched_yield();  // not armed yet: not recorded
    ::execl(bb.c_str(), "busybox", "sh", "-c", script.c_str(), nullptr);
    ::_exit(101);
  }
  ::close(go[0]);
  bool attached = false;
  scc::TraceOptions options;
  scc::Result<scc::TraceOutcome> traced = scc::trace_process(child, options, [&] {
    attached = true;
    char byte = 1;
    [[maybe_unused]] ssize_t n = ::write(go[1], &byte, 1);
    ::close(go[1]);
  });
  REQUIRE(traced.ok());
  CHECK(attached);
  CHECK(traced.value->exit_code == 3);
  const scc::Recording& recording = traced.value->recording;
  CHECK(find(recording, Arch::X86_64, "sched_yield") == nullptr);
  CHECK(find(recording, Arch::X86_64, "uname") != nullptr);
  CHECK(find(recording, Arch::X86_64, "execve")->count == 2);  // the arming exec and uname's
  // The tracer, being the parent here too, has reaped the child.
  CHECK(scc::test::process_state(child) == '?');
}
