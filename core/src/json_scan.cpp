#include "json_scan.hpp"

#include <cstdint>

#include <nlohmann/json.hpp>

#include "json_pointer.hpp"

namespace scc {
namespace {

class Scanner {
 public:
  Scanner(std::string_view text, const ReadLimits& limits, const ScanOptions& options)
      : text_(text), limits_(limits), options_(options) {}
  JsonScan run();

 private:
  struct Frame {
    bool object = false;
    std::size_t path_length = 0;  // path_ of the container itself
    std::size_t index = 0;        // current element of an array
    std::unordered_map<std::string, SourcePosition> keys;
  };
  enum class Next { Value, AfterValue, Done, Stop };

  Next value();
  Next after_value();
  Next open(bool object);
  Next member();  // a key, its ':', then a value follows
  bool string(std::string* decoded);
  bool escape(std::string* decoded);
  bool number();
  bool literal(std::string_view word);
  void skip_whitespace();
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool at_end() const { return pos_ >= text_.size(); }
  SourcePosition here() const { return {line_, pos_ - line_start_ + 1}; }
  Next stop(JsonScan::Outcome outcome);

  std::string_view text_;
  const ReadLimits& limits_;
  const ScanOptions& options_;
  std::optional<std::size_t> span_start_;  // while the value of options_.span_of is read
  std::size_t span_depth_ = 0;             // stack_.size() at its start
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t line_start_ = 0;
  std::string path_;
  std::vector<Frame> stack_;
  JsonScan result_;
};

JsonScan Scanner::run() {
  Next next = Next::Value;
  while (next == Next::Value || next == Next::AfterValue) {
    next = next == Next::Value ? value() : after_value();
    // Back at the depth it started at, after a value: that value has ended.
    if (span_start_ && next == Next::AfterValue && stack_.size() == span_depth_) {
      result_.span = TextSpan{*span_start_, pos_ - *span_start_};
      span_start_.reset();
    }
  }
  return std::move(result_);
}

Scanner::Next Scanner::stop(JsonScan::Outcome outcome) {
  result_.outcome = outcome;
  result_.stop_offset = pos_;
  result_.stop_pointer = path_;
  return Next::Stop;
}

void Scanner::skip_whitespace() {
  while (!at_end()) {
    const char c = text_[pos_];
    if (c == '\n') {
      line_start_ = pos_ + 1;
      ++line_;
    } else if (c != ' ' && c != '\t' && c != '\r') {
      return;
    }
    ++pos_;
  }
}

Scanner::Next Scanner::value() {
  skip_whitespace();
  if (++result_.values > limits_.max_values) return stop(JsonScan::Outcome::TooManyValues);
  if (options_.positions) result_.positions.set(path_, here());
  if (options_.span_of && !result_.span && !span_start_ && path_ == *options_.span_of) {
    span_start_ = pos_;
    span_depth_ = stack_.size();
  }
  const char c = peek();
  bool ok = false;
  if (c == '{' || c == '[') return open(c == '{');
  if (c == '"') {
    ok = string(nullptr);
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    ok = number();
  } else if (c == 't') {
    ok = literal("true");
  } else if (c == 'f') {
    ok = literal("false");
  } else if (c == 'n') {
    ok = literal("null");
  }
  return ok ? Next::AfterValue : stop(JsonScan::Outcome::SyntaxError);
}

Scanner::Next Scanner::open(bool object) {
  if (stack_.size() >= limits_.max_depth) return stop(JsonScan::Outcome::TooDeep);
  Frame frame;
  frame.object = object;
  frame.path_length = path_.size();
  stack_.push_back(std::move(frame));
  ++pos_;
  skip_whitespace();
  if (peek() == (object ? '}' : ']')) {
    ++pos_;
    stack_.pop_back();
    return Next::AfterValue;
  }
  if (object) return member();
  path_ += "/0";
  return Next::Value;
}

Scanner::Next Scanner::member() {
  skip_whitespace();
  if (peek() != '"') return stop(JsonScan::Outcome::SyntaxError);
  const SourcePosition key_position = here();
  std::string key;
  if (!string(&key)) return stop(JsonScan::Outcome::SyntaxError);
  skip_whitespace();
  if (peek() != ':') return stop(JsonScan::Outcome::SyntaxError);
  ++pos_;
  Frame& frame = stack_.back();
  path_.resize(frame.path_length);
  append_pointer_token(path_, key);
  auto [it, inserted] = frame.keys.emplace(key, key_position);
  if (!inserted) {
    result_.duplicates.push_back({key, path_, it->second, key_position});
    it->second = key_position;
  }
  return Next::Value;
}

Scanner::Next Scanner::after_value() {
  skip_whitespace();
  if (stack_.empty()) return at_end() ? Next::Done : stop(JsonScan::Outcome::SyntaxError);
  Frame& frame = stack_.back();
  path_.resize(frame.path_length);
  const char c = peek();
  if (c == ',') {
    ++pos_;
    if (frame.object) return member();
    path_.push_back('/');
    path_ += std::to_string(++frame.index);
    return Next::Value;
  }
  if (c == (frame.object ? '}' : ']')) {
    ++pos_;
    stack_.pop_back();
    return Next::AfterValue;
  }
  return stop(JsonScan::Outcome::SyntaxError);
}

void append_utf8(std::string& out, std::uint32_t cp) {
  auto byte = [&](std::uint32_t b) { out.push_back(static_cast<char>(b)); };
  if (cp < 0x80U) {
    byte(cp);
  } else if (cp < 0x800U) {
    byte(0xC0U | (cp >> 6U));
    byte(0x80U | (cp & 0x3FU));
  } else if (cp < 0x10000U) {
    byte(0xE0U | (cp >> 12U));
    byte(0x80U | ((cp >> 6U) & 0x3FU));
    byte(0x80U | (cp & 0x3FU));
  } else {
    byte(0xF0U | (cp >> 18U));
    byte(0x80U | ((cp >> 12U) & 0x3FU));
    byte(0x80U | ((cp >> 6U) & 0x3FU));
    byte(0x80U | (cp & 0x3FU));
  }
}

// Four hex digits at text[pos]; nullopt-like -1 when malformed.
long hex4(std::string_view text, std::size_t pos) {
  if (pos + 4 > text.size()) return -1;
  long value = 0;
  for (std::size_t i = pos; i < pos + 4; ++i) {
    const char c = text[i];
    long digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

// After the backslash. Decodes into `decoded` when given; surrogates must
// pair up, as nlohmann requires.
bool Scanner::escape(std::string* decoded) {
  const char c = peek();
  static constexpr std::string_view kSimple = "\"\\/bfnrt";
  static constexpr std::string_view kMeaning = "\"\\/\b\f\n\r\t";
  if (auto i = kSimple.find(c); i != std::string_view::npos && c != '\0') {
    if (decoded) decoded->push_back(kMeaning[i]);
    ++pos_;
    return true;
  }
  if (c != 'u') return false;
  long unit = hex4(text_, pos_ + 1);
  if (unit < 0 || (unit >= 0xDC00 && unit <= 0xDFFF)) return false;
  pos_ += 5;
  auto cp = static_cast<std::uint32_t>(unit);
  if (unit >= 0xD800 && unit <= 0xDBFF) {
    if (text_.substr(pos_, 2) != "\\u") return false;
    const long low = hex4(text_, pos_ + 2);
    if (low < 0xDC00 || low > 0xDFFF) return false;
    pos_ += 6;
    cp = 0x10000U + ((cp - 0xD800U) << 10U) + (static_cast<std::uint32_t>(low) - 0xDC00U);
  }
  if (decoded) append_utf8(*decoded, cp);
  return true;
}

bool Scanner::string(std::string* decoded) {
  ++pos_;  // the opening quote
  while (!at_end()) {
    const char c = text_[pos_];
    if (c == '"') {
      ++pos_;
      return true;
    }
    if (static_cast<unsigned char>(c) < 0x20U) return false;
    ++pos_;
    if (c == '\\') {
      if (!escape(decoded)) return false;
    } else if (decoded) {
      decoded->push_back(c);
    }
  }
  return false;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// RFC 8259 number grammar. Numbers that are not plain digits fitting in 64
// unsigned bits keep their literal, so the reader can quote "3.8e1" rather
// than nlohmann's re-rendering of it as a double.
bool Scanner::number() {
  const std::size_t start = pos_;
  bool exact = true;
  if (peek() == '-') {
    exact = false;
    ++pos_;
  }
  if (peek() == '0') {
    ++pos_;
  } else if (is_digit(peek())) {
    while (is_digit(peek())) ++pos_;
  } else {
    return false;
  }
  if (peek() == '.') {
    exact = false;
    ++pos_;
    if (!is_digit(peek())) return false;
    while (is_digit(peek())) ++pos_;
  }
  if (peek() == 'e' || peek() == 'E') {
    exact = false;
    ++pos_;
    if (peek() == '+' || peek() == '-') ++pos_;
    if (!is_digit(peek())) return false;
    while (is_digit(peek())) ++pos_;
  }
  const std::string_view literal = text_.substr(start, pos_ - start);
  static constexpr std::string_view kMax = "18446744073709551615";
  if (literal.size() > kMax.size() || (literal.size() == kMax.size() && literal > kMax))
    exact = false;
  if (!exact) result_.numbers[path_] = std::string(literal);
  return true;
}

bool Scanner::literal(std::string_view word) {
  if (text_.substr(pos_, word.size()) != word) return false;
  pos_ += word.size();
  return true;
}

// A SAX handler that accepts everything and remembers the error.
class SyntaxProbe : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::optional<JsonSyntaxError> error;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::json::exception& e) override {
    std::string message = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 6: syntax error ..."
    if (auto column = message.find("column "); column != std::string::npos)
      if (auto colon = message.find(": ", column); colon != std::string::npos)
        message.erase(0, colon + 2);
    error = JsonSyntaxError{std::move(message), position == 0 ? 0 : position - 1};
    return false;
  }
};

}  // namespace

std::optional<JsonSyntaxError> json_syntax_error(std::string_view text) {
  SyntaxProbe probe;
  nlohmann::json::sax_parse(text.begin(), text.end(), &probe);
  return probe.error;
}

JsonScan scan_json(std::string_view text, const ReadLimits& limits, const ScanOptions& options) {
  return Scanner(text, limits, options).run();
}

}  // namespace scc
