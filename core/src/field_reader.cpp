#include "field_reader.hpp"

#include <vector>

#include "json_pointer.hpp"
#include "nearest_name.hpp"
#include "scc/names.hpp"

namespace scc {
namespace {

using Json = nlohmann::ordered_json;

std::string dialect_list(unsigned dialects) {
  std::string out;
  for (std::string_view name : dialect_names()) {
    const Dialect d = *parse_dialect(name);
    if (d == Dialect::OciConfig || (dialects & dialect_bit(d)) == 0) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

void report_key(const std::string& key, const std::string& pointer,
                std::span<const FieldSpec> fields, Dialect dialect, FieldContext& ctx,
                Severity unknown) {
  for (const FieldSpec& f : fields) {
    if (f.name != key) continue;
    Diagnostic d;
    d.severity = f.mismatch;
    d.code = Code::DialectMismatch;
    d.pointer = pointer;
    d.message = "field \"" + key + "\" is not part of the " + std::string(to_string(dialect)) +
                " format (only " + dialect_list(f.dialects) +
                "); a runtime reading this format ignores it";
    ctx.diagnostics.add(std::move(d));
    return;
  }
  for (const FieldSpec& f : fields) {
    if (!equal_ignoring_case(f.name, key)) continue;
    ctx.diagnostics.error(Code::UnknownField, pointer,
                          "unknown field \"" + key +
                              "\": docker and podman match keys "
                              "case-insensitively and read it as \"" +
                              std::string(f.name) + "\", other tools drop it",
                          "did you mean \"" + std::string(f.name) + "\"?");
    return;
  }
  std::vector<std::string_view> allowed;
  for (const FieldSpec& f : fields)
    if (f.dialects & dialect_bit(dialect)) allowed.push_back(f.name);
  const std::string near = nearest_name(key, allowed);
  Diagnostic d;
  d.severity = unknown;
  d.code = Code::UnknownField;
  d.pointer = pointer;
  d.message = unknown == Severity::Error
                  ? "unknown field \"" + key + "\" in a rule: a runtime ignores it, which may drop a condition"
                  : "unknown field \"" + key + "\" is ignored";
  if (!near.empty()) d.hint = "did you mean \"" + near + "\"?";
  ctx.diagnostics.add(std::move(d));
}

}  // namespace

void check_fields(const Json& object, const std::string& pointer, std::span<const FieldSpec> fields,
                  Dialect dialect, FieldContext& ctx, Severity unknown) {
  for (const auto& item : object.items()) {
    bool allowed = false;
    for (const FieldSpec& f : fields)
      if (f.name == item.key() && (f.dialects & dialect_bit(dialect))) allowed = true;
    if (!allowed) report_key(item.key(), join_pointer(pointer, item.key()), fields, dialect, ctx, unknown);
  }
}

const Json* member(const Json& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string describe_value(const Json& value) {
  switch (value.type()) {
    case Json::value_t::string:
      return "a string (" + value.dump() + ")";
    case Json::value_t::boolean:
      return "a boolean (" + value.dump() + ")";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::null:
      return "null";
    default:
      return "a number (" + value.dump() + ")";
  }
}

std::optional<std::string> read_string(const Json& value, const std::string& pointer,
                                       FieldContext& ctx) {
  if (value.is_string()) return value.get<std::string>();
  ctx.diagnostics.error(Code::TypeMismatch, pointer,
                        "expected a string, found " + describe_value(value));
  return std::nullopt;
}

std::optional<std::uint64_t> read_uint(const Json& value, const std::string& pointer,
                                       FieldContext& ctx) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number()) {
    auto literal = ctx.numbers.find(pointer);
    const std::string text = literal != ctx.numbers.end() ? literal->second : value.dump();
    ctx.diagnostics.error(
        Code::BadNumber, pointer,
        "number " + text + " is not an exact integer in [0, 18446744073709551615]");
    return std::nullopt;
  }
  ctx.diagnostics.error(Code::TypeMismatch, pointer,
                        "expected an unsigned integer, found " + describe_value(value));
  return std::nullopt;
}

std::optional<bool> read_bool(const Json& value, const std::string& pointer, FieldContext& ctx) {
  if (value.is_boolean()) return value.get<bool>();
  ctx.diagnostics.error(Code::TypeMismatch, pointer,
                        "expected true or false, found " + describe_value(value));
  return std::nullopt;
}

const Json* read_array(const Json& value, const std::string& pointer, FieldContext& ctx) {
  if (value.is_array()) return &value;
  ctx.diagnostics.error(Code::TypeMismatch, pointer,
                        "expected an array, found " + describe_value(value));
  return nullptr;
}

const Json* read_object(const Json& value, const std::string& pointer, FieldContext& ctx) {
  if (value.is_object()) return &value;
  ctx.diagnostics.error(Code::TypeMismatch, pointer,
                        "expected an object, found " + describe_value(value));
  return nullptr;
}

}  // namespace scc
