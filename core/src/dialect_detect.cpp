#include "dialect_detect.hpp"

#include <array>
#include <initializer_list>

#include "nearest_name.hpp"
#include "scc/names.hpp"

namespace scc {
namespace {

using Json = nlohmann::ordered_json;

// Keys compare case-insensitively here because Go's encoding/json does: a
// profile spelled "ArchMap" is still a Docker profile to docker and podman.
bool has_key(const Json& object, std::string_view key) {
  for (const auto& item : object.items())
    if (equal_ignoring_case(item.key(), key)) return true;
  return false;
}

bool any_rule_has(const Json& root, std::span<const std::string_view> keys) {
  auto syscalls = root.find("syscalls");
  if (syscalls == root.end() || !syscalls->is_array()) return false;
  for (const Json& rule : *syscalls) {
    if (!rule.is_object()) continue;
    for (std::string_view key : keys)
      if (has_key(rule, key)) return true;
  }
  return false;
}

constexpr std::array<std::string_view, 9> kProfileKeys{
    "defaultAction", "defaultErrnoRet", "defaultErrno", "architectures",   "archMap",
    "syscalls",      "flags",           "listenerPath", "listenerMetadata"};

bool is_spo(const Json& root) {
  auto api = root.find("apiVersion");
  auto kind = root.find("kind");
  return api != root.end() && api->is_string() &&
         api->get_ref<const std::string&>().starts_with("security-profiles-operator.x-k8s.io/") &&
         kind != root.end() && kind->is_string() && *kind == "SeccompProfile";
}

// containers/common marks: defaultErrno, errno. Docker marks: archMap, name,
// comment, includes, excludes. A bare OCI linux.seccomp has neither.
Dialect profile_dialect(const Json& root) {
  static constexpr std::array<std::string_view, 1> kCommonRule{"errno"};
  static constexpr std::array<std::string_view, 4> kDockerRule{"name", "comment", "includes",
                                                               "excludes"};
  if (has_key(root, "defaultErrno") || any_rule_has(root, kCommonRule))
    return Dialect::ContainersCommon;
  if (has_key(root, "archMap") || any_rule_has(root, kDockerRule)) return Dialect::Docker;
  return Dialect::Oci;
}

std::string quoted_member(const Json& root, const char* key) {
  auto it = root.find(key);
  if (it == root.end()) return "(none)";
  return it->dump();
}

std::string name_of(Dialect dialect) { return std::string(to_string(dialect)); }

struct Detector {
  const Json& root;
  std::string document;
  DialectDetection out;

  void not_a_profile(std::optional<Dialect> forced) {
    const std::string what = describe_document(root);
    if (forced)
      out.diagnostics.error(Code::DialectMismatch, document,
                            "the input was declared " + name_of(*forced) + " but it is " + what);
    else
      out.diagnostics.error(Code::NotAProfile, document, what + ", not a seccomp profile");
  }
  void mismatch(Dialect forced, Dialect detected) {
    out.diagnostics.error(Code::DialectMismatch, document,
                          "the input was declared " + name_of(forced) + " but it is " +
                              describe_document(root) + " (" + name_of(detected) + ")");
  }
  void find_profile(Dialect dialect);
  void descend(std::initializer_list<const char*> path, Code missing_code,
               const std::string& missing_message);
};

void Detector::find_profile(Dialect dialect) {
  out.dialect = dialect;
  if (dialect == Dialect::Spo)
    return descend({"spec"}, Code::MissingField,
                   "the SeccompProfile has no \"spec\", so it holds no profile");
  if (dialect == Dialect::OciConfig)
    return descend({"linux", "seccomp"}, Code::NotAProfile,
                   "an OCI config.json without linux.seccomp, not a seccomp profile (a runtime "
                   "runs such a container with no seccomp filter)");
  out.profile = &root;
  out.profile_pointer = document;
}

void Detector::descend(std::initializer_list<const char*> path, Code missing_code,
                       const std::string& missing_message) {
  const Json* at = &root;
  std::string pointer = document;
  for (const char* key : path) {
    pointer += std::string("/") + key;
    auto it = at->find(key);
    if (it == at->end() || it->is_null()) {
      out.diagnostics.error(missing_code, document, missing_message);
      return;
    }
    if (!it->is_object()) {
      out.diagnostics.error(
          Code::TypeMismatch, pointer,
          std::string("\"") + key + "\" must be an object, not " + it->type_name());
      return;
    }
    at = &*it;
  }
  out.profile = at;
  out.profile_pointer = pointer;
}

}  // namespace

DocumentShape classify_document(const Json& root) {
  if (root.contains("apiVersion") || root.contains("kind"))
    return is_spo(root) ? DocumentShape::Spo : DocumentShape::OtherKubernetesObject;
  if (root.contains("hook") &&
      (root.contains("version") || root.contains("stages") || root.contains("when")))
    return DocumentShape::HooksD;
  if (root.contains("ociVersion") || root.contains("linux") || root.contains("process") ||
      root.contains("root"))
    return DocumentShape::OciConfig;
  if (root.empty()) return DocumentShape::Profile;  // {}: "no seccomp", said by the reader
  for (std::string_view key : kProfileKeys)
    if (has_key(root, key)) return DocumentShape::Profile;
  return DocumentShape::Unrecognised;
}

std::string describe_document(const Json& root) {
  switch (classify_document(root)) {
    case DocumentShape::Profile:
      return "a seccomp profile";
    case DocumentShape::OciConfig:
      return "an OCI config.json";
    case DocumentShape::Spo:
      return "a Security Profiles Operator SeccompProfile";
    case DocumentShape::OtherKubernetesObject:
      return "a Kubernetes object of kind " + quoted_member(root, "kind") + " (apiVersion " +
             quoted_member(root, "apiVersion") + ")";
    case DocumentShape::HooksD:
      return "an OCI hooks.d file";
    case DocumentShape::Unrecognised:
      break;
  }
  return "a JSON object with none of the fields of a seccomp profile (defaultAction, syscalls, "
         "architectures, archMap, flags)";
}

DialectDetection detect_dialect(const Json& root, std::string_view document_pointer,
                                std::optional<Dialect> forced) {
  Detector d{root, std::string(document_pointer), {}};
  switch (classify_document(root)) {
    case DocumentShape::Spo:
      if (forced && *forced != Dialect::Spo)
        d.mismatch(*forced, Dialect::Spo);
      else
        d.find_profile(Dialect::Spo);
      break;
    case DocumentShape::OciConfig:
      if (forced && *forced != Dialect::OciConfig)
        d.mismatch(*forced, Dialect::OciConfig);
      else
        d.find_profile(Dialect::OciConfig);
      break;
    case DocumentShape::Profile: {
      const Dialect detected = profile_dialect(root);
      if (forced && (*forced == Dialect::Spo || *forced == Dialect::OciConfig))
        d.mismatch(*forced, detected);
      else
        d.find_profile(forced.value_or(detected));  // the reader flags keys that do not fit
      break;
    }
    case DocumentShape::OtherKubernetesObject:
    case DocumentShape::HooksD:
    case DocumentShape::Unrecognised:
      d.not_a_profile(forced);
      break;
  }
  return std::move(d.out);
}

}  // namespace scc
