#include <doctest/doctest.h>

#include "scc/names.hpp"

using namespace scc;

TEST_CASE("actions round-trip through their one table") {
  for (auto name : action_names()) {
    auto a = parse_action(name);
    REQUIRE(a);
    CHECK(to_string(*a) == name);
  }
  CHECK(parse_action("SCMP_ACT_ALLOW") == Action::Allow);
  CHECK_FALSE(parse_action("scmp_act_allow"));
  CHECK_FALSE(parse_action("SCMP_ACT_ALLOW "));
  CHECK_FALSE(parse_action("SCMP_ACT_ALLOWED"));
}

TEST_CASE("operators - flags and dialects round-trip") {
  for (auto name : operator_names()) CHECK(to_string(*parse_operator(name)) == name);
  for (auto name : flag_names()) CHECK(to_string(*parse_flag(name)) == name);
  for (auto name : dialect_names()) CHECK(to_string(*parse_dialect(name)) == name);
  CHECK_FALSE(parse_operator("SCMP_CMP_EQQ"));
  CHECK_FALSE(parse_flag("SECCOMP_FILTER_FLAG_NEW_LISTENER"));
}

TEST_CASE("arch names: SCMP_ARCH_x - short names - Docker native names") {
  for (auto name : arch_names()) CHECK(to_string(*parse_arch(name)) == name);
  CHECK(parse_arch("SCMP_ARCH_X86_65") == std::nullopt);
  CHECK(parse_arch("amd64") == std::nullopt);  // not valid in OCI architectures
  CHECK(parse_arch_flexible("amd64") == Arch::X86_64);
  CHECK(parse_arch_flexible("i386") == Arch::X86);
  CHECK(parse_arch_flexible("arm64") == Arch::Aarch64);
  CHECK(parse_arch_flexible("SCMP_ARCH_ARM") == Arch::Arm);
  CHECK(docker_native_name(Arch::X86_64) == "amd64");
  CHECK(docker_native_name(Arch::Aarch64) == "arm64");
  CHECK(parse_docker_native_name("x32") == Arch::X32);
  CHECK(short_name(Arch::Aarch64) == "aarch64");
}

TEST_CASE("errno names come from the C library") {
  CHECK(parse_errno("ENOSYS") == 38);
  CHECK(parse_errno("EPERM") == 1);
  CHECK_FALSE(parse_errno("ENOSUCH"));
  CHECK_FALSE(parse_errno(""));
  CHECK(errno_name(38) == "ENOSYS");
}
