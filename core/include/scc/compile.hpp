// The compiler: a flat profile and target arches -> one exact seccomp-BPF
// program (DESIGN.md section 7).
//
// What the program does with a seccomp_data {arch, nr, args}, exactly:
//  1. arch is not the AUDIT_ARCH of a target -> the bad-arch action. On
//     AUDIT_ARCH_X86_64 a number with the x32 bit (0x40000000) set is an x32
//     call, any other an x86_64 call; the half not targeted gets the bad-arch
//     action too, except nr 0xffffffff (-1, a tracer's "skip"), which is
//     treated as an unknown number (step 2) of the targeted half.
//  2. nr is not in the arch's syscall table (syscall_table.hpp) -> under the
//     ENOSYS horizon ERRNO(ENOSYS), else the default action.
//  3. Otherwise the rules naming that syscall on that arch decide: a rule
//     matches when all its conditions hold (conditions on one argument are
//     ANDed too); among matching rules the most restrictive action wins
//     (kernel order: KILL_PROCESS, KILL_THREAD, TRAP, ERRNO, USER_NOTIF,
//     TRACE, LOG, ALLOW; the smaller errno / trace value between two of one
//     kind); no match -> the default action.
//  A condition on an argument the tables declare 32 bits wide compares the
//  kernel's view of it: the low 32 bits, zero-extended (so a call cannot slip
//  past a rule by setting the high half). Other arguments compare all 64 bits.
//  All comparisons are unsigned; MASKED_EQ is (arg & value) == valueTwo.
//
// How. Binary tree (the default above tree_threshold names): per AUDIT_ARCH
// value one weighted search of JGE compares on the number alone, over ranges
// of numbers that lead to the same place (dispatch_tree.hpp); it holds the
// number dispatch, the ENOSYS horizon (holes and the top are ranges) and the
// x32 split at once, so a decision costs the arch compare, the search and
// the return (fewer instructions than libseccomp's own tree). Linear: as
// runc's small filters, libseccomp builds, per target arch, the dispatch on
// the syscall number, one unconditional rule per syscall, numbers from our
// tables (seccomp_filter.hpp says why each arch gets a native context), and
// the compiler adds the ENOSYS horizon in front (filter_layout.hpp,
// enosys_horizon.hpp). Either way syscalls whose rules have conditions end
// in the compiler's own argument checks (arg_checks.hpp says why libseccomp
// does not merge those), and the arch dispatch compares the primary 64-bit
// arch first (filter_layout.hpp). libseccomp also gives the PFC text.
//
// Choices, each an option below: target arches; the ENOSYS horizon; the
// bad-arch action (KILL_PROCESS by default: a call from an arch the profile
// does not cover is an attack or a mis-targeted binary, and killing the
// whole process fails closed without leaving a half-dead thread group;
// libseccomp's own default is KILL_THREAD, runc and crun keep it); binary
// tree or linear rule bodies.
//
// No silent drop: every rule is compiled or reported (unknown or missing
// syscall names, rules equal to the default, conflicts, conditions that can
// never hold). Output is deterministic: the same meaning gives the same
// bytes, whatever the order of rules, names or keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scc/arch.hpp"
#include "scc/bpf.hpp"
#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"

