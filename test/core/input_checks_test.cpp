#include <doctest/doctest.h>

#include <string>

#include "input_checks.hpp"
#include "json_scan.hpp"

using namespace scc;

namespace {
ReadLimits limits(std::size_t max_bytes) {
  ReadLimits l;
  l.max_bytes = max_bytes;
  return l;
}
}  // namespace

TEST_CASE("check_input_text stops at the size limit before looking at the bytes") {
  Diagnostics d;
  CHECK_FALSE(check_input_text(std::string(11, '\xff'), limits(10), d));
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == Code::InputTooLarge);
  CHECK(d.items()[0].message == "the input is 11 bytes; the limit is 10");
}

TEST_CASE("check_input_text names empty and whitespace-only input") {
  Diagnostics empty, blank;
  CHECK_FALSE(check_input_text("", limits(10), empty));
  CHECK_FALSE(check_input_text(" \t\r\n", limits(10), blank));
  REQUIRE(empty.items().size() == 1);
  REQUIRE(blank.items().size() == 1);
  CHECK(empty.items()[0].message == "the input is empty");
  CHECK(blank.items()[0].code == Code::InputEmpty);
  CHECK(blank.items()[0].message == "the input holds only whitespace");
}

TEST_CASE("check_input_text points at the first byte that is not UTF-8") {
  Diagnostics d;
  CHECK_FALSE(check_input_text("{\n  \"a\": \"\xc0\"}", limits(100), d));
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == Code::InputNotUtf8);
  CHECK(d.items()[0].message == "the input is not UTF-8: byte 0xc0 at offset 10 does not start a valid sequence");
  CHECK(d.items()[0].line == 2);
  CHECK(d.items()[0].column == 9);
  Diagnostics ok;
  CHECK(check_input_text("{\"a\": \"\xc3\xa9\"}", limits(100), ok));
  CHECK(ok.items().empty());
}

TEST_CASE("check_json_scan reports depth at the scan's stop position") {
  ReadLimits l;
  l.max_depth = 2;
  const std::string text = "{\"a\": {\"b\": [1]}}";
  Diagnostics d;
  CHECK_FALSE(check_json_scan(text, scan_json(text, l), l, d));
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == Code::NestingTooDeep);
  CHECK(d.items()[0].message == "arrays and objects nest deeper than 2 levels");
  CHECK(d.items()[0].pointer == "/a/b");
}
