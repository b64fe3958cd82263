// Tests core/src/dangerous_syscalls.cpp: the lint table of dangerous allows.
#include <doctest/doctest.h>

#include <string>

#include "dangerous_syscalls.hpp"
#include "scc/syscall_table.hpp"

using namespace scc;

TEST_CASE("the dangerous-allow table holds the audited syscalls each with a reason") {
  const char* expected[] = {
      "ptrace",         "bpf",           "kexec_load",        "kexec_file_load",
      "init_module",    "finit_module",  "delete_module",     "mount",
      "umount2",        "unshare",       "setns",             "clone",
      "clone3",         "userfaultfd",   "perf_event_open",   "keyctl",
      "add_key",        "request_key",   "io_uring_setup",    "io_uring_enter",
      "io_uring_register", "open_by_handle_at", "process_vm_writev"};
  for (const char* name : expected) {
    CAPTURE(name);
    auto d = dangerous_syscall(name);
    REQUIRE(d.has_value());
    CHECK_FALSE(d->why.empty());
  }
  CHECK_FALSE(dangerous_syscall("read").has_value());
  CHECK_FALSE(dangerous_syscall("process_vm_readv").has_value());
}

TEST_CASE("every name in the table is a syscall of our tables") {
  for (const DangerousSyscall& d : dangerous_syscalls()) {
    CAPTURE(std::string(d.name));
    CHECK(is_known_syscall(d.name));
  }
}

TEST_CASE("only clone and unshare can be made safe by a namespace-flag mask") {
  CHECK(dangerous_syscall("clone")->namespace_flags == 0x7E020000u);
  CHECK(dangerous_syscall("unshare")->namespace_flags == 0x7E020080u);
  for (const DangerousSyscall& d : dangerous_syscalls())
    if (d.name != "clone" && d.name != "unshare") CHECK(d.namespace_flags == 0);
}
