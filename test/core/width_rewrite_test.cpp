#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "width_rewrite.hpp"

using namespace scc;
using namespace scc::width;

namespace {

// The meaning the compiler promises: the kernel's view, then the 64-bit op.
bool meaning(Operator op, std::uint64_t value, std::uint64_t two, unsigned width, std::uint64_t v) {
  if (width == 32) v &= 0xffffffffu;
  switch (op) {
    case Operator::Ne: return v != value;
    case Operator::Lt: return v < value;
    case Operator::Le: return v <= value;
    case Operator::Eq: return v == value;
    case Operator::Ge: return v >= value;
    case Operator::Gt: return v > value;
    case Operator::MaskedEq: return (v & value) == two;
  }
  return false;
}

std::vector<std::uint64_t> probes(std::uint64_t k) {
  return {0, 1, k - 1, k, k + 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
          0x100000000 + k, 0x100000000 + k - 1, 0x100000000 + k + 1, 0x8000000000000000,
          0xffffffff00000000 | k, ~std::uint64_t{0}};
}

}  // namespace

TEST_CASE("32-bit GT 40: the kernel's view decides and high bits cannot pass or block") {
  ArgSet s = condition_set(Operator::Gt, 40, 0, 32);
  CHECK_FALSE(s.contains(0x100000026));  // kernel reads 38
  CHECK(s.contains(41));
  CHECK(s.contains(0x100000029));  // kernel reads 41
  CHECK_FALSE(s.contains(40));
  CHECK_FALSE(s.contains(0xffffffff00000028));
  CHECK(s.contains(0xffffffff));
  REQUIRE(s.intervals().size() == 1);
  CHECK(s.intervals()[0] == Interval{41, 0xffffffff});
  // As aligned blocks: 41, 42-43, 44-47, 48-63, then one block per bit 6..31.
  CHECK(s.to_patterns().size() == 30);
  for (const Pattern& p : s.to_patterns()) CHECK((p.mask >> 32) == 0);
}

TEST_CASE("32-bit EQ 0xffffffff matches 0xffffffff and 0x1ffffffff") {
  ArgSet s = condition_set(Operator::Eq, 0xffffffff, 0, 32);
  CHECK(s.contains(0xffffffff));
  CHECK(s.contains(0x1ffffffff));
  CHECK(s.contains(0xffffffffffffffff));
  CHECK_FALSE(s.contains(0xfffffffe));
}

TEST_CASE("NE 40: all but one value on the low half for a 32-bit argument") {
  ArgSet s = condition_set(Operator::Ne, 40, 0, 32);
  CHECK_FALSE(s.contains(40));
  CHECK_FALSE(s.contains(0x100000028));
  CHECK(s.contains(41));
  CHECK(s.contains(0x100000000));  // kernel reads 0
  CHECK(complement(s).intervals() == std::vector<Interval>{{40, 40}});
  ArgSet wide = condition_set(Operator::Ne, 40, 0, 64);
  CHECK(wide.contains(0x100000028));
}

TEST_CASE("values that do not fit a 32-bit argument: never or always") {
  CHECK(condition_set(Operator::Eq, 0x100000005, 0, 32).is_empty());
  CHECK(condition_set(Operator::Ne, 0x100000005, 0, 32).is_all());
  CHECK(condition_set(Operator::Lt, 0x100000000, 0, 32).is_all());
  CHECK(condition_set(Operator::Gt, 0xffffffff, 0, 32).is_empty());
  CHECK(condition_set(Operator::MaskedEq, 0xff, 0x100, 64).is_empty());  // datum outside mask
  CHECK(condition_set(Operator::MaskedEq, 0x1000000ff, 0x100000000, 32).is_empty());
  CHECK(condition_set(Operator::MaskedEq, 0, 0, 64).is_all());  // mask 0 matches everything
}

TEST_CASE("union of sets: intervals merge and patterns merge siblings") {
  ArgSet a = condition_set(Operator::Lt, 38, 0, 32), b = condition_set(Operator::Eq, 38, 0, 32);
  CHECK(unite(a, b).intervals() == std::vector<Interval>{{0, 38}});
  ArgSet p = condition_set(Operator::MaskedEq, 0x3, 0x1, 64), q = condition_set(Operator::MaskedEq, 0x3, 0x3, 64);
  ArgSet u = unite(p, q);
  REQUIRE(u.patterns().size() == 1);
  CHECK(u.patterns()[0] == Pattern{0x1, 0x1});
  CHECK(unite(a, complement(a)).is_all());
}

