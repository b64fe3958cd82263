// The union of several profiles (`seccomp-convert merge`): each syscall of any
// input keeps its action, per arch; where two inputs give the same syscall,
// under the same conditions, different actions, that is a conflict, reported
// with both places and settled only when a preference says how.
#pragma once

#include <span>
#include <string>

#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"

namespace scc {

enum class MergePreference {
  None,       // a conflict is an error
  First,      // the input given first wins
  Last,       // the input given last wins
  Strictest,  // the more restrictive action wins (the kernel's order; smaller errno between two ERRNOs)
};

struct MergeInput {
  const Profile* profile = nullptr;  // as read (Docker or flat); not owned
  std::string name;                  // the file, for messages
};

// The result is a Docker profile:
// - defaultAction/defaultErrnoRet: the inputs' (differing defaults are a
//   conflict at "/defaultAction");
// - archMap when any input has one (an input's `architectures` join it as
//   native -> companions), else the union of `architectures`, in the order
//   first seen; flags: the union; listenerPath/listenerMetadata: must agree;
// - rules: every (name, args, includes, excludes) of any input with its
//   action, errno and comment; identical ones once; rules that share action,
//   errno, args, includes, excludes and comment are joined into one, in the
//   order first seen, names sorted.
// A conflict is an error (merge-conflict) naming both inputs and their JSON
// pointers; with a preference it is settled and reported as a warning.
Result<Profile> merge_profiles(std::span<const MergeInput> inputs, MergePreference preference);

}  // namespace scc
