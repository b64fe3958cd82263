// Merging difference cells into regions, and their text.
#include <doctest/doctest.h>

#include <linux/seccomp.h>

#include "diff_regions.hpp"

using namespace scc;

namespace {

constexpr std::uint32_t kMax32 = 0xffffffffu;

Region cell(WordSet arg0_low, std::uint32_t a = SECCOMP_RET_ALLOW, std::uint32_t b = SECCOMP_RET_ERRNO | 1) {
  Region r;
  r.fields[0].low = arg0_low;
  r.verdict_a = a;
  r.verdict_b = b;
  return r;
}

}  // namespace

TEST_CASE("diff regions: adjacent intervals with one verdict pair merge") {
  const auto merged = merge_regions({cell({0, 9, 0, 0}), cell({10, 10, 0, 0}), cell({11, 20, 0, 0}),
                                     cell({30, 40, 0, 0}), cell({21, 29, 0, 0}, SECCOMP_RET_KILL_PROCESS)});
  REQUIRE(merged.size() == 3);
  CHECK(merged[0].fields[0].low == (WordSet{0, 20, 0, 0}));
  CHECK(merged[1].fields[0].low == (WordSet{21, 29, 0, 0}));
  CHECK(merged[2].fields[0].low == (WordSet{30, 40, 0, 0}));
}

TEST_CASE("diff regions: patterns that differ in one bit merge and the full range becomes any") {
  const auto merged = merge_regions({cell({0, kMax32, 0x3, 0}), cell({0, kMax32, 0x3, 1}), cell({0, kMax32, 0x3, 2}),
                                     cell({0, kMax32, 0x3, 3})});
  REQUIRE(merged.size() == 1);
  CHECK(merged[0].fields[0].low.is_any());
  CHECK(describe_region(merged[0]) == "any arguments");
}

TEST_CASE("diff regions: sampled cells are kept as the values tested") {
  Region a = cell(WordSet::single(5));
  a.sampled = true;
  Region b = cell(WordSet::single(6));
  b.sampled = true;
  const auto merged = merge_regions({b, a, a});
  REQUIRE(merged.size() == 2);
  CHECK(merged[0].fields[0].low == WordSet::single(5));
}

TEST_CASE("diff regions: text of 64-bit value sets") {
  const WordSet zero = WordSet::single(0);
  const WordSet any;
  CHECK(describe_values(ValueSet{WordSet::single(38), zero}, "arg0") == "arg0 == 38");
  CHECK(describe_values(ValueSet{{0, 37, 0, 0}, zero}, "arg1") == "arg1 in [0, 37]");
  CHECK(describe_values(ValueSet{any, {1, kMax32, 0, 0}}, "arg0") == "arg0 in [0x100000000, 0xffffffffffffffff]");
  CHECK(describe_values(ValueSet{WordSet::single(38), any}, "arg0") == "arg0 low 32 bits == 38 (high 32 bits any)");
  CHECK(describe_values(ValueSet{WordSet::single(38), {1, kMax32, 0, 0}}, "arg0") ==
        "arg0 high 32 bits in [1, 0xffffffff] and low 32 bits == 38");
  CHECK(describe_values(ValueSet{{0, kMax32, 0x7e020000, 0x20000}, any}, "arg2") ==
        "arg2 low 32 bits & 0x7e020000 == 0x20000 (high 32 bits any)");
  CHECK(describe_values(ValueSet{}, "arg3").empty());
  Region ip;
  ip.fields[kInstructionPointerField].low = WordSet{0x1000, 0x1fff, 0, 0};
  ip.fields[kInstructionPointerField].high = WordSet::single(0x7fff);
  CHECK(describe_region(ip) == "ip in [0x7fff00001000, 0x7fff00001fff]");
  CHECK(describe_numbers(WordSet::single(41), true) == "41");
  CHECK(describe_numbers(WordSet{0, kMax32, 0x40000000, 0x40000000}, false) ==
        "unknown numbers in [0, 0xffffffff] with nr & 0x40000000 == 0x40000000");
}