TEST_CASE("two NE on one 32-bit argument intersect: not 38 and not 40") {
  ArgSet s = intersect(condition_set(Operator::Ne, 38, 0, 32), condition_set(Operator::Ne, 40, 0, 32));
  CHECK(s.in_interval_form());
  REQUIRE(s.intervals().size() == 3);
  CHECK(s.intervals()[1] == Interval{39, 39});
  for (std::uint64_t v : {0ull, 37ull, 38ull, 39ull, 40ull, 41ull, 0x100000026ull, 0x100000027ull})
    CHECK(s.contains(v) == ((v & 0xffffffff) != 38 && (v & 0xffffffff) != 40));
}

TEST_CASE("interval blocks are aligned and exact") {
  auto blocks = interval_blocks({0, 37}, 32);
  REQUIRE(blocks.size() == 3);
  CHECK(blocks[0] == Pattern{0xffffffe0, 0});
  CHECK(blocks[1] == Pattern{0xfffffffc, 32});
  CHECK(blocks[2] == Pattern{0xfffffffe, 36});
  CHECK(interval_blocks({0, 0xffffffffffffffff}, 64) == std::vector<Pattern>{{0, 0}});
  CHECK(interval_blocks({5, 5}, 64) == std::vector<Pattern>{{~std::uint64_t{0}, 5}});
  CHECK(interval_blocks({0xfffffffffffffffe, 0xffffffffffffffff}, 64).size() == 1);
}

TEST_CASE("complement of a MASKED_EQ set: one disjoint pattern per mask bit") {
  ArgSet s = condition_set(Operator::MaskedEq, 0b1011, 0b0010, 64);
  ArgSet c = complement(s);
  CHECK(c.patterns().size() == 3);
  for (std::uint64_t v = 0; v < 64; ++v) CHECK(c.contains(v) == !s.contains(v));
  CHECK(disjoint(s, c));
  CHECK(intersect(s, complement(c)) == s);
}

TEST_CASE("random conditions: the set is the promised meaning") {
  std::mt19937_64 rng(12345);
  const Operator ops[] = {Operator::Ne, Operator::Lt, Operator::Le, Operator::Eq,
                          Operator::Ge, Operator::Gt, Operator::MaskedEq};
  for (int round = 0; round < 400; ++round) {
    const unsigned width = round % 2 == 0 ? 32 : 64;
    const Operator op = ops[rng() % 7];
    std::uint64_t value = rng() % 4 == 0 ? rng() : rng() % 100;
    std::uint64_t two = op == Operator::MaskedEq ? value & rng() : 0;
    ArgSet s = condition_set(op, value, two, width);
    std::vector<Pattern> blocks = s.to_patterns();
    for (std::uint64_t v : probes(value)) {
      INFO("op ", static_cast<int>(op), " value ", value, " width ", width, " v ", v);
      CHECK(s.contains(v) == meaning(op, value, two, width, v));
      const std::uint64_t seen = width == 32 ? (v & 0xffffffff) : v;
      CHECK(std::any_of(blocks.begin(), blocks.end(), [&](const Pattern& p) { return p.contains(seen); }) ==
            meaning(op, value, two, width, v));
      CHECK(complement(s).contains(v) == !meaning(op, value, two, width, v));
    }
  }
}

TEST_CASE("random pairs: intersection and complement are exact set operations") {
  std::mt19937_64 rng(777);
  const Operator ops[] = {Operator::Ne, Operator::Lt, Operator::Gt, Operator::Eq, Operator::MaskedEq};
  for (int round = 0; round < 200; ++round) {
    const unsigned width = round % 2 == 0 ? 32 : 64;
    auto make = [&] {
      Operator op = ops[rng() % 5];
      std::uint64_t v = rng() % 256;
      return condition_set(op, op == Operator::MaskedEq ? 0xf0 | v : v, op == Operator::MaskedEq ? v & 0xf0 : 0, width);
    };
    ArgSet a = make(), b = make();
    ArgSet both = intersect(a, b), neither = intersect(complement(a), complement(b));
    for (std::uint64_t v = 0; v < 300; ++v) {
      CHECK(both.contains(v) == (a.contains(v) && b.contains(v)));
      CHECK(neither.contains(v) == (!a.contains(v) && !b.contains(v)));
      CHECK(unite(a, b).contains(v) == (a.contains(v) || b.contains(v)));
    }
  }
}
