// The runtime baseline, measured with scripts/measure-runtime-baseline.sh (how: its
// header and docs/recording.md). Measured on x86_64, Debian 12: runc 1.1.5 (Go; loads
// the filter with prctl(PR_SET_SECCOMP) in the locked init thread) and crun 1.8.1 (C),
// each with process.noNewPrivileges true and false, as uid 0 and uid 1000, 3 and then 5 runs
// each (the same union both times).
//   runc nnp=true:  close epoll_ctl execve fstatfs futex getdents64 getpid openat
//                   rt_sigreturn write
//   runc nnp=false: the above + capget capset chdir faccessat2 fchown (uid 1000) fcntl
//                   fstat getcwd getppid newfstatat prctl read setgid setgroups setuid
//   crun nnp=true:  close execve
//   crun nnp=false: capset close execve prctl rt_sigaction rt_sigprocmask setresgid
//                   setresuid write
// Not measured, added because the Go runtime may make them on runc's init thread at any
// point (a locked thread parks in futex; the scheduler sleeps and yields; the allocator
// maps and returns memory; the preemption signal returns through rt_sigreturn):
//   madvise mmap munmap nanosleep sched_yield
// aarch64 was not measured (no aarch64 machine here): both runtimes make the same calls
// through the same *at/64 names there, and every name below exists in aarch64's table
// (runtime_baseline_test checks it), so the x86_64 list is used as is.
#include "scc/runtime_baseline.hpp"

#include <array>

namespace scc {
namespace {

constexpr std::array<std::string_view, 34> kBaseline{
    "capget",        "capset",     "chdir",      "close",     "epoll_ctl",       "execve",
    "faccessat2",    "fchown",     "fcntl",      "fstat",     "fstatfs",         "futex",
    "getcwd",        "getdents64", "getpid",     "getppid",   "madvise",         "mmap",
    "munmap",        "nanosleep",  "newfstatat", "openat",    "prctl",           "read",
    "rt_sigaction",  "rt_sigprocmask", "rt_sigreturn", "sched_yield", "setgid", "setgroups",
    "setresgid",     "setresuid",  "setuid",     "write",
};

}  // namespace

std::span<const std::string_view> runtime_baseline(Arch arch) {
  if (arch == Arch::X86_64 || arch == Arch::Aarch64) return kBaseline;
  return {};
}

}  // namespace scc
