// Typed access to the members of a parsed object, with a diagnostic for every
// value that is not what the format says: no coercion ("0" is not 0, true is
// not 1, 38.0 is not 38), and keys that are unknown, mis-cased or belong to
// another dialect are reported.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "json_scan.hpp"
#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"

namespace scc {

struct FieldContext {
  Diagnostics& diagnostics;
  const NumberLiterals& numbers;
};

// One known key of an object and the dialects whose format has it.
struct FieldSpec {
  std::string_view name;
  unsigned dialects;  // dialect_bit() of each dialect that has the field
  // Severity when the field appears in a dialect without it. Errors for
  // fields a runtime of that dialect would ignore while they change meaning;
  // warnings for harmless ones (comment).
  Severity mismatch = Severity::Error;
};

constexpr unsigned dialect_bit(Dialect d) { return 1U << static_cast<unsigned>(d); }
constexpr unsigned kInDocker = dialect_bit(Dialect::Docker);
constexpr unsigned kInCommon = dialect_bit(Dialect::ContainersCommon);
constexpr unsigned kInOci = dialect_bit(Dialect::Oci) | dialect_bit(Dialect::OciConfig);
constexpr unsigned kInSpo = dialect_bit(Dialect::Spo);
constexpr unsigned kInAll = kInDocker | kInCommon | kInOci | kInSpo;

// Report every key of `object` that `fields` does not allow in `dialect`:
// an exact key of another dialect -> dialect-mismatch; a key equal to a known
// one but for case -> unknown-field error (Go would read it); anything else ->
// unknown-field with the nearest known key as hint, of severity `unknown`: a
// warning where an ignored key changes nothing enforced (profile top level,
// archMap), an error inside a rule, its args and its includes/excludes, where
// a typo ("arg" for "args") silently drops a condition and broadens an allow.
void check_fields(const nlohmann::ordered_json& object, const std::string& pointer,
                  std::span<const FieldSpec> fields, Dialect dialect, FieldContext& ctx,
                  Severity unknown = Severity::Warning);

// The member `key`, or nullptr when absent or null: Go's encoding/json leaves
// a field unset for null, so null reads as absent everywhere.
const nlohmann::ordered_json* member(const nlohmann::ordered_json& object, std::string_view key);

std::optional<std::string> read_string(const nlohmann::ordered_json& value,
                                       const std::string& pointer, FieldContext& ctx);
// Exact integers in [0, 2^64-1] only: negative, fractional, exponent or
// overflowing numbers are bad-number; any other type is type-mismatch.
std::optional<std::uint64_t> read_uint(const nlohmann::ordered_json& value,
                                       const std::string& pointer, FieldContext& ctx);
std::optional<bool> read_bool(const nlohmann::ordered_json& value, const std::string& pointer,
                              FieldContext& ctx);
// The value itself when it is an array (resp. object), else a type-mismatch.
const nlohmann::ordered_json* read_array(const nlohmann::ordered_json& value,
                                         const std::string& pointer, FieldContext& ctx);
const nlohmann::ordered_json* read_object(const nlohmann::ordered_json& value,
                                          const std::string& pointer, FieldContext& ctx);

// For messages: "a string (\"0\")", "a boolean (true)", "an object".
std::string describe_value(const nlohmann::ordered_json& value);

}  // namespace scc
