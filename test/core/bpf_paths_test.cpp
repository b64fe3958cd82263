// Symbolic path exploration: the predicates, opaque words and reasons it
// reports for small hand-written programs.
#include <doctest/doctest.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "bpf_paths.hpp"

using namespace scc::bpf;

namespace {

sock_filter ld(std::uint32_t offset) { return BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset); }
sock_filter ret(std::uint32_t k) { return BPF_STMT(BPF_RET | BPF_K, k); }
sock_filter jump(std::uint16_t op, std::uint32_t k, std::uint8_t jt, std::uint8_t jf) {
  return BPF_JUMP(static_cast<std::uint16_t>(BPF_JMP | op | BPF_K), k, jt, jf);
}
sock_filter alu(std::uint16_t op, std::uint32_t k) { return BPF_STMT(static_cast<std::uint16_t>(BPF_ALU | op | BPF_K), k); }

constexpr std::uint32_t kAllow = SECCOMP_RET_ALLOW;
constexpr std::uint32_t kDeny = SECCOMP_RET_ERRNO | 1;

KnownWords fixed(std::uint32_t nr) {
  KnownWords known{};
  known[kNrWord] = nr;
  known[kArchWord] = 0xc000003e;
  return known;
}

}  // namespace

TEST_CASE("bpf paths: a libseccomp masked compare gives one predicate and skips the masked-out half") {
  // arg0 MASKED_EQ 0x7e020000 == 0: the high word is ANDed with 0.
  const Program p({ld(20), alu(BPF_AND, 0), jump(BPF_JEQ, 0, 0, 3), ld(16), alu(BPF_AND, 0x7e020000),
                   jump(BPF_JEQ, 0, 0, 1), ret(kAllow), ret(kDeny)});
  const PathSummary s = explore_paths(p, fixed(56));
  CHECK(s.analysable());
  REQUIRE(s.predicates.size() == 1);
  CHECK(s.predicates[0] == WordPredicate{4, WordPredicate::Kind::Order, 0x7e020000, 0});
  CHECK(s.loaded_words == ((1u << 4) | (1u << 5)));
  CHECK(s.opaque_words == 0);
}

TEST_CASE("bpf paths: a fixed nr follows one branch and a jset records the tested bits") {
  const Program p({ld(0), jump(BPF_JEQ, 1, 0, 2), ld(24), jump(BPF_JSET, 0xff, 1, 0), ret(kAllow), ret(kDeny)});
  const PathSummary other = explore_paths(p, fixed(0));
  CHECK(other.predicates.empty());
  CHECK(other.loaded_words == 0);
  const PathSummary write = explore_paths(p, fixed(1));
  REQUIRE(write.predicates.size() == 1);
  CHECK(write.predicates[0] == WordPredicate{6, WordPredicate::Kind::Test, 0xff, 0});
  // With nr unknown the branch on nr is a predicate too.
  KnownWords arch_only{};
  arch_only[kArchWord] = 0xc000003e;
  const PathSummary any = explore_paths(p, arch_only);
  REQUIRE(any.predicates.size() == 2);
  CHECK(any.predicates[0] == WordPredicate{0, WordPredicate::Kind::Order, 0xffffffff, 1});
}

TEST_CASE("bpf paths: arithmetic on an argument makes the branch on it opaque") {
  const Program p({ld(16), alu(BPF_ADD, 1), jump(BPF_JEQ, 39, 0, 1), ret(kDeny), ret(kAllow)});
  const PathSummary s = explore_paths(p, fixed(0));
  CHECK_FALSE(s.analysable());
  CHECK(s.reason == "instruction 2: a jump compares values computed from seccomp_data");
  CHECK(s.opaque_words == (1u << 4));
  CHECK(s.predicates.empty());
  CHECK(s.constants == std::vector<std::uint32_t>{1, 39});
}

TEST_CASE("bpf paths: ret a of an argument and comparing two words are not analysable") {
  const Program ret_a({ld(16), BPF_STMT(BPF_RET | BPF_A, 0)});
  const PathSummary r = explore_paths(ret_a, fixed(0));
  CHECK(r.reason == "instruction 1: ret a returns a value computed from seccomp_data");
  const Program two({ld(16), BPF_STMT(BPF_MISC | BPF_TAX, 0), ld(24),
                     BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 1), ret(kAllow), ret(kDeny)});
  const PathSummary t = explore_paths(two, fixed(0));
  CHECK(t.reason == "instruction 3: a jump compares values computed from seccomp_data");
  CHECK(t.opaque_words == ((1u << 4) | (1u << 6)));
}

TEST_CASE("bpf paths: constants compared through X and impossible equalities") {
  // A = 38 compared with X = arg0 low: the same predicate as arg0 == 38.
  const Program p({ld(16), BPF_STMT(BPF_MISC | BPF_TAX, 0), BPF_STMT(BPF_LD | BPF_IMM, 38),
                   BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 1), ret(kAllow), ld(16), alu(BPF_AND, 0xf),
                   jump(BPF_JEQ, 0x10, 0, 1), ret(kDeny), ret(kAllow)});
  const PathSummary s = explore_paths(p, fixed(0));
  CHECK(s.analysable());
  // (arg & 0xf) == 0x10 can never hold: no predicate, only the false edge.
  REQUIRE(s.predicates.size() == 1);
  CHECK(s.predicates[0] == WordPredicate{4, WordPredicate::Kind::Order, 0xffffffff, 38});
}

TEST_CASE("bpf paths: prefix masks") {
  CHECK(is_prefix_mask(0xffffffff));
  CHECK(is_prefix_mask(0x80000000));
  CHECK(is_prefix_mask(0xffffff00));
  CHECK_FALSE(is_prefix_mask(0));
  CHECK_FALSE(is_prefix_mask(0x7fffffff));
  CHECK_FALSE(is_prefix_mask(0xff00ff00));
}

TEST_CASE("bpf paths: the decisions on a fixed nr tell which numbers behave alike") {
  const Program p({ld(0), jump(BPF_JGE, 10, 0, 2), jump(BPF_JEQ, 12, 1, 0), ret(kAllow), ret(kDeny)});
  const PathSummary low = explore_paths(p, fixed(3));
  const PathSummary other_low = explore_paths(p, fixed(9));
  const PathSummary twelve = explore_paths(p, fixed(12));
  CHECK(low.nr_decisions == std::vector<bool>{false});
  CHECK(other_low.nr_decisions == low.nr_decisions);
  CHECK(twelve.nr_decisions == std::vector<bool>{true, true});
  CHECK_FALSE(low.nr_as_value);
  // Returning nr (ret a) makes its value matter.
  const Program ret_nr({ld(0), BPF_STMT(BPF_RET | BPF_A, 0)});
  CHECK(explore_paths(ret_nr, fixed(3)).nr_as_value);
}
