// Comparing what two flat profiles permit, soundly and simply: a proof that
// one is at least as strict as another, or a reason why there is none (which
// may be "cannot tell", never a guess). Used by the hook's policy.
#pragma once

#include <string>
#include <string_view>

#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"

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

// PolicyViolation errors unless every call `candidate` permits is also
// permitted by `baseline` (both resolved for the same container): the
// candidate targets no arch the baseline does not; its default does not
// permit when the baseline's denies; it adds no SPEC_ALLOW flag; and for
// every syscall either profile names, the candidate never permits it, the
// baseline always does, both have the same rules for it, or (allowlist case)
// the candidate's default denies, the baseline has no denying rule for it,
// and each permitting rule of the candidate has a baseline permitting rule
// whose conditions are a subset of its own. Anything else is refused as
// unproven. Messages start "<candidate_name> is not provably at least as
// strict as <baseline_name>: " (descriptions such as 'profile "web"').
Diagnostics check_at_least_as_strict(const Profile& candidate, std::string_view candidate_name,
                                     const Profile& baseline, std::string_view baseline_name);

}  // namespace scc
