// Tests core/src/dispatch_tree.cpp: the weighted range search decides every
// number of every range, with code leaves reached once each, trampolines when
// halves are out of a jump's reach, and heavy ranges decided in fewer
// compares than light ones.
#include <doctest/doctest.h>

#include <linux/seccomp.h>

#include <cstdint>
#include <random>
#include <vector>

#include "dispatch_tree.hpp"
#include "scc/bpf.hpp"

using namespace scc;
using dispatch::Leaf;
using dispatch::Range;

namespace {

// ld [0]; the search: the verdict and the instructions it took for `nr`.
bpf::Evaluation run(const std::vector<sock_filter>& search, std::uint32_t nr) {
  std::vector<sock_filter> code{BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0)};
  code.insert(code.end(), search.begin(), search.end());
  bpf::SeccompData d;
  d.nr = static_cast<std::int32_t>(nr);
  auto e = bpf::evaluate(bpf::Program(code), d);
  REQUIRE(e.value);
  return *e.value;
}

// Code that ignores A and returns `value` after `filler` no-op jumps.
std::vector<sock_filter> code_returning(std::uint32_t value, std::size_t filler) {
  std::vector<sock_filter> code;
  for (std::size_t i = 0; i < filler; ++i) code.push_back(BPF_STMT(BPF_JMP | BPF_JA, 0));
  code.push_back(BPF_STMT(BPF_RET | BPF_K, value));
  return code;
}

// The numbers worth trying for a range: its ends and their neighbours.
std::vector<std::uint32_t> probes(const std::vector<Range>& ranges) {
  std::vector<std::uint32_t> out;
  for (const Range& r : ranges) {
    out.push_back(r.lo);
    out.push_back(r.hi);
    if (r.lo > 0) out.push_back(r.lo - 1);
    if (r.hi < 0xffffffffu) out.push_back(r.hi + 1);
    out.push_back(r.lo + (r.hi - r.lo) / 2);
  }
  return out;
}

std::uint32_t expected(const std::vector<Range>& ranges, const std::vector<Leaf>& leaves,
                       std::uint32_t nr) {
  for (const Range& r : ranges)
    if (r.lo <= nr && nr <= r.hi) {
      const Leaf& l = leaves[r.leaf];
      return l.code.empty() ? l.ret : l.code.back().k;
    }
  FAIL("no range holds " << nr);
  return 0;
}

// Random contiguous ranges over [0, 0xffffffff] with `leaf_count` leaves.
std::vector<Range> random_ranges(std::mt19937& rng, std::size_t count, std::size_t leaf_count) {
  std::vector<Range> out;
  std::uint32_t lo = 0;
  for (std::size_t i = 0; i + 1 < count; ++i) {
    const auto len = static_cast<std::uint32_t>(1 + rng() % 5);
    out.push_back({lo, lo + len - 1, rng() % leaf_count, static_cast<std::uint64_t>(rng() % 3)});
    lo += len;
  }
  out.push_back({lo, 0xffffffffu, rng() % leaf_count, 0});
  return out;
}

}  // namespace

TEST_CASE("dispatch search: one range is its leaf alone") {
  std::vector<Leaf> leaves{{SECCOMP_RET_ALLOW, {}}};
  std::vector<Range> ranges{{0, 0xffffffffu, 0, 5}};
  auto code = dispatch::search(ranges, leaves);
  REQUIRE(code.size() == 1);
  CHECK(code[0].code == (BPF_RET | BPF_K));
  CHECK(code[0].k == SECCOMP_RET_ALLOW);
}

TEST_CASE("dispatch search: adjacent ranges with one leaf are merged into one compare") {
  std::vector<Leaf> leaves{{SECCOMP_RET_ALLOW, {}}, {SECCOMP_RET_ERRNO | 1, {}}};
  std::vector<Range> ranges{{0, 9, 0, 1}, {10, 19, 0, 1}, {20, 0xffffffffu, 1, 0}};
  auto code = dispatch::search(ranges, leaves);
  // jge #20; ret ALLOW; ret ERRNO (or the halves the other way round)
  REQUIRE(code.size() == 3);
  CHECK(code[0].code == (BPF_JMP | BPF_JGE | BPF_K));
  CHECK(code[0].k == 20);
  for (std::uint32_t nr : {0u, 19u, 20u, 0xffffffffu})
    CHECK(run(code, nr).ret == (nr < 20 ? SECCOMP_RET_ALLOW : (SECCOMP_RET_ERRNO | 1)));
}

