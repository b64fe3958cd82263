#include <doctest/doctest.h>

#include <string>

#include "scc/oci_state.hpp"

using namespace scc;

namespace {

// A valid runc createRuntime state with one field replaced (or removed when
// `value` is empty).
std::string state_with(const std::string& key, const std::string& value) {
  std::string out = "{";
  const std::pair<const char*, const char*> fields[] = {
      {"ociVersion", "\"1.0.2-dev\""}, {"id", "\"c1\""},         {"status", "\"creating\""},
      {"pid", "4242"},                 {"bundle", "\"/run/b\""}, {"annotations", "{\"a\":\"b\"}"}};
  for (const auto& [k, v] : fields) {
    const std::string text = k == key ? value : v;
    if (text.empty()) continue;
    if (out.size() > 1) out += ",";
    out += "\"" + std::string(k) + "\":" + text;
  }
  return out + "}";
}

Diagnostic only_error(const Result<OciState>& r) {
  REQUIRE_FALSE(r.value.has_value());
  REQUIRE(r.diagnostics.count(Severity::Error) == 1);
  return r.diagnostics.items().front();
}

}  // namespace

TEST_CASE("a runc createRuntime state is read whole") {
  auto r = parse_oci_state(state_with("", ""));
  REQUIRE(r.ok());
  CHECK(r.value->oci_version == "1.0.2-dev");
  CHECK(r.value->id == "c1");
  CHECK(r.value->status == ContainerStatus::Creating);
  CHECK(r.value->pid == 4242);
  CHECK(r.value->bundle == "/run/b");
  CHECK(r.value->annotations == std::map<std::string, std::string>{{"a", "b"}});
}

TEST_CASE("crun's extra root field is allowed and pid and annotations are optional") {
  auto r = parse_oci_state(R"({"ociVersion":"1.0","id":"x","status":"stopped","bundle":"/b","root":"rootfs"})");
  REQUIRE(r.ok());
  CHECK_FALSE(r.value->pid.has_value());
  CHECK(r.value->annotations.empty());
  CHECK(r.value->status == ContainerStatus::Stopped);
}

TEST_CASE("every status name round-trips") {
  for (std::string_view name : container_status_names()) CHECK(to_string(*parse_container_status(name)) == name);
  CHECK_FALSE(parse_container_status("paused").has_value());
}

TEST_CASE("each missing required field is an error naming it") {
  for (const char* key : {"ociVersion", "id", "status", "bundle"}) {
    CAPTURE(key);
    const Diagnostic& d = only_error(parse_oci_state(state_with(key, "")));
    CHECK(d.code == Code::MissingField);
    CHECK(d.message == "missing field \"" + std::string(key) + "\"");
  }
}

TEST_CASE("bad ids are refused") {
  CHECK(only_error(parse_oci_state(state_with("id", "\"\""))).message == "id \"\" is empty");
  CHECK(only_error(parse_oci_state(state_with("id", "\"a/b\""))).message == "id \"a/b\" contains \"/\"");
  CHECK(only_error(parse_oci_state(state_with("id", "\"..\""))).message == "id \"..\" contains \"..\"");
  CHECK(only_error(parse_oci_state(state_with("id", "\"a\\u0000b\""))).message ==
        std::string("id \"a") + '\0' + "b\" contains a control character");
  CHECK(only_error(parse_oci_state(state_with("id", "\"" + std::string(1025, 'a') + "\""))).code == Code::BadValue);
  CHECK(only_error(parse_oci_state(state_with("id", "7"))).code == Code::TypeMismatch);
}

TEST_CASE("bad bundles are refused") {
  CHECK(only_error(parse_oci_state(state_with("bundle", "\"run/b\""))).message == "bundle \"run/b\" is not an absolute path");
  CHECK(only_error(parse_oci_state(state_with("bundle", "\"/run/../etc\""))).message ==
        "bundle \"/run/../etc\" has a \"..\" component");
  CHECK(only_error(parse_oci_state(state_with("bundle", "\"/run/./b\""))).message == "bundle \"/run/./b\" has a \".\" component");
  CHECK(only_error(parse_oci_state(state_with("bundle", "\"\""))).message == "bundle \"\" is not an absolute path");
}

TEST_CASE("bad status and pid and ociVersion and annotations are refused") {
  const Diagnostic& status = only_error(parse_oci_state(state_with("status", "\"paused\"")));
  CHECK(status.code == Code::BadValue);
  CHECK(status.pointer == "/status");
  CHECK(status.message == "unknown status \"paused\"; expected creating, created, running or stopped");
  CHECK(only_error(parse_oci_state(state_with("pid", "-1"))).code == Code::BadNumber);
  CHECK(only_error(parse_oci_state(state_with("pid", "\"42\""))).code == Code::TypeMismatch);
  CHECK(only_error(parse_oci_state(state_with("pid", "2147483648"))).message == "pid 2147483648 is out of range");
  CHECK(only_error(parse_oci_state(state_with("ociVersion", "\"\""))).message == "ociVersion \"\" is empty");
  const Diagnostic& annotation = only_error(parse_oci_state(state_with("annotations", "{\"a\":1}")));
  CHECK(annotation.code == Code::TypeMismatch);
  CHECK(annotation.pointer == "/annotations/a");
  CHECK(only_error(parse_oci_state(state_with("annotations", "[]"))).pointer == "/annotations");
}

TEST_CASE("duplicate keys and garbage and empty and oversized input are refused") {
  CHECK(only_error(parse_oci_state(R"({"id":"a","id":"b"})")).code == Code::DuplicateKey);
  CHECK(only_error(parse_oci_state("\x01\x02garbage")).code == Code::JsonSyntax);
  CHECK(only_error(parse_oci_state("")).code == Code::InputEmpty);
  CHECK(only_error(parse_oci_state(std::string(kMaxStateBytes + 1, ' '))).code == Code::InputTooLarge);
  CHECK(only_error(parse_oci_state("\xff")).code == Code::InputNotUtf8);
}
