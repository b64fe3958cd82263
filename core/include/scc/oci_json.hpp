// Writing the model back out as JSON.
#pragma once

#include <nlohmann/json.hpp>

#include "scc/profile.hpp"

namespace scc {

// A flat profile as an OCI linux.seccomp object, keys in the runtime-spec's
// order. Fields that are absent in the profile are omitted.
nlohmann::ordered_json to_oci_json(const Profile& profile);

}  // namespace scc
