#include "input_checks.hpp"

#include <cstdio>

#include "text_position.hpp"
#include "utf8.hpp"

namespace scc {

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

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

bool check_input_text(std::string_view text, const ReadLimits& limits, Diagnostics& diagnostics) {
  if (text.size() > limits.max_bytes) {
    diagnostics.error(Code::InputTooLarge, "",
                      "the input is " + std::to_string(text.size()) + " bytes; the limit is " +
                          std::to_string(limits.max_bytes));
    return false;
  }
  if (is_blank(text)) {
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
  return true;
}

bool check_json_scan(std::string_view text, const JsonScan& scan, const ReadLimits& limits,
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
  // nlohmann's words; the scan's position, which is the start of the
  // offending token where nlohmann names the end of it.
  auto error = json_syntax_error(text);
  error_at(diagnostics, Code::JsonSyntax, "", error ? error->message : "syntax error", at);
  return false;
}

}  // namespace scc
