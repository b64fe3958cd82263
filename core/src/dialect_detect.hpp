// Which dialect a parsed document is written in, decided from its keys, and
// where the profile object sits inside it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"

namespace scc {

// What a top-level object is, before any field is read.
enum class DocumentShape {
  Profile,                // a bare profile: Docker, containers/common or OCI linux.seccomp
  OciConfig,              // a whole OCI config.json
  Spo,                    // a Security Profiles Operator SeccompProfile object
  OtherKubernetesObject,  // apiVersion/kind of something else
  HooksD,                 // an OCI hooks.d file (version, hook, when, stages)
  Unrecognised,           // an object with none of a profile's fields
};

DocumentShape classify_document(const nlohmann::ordered_json& root);
// "an OCI hooks.d file", "a Kubernetes Pod object", ... for messages.
std::string describe_document(const nlohmann::ordered_json& root);

struct DialectDetection {
  std::optional<Dialect> dialect;  // empty: not a profile, or does not fit the forced dialect
  std::string profile_pointer;     // absolute: "<document>/linux/seccomp", "<document>/spec"
  const nlohmann::ordered_json* profile = nullptr;  // the profile object, when there is one
  Diagnostics diagnostics;  // not-a-profile, dialect-mismatch, missing-field, type-mismatch
};

// `root` is a top-level object; `document_pointer` prefixes every pointer
// ("" for a single document). `forced` is ReadOptions::dialect.
DialectDetection detect_dialect(const nlohmann::ordered_json& root,
                                std::string_view document_pointer, std::optional<Dialect> forced);

}  // namespace scc
