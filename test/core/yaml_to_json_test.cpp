#include <doctest/doctest.h>

#include <string>

#include "yaml_to_json.hpp"

using namespace scc;

TEST_CASE("YAML scalars are typed by the YAML 1.2 core schema: quoted ones stay strings") {
  YamlStream s = yaml_to_json(
      "a: 1\nb: \"1\"\nc: true\nd: ~\ne:\nf: 0x10\ng: SCMP_ACT_ALLOW\nh: 18446744073709551615\n"
      "i: 'null'\n",
      {});
  REQUIRE(s.documents.size() == 1);
  const auto& v = s.documents[0].value;
  CHECK(v["a"].is_number_unsigned());
  CHECK(v["a"] == 1);
  CHECK(v["b"] == "1");
  CHECK(v["c"] == true);
  CHECK(v["d"].is_null());
  CHECK(v["e"].is_null());
  CHECK(v["f"] == 16);
  CHECK(v["g"] == "SCMP_ACT_ALLOW");
  CHECK(v["h"].get<std::uint64_t>() == 18446744073709551615ULL);
  CHECK(v["i"] == "null");
  CHECK(s.diagnostics.empty());
}

TEST_CASE("YAML numbers that are not exact unsigned integers keep their literal") {
  YamlStream s =
      yaml_to_json("a: -1\nb: 38.0\nc: 3.8e1\nd: 010\ne: 18446744073709551616\nf: 0o17\n", {});
  REQUIRE(s.documents.size() == 1);
  const auto& v = s.documents[0].value;
  for (const char* key : {"a", "b", "c", "d", "e", "f"}) {
    INFO(key);
    CHECK_FALSE(v[key].is_number_unsigned());
    CHECK(v[key].is_number());
  }
  CHECK(s.numbers.at("/a") == "-1");
  CHECK(s.numbers.at("/d") == "010");  // YAML 1.1 (Kubernetes) reads it as octal 8
  CHECK(s.numbers.at("/e") == "18446744073709551616");
}

TEST_CASE("YAML positions come from yaml-cpp's marks - 1-based") {
  YamlStream s = yaml_to_json("spec:\n  syscalls:\n  - names:\n    - read\n    - write\n", {});
  REQUIRE(s.documents.size() == 1);
  auto at = [&](const std::string& p) { return s.positions.find(p).value_or(SourcePosition{}); };
  CHECK(at("/spec/syscalls/0/names/1").line == 5);
  CHECK(at("/spec/syscalls/0/names/1").column == 7);
  CHECK(at("/spec/syscalls/0/names/0").line == 4);
}

TEST_CASE("a stream of several documents prefixes pointers with the document index") {
  YamlStream s = yaml_to_json("---\na: 1\n---\n---\nb:\n  - x\n", {});
  REQUIRE(s.documents.size() == 2);  // the empty one is skipped
  CHECK(s.documents[0].pointer == "/0");
  CHECK(s.documents[1].pointer == "/1");
  REQUIRE(s.positions.find("/1/b/0"));
  CHECK(s.positions.find("/1/b/0")->line == 6);
}

TEST_CASE("duplicate YAML keys are reported with their line") {
  YamlStream s = yaml_to_json("a: 1\nb: 2\na: 3\n", {});
  REQUIRE(s.diagnostics.size() == 1);
  const Diagnostic& d = s.diagnostics.items()[0];
  CHECK(d.code == Code::DuplicateKey);
  CHECK(d.pointer == "/a");
  CHECK(d.line == 3);
  CHECK(d.column == 1);
}

TEST_CASE("YAML syntax errors carry line and column") {
  YamlStream s = yaml_to_json("a: 1\n  b: 2\n", {});
  REQUIRE(s.diagnostics.size() == 1);
  CHECK(s.diagnostics.items()[0].code == Code::YamlSyntax);
  CHECK(s.diagnostics.items()[0].message == "YAML syntax error: illegal map value");
  CHECK(s.diagnostics.items()[0].line == 2);
  CHECK(s.diagnostics.items()[0].column == 4);
  CHECK(s.documents.empty());
}