namespace scc {

struct CompileOptions {
  // Target arches. Empty: the profile's architectures that have syscall
  // tables, plus the native arch (libseccomp contexts always hold it, so
  // runc and crun filters always cover it); only the native arch when the
  // profile names none. An arch without a table here is an error.
  std::vector<Arch> arches;
  // Unknown syscall numbers return ERRNO(ENOSYS) (step 2 above). Applied only
  // when the default action would deny them: not when it is ERRNO(ENOSYS)
  // already, ALLOW, LOG or TRACE (see CompiledFilter::enosys_horizon).
  bool enosys_horizon = true;
  enum class Tree { Auto, Linear, Binary };
  // Binary: the compiler's weighted range search (see "How" above); its PFC
  // text is libseccomp's tree (SCMP_FLTATR_CTL_OPTIMIZE 2). Linear:
  // libseccomp's linear body (OPTIMIZE 1, by priority). Auto: the tree above
  // tree_threshold distinct syscall names, as runc does above 32.
  Tree tree = Tree::Auto;
  std::size_t tree_threshold = 32;
  // SECCOMP_RET_* value for calls from arches not targeted.
  std::optional<std::uint32_t> bad_arch_action;
  // Caps for one syscall on one arch, above which its rules are rejected
  // (rule-too-complex): the conjunctions left after conflicting rules cut
  // each other into pieces, and the instructions of its argument checks.
  std::size_t max_rules_per_syscall = 1024;
  std::size_t max_argument_instructions = 1024;
  // In the PFC text of a binary tree, runs of unknown numbers up to this long
  // below an arch's highest number show as ERRNO(ENOSYS) rules (the program
  // itself decides every unknown range in its search).
  std::size_t max_tree_hole_run = 16;
  // Also produce libseccomp's PFC text of each arch's number dispatch (a
  // syscall with argument conditions shows as a TRACE(n) placeholder there).
  bool pfc = false;
};

struct CompiledArch {
  Arch arch = Arch::X86_64;
  std::size_t syscalls = 0;          // numbers with at least one rule
  // Linear programs only (0 for a binary tree, which libseccomp does not build):
  std::size_t libseccomp_rules = 0;  // rules given to libseccomp, horizon holes included
  std::size_t horizon_holes = 0;     // of those, ERRNO(ENOSYS) rules for unknown numbers
  std::size_t argument_checked = 0;  // syscalls decided by argument checks
  // The arch's section of the program; for a binary tree its AUDIT_ARCH
  // group's (x86_64 and x32 share one).
  std::size_t instructions = 0;
};

struct CompiledFilter {
  bpf::Program program;
  std::vector<Arch> arches;  // targets, in program order
  std::uint32_t default_action = 0;
  std::uint32_t bad_arch_action = 0;
  bool enosys_horizon = false;  // applied (the option, and the default denies)
  bool binary_tree = false;
  // Load-time settings from the profile; they do not change the program.
  std::vector<Flag> flags;      // sorted, unique
  bool needs_listener = false;  // a NOTIFY action: load with SECCOMP_FILTER_FLAG_NEW_LISTENER
  std::size_t input_rules = 0;     // entries of profile.syscalls
  std::size_t compiled_rules = 0;  // of those, the ones that shape the program
  std::vector<CompiledArch> per_arch;
  std::string sha256;  // program_sha256(program)
  std::string pfc;     // when CompileOptions::pfc
};

// The compiler's output revision: changed whenever compile() can emit a
// different program for the same profile and options (layout, dispatch,
// argument checks). Caches of compiled programs key on it, so a program an
// earlier compiler built is never served for this one under the same tool
// version. test/core/compiler_revision_test.cpp pins it to a hash of what
// compile() emits for seeded random profiles; it fails when the output
// changes and this string does not.
inline constexpr std::string_view kCompilerRevision = "2026-11-29 weighted range search";

// Errors (no value) when the profile is not flat, has no default action, an
// errno does not fit, a target arch has no table, libseccomp fails, a rule's
// exact rewrite passes the limit, or the program passes 4096 instructions.
Result<CompiledFilter> compile(const Profile& flat, const CompileOptions& options = {});

// The arches compile() targets for these inputs (see CompileOptions::arches),
// sorted in program order. Reports arches without tables.
std::vector<Arch> target_arches(const Profile& flat, const CompileOptions& options,
                                Diagnostics& diagnostics);

// The SECCOMP_RET_* value of an action; `data` is the errno (ERRNO) or the
// tracer's value (TRACE) and is ignored by the other actions.
std::uint32_t seccomp_return(Action action, std::uint16_t data);

// The content hash of a program: lower-case hex SHA-256 of its bytes as the
// kernel takes them (struct sock_filter[], host byte order).
std::string program_sha256(const bpf::Program& program);

}  // namespace scc
