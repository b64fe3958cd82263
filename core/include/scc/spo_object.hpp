// Writing a flat profile as a Security Profiles Operator SeccompProfile
// object (security-profiles-operator.x-k8s.io/v1beta1), in YAML, the form
// `kubectl apply -f` takes. The SPO reader (read.hpp) reads it back to the
// same profile.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"

namespace scc {

inline constexpr std::string_view kSpoApiVersion = "security-profiles-operator.x-k8s.io/v1beta1";

// Whether `name` is a Kubernetes object name (an RFC 1123 subdomain: at most
// 253 characters of a-z, 0-9, '-' and '.', starting and ending alphanumeric).
bool is_kubernetes_name(std::string_view name);

// {apiVersion, kind: SeccompProfile, metadata: {name}, spec}: spec holds the
// OCI fields of `flat` (to_oci_json) except defaultErrnoRet, which SPO's spec
// lacks. A defaultErrnoRet of 1 is left out (EPERM is what runtimes use
// without one); any other value, a profile that is not flat, and a name that
// is not a Kubernetes name are errors (dialect-mismatch, profile-not-flat,
// type-mismatch), located at the profile's pointers.
Result<nlohmann::ordered_json> to_spo_object(const Profile& flat, std::string_view name);

// The object as block YAML, strings double-quoted (no YAML 1.1 surprises such
// as "on" or "no"), numbers as decimal integers, keys in the object's order,
// ending with a newline. The same object always gives the same bytes.
std::string to_yaml_text(const nlohmann::ordered_json& object);

}  // namespace scc
