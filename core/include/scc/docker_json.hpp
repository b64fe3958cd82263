// Writing the model back out as a Docker (moby) profile: what oci_json.hpp
// writes, plus the Docker-only fields, so that a conditional profile (archMap,
// includes/excludes) round-trips through the readers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "scc/profile.hpp"

namespace scc {

// Keys in moby's order: defaultAction, defaultErrnoRet, then archMap
// ([{architecture, subArchitectures}]) when the profile has one, else
// architectures; flags, listenerPath, listenerMetadata; syscalls[{names,
// action, errnoRet, args, comment, includes, excludes}]. Rules and args are
// written as to_oci_json() writes them; a rule's comment is written when
// not empty, includes/excludes when not empty ({caps, arches, minKernel}).
// containers/common errno names are not written: the numbers are (resolve()
// a containers/common profile first to get them).
nlohmann::ordered_json to_docker_json(const Profile& profile);

// 2-space indent and a trailing newline; the same profile gives the same bytes.
std::string to_docker_json_text(const Profile& profile);

}  // namespace scc
