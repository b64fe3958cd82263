// Strict JSON documents for the hook's inputs (its config file, OCI state,
// config.json): the same checks, in the same order, as the profile readers
// (size, emptiness, UTF-8, nesting and value count before any value is built,
// duplicate keys), for inputs that are not profiles. Objects whose keys are
// security policy reject unknown keys instead of warning.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "json_scan.hpp"
#include "scc/diagnostics.hpp"
#include "scc/read.hpp"

namespace scc {

struct StrictJson {
  nlohmann::ordered_json root;
  NumberLiterals numbers;  // literal text of numbers that are not exact uint64
  SourceMap positions;     // empty unless StrictJsonOptions::positions
  std::optional<std::string> captured;  // the text of StrictJsonOptions::capture, as written
};

struct StrictJsonOptions {
  bool positions = true;  // fill StrictJson::positions (a map of every value: costly)
  // A JSON pointer whose value's text is kept in StrictJson::captured. With
  // elide, an object or array there is built as an empty one in root: the
  // strict checks still cover its text, nlohmann builds none of its values.
  std::optional<std::string> capture;
  bool elide = false;
};

// Parse `text` as one JSON object. Errors (no value): too large, empty, not
// UTF-8, a byte order mark, too deep, too many values, syntax, duplicate keys,
// a top level that is not an object. Diagnostics carry line:column.
Result<StrictJson> parse_strict_json(std::string_view text, const ReadLimits& limits,
                                     const StrictJsonOptions& options = {});

// An UnknownField error for every key of `object` not in `known`, with the
// nearest known key as hint.
void reject_unknown_keys(const nlohmann::ordered_json& object, const std::string& pointer,
                         std::initializer_list<std::string_view> known, Diagnostics& diagnostics);

}  // namespace scc
