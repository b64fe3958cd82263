#include <doctest/doctest.h>

#include <string>

#include "json_scan.hpp"

using namespace scc;

namespace {

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

std::string repeated(std::string_view piece, std::size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

}  // namespace

TEST_CASE("every value gets the line and column where it starts") {
  const std::string text =
      "{\n"
      "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
      "  \"syscalls\": [\n"
      "    {\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"}\n"
      "  ],\n"
      "  \"a/b~\": 1\n"
      "}\n";
  JsonScan scan = scan_json(text, {});
  REQUIRE(scan.outcome == JsonScan::Outcome::Ok);
  auto at = [&](const std::string& p) { return scan.positions.find(p).value_or(SourcePosition{}); };
  CHECK(at("").line == 1);
  CHECK(at("/defaultAction").line == 2);
  CHECK(at("/defaultAction").column == 20);
  CHECK(at("/syscalls").column == 15);
  CHECK(at("/syscalls/0").line == 4);
  CHECK(at("/syscalls/0").column == 5);
  CHECK(at("/syscalls/0/names/1").line == 4);
  CHECK(at("/syscalls/0/names/1").column == 24);
  CHECK(at("/syscalls/0/action").column == 44);
  CHECK(at("/a~1b~0").line == 6);
  CHECK(scan.values == 9);
}

TEST_CASE("the span of one value is recorded - an object - an array - a scalar - or none") {
  const std::string text = "{\"linux\": {\"seccomp\": {\"a\": [1, {\"b\": 2}]} , \"x\": \"s\\\"\"},\n \"e\": {}, \"n\": [ ]}";
  auto span_text = [&](const std::string& pointer) -> std::string {
    ScanOptions options;
    options.span_of = pointer;
    JsonScan scan = scan_json(text, {}, options);
    REQUIRE(scan.outcome == JsonScan::Outcome::Ok);
    if (!scan.span) return "(none)";
    return text.substr(scan.span->offset, scan.span->length);
  };
  CHECK(span_text("/linux/seccomp") == R"({"a": [1, {"b": 2}]})");
  CHECK(span_text("/linux/seccomp/a") == R"([1, {"b": 2}])");
  CHECK(span_text("/linux/seccomp/a/1/b") == "2");
  CHECK(span_text("/linux/x") == R"("s\"")");
  CHECK(span_text("/e") == "{}");
  CHECK(span_text("/n") == "[ ]");
  CHECK(span_text("") == text);
  CHECK(span_text("/linux/seccomp/c") == "(none)");
  CHECK(span_text("/linu") == "(none)");
}

TEST_CASE("positions are recorded only when asked") {
  ScanOptions options;
  options.positions = false;
  JsonScan scan = scan_json(R"({"a": [1, 2]})", {}, options);
  REQUIRE(scan.outcome == JsonScan::Outcome::Ok);
  CHECK_FALSE(scan.positions.find(""));
  CHECK_FALSE(scan.positions.find("/a/1"));
  CHECK(scan.values == 4);
  CHECK(scan_json(R"({"a": [1, 2]})", {}).positions.find("/a/1")->column == 11);
}

TEST_CASE("keys with escapes are decoded before they become pointer tokens") {
  JsonScan scan = scan_json(R"({"\u0041\/x": 1, "\ud83d\ude00": 2})", {});
  REQUIRE(scan.outcome == JsonScan::Outcome::Ok);
  CHECK(scan.positions.find("/A~1x"));
  CHECK(scan.positions.find("/\xF0\x9F\x98\x80"));
}

TEST_CASE("duplicate keys are found at any depth - with both positions") {
  JsonScan scan = scan_json("{\"a\": 1,\n \"b\": {\"c\": 1, \"c\": 2},\n \"a\": 3}", {});
  REQUIRE(scan.outcome == JsonScan::Outcome::Ok);
  REQUIRE(scan.duplicates.size() == 2);
  CHECK(scan.duplicates[0].pointer == "/b/c");
  CHECK(scan.duplicates[0].first.column == 8);
  CHECK(scan.duplicates[0].second.column == 16);
  CHECK(scan.duplicates[1].pointer == "/a");
  CHECK(scan.duplicates[1].first.line == 1);
  CHECK(scan.duplicates[1].second.line == 3);
}

