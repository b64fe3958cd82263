// read_document: text in any supported dialect -> Document. The order of the
// steps is what keeps bad input cheap: size first (nothing else is looked at
// past the limit), then emptiness and UTF-8, then a non-recursive scan that
// bounds depth and value count, and only then a parser that builds values.
#include "scc/read.hpp"

#include <nlohmann/json.hpp>

#include "dialect_detect.hpp"
#include "input_checks.hpp"
#include "json_scan.hpp"
#include "profile_reader.hpp"
#include "scc/names.hpp"
#include "yaml_to_json.hpp"

namespace scc {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// JSON when the first meaningful character opens a JSON container (or a
// comment, which JSON does not allow and nlohmann will say so); YAML otherwise.
bool looks_like_json(std::string_view text) {
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos &&
         (text[first] == '{' || text[first] == '[' || text[first] == '/');
}

struct Reader {
  const ReadOptions& options;
  Diagnostics& diagnostics;
  Document document;

  void read_root(const Json& root, const std::string& document_pointer,
                 const NumberLiterals& numbers);
  void read_json(std::string_view text);
  void read_yaml(std::string_view text);
  void number_overflow(const std::string& what, JsonScan& scan);
};

void Reader::read_root(const Json& root, const std::string& document_pointer,
                       const NumberLiterals& numbers) {
  DialectDetection detection = detect_dialect(root, document_pointer, options.dialect);
  diagnostics.append(detection.diagnostics);
  if (!detection.profile) return;
  Profile profile = read_profile(*detection.profile, detection.profile_pointer, *detection.dialect,
                                 options.limits, numbers, diagnostics);
  if (profile.dialect == Dialect::Spo) {
    FieldContext ctx{diagnostics, numbers};
    profile.name = read_spo_envelope(root, document_pointer, ctx);
  }
  document.profiles.push_back(std::move(profile));
}

// nlohmann refuses a number beyond a double's range ("1e400") as a whole-
// document error; the scan kept the literal, which names its place.
void Reader::number_overflow(const std::string& what, JsonScan& scan) {
  std::string pointer;
  std::string literal;
  for (const auto& [p, l] : scan.numbers) {
    if (what.find("'" + l + "'") == std::string::npos) continue;
    pointer = p;
    literal = l;
    break;
  }
  diagnostics.error(Code::BadNumber, pointer,
                    "number " + literal +
                        " is beyond the range of a double, not an exact integer in [0, "
                        "18446744073709551615]");
  document.positions = std::move(scan.positions);
}

void Reader::read_json(std::string_view text) {
  if (text.starts_with(kBom)) {
    error_at(diagnostics, Code::JsonSyntax, "",
             "a UTF-8 byte order mark starts the input; docker, podman and runc (Go's "
             "encoding/json) reject it",
             {1, 1});
    return;
  }
  JsonScan scan = scan_json(text, options.limits);
  if (!check_json_scan(text, scan, options.limits, diagnostics)) return;
  Json root;
  try {
    root = Json::parse(text);
  } catch (const nlohmann::json::out_of_range& e) {
    number_overflow(e.what(), scan);
    return;
  } catch (const nlohmann::json::exception& e) {
    diagnostics.error(Code::JsonSyntax, "", e.what());
    return;
  }
  for (const DuplicateKeyFound& dup : scan.duplicates)
    error_at(diagnostics, Code::DuplicateKey, dup.pointer,
             "duplicate key \"" + dup.key + "\": " + dup.pointer + " at line " +
                 std::to_string(dup.first.line) + " and " + dup.pointer + " at line " +
                 std::to_string(dup.second.line) +
                 "; parsers disagree on which one wins (Go keeps the last)",
             dup.second);
  document.positions = std::move(scan.positions);
  if (!root.is_object()) {
    diagnostics.error(Code::NotAnObject, "",
                      std::string("the top level is ") +
                          (root.is_array() ? "an array" : "a " + std::string(root.type_name())) +
                          ", not an object");
    return;
  }
  read_root(root, "", scan.numbers);
}

void Reader::read_yaml(std::string_view text) {
  YamlStream stream = yaml_to_json(text, options.limits);
  diagnostics.append(stream.diagnostics);
  document.positions = std::move(stream.positions);
  if (stream.documents.empty()) {
    if (!diagnostics.has_errors())
      diagnostics.error(Code::InputEmpty, "", "the YAML stream holds no document");
    return;
  }
  if (options.dialect && *options.dialect != Dialect::Spo) {
    diagnostics.error(Code::DialectMismatch, "",
                      "YAML input is read only as Security Profiles Operator SeccompProfile "
                      "objects, not as " +
                          std::string(to_string(*options.dialect)));
    return;
  }
  const bool stream_of_several = stream.documents.size() > 1;
  for (const YamlDocument& doc : stream.documents) {
    if (!doc.value.is_object()) {
      diagnostics.error(
          Code::NotAnObject, doc.pointer,
          "the document is " + std::string(doc.value.type_name()) + ", not an object");
      continue;
    }
    const DocumentShape shape = classify_document(doc.value);
    if (shape == DocumentShape::Spo) {
      read_root(doc.value, doc.pointer, stream.numbers);
    } else if (shape == DocumentShape::OtherKubernetesObject && stream_of_several) {
      diagnostics.warning(Code::NotAProfile, doc.pointer,
                          describe_document(doc.value) +
                              " is skipped: only SeccompProfile "
                              "objects are read from a YAML stream");
    } else {
      diagnostics.error(
          options.dialect ? Code::DialectMismatch : Code::NotAProfile, doc.pointer,
          describe_document(doc.value) +
              ", not a SeccompProfile; YAML is read "
              "only as Security Profiles Operator objects (write other profiles as JSON)");
    }
  }
  if (document.profiles.empty() && !diagnostics.has_errors())
    diagnostics.error(Code::NotAProfile, "", "the YAML stream holds no SeccompProfile");
}

}  // namespace

Result<Document> read_document(std::string_view text, const ReadOptions& options) {
  Result<Document> result;
  if (!check_input_text(text, options.limits, result.diagnostics)) return result;
  Reader reader{options, result.diagnostics, {}};
  if (looks_like_json(text))
    reader.read_json(text);
  else
    reader.read_yaml(text);
  reader.document.positions.locate(result.diagnostics);
  if (reader.document.profiles.empty()) return result;
  reader.document.dialect = reader.document.profiles.front().dialect;
  result.value = std::move(reader.document);
  return result;
}

}  // namespace scc
