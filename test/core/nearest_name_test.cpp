#include <doctest/doctest.h>

#include <array>

#include "nearest_name.hpp"

using namespace scc;

namespace {
constexpr std::array<std::string_view, 3> kWords{"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO",
                                                 "SCMP_ACT_LOG"};
}

TEST_CASE("nearest_name suggests close spellings and ignores case") {
  CHECK(nearest_name("SCMP_ACT_ALLOWED", kWords) == "SCMP_ACT_ALLOW");
  CHECK(nearest_name("scmp_act_allow", kWords) == "SCMP_ACT_ALLOW");
  CHECK(nearest_name("SCMP_ACT_ERNO", kWords) == "SCMP_ACT_ERRNO");
}

TEST_CASE("nearest_name stays silent when nothing is close") {
  CHECK(nearest_name("xyz", kWords) == "");
  CHECK(nearest_name("", kWords) == "");
  CHECK(nearest_name(std::string(500, 'A'), kWords) == "");
}

TEST_CASE("equal_ignoring_case compares ASCII letters only") {
  CHECK(equal_ignoring_case("DefaultAction", "defaultAction"));
  CHECK_FALSE(equal_ignoring_case("defaultActions", "defaultAction"));
}
