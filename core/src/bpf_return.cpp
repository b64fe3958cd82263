// SECCOMP_RET_* values: split into action and data, and described the way the
// kernel's __seccomp_filter() acts on them (kernel/seccomp.c):
// - ERRNO: the data is the errno, capped at MAX_ERRNO (4095);
// - TRAP and TRACE pass the data on (si_errno / PTRACE_GETEVENTMSG);
// - ALLOW, LOG, USER_NOTIF, KILL_* ignore the data;
// - any other action value falls into the KILL_PROCESS branch ("default:").
#include <linux/seccomp.h>

#include <array>
#include <string>
#include <string_view>

#include "scc/bpf.hpp"
#include "scc/hex.hpp"
#include "scc/names.hpp"

namespace scc::bpf {
namespace {

constexpr std::uint32_t kMaxErrno = 4095;  // MAX_ERRNO in include/linux/err.h

struct ActionName {
  std::uint32_t action;
  std::string_view name;
  bool uses_data;  // whether the kernel reads SECCOMP_RET_DATA for it
};

constexpr std::array<ActionName, 8> kActions{{
    {SECCOMP_RET_KILL_PROCESS, "KILL_PROCESS", false},
    {SECCOMP_RET_KILL_THREAD, "KILL_THREAD", false},
    {SECCOMP_RET_TRAP, "TRAP", true},
    {SECCOMP_RET_ERRNO, "ERRNO", true},
    {SECCOMP_RET_USER_NOTIF, "USER_NOTIF", false},
    {SECCOMP_RET_TRACE, "TRACE", true},
    {SECCOMP_RET_LOG, "LOG", false},
    {SECCOMP_RET_ALLOW, "ALLOW", false},
}};

std::string describe_errno(std::uint32_t data) {
  std::string text = "ERRNO(" + std::to_string(data) + ")";
  if (data > kMaxErrno) return text + " capped by the kernel at " + std::to_string(kMaxErrno);
  if (data == 0) return text;  // the syscall is skipped and returns 0
  if (auto name = errno_name(static_cast<int>(data))) text += " " + *name;
  return text;
}

}  // namespace

std::uint32_t action_bits(std::uint32_t ret) { return ret & SECCOMP_RET_ACTION_FULL; }

std::uint32_t data_bits(std::uint32_t ret) { return ret & SECCOMP_RET_DATA; }

std::string describe_return(std::uint32_t ret) {
  const std::uint32_t action = action_bits(ret);
  const std::uint32_t data = data_bits(ret);
  for (const auto& a : kActions) {
    if (a.action != action) continue;
    if (action == SECCOMP_RET_ERRNO) return describe_errno(data);
    std::string text(a.name);
    if (a.uses_data) return text + "(" + std::to_string(data) + ")";
    if (data != 0) text += " (data " + hex_literal(data) + " ignored)";
    return text;
  }
  return "UNKNOWN(" + hex_literal(ret) + ") acts as KILL_PROCESS";
}

}  // namespace scc::bpf
