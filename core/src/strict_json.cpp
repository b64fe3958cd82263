#include "strict_json.hpp"

#include <cstdio>
#include <vector>

#include "json_pointer.hpp"
#include "nearest_name.hpp"
#include "text_position.hpp"
#include "utf8.hpp"

namespace scc {
namespace {

using Json = nlohmann::ordered_json;

void error_at(Diagnostics& diagnostics, Code code, std::string pointer, std::string message,
              SourcePosition at) {
  Diagnostic d;
  d.code = code;
  d.pointer = std::move(pointer);
  d.message = std::move(message);
  d.line = at.line;
  d.column = at.column;
  diagnostics.add(std::move(d));
}

// Problems with the bytes themselves; each one stops the parse.
bool check_bytes(std::string_view text, const ReadLimits& limits, Diagnostics& diagnostics) {
  if (text.size() > limits.max_bytes) {
    diagnostics.error(Code::InputTooLarge, "",
                      "the input is " + std::to_string(text.size()) + " bytes; the limit is " +
                          std::to_string(limits.max_bytes));
    return false;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    diagnostics.error(Code::InputEmpty, "",
                      text.empty() ? "the input is empty" : "the input holds only whitespace");
    return false;
  }
  if (auto bad = find_invalid_utf8(text)) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02x",
                  static_cast<unsigned>(static_cast<unsigned char>(text[*bad])));
    error_at(diagnostics, Code::InputNotUtf8, "",
             "the input is not UTF-8: byte " + std::string(byte) + " at offset " +
                 std::to_string(*bad) + " does not start a valid sequence",
             position_at(text, *bad));
    return false;
  }
  if (text.starts_with("\xEF\xBB\xBF")) {
    error_at(diagnostics, Code::JsonSyntax, "", "a UTF-8 byte order mark starts the input", {1, 1});
    return false;
  }
  return true;
}

bool scan_ok(std::string_view text, const JsonScan& scan, const ReadLimits& limits,
             Diagnostics& diagnostics) {
  const SourcePosition at = position_at(text, scan.stop_offset);
  switch (scan.outcome) {
    case JsonScan::Outcome::Ok:
      return true;
    case JsonScan::Outcome::TooDeep:
      error_at(diagnostics, Code::NestingTooDeep, scan.stop_pointer,
               "arrays and objects nest deeper than " + std::to_string(limits.max_depth) + " levels",
               at);
      return false;
    case JsonScan::Outcome::TooManyValues:
      error_at(diagnostics, Code::InputTooLarge, scan.stop_pointer,
               "the input holds more than " + std::to_string(limits.max_values) + " values", at);
      return false;
    case JsonScan::Outcome::SyntaxError:
      break;
  }
  auto error = json_syntax_error(text);
  error_at(diagnostics, Code::JsonSyntax, "", error ? error->message : "syntax error", at);
  return false;
}

}  // namespace

Result<StrictJson> parse_strict_json(std::string_view text, const ReadLimits& limits) {
  Result<StrictJson> result;
  Diagnostics& diagnostics = result.diagnostics;
  if (!check_bytes(text, limits, diagnostics)) return result;
  JsonScan scan = scan_json(text, limits);
  if (!scan_ok(text, scan, limits, diagnostics)) return result;
  for (const DuplicateKeyFound& dup : scan.duplicates)
    error_at(diagnostics, Code::DuplicateKey, dup.pointer,
             "duplicate key \"" + dup.key + "\" (lines " + std::to_string(dup.first.line) + " and " +
                 std::to_string(dup.second.line) + "): parsers disagree on which one wins",
             dup.second);
  if (diagnostics.has_errors()) return result;
  StrictJson parsed;
  try {
    parsed.root = Json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    diagnostics.error(Code::JsonSyntax, "", e.what());
    return result;
  }
  if (!parsed.root.is_object()) {
    diagnostics.error(Code::NotAnObject, "",
                      std::string("the top level is ") + parsed.root.type_name() + ", not an object");
    return result;
  }
  parsed.numbers = std::move(scan.numbers);
  parsed.positions = std::move(scan.positions);
  result.value = std::move(parsed);
  return result;
}

void reject_unknown_keys(const Json& object, const std::string& pointer,
                         std::initializer_list<std::string_view> known, Diagnostics& diagnostics) {
  const std::vector<std::string_view> names(known);
  for (const auto& item : object.items()) {
    bool found = false;
    for (std::string_view name : names) found = found || name == item.key();
    if (found) continue;
    const std::string near = nearest_name(item.key(), names);
    diagnostics.error(Code::UnknownField, join_pointer(pointer, item.key()),
                      "unknown field \"" + item.key() + "\"",
                      near.empty() ? "" : "did you mean \"" + near + "\"?");
  }
}

}  // namespace scc
