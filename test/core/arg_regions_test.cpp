// Per-word partitions: exact cells for intervals, enumerated bits and cubes;
// and a check that every cell is uniform for its predicates.
#include <doctest/doctest.h>

#include <random>
#include <vector>

#include "arg_regions.hpp"

using namespace scc;
using bpf::WordPredicate;

namespace {

constexpr std::uint32_t kMax32 = 0xffffffffu;

WordPredicate order(std::uint32_t mask, std::uint32_t k) { return WordPredicate{4, WordPredicate::Kind::Order, mask, k}; }
WordPredicate test(std::uint32_t mask) { return WordPredicate{4, WordPredicate::Kind::Test, mask, 0}; }

// The outcomes of every predicate on v, as ==, > and jset see them.
std::vector<int> outcomes(const std::vector<WordPredicate>& predicates, std::uint32_t v) {
  std::vector<int> out;
  for (const auto& p : predicates) {
    const std::uint32_t m = v & p.mask;
    if (p.kind == WordPredicate::Kind::Test) {
      out.push_back(m != 0);
    } else {
      out.push_back(m == p.k);
      out.push_back(m > p.k);
    }
  }
  return out;
}

const WordCell* cell_of(const WordPartition& part, std::uint32_t v) {
  const WordCell* found = nullptr;
  for (const WordCell& c : part.cells)
    for (const WordSet& s : c.sets)
      if (s.contains(v)) {
        REQUIRE(found == nullptr);  // cells are disjoint
        found = &c;
      }
  return found;
}

// Every value lies in exactly one cell, with the outcomes of the cell's test value.
void check_uniform(const std::vector<WordPredicate>& predicates, const WordPartition& part) {
  std::mt19937 rng(7);
  std::vector<std::uint32_t> probes{0, 1, 0x7fffffff, 0x80000000, kMax32};
  for (const auto& p : predicates)
    for (std::uint32_t d : {0u, 1u, kMax32}) probes.push_back(p.k + d), probes.push_back(p.mask + d);
  for (int i = 0; i < 3000; ++i) probes.push_back(static_cast<std::uint32_t>(rng()));
  for (std::uint32_t v : probes) {
    const WordCell* c = cell_of(part, v);
    REQUIRE(c != nullptr);
    CHECK(outcomes(predicates, v) == outcomes(predicates, c->value));
  }
}

}  // namespace

TEST_CASE("arg regions: next and previous value with fixed bits") {
  CHECK(next_matching(5, 0x3, 1) == 5u);
  CHECK(next_matching(6, 0x3, 1) == 9u);
  CHECK(next_matching(0, 0x7e020000, 0x20000) == 0x20000u);
  CHECK(next_matching(0x80000001, 0x80000000, 0) == std::nullopt);
  CHECK(next_matching(kMax32, 0x1, 0) == std::nullopt);
  CHECK(previous_matching(kMax32, 0x7e020000, 0x20000) == 0x81ffffffu);
  CHECK(previous_matching(4, 0x8, 0x8) == std::nullopt);
}

TEST_CASE("arg regions: next_matching64 works across the high word") {
  constexpr std::uint64_t kMax64 = ~std::uint64_t{0};
  CHECK(next_matching64(6, 0x3, 1) == 9u);
  CHECK(next_matching64(0x100000000, 0x7e020000, 0x20000) == 0x100020000u);
  CHECK(next_matching64(0xffffffff, 0x1, 0) == 0x100000000u);
  CHECK(next_matching64(kMax64, 0x1, 0) == std::nullopt);
  CHECK(next_matching64(0x8000000000000001, 0x8000000000000000, 0) == std::nullopt);
  // The same answers as a walk, on every 6-bit start, mask and bits.
  for (std::uint64_t mask = 0; mask < 64; ++mask)
    for (std::uint64_t bits = 0; bits < 64; bits = ((bits | ~mask) + 1) & mask) {
      for (std::uint64_t from = 0; from < 64; ++from) {
        std::optional<std::uint64_t> walk;
        for (std::uint64_t v = from; v < 128 && !walk; ++v)
          if ((v & mask) == bits) walk = v;
        CAPTURE(mask);
        CAPTURE(bits);
        CAPTURE(from);
        CHECK(next_matching64(from, mask, bits) == walk);
      }
      if (bits == mask) break;
    }
}

TEST_CASE("arg regions: full-word comparisons give the intervals between cut points") {
  const std::vector<WordPredicate> p{order(kMax32, 38)};
  const WordPartition part = partition_word(p, 4096);
  CHECK(part.complete);
  REQUIRE(part.cells.size() == 3);
  CHECK(part.cells[0].sets == std::vector<WordSet>{WordSet{0, 37, 0, 0}});
  CHECK(part.cells[1].sets == std::vector<WordSet>{WordSet::single(38)});
  CHECK(part.cells[2].sets == std::vector<WordSet>{WordSet{39, kMax32, 0, 0}});
  CHECK(part.cells[2].value == 39);
}

TEST_CASE("arg regions: an aligned block compare is an interval") {
  const std::vector<WordPredicate> p{order(0xffffff00, 0x100)};
  const WordPartition part = partition_word(p, 4096);
  CHECK(part.complete);
  REQUIRE(part.cells.size() == 3);
  CHECK(part.cells[1].sets == std::vector<WordSet>{WordSet{0x100, 0x1ff, 0, 0}});
  check_uniform(p, part);
}

TEST_CASE("arg regions: mask bits are enumerated inside each interval") {
  const std::vector<WordPredicate> p{order(kMax32, 5), order(0x3, 1)};
  const WordPartition part = partition_word(p, 4096);
  CHECK(part.complete);
  // [0, 4] and [6, max] with each of 4 patterns, [5, 5] only with 01.
  CHECK(part.cells.size() == 9);
  check_uniform(p, part);
}

TEST_CASE("arg regions: wide masks are split into cubes and stay complete") {
  // What libseccomp emits for MASKED_EQ rules with wide masks on one word.
  const std::vector<WordPredicate> p{order(0x7fffffff, 0xf0), order(0xf1, 0), order(0x800000f0, 0),
                                     order(kMax32, 0xffffffff), test(0x00ff0000)};
  const WordPartition part = partition_word(p, 4096);
  CHECK(part.complete);
  check_uniform(p, part);
}

TEST_CASE("arg regions: the cube tier gives up within its budget") {
  const std::vector<WordPredicate> p{order(0x7fffffff, 0xf0), order(0xf1, 0), test(0x00ff00ff),
                                     order(0x0f0f0f0f, 0x01010101), order(0x5555aaaa, 0x4444)};
  const WordPartition part = partition_word(p, 64);
  CHECK_FALSE(part.complete);
  CHECK(part.cells.size() <= 64);
}

TEST_CASE("arg regions: past the cell limit only representative values remain") {
  const std::vector<WordPredicate> p{order(0x00ffff00, 0x1200), order(kMax32, 7), order(kMax32, 9)};
  const WordPartition part = partition_word(p, 8);
  CHECK_FALSE(part.complete);
  REQUIRE_FALSE(part.cells.empty());
  for (const WordCell& c : part.cells) CHECK(c.sets == std::vector<WordSet>{WordSet::single(c.value)});
  const WordPartition sampled = sample_word({}, std::vector<std::uint32_t>{38}, 100);
  CHECK_FALSE(sampled.complete);
  std::vector<std::uint32_t> values;
  for (const WordCell& c : sampled.cells) values.push_back(c.value);
  CHECK(values == std::vector<std::uint32_t>{0, 1, 37, 38, 39, 0x7fffffff, 0x80000000, kMax32});
}
