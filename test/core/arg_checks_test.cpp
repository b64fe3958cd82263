#include <doctest/doctest.h>

#include <linux/seccomp.h>

#include <cerrno>
#include <random>
#include <vector>

#include "arg_checks.hpp"
#include "scc/bpf.hpp"

using namespace scc;
using namespace scc::width;

namespace {

constexpr std::uint32_t kDefault = SECCOMP_RET_ERRNO | EPERM;
constexpr std::uint32_t kAllow = SECCOMP_RET_ALLOW;

plan::SyscallPlan one_region(std::uint32_t action, std::vector<plan::Term> terms) {
  plan::SyscallPlan sp;
  sp.nr = 1;
  sp.name = "test";
  sp.regions.push_back({action, std::move(terms), {0}});
  return sp;
}

plan::Term term(unsigned index, ArgSet set) {
  plan::Term t;
  t.args[index] = std::move(set);
  return t;
}

std::uint32_t run(const std::vector<sock_filter>& code, std::array<std::uint64_t, 6> args) {
  bpf::Program prog(code);
  REQUIRE(bpf::check(prog).empty());
  bpf::SeccompData d;
  d.args = args;
  auto e = bpf::evaluate(prog, d);
  REQUIRE(e.value);
  return e.value->ret;
}

std::vector<sock_filter> must(const plan::SyscallPlan& sp, std::size_t limit = 4096) {
  auto code = args::decision_code(sp, kDefault, limit);
  REQUIRE(code);
  return *code;
}

// First region whose first matching term holds decides, as the code promises.
std::uint32_t meaning(const plan::SyscallPlan& sp, const std::array<std::uint64_t, 6>& args) {
  for (const plan::ActionRegion& r : sp.regions)
    for (const plan::Term& t : r.terms) {
      bool all = true;
      for (unsigned i = 0; i < plan::kMaxArgs; ++i)
        if (t.args[i] && !t.args[i]->contains(args[i])) all = false;
      if (all) return r.action;
    }
  return kDefault;
}

}  // namespace

TEST_CASE("a 32-bit argument loads only its low word") {
  auto code = must(one_region(kAllow, {term(0, condition_set(Operator::Gt, 40, 0, 32))}));
  CHECK(run(code, {41}) == kAllow);
  CHECK(run(code, {0x100000029}) == kAllow);
  CHECK(run(code, {0x100000026}) == kDefault);
  CHECK(run(code, {40}) == kDefault);
  for (const sock_filter& f : code)
    if (f.code == (BPF_LD | BPF_W | BPF_ABS)) CHECK(f.k == args::low_word_offset(0));
  // ld [16]; jge #41; ret ALLOW; ret EPERM
  CHECK(code.size() == 4);
}

TEST_CASE("NE on a 32-bit argument is one compare: the complement is tested") {
  auto code = must(one_region(kAllow, {term(2, condition_set(Operator::Ne, 40, 0, 32))}));
  CHECK(code.size() == 4);  // ld [32]; jeq #40; ret ALLOW; ret EPERM
  CHECK(run(code, {0, 0, 40}) == kDefault);
  CHECK(run(code, {0, 0, 0x500000028}) == kDefault);
  CHECK(run(code, {0, 0, 41}) == kAllow);
}

TEST_CASE("64-bit intervals compare both words at the boundaries") {
  const std::uint64_t lo = 0x100000005, hi = 0x300000000;
  ArgSet s = ArgSet::of_intervals(64, {{lo, hi}});
  auto code = must(one_region(kAllow, {term(1, s)}));
  for (std::uint64_t v : {0x0ull, 0x5ull, 0x100000004ull, 0x100000005ull, 0x1ffffffffull,
                          0x2ffffffffull, 0x300000000ull, 0x300000001ull, 0xffffffffffffffffull})
    CHECK(run(code, {0, v}) == ((v >= lo && v <= hi) ? kAllow : kDefault));
}

