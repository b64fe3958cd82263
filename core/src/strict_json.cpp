#include "strict_json.hpp"

#include <vector>

#include "input_checks.hpp"
#include "json_pointer.hpp"
#include "nearest_name.hpp"

namespace scc {
namespace {

using Json = nlohmann::ordered_json;

// A byte order mark: Go's encoding/json rejects it, so the hook does too.
bool check_no_bom(std::string_view text, Diagnostics& diagnostics) {
  if (!text.starts_with("\xEF\xBB\xBF")) return true;
  error_at(diagnostics, Code::JsonSyntax, "", "a UTF-8 byte order mark starts the input", {1, 1});
  return false;
}

}  // namespace

Result<StrictJson> parse_strict_json(std::string_view text, const ReadLimits& limits,
                                     const StrictJsonOptions& options) {
  Result<StrictJson> result;
  Diagnostics& diagnostics = result.diagnostics;
  if (!check_input_text(text, limits, diagnostics) || !check_no_bom(text, diagnostics)) return result;
  JsonScan scan = scan_json(text, limits, ScanOptions{options.positions, options.capture});
  if (!check_json_scan(text, scan, limits, diagnostics)) return result;
  for (const DuplicateKeyFound& dup : scan.duplicates)
    error_at(diagnostics, Code::DuplicateKey, dup.pointer,
             "duplicate key \"" + dup.key + "\" (lines " + std::to_string(dup.first.line) + " and " +
                 std::to_string(dup.second.line) + "): parsers disagree on which one wins",
             dup.second);
  if (diagnostics.has_errors()) return result;
  StrictJson parsed;
  std::string shaped;  // the text with the captured container emptied
  std::string_view parse_text = text;
  if (scan.span) {
    parsed.captured = std::string(text.substr(scan.span->offset, scan.span->length));
    const char open = parsed.captured->front();
    if (options.elide && (open == '{' || open == '[')) {
      shaped.reserve(text.size() - scan.span->length + 2);
      shaped.append(text.substr(0, scan.span->offset));
      shaped.append(open == '{' ? "{}" : "[]");
      shaped.append(text.substr(scan.span->offset + scan.span->length));
      parse_text = shaped;
      // Numbers inside it are not in root either.
      const std::string& at = *options.capture;
      std::erase_if(scan.numbers, [&](const auto& item) {
        return item.first.starts_with(at) && (item.first.size() == at.size() || item.first[at.size()] == '/');
      });
    }
  }
  try {
    parsed.root = Json::parse(parse_text);
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
