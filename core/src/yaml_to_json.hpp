// YAML (yaml-cpp) -> nlohmann JSON values, with the position of every value,
// for Security Profiles Operator objects written as YAML. A stream may hold
// several documents.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "json_scan.hpp"
#include "scc/diagnostics.hpp"
#include "scc/read.hpp"

namespace scc {

struct YamlDocument {
  nlohmann::ordered_json value;
  // "" when the stream holds one document; "/<k>" for the k-th non-empty
  // document of a stream of several, so pointers stay unique across them.
  std::string pointer;
};

struct YamlStream {
  std::vector<YamlDocument> documents;  // empty documents are skipped
  SourceMap positions;
  NumberLiterals numbers;
  // yaml-syntax, nesting-too-deep, duplicate-key, input-too-large, type-mismatch
  // (a key that is not a scalar). Documents are empty after a fatal one.
  Diagnostics diagnostics;
};

// Scalars are typed as YAML 1.2's core schema does (null, true/false,
// integers, floats, else strings); quoted scalars are always strings.
// Integers with leading zeros, octal 0o, negative or fractional numbers keep
// their literal in `numbers` so the reader can reject them by name.
YamlStream yaml_to_json(std::string_view text, const ReadLimits& limits);

}  // namespace scc
