// The input limits of read_document (read.hpp ReadLimits, README "Input limits") at their
// default values: the largest input of each kind is accepted, one more is refused with its
// exact message and place.
#include <doctest/doctest.h>

#include <string>

#include "scc/oci_state.hpp"
#include "scc/read.hpp"

using namespace scc;

namespace {

const ReadLimits kLimits;

// `rules` rules of `names_per_rule` names each (name "n<rule>_<i>", padded to `length`
// bytes by the last rule's first name when length > 0).
std::string profile_with(std::size_t rules, std::size_t names_per_rule, std::size_t long_name = 0) {
  std::string out = R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[)";
  for (std::size_t r = 0; r < rules; ++r) {
    out += r ? ",{\"names\":[" : "{\"names\":[";
    for (std::size_t n = 0; n < names_per_rule; ++n) {
      std::string name = "n" + std::to_string(r) + "_" + std::to_string(n);
      if (long_name && r == 0 && n == 0) name = std::string(long_name, 'a');
      out += (n ? ",\"" : "\"") + name + "\"";
    }
    out += R"(],"action":"SCMP_ACT_ALLOW"})";
  }
  return out + "]}";
}

const Diagnostic* find(const Result<Document>& r, Code code) {
  for (const Diagnostic& d : r.diagnostics)
    if (d.code == code) return &d;
  return nullptr;
}

}  // namespace

TEST_CASE("limits: input size - 4 MiB read and one byte more refused before parsing") {
  std::string text = profile_with(1, 1);
  text.append(kLimits.max_bytes - text.size(), ' ');
  CHECK(read_document(text).ok());
  text += ' ';
  auto r = read_document(text);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics.items()[0].code == Code::InputTooLarge);
  CHECK(r.diagnostics.items()[0].pointer == "");
  CHECK(r.diagnostics.items()[0].message == "the input is 4194305 bytes; the limit is 4194304");
}

TEST_CASE("limits: nesting - 64 levels read and 65 refused at the innermost place") {
  auto nested = [](std::size_t levels) {  // the top object is level 1
    return R"({"defaultAction":"SCMP_ACT_ALLOW","x":)" + std::string(levels - 1, '[') +
           std::string(levels - 1, ']') + "}";
  };
  CHECK(find(read_document(nested(64)), Code::NestingTooDeep) == nullptr);
  auto r = read_document(nested(65));
  const Diagnostic* d = find(r, Code::NestingTooDeep);
  REQUIRE(d != nullptr);
  CHECK(d->message == "arrays and objects nest deeper than 64 levels");
  std::string pointer = "/x";
  for (int i = 0; i < 63; ++i) pointer += "/0";
  CHECK(d->pointer == pointer);
  CHECK(d->line == 1);
  CHECK(d->column == 39 + 63);
}

TEST_CASE("limits: values - 524288 read and one more refused where it starts") {
  auto with_values = [](std::size_t values) {  // object + defaultAction + array + zeros
    std::string out = R"({"defaultAction":"SCMP_ACT_ALLOW","x":[)";
    for (std::size_t i = 0; i + 3 < values; ++i) out += i ? ",0" : "0";
    return out + "]}";
  };
  CHECK(find(read_document(with_values(kLimits.max_values)), Code::InputTooLarge) == nullptr);
  auto r = read_document(with_values(kLimits.max_values + 1));
  const Diagnostic* d = find(r, Code::InputTooLarge);
  REQUIRE(d != nullptr);
  CHECK(d->message == "the input holds more than 524288 values");
  CHECK(d->pointer == "/x/524285");
}

TEST_CASE("limits: rules - 1024 read and 1025 refused at /syscalls") {
  CHECK(read_document(profile_with(kLimits.max_rules, 1)).ok());
  auto r = read_document(profile_with(kLimits.max_rules + 1, 1));
  const Diagnostic* d = find(r, Code::TooManyRules);
  REQUIRE(d != nullptr);
  CHECK(d->pointer == "/syscalls");
  CHECK(d->message == "1025 rules; the limit is 1024");
}

TEST_CASE("limits: names - 16384 over all rules read and 16385 refused at the name past the limit") {
  CHECK(read_document(profile_with(kLimits.max_rules, 16)).ok());
  std::string text = profile_with(kLimits.max_rules, 16);
  text.insert(text.find("\"n0_0\""), "\"extra\",");
  auto r = read_document(text);
  REQUIRE(r.diagnostics.size() == 1);
  const Diagnostic& d = r.diagnostics.items()[0];
  CHECK(d.code == Code::TooManyRules);
  CHECK(d.pointer == "/syscalls/1023/names/15");
  CHECK(d.message == "more than 16384 syscall names in the profile");
}

TEST_CASE("limits: a name - 64 bytes read and 65 refused at the name") {
  CHECK(read_document(profile_with(2, 2, kLimits.max_name_length)).ok());
  auto r = read_document(profile_with(2, 2, kLimits.max_name_length + 1));
  REQUIRE(r.diagnostics.size() == 1);
  const Diagnostic& d = r.diagnostics.items()[0];
  CHECK(d.code == Code::InputTooLarge);
  CHECK(d.pointer == "/syscalls/0/names/0");
  CHECK(d.message == "syscall name of 65 bytes; the limit is 64");
}

TEST_CASE("limits: hook stdin - 1 MiB read and one byte more refused") {
  std::string state = R"({"ociVersion":"1.0.2","id":"c1","status":"creating","bundle":"/run/c1"})";
  state.append(kMaxStateBytes - state.size(), ' ');
  CHECK(parse_oci_state(state).ok());
  state += ' ';
  auto r = parse_oci_state(state);
  REQUIRE_FALSE(r.value.has_value());
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics.items()[0].code == Code::InputTooLarge);
  CHECK(r.diagnostics.items()[0].message == "the input is 1048577 bytes; the limit is 1048576");
}
