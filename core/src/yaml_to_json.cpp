#include "yaml_to_json.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <unordered_map>

#include "json_pointer.hpp"
#include "text_position.hpp"

namespace scc {
namespace {

using Json = nlohmann::ordered_json;

SourcePosition position_of(const YAML::Mark& mark) {
  if (mark.line < 0 || mark.column < 0) return {};
  return {static_cast<std::size_t>(mark.line) + 1, static_cast<std::size_t>(mark.column) + 1};
}

bool all_of(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s)
    if (!pred(c)) return false;
  return true;
}
bool is_dec(char c) { return c >= '0' && c <= '9'; }
bool is_oct(char c) { return c >= '0' && c <= '7'; }
bool is_hex(char c) { return is_dec(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::optional<std::uint64_t> parse_u64(std::string_view digits, int base) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

// YAML 1.2 core-schema float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
// and the .inf / .nan spellings.
bool is_yaml_float(std::string_view s) {
  for (std::string_view special : {".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"})
    if (s == special ||
        (s.size() == special.size() + 1 && (s[0] == '-' || s[0] == '+') && s.substr(1) == special))
      return true;
  std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  std::size_t digits = 0;
  while (i < s.size() && is_dec(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_dec(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (!all_of(s.substr(i), is_dec)) return false;
    i = s.size();
  }
  return i == s.size();
}

class Converter {
 public:
  Converter(const ReadLimits& limits, YamlStream& out) : limits_(limits), out_(out) {}
  bool stopped() const { return stopped_; }
  Json convert(const YAML::Node& node, std::string& path, std::size_t depth);

 private:
  Json scalar(const YAML::Node& node, const std::string& path);
  Json plain(const std::string& text, const std::string& path);
  Json number_literal(const std::string& text, const std::string& path);
  Json sequence(const YAML::Node& node, std::string& path, std::size_t depth);
  Json mapping(const YAML::Node& node, std::string& path, std::size_t depth);
  Json stop(Code code, const std::string& path, std::string message);

  const ReadLimits& limits_;
  YamlStream& out_;
  std::size_t values_ = 0;
  bool stopped_ = false;
};

Json Converter::stop(Code code, const std::string& path, std::string message) {
  out_.diagnostics.error(code, path, std::move(message));
  stopped_ = true;
  return nullptr;
}

Json Converter::convert(const YAML::Node& node, std::string& path, std::size_t depth) {
  if (stopped_) return nullptr;
  // Aliases share nodes, so a small stream can expand into a huge tree
  // ("billion laughs"); the value budget counts the expansion.
  if (++values_ > limits_.max_values)
    return stop(Code::InputTooLarge, path,
                "the YAML holds more than " + std::to_string(limits_.max_values) +
                    " values (counting each use of an alias)");
  out_.positions.set(path, position_of(node.Mark()));
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return scalar(node, path);
    case YAML::NodeType::Sequence:
    case YAML::NodeType::Map:
      if (depth >= limits_.max_depth)
        return stop(Code::NestingTooDeep, path,
                    "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
      return node.IsMap() ? mapping(node, path, depth + 1) : sequence(node, path, depth + 1);
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return nullptr;
}

Json Converter::sequence(const YAML::Node& node, std::string& path, std::size_t depth) {
  Json array = Json::array();
  const std::size_t length = path.size();
  std::size_t index = 0;
  for (const YAML::Node& item : node) {
    path.resize(length);
    path += "/" + std::to_string(index++);
    array.push_back(convert(item, path, depth));
    if (stopped_) break;
  }
  path.resize(length);
  return array;
}

Json Converter::mapping(const YAML::Node& node, std::string& path, std::size_t depth) {
  Json object = Json::object();
  const std::size_t length = path.size();
  std::unordered_map<std::string, SourcePosition> seen;
  for (auto it = node.begin(); it != node.end() && !stopped_; ++it) {
    path.resize(length);
    if (!it->first.IsScalar()) {
      out_.diagnostics.error(Code::TypeMismatch, path, "a mapping key is not a plain string");
      continue;
    }
    const std::string key = it->first.Scalar();
    append_pointer_token(path, key);
    const SourcePosition at = position_of(it->first.Mark());
    auto [previous, inserted] = seen.emplace(key, at);
    if (!inserted) {
      Diagnostic d;
      d.code = Code::DuplicateKey;
      d.pointer = path;
      d.message = "duplicate key \"" + key + "\" at " + path + " (line " +
                  std::to_string(previous->second.line) + ") and " + path + " (line " +
                  std::to_string(at.line) + "); parsers disagree on which one wins";
      d.line = at.line;
      d.column = at.column;
      out_.diagnostics.add(std::move(d));
      previous->second = at;
    }
    object[key] = convert(it->second, path, depth);
  }
  path.resize(length);
  return object;
}

Json Converter::scalar(const YAML::Node& node, const std::string& path) {
  const std::string& tag = node.Tag();
  const std::string& text = node.Scalar();
  // "!" marks a quoted scalar; "?" a plain one whose type comes from its text.
  if (tag == "?" || tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
      tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null")
    return plain(text, path);
  return text;
}

Json Converter::plain(const std::string& text, const std::string& path) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
    return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  std::string_view digits = text;
  if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
  // Plain decimals (no leading zero: YAML 1.1, which Kubernetes uses, reads
  // "010" as octal 8) and 0x hex are exact integers both YAML versions agree on.
  if (all_of(digits, is_dec) && (digits.size() == 1 || digits[0] != '0'))
    if (auto value = parse_u64(digits, 10)) return *value;
  if (text.size() > 2 && text[0] == '0' && text[1] == 'x' && all_of(text.substr(2), is_hex))
    if (auto value = parse_u64(std::string_view(text).substr(2), 16)) return *value;
  const std::string_view rest = text.size() > 2 ? std::string_view(text).substr(2) : "";
  const bool integer_like = all_of(digits, is_dec) ||
                            (text[0] == '-' && all_of(std::string_view(text).substr(1), is_dec)) ||
                            (text.starts_with("0x") && all_of(rest, is_hex)) ||
                            (text.starts_with("0o") && all_of(rest, is_oct));
  if (integer_like || is_yaml_float(text)) return number_literal(text, path);
  return text;
}

// A number the reader must reject by its literal: kept as a double (or a
// negative integer) so that no reader mistakes it for an exact unsigned one.
Json Converter::number_literal(const std::string& text, const std::string& path) {
  out_.numbers[path] = text;
  std::int64_t negative = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), negative);
  if (ec == std::errc() && end == text.data() + text.size() && negative < 0) return negative;
  return std::strtod(text.c_str(), nullptr);
}

void convert_documents(const std::vector<YAML::Node>& nodes, const ReadLimits& limits,
                       YamlStream& out) {
  std::size_t non_empty = 0;
  for (const YAML::Node& node : nodes)
    if (!node.IsNull()) ++non_empty;
  Converter converter(limits, out);
  std::size_t index = 0;
  for (const YAML::Node& node : nodes) {
    if (node.IsNull()) continue;
    YamlDocument document;
    document.pointer = non_empty > 1 ? "/" + std::to_string(index) : "";
    ++index;
    std::string path = document.pointer;
    document.value = converter.convert(node, path, 0);
    if (converter.stopped()) {
      out.documents.clear();
      return;
    }
    out.documents.push_back(std::move(document));
  }
}

void syntax_error(YamlStream& out, Code code, const YAML::Mark& mark, std::string message) {
  Diagnostic d;
  d.code = code;
  d.message = std::move(message);
  const SourcePosition at = position_of(mark);
  d.line = at.line;
  d.column = at.column;
  out.diagnostics.add(std::move(d));
}

// The offset of the first byte YAML does not allow anywhere (YAML 1.2 c-printable:
// C0 controls but tab, LF and CR; DEL). yaml-cpp must never see one: on a NUL
// its LoadAll produces empty documents without end (found by fuzzing).
std::optional<std::size_t> find_forbidden_control(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return i;
  }
  return std::nullopt;
}

// Sees only where each document starts. yaml-cpp's parser can return the same document
// without end and never consume input (a stray ',' at the top, found by fuzzing); LoadAll
// then allocates until memory runs out.
class DocumentStarts : public YAML::EventHandler {
 public:
  YAML::Mark start;
  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Where the parser stops advancing, if it does: a document starting where the previous one
// started, or more documents than bytes. Syntax errors are left to LoadAll to report.
std::optional<YAML::Mark> stalled_at(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  std::size_t documents = 0;
  int previous = -1;
  try {
    while (parser.HandleNextDocument(starts)) {
      if (starts.start.pos == previous || ++documents > text.size() + 1) return starts.start;
      previous = starts.start.pos;
    }
  } catch (const YAML::Exception&) {
  }
  return std::nullopt;
}

}  // namespace

YamlStream yaml_to_json(std::string_view text, const ReadLimits& limits) {
  YamlStream out;
  if (const auto bad = find_forbidden_control(text)) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02x", static_cast<unsigned>(static_cast<unsigned char>(text[*bad])));
    Diagnostic d;
    d.code = Code::YamlSyntax;
    d.message = "YAML does not allow the control character " + std::string(byte) + " (at offset " +
                std::to_string(*bad) + ")";
    const SourcePosition at = position_at(text, *bad);
    d.line = at.line;
    d.column = at.column;
    out.diagnostics.add(std::move(d));
    return out;
  }
  const std::string copy(text);
  if (const auto stall = stalled_at(copy)) {
    const auto pos = static_cast<std::size_t>(stall->pos < 0 ? 0 : stall->pos);
    const char c = pos < copy.size() ? copy[pos] : ' ';
    syntax_error(out, Code::YamlSyntax, *stall,
                 std::string("YAML syntax error: the parser cannot get past ") +
                     (c > ' ' && c < 0x7f ? "'" + std::string(1, c) + "'" : "this point") +
                     " (a ',', ']' or '}' outside a flow collection?)");
    return out;
  }
  std::vector<YAML::Node> nodes;
  try {
    nodes = YAML::LoadAll(copy);
  } catch (const YAML::DeepRecursion& e) {
    syntax_error(out, Code::NestingTooDeep, e.mark,
                 "YAML nesting deeper than " + std::to_string(limits.max_depth) + " levels");
    return out;
  } catch (const YAML::ParserException& e) {
    syntax_error(out, Code::YamlSyntax, e.mark, "YAML syntax error: " + e.msg);
    return out;
  } catch (const YAML::Exception& e) {
    syntax_error(out, Code::YamlSyntax, e.mark, "YAML error: " + e.msg);
    return out;
  }
  try {
    convert_documents(nodes, limits, out);
  } catch (const YAML::Exception& e) {
    out.documents.clear();
    syntax_error(out, Code::YamlSyntax, e.mark, "YAML error: " + e.msg);
  }
  return out;
}

}  // namespace scc
