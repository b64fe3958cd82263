// A non-recursive pass over JSON text that runs before nlohmann builds any
// value: it bounds nesting depth and value count (so 100k-deep input cannot
// overflow a stack or allocate a huge tree), finds duplicate keys (which
// nlohmann silently collapses), records where every value starts, and keeps
// the literal text of numbers that are not exact unsigned 64-bit integers.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "scc/read.hpp"

namespace scc {

// JSON pointer -> literal text, for numbers that are negative, fractional,
// written with an exponent, or above 2^64-1. The profile reader quotes them.
using NumberLiterals = std::unordered_map<std::string, std::string>;

struct DuplicateKeyFound {
  std::string key;
  std::string pointer;  // of the member: "/syscalls/0/action"
  SourcePosition first;
  SourcePosition second;
};

// A value's place in the text: its first byte and its length.
struct TextSpan {
  std::size_t offset = 0;
  std::size_t length = 0;
};

struct ScanOptions {
  bool positions = true;                // fill JsonScan::positions
  std::optional<std::string> span_of;   // a JSON pointer whose value's span to record
};

struct JsonScan {
  enum class Outcome { Ok, SyntaxError, TooDeep, TooManyValues };
  Outcome outcome = Outcome::Ok;
  std::size_t stop_offset = 0;  // where a non-Ok outcome stopped the scan
  std::string stop_pointer;     // the value being read there
  std::size_t values = 0;
  SourceMap positions;                // empty unless ScanOptions::positions
  std::optional<TextSpan> span;       // of ScanOptions::span_of (its first occurrence)
  std::vector<DuplicateKeyFound> duplicates;
  NumberLiterals numbers;
};

// Scan `text`. Stops at the first syntax error (nlohmann then words it), at
// nesting deeper than limits.max_depth, or past limits.max_values values.
JsonScan scan_json(std::string_view text, const ReadLimits& limits, const ScanOptions& options = {});

struct JsonSyntaxError {
  std::string message;     // nlohmann's words, without its "[json.exception...] at line:" prefix
  std::size_t offset = 0;  // byte offset of the offending character (text.size() at the end)
};

// nlohmann's description of the first syntax error of `text`, found with its
// SAX parser, which keeps an explicit stack and builds no values. nullopt when
// nlohmann accepts the text.
std::optional<JsonSyntaxError> json_syntax_error(std::string_view text);

}  // namespace scc
