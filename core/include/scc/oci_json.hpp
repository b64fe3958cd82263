// Writing the model back out as JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "scc/profile.hpp"

namespace scc {

// A flat profile as an OCI linux.seccomp object, keys in the runtime-spec's
// order: defaultAction, defaultErrnoRet, architectures, flags, listenerPath,
// listenerMetadata, syscalls[{names, action, errnoRet, args[{index, value,
// valueTwo, op}]}]. Absent fields are omitted: architectures when the key was
// absent and the list is empty; flags, syscalls and a rule's args when empty;
// errnoRet and valueTwo when the input had none (OCI consumers read a missing
// valueTwo as 0). "value" and "names" are always written: the runtime-spec
// requires them.
// Only OCI fields are written: archMap, includes/excludes, comment and errno
// names are not, so resolve() a Docker profile first.
nlohmann::ordered_json to_oci_json(const Profile& profile);

// The text form used for files and standard output: 2-space indent and a
// trailing newline. The same profile always gives the same bytes.
std::string to_oci_json_text(const Profile& profile);

}  // namespace scc