TEST_CASE("dispatch search: random ranges have every end and neighbour decided by their leaf") {
  std::mt19937 rng(7);  // 32-bit results
  for (int round = 0; round < 40; ++round) {
    std::vector<Leaf> leaves;
    const std::size_t leaf_count = 2 + rng() % 6;
    for (std::size_t l = 0; l < leaf_count; ++l) {
      if (l % 3 == 2)
        leaves.push_back({0, code_returning(SECCOMP_RET_TRACE | static_cast<std::uint32_t>(l), rng() % 4)});
      else
        leaves.push_back({SECCOMP_RET_ERRNO | static_cast<std::uint32_t>(l), {}});
    }
    const auto ranges = random_ranges(rng, 2 + rng() % 120, leaf_count);
    const auto code = dispatch::search(ranges, leaves);
    INFO("round " << round);
    for (std::uint32_t nr : probes(ranges)) CHECK(run(code, nr).ret == expected(ranges, leaves, nr));
  }
}

TEST_CASE("dispatch search: halves beyond a jump's reach go through trampolines") {
  // 600 alternating single-number ranges: the tree is far larger than 255.
  std::vector<Leaf> leaves{{SECCOMP_RET_ALLOW, {}}, {SECCOMP_RET_ERRNO | 1, {}},
                           {0, code_returning(SECCOMP_RET_TRACE | 9, 300)}};
  std::vector<Range> ranges;
  for (std::uint32_t nr = 0; nr < 600; ++nr) ranges.push_back({nr, nr, nr == 599 ? 2u : nr % 2, 1});
  ranges.push_back({600, 0xffffffffu, 1, 0});
  const auto code = dispatch::search(ranges, leaves);
  CHECK(code.size() > 1200);
  CHECK(bpf::check(bpf::Program(code)).empty());
  std::size_t trampolines = 0;
  for (const sock_filter& i : code) trampolines += i.code == (BPF_JMP | BPF_JA) && i.k > 255;
  CHECK(trampolines > 0);
  for (std::uint32_t nr = 0; nr < 601; ++nr) CHECK(run(code, nr).ret == expected(ranges, leaves, nr));
  CHECK(run(code, 0xffffffffu).ret == (SECCOMP_RET_ERRNO | 1));
}

TEST_CASE("dispatch search: a code leaf named by several ranges is laid out once") {
  const auto checks = code_returning(SECCOMP_RET_TRACE | 3, 5);
  std::vector<Leaf> leaves{{SECCOMP_RET_ALLOW, {}}, {0, checks}};
  std::vector<Range> ranges{{0, 0, 1, 1}, {1, 1, 0, 1}, {2, 2, 1, 1}, {3, 0xffffffffu, 0, 0}};
  const auto code = dispatch::search(ranges, leaves);
  std::size_t traces = 0;
  for (const sock_filter& i : code) traces += i.code == (BPF_RET | BPF_K) && i.k == (SECCOMP_RET_TRACE | 3);
  CHECK(traces == 1);
  for (std::uint32_t nr : {0u, 1u, 2u, 3u, 99u}) CHECK(run(code, nr).ret == expected(ranges, leaves, nr));
}

TEST_CASE("dispatch search: heavy ranges take fewer compares than weightless ones") {
  // One frequent syscall among 64 rare numbers and a weightless top range.
  std::vector<Leaf> leaves{{SECCOMP_RET_ALLOW, {}}, {SECCOMP_RET_ERRNO | 1, {}}};
  std::vector<Range> ranges;
  for (std::uint32_t nr = 0; nr < 64; ++nr) ranges.push_back({nr, nr, nr % 2, nr == 40 ? 1000u : 1u});
  ranges.push_back({64, 0xffffffffu, 1, 0});
  const auto code = dispatch::search(ranges, leaves);
  const std::size_t heavy = run(code, 40).instructions;
  CHECK(heavy == 4);  // ld, the two compares that bound [40, 40], ret: the fewest possible
  CHECK(run(code, 0x80000000u).instructions > heavy);
  for (std::uint32_t nr = 0; nr < 64; ++nr) CHECK(run(code, nr).instructions >= heavy);
}
