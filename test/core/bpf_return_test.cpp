#include <doctest/doctest.h>

#include <linux/seccomp.h>

#include "scc/bpf.hpp"

using namespace scc::bpf;

TEST_CASE("action_bits and data_bits split SECCOMP_RET_ACTION_FULL and SECCOMP_RET_DATA") {
  CHECK(action_bits(0x00050026) == SECCOMP_RET_ERRNO);
  CHECK(data_bits(0x00050026) == 38);
  CHECK(action_bits(0x80000000) == SECCOMP_RET_KILL_PROCESS);
  CHECK(data_bits(0x80000000) == 0);
  CHECK(action_bits(0xffffffff) == 0xffff0000);
  CHECK(data_bits(0xffffffff) == 0xffff);
}

TEST_CASE("describe_return names every action the kernel knows") {
  CHECK(describe_return(SECCOMP_RET_ALLOW) == "ALLOW");
  CHECK(describe_return(SECCOMP_RET_LOG) == "LOG");
  CHECK(describe_return(SECCOMP_RET_USER_NOTIF) == "USER_NOTIF");
  CHECK(describe_return(SECCOMP_RET_KILL_PROCESS) == "KILL_PROCESS");
  CHECK(describe_return(SECCOMP_RET_KILL_THREAD) == "KILL_THREAD");
  CHECK(describe_return(SECCOMP_RET_TRAP) == "TRAP(0)");
  CHECK(describe_return(SECCOMP_RET_TRAP | 7) == "TRAP(7)");
  CHECK(describe_return(SECCOMP_RET_TRACE | 0xffff) == "TRACE(65535)");
}

TEST_CASE("ERRNO carries the errno and its name") {
  CHECK(describe_return(SECCOMP_RET_ERRNO | 38) == "ERRNO(38) ENOSYS");
  CHECK(describe_return(SECCOMP_RET_ERRNO | 1) == "ERRNO(1) EPERM");
  CHECK(describe_return(SECCOMP_RET_ERRNO | 0) == "ERRNO(0)");
  CHECK(describe_return(SECCOMP_RET_ERRNO | 4095) == "ERRNO(4095)");
  CHECK(describe_return(SECCOMP_RET_ERRNO | 4096) == "ERRNO(4096) capped by the kernel at 4095");
}

TEST_CASE("data the kernel ignores is shown as ignored") {
  CHECK(describe_return(SECCOMP_RET_ALLOW | 5) == "ALLOW (data 0x5 ignored)");
  CHECK(describe_return(SECCOMP_RET_KILL_PROCESS | 0x10) == "KILL_PROCESS (data 0x10 ignored)");
}

TEST_CASE("unknown actions are described as what the kernel does with them") {
  CHECK(describe_return(0x12340005) == "UNKNOWN(0x12340005) acts as KILL_PROCESS");
  CHECK(describe_return(0x7ffe0000) == "UNKNOWN(0x7ffe0000) acts as KILL_PROCESS");
}