TEST_CASE("a YAML mapping key that is not a scalar is type-mismatch") {
  YamlStream s = yaml_to_json("? [a, b]\n: 1\nc: 2\n", {});
  REQUIRE(s.diagnostics.size() == 1);
  CHECK(s.diagnostics.items()[0].code == Code::TypeMismatch);
  CHECK(s.diagnostics.items()[0].pointer == "");
  REQUIRE(s.documents.size() == 1);
  CHECK(s.documents[0].value["c"] == 2);
}

TEST_CASE("deep YAML is nesting-too-deep - from yaml-cpp's guard or from the limit") {
  std::string flow(100000, '[');
  YamlStream deep = yaml_to_json(flow, {});
  REQUIRE(deep.diagnostics.size() == 1);
  CHECK(deep.diagnostics.items()[0].code == Code::NestingTooDeep);
  CHECK(deep.documents.empty());

  ReadLimits limits;
  limits.max_depth = 3;
  YamlStream over = yaml_to_json("a:\n  b:\n    c:\n      d: 1\n", limits);
  REQUIRE(over.diagnostics.size() == 1);
  CHECK(over.diagnostics.items()[0].code == Code::NestingTooDeep);
  CHECK(over.diagnostics.items()[0].pointer == "/a/b/c");
  CHECK(yaml_to_json("a:\n  b:\n    c: 1\n", limits).diagnostics.empty());
}

TEST_CASE("aliases that expand past max_values are input-too-large") {
  // Each level doubles the tree: 2^20 leaves from a few hundred bytes.
  std::string text = "l0: &l0 [x, x]\n";
  for (int i = 1; i <= 20; ++i)
    text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [*l" + std::to_string(i - 1) +
            ", *l" + std::to_string(i - 1) + "]\n";
  YamlStream s = yaml_to_json(text, {});
  REQUIRE(s.diagnostics.size() == 1);
  CHECK(s.diagnostics.items()[0].code == Code::InputTooLarge);
  CHECK(s.documents.empty());
}

TEST_CASE("a control character YAML forbids is yaml-syntax at its place - yaml-cpp never sees it") {
  // Found by fuzz_read_document: on "\0,\0" yaml-cpp's LoadAll made empty documents until
  // memory ran out.
  YamlStream s = yaml_to_json(std::string("\0,\0", 3), {});
  CHECK(s.documents.empty());
  REQUIRE(s.diagnostics.size() == 1);
  const Diagnostic& d = s.diagnostics.items().front();
  CHECK(d.code == Code::YamlSyntax);
  CHECK(d.message == "YAML does not allow the control character 0x00 (at offset 0)");
  CHECK(d.line == 1);
  CHECK(d.column == 1);
  YamlStream del = yaml_to_json("kind: x\nspec:\n  a: b\x7f\n", {});
  REQUIRE(del.diagnostics.size() == 1);
  CHECK(del.diagnostics.items().front().message ==
        "YAML does not allow the control character 0x7f (at offset 20)");
  CHECK(del.diagnostics.items().front().line == 3);
  CHECK(del.diagnostics.items().front().column == 7);
  // Tab, LF and CR stay allowed.
  CHECK(yaml_to_json("a:\t1\r\nb: 2\n", {}).diagnostics.empty());
}

TEST_CASE("a stream yaml-cpp cannot get past is yaml-syntax at its place - not documents without end") {
  // Found by fuzz_read_document: on a text starting with ',' yaml-cpp's parser returned
  // the same document forever and LoadAll allocated until memory ran out.
  YamlStream s = yaml_to_json(",\"syscalls\":[{\"names\":[\"read\"]}]}", {});
  CHECK(s.documents.empty());
  REQUIRE(s.diagnostics.size() == 1);
  const Diagnostic& d = s.diagnostics.items().front();
  CHECK(d.code == Code::YamlSyntax);
  CHECK(d.message ==
        "YAML syntax error: the parser cannot get past ',' (a ',', ']' or '}' outside a flow collection?)");
  CHECK(d.line == 1);
  CHECK(d.column == 1);
  YamlStream later = yaml_to_json("kind: SeccompProfile\n---\n,\n", {});
  REQUIRE(later.diagnostics.size() == 1);
  CHECK(later.diagnostics.items().front().line == 3);
  // Several ordinary documents still read.
  CHECK(yaml_to_json("a: 1\n---\nb: 2\n---\nc: 3\n", {}).documents.size() == 3);
}
