#include <doctest/doctest.h>

#include "dialect_detect.hpp"
#include "read_expect.hpp"

using namespace scc;
using scc::test::dump;
using scc::test::only;
using scc::test::read_text;
using Json = nlohmann::ordered_json;

namespace {

constexpr const char* kDocker =
    R"({"defaultAction":"SCMP_ACT_ERRNO","archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86"]}],"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]})";
constexpr const char* kCommon =
    R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrno":"ENOSYS","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]})";
constexpr const char* kOci =
    R"({"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["read","write"],"action":"SCMP_ACT_ALLOW"}]})";
constexpr const char* kConfig =
    R"({"ociVersion":"1.0.2","process":{"args":["sh"]},"linux":{"namespaces":[],"seccomp":{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","write"],"action":"SCMP_ACT_ALLOW"}]}}})";
constexpr const char* kSpoJson =
    R"({"apiVersion":"security-profiles-operator.x-k8s.io/v1beta1","kind":"SeccompProfile","metadata":{"name":"demo"},"spec":{"defaultAction":"SCMP_ACT_LOG","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}})";
constexpr const char* kHooks =
    R"({"version":"1.0.0","hook":{"path":"/bin/true"},"when":{"always":true},"stages":["prestart"]})";

Dialect detected(const char* text) {
  auto r = read_text(text);
  INFO(dump(r.diagnostics));
  REQUIRE(r.value);
  CHECK(r.diagnostics.empty());
  return r.value->dialect;
}

}  // namespace

TEST_CASE("each dialect is detected from its keys") {
  CHECK(detected(kDocker) == Dialect::Docker);
  CHECK(detected(kCommon) == Dialect::ContainersCommon);
  CHECK(detected(kOci) == Dialect::Oci);
  CHECK(detected(kConfig) == Dialect::OciConfig);
  CHECK(detected(kSpoJson) == Dialect::Spo);
  CHECK(
      detected(
          R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"name":"read","action":"SCMP_ACT_LOG"}]})") ==
      Dialect::Docker);
  CHECK(
      detected(
          R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","errno":"EPERM"}]})") ==
      Dialect::ContainersCommon);
}

TEST_CASE("a forced dialect that fits is used") {
  auto docker = read_text(kOci, Dialect::Docker);  // OCI is a subset of Docker
  REQUIRE(docker.value);
  CHECK(docker.diagnostics.empty());
  CHECK(docker.value->dialect == Dialect::Docker);
  for (auto [text, dialect] : {std::pair{kDocker, Dialect::Docker},
                               {kCommon, Dialect::ContainersCommon},
                               {kOci, Dialect::Oci},
                               {kConfig, Dialect::OciConfig},
                               {kSpoJson, Dialect::Spo}}) {
    auto r = read_text(text, dialect);
    INFO(dump(r.diagnostics));
    REQUIRE(r.value);
    CHECK(r.diagnostics.empty());
    CHECK(r.value->dialect == dialect);
  }
  auto common = read_text(kDocker, Dialect::ContainersCommon);
  REQUIRE(common.value);
  CHECK(common.diagnostics.empty());
}

TEST_CASE("a forced dialect that does not fit is dialect-mismatch") {
  auto spo_as_docker = read_text(kSpoJson, Dialect::Docker);
  INFO(dump(spo_as_docker.diagnostics));
  CHECK_FALSE(spo_as_docker.value);
  REQUIRE(only(spo_as_docker.diagnostics, Code::DialectMismatch));
  CHECK(spo_as_docker.diagnostics.size() == 1);

  auto bare_as_config = read_text(kOci, Dialect::OciConfig);
  CHECK_FALSE(bare_as_config.value);
  REQUIRE(only(bare_as_config.diagnostics, Code::DialectMismatch));

  auto bare_as_spo = read_text(kOci, Dialect::Spo);
  REQUIRE(only(bare_as_spo.diagnostics, Code::DialectMismatch));

  auto config_as_oci = read_text(kConfig, Dialect::Oci);
  REQUIRE(only(config_as_oci.diagnostics, Code::DialectMismatch));

  // Docker keys in a forced OCI read: each one at its pointer.
  auto docker_as_oci = read_text(kDocker, Dialect::Oci);
  INFO(dump(docker_as_oci.diagnostics));
  const Diagnostic* d = only(docker_as_oci.diagnostics, Code::DialectMismatch);
  REQUIRE(d);
  CHECK(d->pointer == "/archMap");
  CHECK(d->severity == Severity::Error);

  auto common_as_docker = read_text(kCommon, Dialect::Docker);
  d = only(common_as_docker.diagnostics, Code::DialectMismatch);
  REQUIRE(d);
  CHECK(d->pointer == "/defaultErrno");

  auto hooks_as_docker = read_text(kHooks, Dialect::Docker);
  d = only(hooks_as_docker.diagnostics, Code::DialectMismatch);
  REQUIRE(d);
  CHECK(d->message == "the input was declared docker but it is an OCI hooks.d file");
}

TEST_CASE("a hooks.d file is not a profile") {
  auto r = read_text(kHooks);
  CHECK_FALSE(r.value);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics.items()[0].code == Code::NotAProfile);
  CHECK(r.diagnostics.items()[0].message == "an OCI hooks.d file, not a seccomp profile");
}

TEST_CASE("a config.json without linux.seccomp is not a profile - and says so") {
  auto r = read_text(R"({"ociVersion":"1.0.2","linux":{"namespaces":[]}})");
  CHECK_FALSE(r.value);
  const Diagnostic* d = only(r.diagnostics, Code::NotAProfile);
  REQUIRE(d);
  CHECK(d->message.find("without linux.seccomp") != std::string::npos);
  CHECK(r.diagnostics.size() == 1);

  auto bad = read_text(R"({"ociVersion":"1.0.2","linux":{"seccomp":[]}})");
  d = only(bad.diagnostics, Code::TypeMismatch);
  REQUIRE(d);
  CHECK(d->pointer == "/linux/seccomp");
}

TEST_CASE("other Kubernetes objects and unrelated objects are not profiles") {
  auto pod = read_text(R"({"apiVersion":"v1","kind":"Pod","spec":{}})");
  const Diagnostic* d = only(pod.diagnostics, Code::NotAProfile);
  REQUIRE(d);
  CHECK(d->message ==
        R"(a Kubernetes object of kind "Pod" (apiVersion "v1"), not a seccomp profile)");
  auto other = read_text(R"({"foo": 1})");
  REQUIRE(only(other.diagnostics, Code::NotAProfile));
}

TEST_CASE("an SPO object without spec is missing-field") {
  auto r = read_text(
      R"({"apiVersion":"security-profiles-operator.x-k8s.io/v1","kind":"SeccompProfile","metadata":{"name":"x"}})");
  const Diagnostic* d = only(r.diagnostics, Code::MissingField);
  REQUIRE(d);
  CHECK(d->pointer == "");
  CHECK_FALSE(r.value);
}

TEST_CASE("classify_document reads shapes from keys alone") {
  CHECK(classify_document(Json::parse(kHooks)) == DocumentShape::HooksD);
  CHECK(classify_document(Json::parse(kConfig)) == DocumentShape::OciConfig);
  CHECK(classify_document(Json::parse(kSpoJson)) == DocumentShape::Spo);
  CHECK(classify_document(Json::parse("{}")) == DocumentShape::Profile);
  CHECK(classify_document(Json::parse(R"({"DefaultAction":"x"})")) == DocumentShape::Profile);
  CHECK(classify_document(Json::parse(R"({"x":1})")) == DocumentShape::Unrecognised);
}