TEST_CASE("numbers that are not exact u64 keep their literal") {
  JsonScan scan = scan_json(
      R"({"a": -1, "b": 38.0, "c": 3.8e1, "d": 18446744073709551616, "e": 18446744073709551615, "f": 0, "g": -0})",
      {});
  REQUIRE(scan.outcome == JsonScan::Outcome::Ok);
  CHECK(scan.numbers.at("/a") == "-1");
  CHECK(scan.numbers.at("/b") == "38.0");
  CHECK(scan.numbers.at("/c") == "3.8e1");
  CHECK(scan.numbers.at("/d") == "18446744073709551616");
  CHECK(scan.numbers.at("/g") == "-0");
  CHECK(scan.numbers.count("/e") == 0);
  CHECK(scan.numbers.count("/f") == 0);
}

TEST_CASE("10 000-deep arrays stop at max_depth without recursing") {
  ReadLimits limits;
  JsonScan scan = scan_json(nested_arrays(10000), limits);
  CHECK(scan.outcome == JsonScan::Outcome::TooDeep);
  CHECK(scan.stop_offset == limits.max_depth);
  CHECK(scan.stop_pointer == repeated("/0", limits.max_depth));
}

TEST_CASE("100 000-deep objects - unterminated - stop at max_depth") {
  ReadLimits limits;
  limits.max_depth = 32;
  JsonScan scan = scan_json(repeated("{\"k\":", 100000), limits);
  CHECK(scan.outcome == JsonScan::Outcome::TooDeep);
  CHECK(scan.stop_pointer == repeated("/k", 32));
}

TEST_CASE("exactly max_depth levels are accepted") {
  ReadLimits limits;
  limits.max_depth = 5;
  CHECK(scan_json(nested_arrays(5), limits).outcome == JsonScan::Outcome::Ok);
  CHECK(scan_json(nested_arrays(6), limits).outcome == JsonScan::Outcome::TooDeep);
}

TEST_CASE("more than max_values values stop the scan") {
  ReadLimits limits;
  limits.max_values = 10;
  CHECK(scan_json("[1,2,3,4,5,6,7,8,9]", limits).outcome == JsonScan::Outcome::Ok);  // 10 values
  JsonScan scan = scan_json("[1,2,3,4,5,6,7,8,9,10]", limits);
  CHECK(scan.outcome == JsonScan::Outcome::TooManyValues);
  CHECK(scan.stop_pointer == "/9");
}

TEST_CASE("the scan stops at the first syntax error - where it is") {
  auto stop = [](std::string_view text) {
    JsonScan scan = scan_json(text, {});
    CHECK(scan.outcome == JsonScan::Outcome::SyntaxError);
    return scan.stop_offset;
  };
  CHECK(stop(R"({"a": 1,})") == 8);         // trailing comma: '}' where a key belongs
  CHECK(stop(R"({"a" 1})") == 5);           // missing ':'
  CHECK(stop(R"({"a": 01})") == 7);         // leading zero: '1' after the number 0
  CHECK(stop(R"({"a": tru})") == 6);        // bad literal, reported at its start
  CHECK(stop("{\"a\": \"x\ty\"}") == 8);    // raw control character in a string
  CHECK(stop(R"({"a": "\x"})") == 8);       // bad escape
  CHECK(stop(R"({"a": "\ud800"})") == 13);  // high surrogate without its pair
  CHECK(stop("{} x") == 3);                 // trailing garbage
  CHECK(stop("{\"a\": 1") == 7);            // end of input
  CHECK(stop("// c\n{}") == 0);             // comments are not JSON
}

TEST_CASE("nlohmann words the syntax error: the offset is of the offending character") {
  auto error = json_syntax_error(R"({"a": 1,})");
  REQUIRE(error);
  CHECK(error->message ==
        "syntax error while parsing object key - unexpected '}'; expected string literal");
  CHECK(error->offset == 8);
  CHECK_FALSE(json_syntax_error(R"({"a": [1, 2]})"));
}
