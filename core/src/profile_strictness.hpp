// Comparing two flat profiles for strictness, exactly: a proof that one is at
// least as strict as another, or a witness input on which it is looser. Used
// by the hook's policy (docs/hook.md, "allowAnnotationLoosen").
//
// The order. For every input (arch, syscall number, six arguments), the
// candidate's action must be at least as restrictive as the baseline's in the
// kernel's precedence (profile_semantics.hpp action_rank): KILL_PROCESS >
// KILL_THREAD > TRAP > ERRNO > USER_NOTIF > TRACE > LOG > ALLOW. The data of
// an action does not count: every ERRNO value ranks the same, ENOSYS
// included (the call does not run either way; a different errno is a
// different answer, not a looser one; a libc that falls back to an older
// syscall after ENOSYS makes a call of its own, which is compared in its own
// right), and so do the values of TRAP and TRACE.
//
// The method. Both profiles are compiled (compile.hpp, default options: the
// targets of each plus the native arch, the ENOSYS horizon) and the programs
// compared by the semantic diff (semantic_diff.hpp) on every arch either
// targets, over the whole 32-bit number range: an arch only the candidate
// targets gets the baseline's bad-arch action, and the reverse. Seccomp
// programs compare arguments with constants, so each argument word cuts into
// finitely many cells on which both programs are constant, and the diff
// enumerates them: for profiles compile() accepts the comparison is proven
// and the answer exact. Only when the diff reports a comparison as tested,
// not proven (past its cell or evaluation bounds), and the tested values show
// nothing looser, is the answer Unsure. A profile without a default action
// (runc runs such a container without seccomp) is the empty stack: it allows
// everything. Two identical programs are proven without a diff (enforce() on
// the profile precreate wrote). SECCOMP_FILTER_FLAG_SPEC_ALLOW in the
// candidate and not the baseline is looser too (it is no part of the program).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scc/arch.hpp"
#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"
#include "scc/semantic_diff.hpp"

namespace scc {

// Actions that let a call run: ALLOW and LOG, and (conservatively) TRACE and
// NOTIFY, which hand the decision to another process.
bool permits(Action action);

enum class Permission {
  Never,        // every call of the syscall is denied
  Always,       // every call runs, whatever its arguments
  Conditional,  // it depends on the arguments
};

// How `flat` treats `syscall` under compile()'s semantics (among the rules
// that match, the most restrictive action wins; no match: the default).
// A profile without a default action permits everything (runc runs such a
// container without seccomp).
Permission permission_of(const Profile& flat, std::string_view syscall);

enum class Strictness {
  AtLeastAsStrict,  // proven: no input gets a less restrictive action
  Looser,           // proven: the witnesses get a less restrictive action
  Unsure,           // neither, within the diff's bounds
};

// An input on which the candidate is looser: the arch, the syscall (empty
// name for a number the arch's table lacks), the set of argument values of
// the region it lies in, one concrete call in it, and both verdicts.
struct LooserInput {
  Arch arch = Arch::X86_64;
  std::string syscall;
  std::uint32_t nr = 0;
  std::string numbers;  // describe_numbers() of the number set
  std::string region;   // describe_region(): "arg0 low 32 bits == 40 (high 32 bits any)"
  std::array<std::uint64_t, 6> args{};  // the smallest member of the region
  std::uint32_t candidate = 0;          // normalised SECCOMP_RET_* values
  std::uint32_t baseline = 0;
};

struct StrictnessProof {
  Strictness verdict = Strictness::AtLeastAsStrict;
  bool spec_allow = false;  // looser by SECCOMP_FILTER_FLAG_SPEC_ALLOW
  // One per (arch, syscall or unknown-number cell) and looser region, in
  // the diff's order (arch, number, region).
  std::vector<LooserInput> looser;
  std::vector<Unproven> unsure;  // comparisons tested only, nothing looser found
};

// Exact when both profiles compile; errors (no value) when one does not.
Result<StrictnessProof> prove_at_least_as_strict(const Profile& candidate, const Profile& baseline);

// "socket(40, 0, 0, 0, 0, 0)" for a named syscall, "nr 1000(0, ...)" else.
std::string describe_call(const LooserInput& input);

// PolicyViolation errors unless prove_at_least_as_strict() proves it. Looser:
// "<candidate_name> is looser than <baseline_name>: on x86_64, socket with
// arg0 low 32 bits == 40 (high 32 bits any) gets ALLOW where the baseline
// gives ERRNO(1) EPERM, e.g. socket(40, 0, 0, 0, 0, 0)", one error per
// looser syscall up to 8, then one "... and N more looser syscalls". Unsure:
// "<candidate_name> is not provably at least as strict as <baseline_name>:
// <reason> (refused because unsure)". Descriptions such as 'profile "web"'.
Diagnostics check_at_least_as_strict(const Profile& candidate, std::string_view candidate_name,
                                     const Profile& baseline, std::string_view baseline_name);

}  // namespace scc