TEST_CASE("masked patterns on both words") {
  ArgSet s = condition_set(Operator::MaskedEq, 0xff000000000000ff, 0x1200000000000034, 64);
  auto code = must(one_region(kAllow, {term(5, s)}));
  CHECK(run(code, {0, 0, 0, 0, 0, 0x1211111111111134}) == kAllow);
  CHECK(run(code, {0, 0, 0, 0, 0, 0x1311111111111134}) == kDefault);
  CHECK(run(code, {0, 0, 0, 0, 0, 0x1211111111111135}) == kDefault);
}

TEST_CASE("far targets go through inserted jumps") {
  std::vector<Interval> points;
  for (std::uint64_t v = 0; v < 600; v += 2) points.push_back({v, v});
  ArgSet many = ArgSet::of_intervals(32, points);
  auto code = must(one_region(kAllow, {term(0, many), term(1, condition_set(Operator::Eq, 7, 0, 64))}));
  CHECK(code.size() > 300);
  CHECK(run(code, {0}) == kAllow);
  CHECK(run(code, {598}) == kAllow);
  CHECK(run(code, {599, 7}) == kAllow);
  CHECK(run(code, {599, 8}) == kDefault);
  CHECK(run(code, {0x100000002}) == kAllow);
}

TEST_CASE("the instruction limit is enforced") {
  std::vector<Interval> points;
  for (std::uint64_t v = 0; v < 600; v += 2) points.push_back({v, v});
  auto sp = one_region(kAllow, {term(0, ArgSet::of_intervals(32, points))});
  CHECK_FALSE(args::decision_code(sp, kDefault, 100));
  CHECK(args::decision_code(sp, kDefault, 1000));
}

TEST_CASE("random plans: the code decides as the plan says") {
  std::mt19937_64 rng(99);
  const Operator ops[] = {Operator::Ne, Operator::Lt, Operator::Le, Operator::Eq,
                          Operator::Ge, Operator::Gt, Operator::MaskedEq};
  const std::uint32_t actions[] = {SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_TRAP, kAllow, SECCOMP_RET_LOG};
  for (int round = 0; round < 300; ++round) {
    plan::SyscallPlan sp;
    std::vector<std::uint64_t> constants;
    const std::size_t regions = 1 + rng() % 3;
    for (std::size_t r = 0; r < regions; ++r) {
      plan::ActionRegion region{actions[r], {}, {0}};
      for (std::size_t t = 0; t < 1 + rng() % 3; ++t) {
        plan::Term term;
        for (std::size_t c = 0; c < 1 + rng() % 3; ++c) {
          const unsigned index = static_cast<unsigned>(rng() % 3);
          const unsigned width = rng() % 2 ? 32 : 64;
          const Operator op = ops[rng() % 7];
          const std::uint64_t v = rng() % 3 == 0 ? rng() : rng() % 64;
          const std::uint64_t two = op == Operator::MaskedEq ? v & rng() : 0;
          constants.push_back(v);
          ArgSet set = condition_set(op, v, two, width);
          if (term.args[index] && term.args[index]->width() != width) continue;
          term.args[index] = term.args[index] ? intersect(*term.args[index], set) : set;
        }
        region.terms.push_back(term);
      }
      sp.regions.push_back(region);
    }
    auto code = args::decision_code(sp, kDefault, 4096);
    REQUIRE(code);
    std::vector<std::uint64_t> values{0, 1, 0x80000000, 0xffffffff, 0x100000000, ~std::uint64_t{0}};
    for (std::uint64_t k : constants)
      for (std::uint64_t v : {k - 1, k, k + 1, k | 0x100000000, k ^ 0xffffffff00000000}) values.push_back(v);
    for (int probe = 0; probe < 60; ++probe) {
      std::array<std::uint64_t, 6> a{};
      for (unsigned i = 0; i < 3; ++i) a[i] = values[rng() % values.size()];
      INFO("round ", round, " probe ", probe);
      CHECK(run(*code, a) == meaning(sp, a));
    }
  }
}
