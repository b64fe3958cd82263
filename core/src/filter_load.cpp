#include "scc/filter_load.hpp"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "scc/names.hpp"

namespace scc {
namespace {

// bpf_convert_filter's prologue: clear A and X, keep the context pointer.
constexpr std::size_t kPrologueCost = 3;
// The kernel's charge for each filter below the newest one.
constexpr std::size_t kStackedPenalty = 4;

std::size_t jump_cost(const sock_filter& insn) {
  const auto op = BPF_OP(insn.code);
  if (op == BPF_JA) return 1;
  // eBPF immediates are signed: a constant with the top bit set is first
  // moved into a register, one instruction more.
  const std::size_t widen =
      BPF_SRC(insn.code) == BPF_K && static_cast<std::int32_t>(insn.k) < 0 ? 1 : 0;
  if (insn.jf == 0) return widen + 1;
  // JEQ/JGT/JGE with a fall-through true branch invert into JNE/JLE/JLT.
  if (insn.jt == 0 && (op == BPF_JEQ || op == BPF_JGT || op == BPF_JGE)) return widen + 1;
  return widen + 2;  // Jxx to the true branch, then JA to the false one
}

std::size_t instruction_cost(const sock_filter& insn) {
  switch (BPF_CLASS(insn.code)) {
    case BPF_RET:  // RET K moves K into r0 first; RET A has it there already
      return BPF_RVAL(insn.code) == BPF_K ? 2 : 1;
    case BPF_JMP:
      return jump_cost(insn);
    case BPF_ALU:  // DIV X gains a guard against division by zero
      return BPF_OP(insn.code) == BPF_DIV && BPF_SRC(insn.code) == BPF_X ? 5 : 1;
    default:
      return 1;
  }
}

std::string flag_list(const std::vector<Flag>& flags) {
  std::string text;
  for (Flag flag : flags) text += (text.empty() ? "" : ", ") + std::string(to_string(flag));
  return text;
}

// The kernel's verdict turned into a diagnostic that says what to change.
Diagnostics kernel_refusal(int error, const bpf::Program& program, const LoadOptions& options) {
  Diagnostics d;
  switch (error) {
    case EACCES:
      d.error(Code::PermissionDenied, "",
              "the kernel refused to load a filter without no_new_privs (EACCES)",
              "set no_new_privs, or load with CAP_SYS_ADMIN in the effective set");
      return d;
    case ENOMEM:
      d.error(Code::FilterStackFull, "",
              "the filters of this thread with this one (kernel cost " +
                  std::to_string(kernel_cost(program)) + ") would pass the kernel's limit of " +
                  std::to_string(kMaxStackInstructions) + " instructions (ENOMEM)",
              "each filter costs the length of its eBPF translation, and 4 more once another "
              "is stacked on it");
      return d;
    case ENOSYS:
      d.error(Code::SeccompUnavailable, "", "this kernel has no seccomp() system call (ENOSYS)");
      return d;
    case EINVAL:
      if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0) {
        d.error(Code::SeccompUnavailable, "", "this kernel is built without seccomp filters");
        return d;
      }
      if (options.flags.empty())
        d.error(Code::FilterRejected, "", "the kernel refused the filter (EINVAL)");
      else
        d.error(
            Code::FilterRejected, "",
            "the kernel refused the filter or its flags (" + flag_list(options.flags) + "): EINVAL",
            "SECCOMP_FILTER_FLAG_LOG needs Linux 4.14, SPEC_ALLOW 4.17");
      // check() names the instruction the kernel objected to, if it was one.
      for (const Diagnostic& problem : bpf::check(program))
        if (problem.severity == Severity::Error) d.add(problem);
      return d;
    default:
      d.error(Code::SystemError, "",
              std::string("cannot load the filter: ") + std::strerror(error));
      return d;
  }
}

// Refusals that need no system call: length, flags, privileges.
Diagnostics precheck(const bpf::Program& program, const LoadOptions& options, unsigned& flags) {
  Diagnostics d;
  if (program.size() == 0 || program.size() > BPF_MAXINSNS)
    d.error(Code::BpfLength, "",
            "the filter has " + std::to_string(program.size()) +
                " instructions; the kernel loads 1 to " + std::to_string(BPF_MAXINSNS));
  for (Flag flag : options.flags) {
    if (auto bits = filter_flag_bits(flag))
      flags |= *bits;
    else
      d.error(Code::FilterRejected, "",
              std::string(to_string(flag)) +
                  " applies only to a filter with a user-notification listener, and none is "
                  "created here");
  }
  if (!options.no_new_privs && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1 &&
      !has_effective_sys_admin())
    d.error(Code::PermissionDenied, "",
            "loading a filter without no_new_privs needs CAP_SYS_ADMIN in the effective set",
            "the kernel would refuse with EACCES; keep no_new_privs on");
  return d;
}

}  // namespace

std::optional<unsigned> filter_flag_bits(Flag flag) {
  switch (flag) {
    case Flag::Tsync:
      return SECCOMP_FILTER_FLAG_TSYNC;
    case Flag::Log:
      return SECCOMP_FILTER_FLAG_LOG;
    case Flag::SpecAllow:
      return SECCOMP_FILTER_FLAG_SPEC_ALLOW;
    case Flag::WaitKillableRecv:
      return std::nullopt;
  }
  return std::nullopt;
}

bool has_effective_sys_admin() {
  cap_t caps = cap_get_proc();
  if (caps == nullptr) return false;
  cap_flag_value_t value = CAP_CLEAR;
  const bool known = cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &value) == 0;
  cap_free(caps);
  return known && value == CAP_SET;
}

Diagnostics load_filter(const bpf::Program& program, const LoadOptions& options) {
  unsigned flags = 0;
  Diagnostics d = precheck(program, options, flags);
  if (d.has_errors()) return d;
  if (options.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    d.error(Code::SystemError, "", std::string("cannot set no_new_privs: ") + std::strerror(errno));
    return d;
  }
  // The kernel takes a non-const pointer; hand it a copy rather than cast.
  auto view = program.instructions();
  std::vector<sock_filter> insns(view.begin(), view.end());
  sock_fprog fprog{static_cast<unsigned short>(insns.size()), insns.data()};
  const long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
  if (rc == 0) return d;
  if (rc > 0) {  // TSYNC: the id of a thread whose filters differ from ours
    d.error(Code::FilterRejected, "",
            "SECCOMP_FILTER_FLAG_TSYNC cannot synchronise thread " + std::to_string(rc) +
                ": its filters differ from the calling thread's");
    return d;
  }
  return kernel_refusal(errno, program, options);
}

std::size_t kernel_cost(const bpf::Program& program) {
  std::size_t cost = kPrologueCost;
  for (const sock_filter& insn : program.instructions()) cost += instruction_cost(insn);
  return cost;
}

Diagnostics check_stack_limit(std::span<const bpf::Program> stack, const bpf::Program& next) {
  std::size_t total = kernel_cost(next);
  for (const bpf::Program& below : stack) total += kernel_cost(below) + kStackedPenalty;
  Diagnostics d;
  if (total > kMaxStackInstructions)
    d.error(Code::FilterStackFull, "",
            "a filter of kernel cost " + std::to_string(kernel_cost(next)) + " on " +
                std::to_string(stack.size()) + " stacked filters costs " + std::to_string(total) +
                " instructions; the kernel allows " + std::to_string(kMaxStackInstructions),
            "each filter costs the length of its eBPF translation, and 4 more once another is "
            "stacked on it");
  return d;
}

}  // namespace scc
