#include <doctest/doctest.h>
#include <sys/utsname.h>

#include "scc/kernel_version.hpp"

using namespace scc;

namespace {
KernelVersion kv(unsigned major, unsigned minor) { return KernelVersion{major, minor}; }
}  // namespace

TEST_CASE("parse_min_kernel accepts exactly two decimal parts - as moby does") {
  CHECK(parse_min_kernel("4.8") == kv(4, 8));
  CHECK(parse_min_kernel("5.10") == kv(5, 10));
  CHECK(parse_min_kernel("0.1") == kv(0, 1));
  CHECK(parse_min_kernel("04.08") == kv(4, 8));  // strconv.ParseUint allows leading zeros
  CHECK(parse_min_kernel("255.255") == kv(255, 255));
}

TEST_CASE("parse_min_kernel rejects what moby's UnmarshalJSON rejects") {
  for (const char* bad : {"4.8.1", "4", "0.0", "", "256.1", "4.256", "-1.2", "+4.8", " 4.8", "4.8 ", "4.x",
                          "4.", ".8", "v4.8", "4,8"}) {
    CAPTURE(bad);
    CHECK(parse_min_kernel(bad) == std::nullopt);
  }
}

TEST_CASE("parse_kernel_release reads a major.minor prefix like moby's Sscanf") {
  CHECK(parse_kernel_release("6.18.0-amd64") == kv(6, 18));
  CHECK(parse_kernel_release("3.12-1-amd64") == kv(3, 12));
  CHECK(parse_kernel_release("3.12.25-gentoo") == kv(3, 12));
  CHECK(parse_kernel_release("4.8") == kv(4, 8));
  CHECK(parse_kernel_release("6.1.0-18-cloud-amd64") == kv(6, 1));
  for (const char* bad : {"6", "6.", "x.y", "", "-6.1", "6.-1", "99999999999.1", " 6.1"}) {
    CAPTURE(bad);
    CHECK(parse_kernel_release(bad) == std::nullopt);
  }
}

TEST_CASE("running_kernel is the uname release's major.minor") {
  struct utsname uts {};
  REQUIRE(uname(&uts) == 0);
  auto expected = parse_kernel_release(uts.release);
  REQUIRE(expected);
  CHECK(running_kernel() == expected);
}

TEST_CASE("kernel versions compare major first - then minor - and print as X.Y") {
  CHECK(kv(4, 10) > kv(4, 9));
  CHECK(kv(5, 0) > kv(4, 19));
  CHECK(kv(4, 8) >= kv(4, 8));
  CHECK(to_string(kv(6, 18)) == "6.18");
  CHECK(to_string(kv(4, 8)) == "4.8");
}
