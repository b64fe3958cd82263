// width_exact_oci: the rewritten profile means what the original means under
// the width-exact compiler, and libseccomp (as runc builds it) compiling the
// rewritten profile gives the same verdicts on arguments with high bits set.
#include <doctest/doctest.h>
#include <linux/audit.h>
#include <seccomp.h>

#include <set>
#include <string>

#include "scc/compile.hpp"
#include "scc/read.hpp"
#include "scc/syscall_table.hpp"
#include "scc/width_exact_oci.hpp"
#include "support/libseccomp_export.hpp"
#include "support/random_profile.hpp"

using namespace scc;

namespace {

Profile oci(const std::string& text) {
  ReadOptions options;
  options.dialect = Dialect::Oci;
  Result<Document> doc = read_document(text, options);
  REQUIRE(doc.ok());
  return doc.value->profiles.at(0);
}

Profile rewritten(const Profile& p, const WidthExactOptions& options = {}) {
  Result<Profile> r = width_exact_oci(p, options);
  REQUIRE(r.ok());
  return *r.value;
}

// No architectures: the native one, as libseccomp_program() builds it.
const std::string kTiocsti = R"({"defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [
    {"names": ["ioctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
     "args": [{"index": 1, "value": 21522, "op": "SCMP_CMP_EQ"}]},
    {"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 97,
     "args": [{"index": 0, "value": 40, "op": "SCMP_CMP_GT"}]},
    {"names": ["clone"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
     "args": [{"index": 0, "value": 268435456, "valueTwo": 268435456, "op": "SCMP_CMP_MASKED_EQ"}]},
    {"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 2}
  ]})";

bpf::SeccompData call(Arch arch, std::string_view name, std::array<std::uint64_t, 6> args) {
  bpf::SeccompData d;
  d.arch = audit_arch(arch);
  d.nr = static_cast<std::int32_t>(*syscall_table(arch)->number(name));
  d.args = args;
  return d;
}

std::uint32_t verdict(const bpf::Program& program, const bpf::SeccompData& d) {
  Result<bpf::Evaluation> e = bpf::evaluate(program, d);
  REQUIRE(e.ok());
  return e.value->ret;
}

bpf::Program compiled(const Profile& p, std::vector<Arch> arches) {
  CompileOptions options;
  options.arches = std::move(arches);
  Result<CompiledFilter> f = compile(p, options);
  REQUIRE(f.ok());
  return f.value->program;
}

scmp_compare scmp_op(Operator op) {
  switch (op) {
    case Operator::Ne: return SCMP_CMP_NE;
    case Operator::Lt: return SCMP_CMP_LT;
    case Operator::Le: return SCMP_CMP_LE;
    case Operator::Eq: return SCMP_CMP_EQ;
    case Operator::Ge: return SCMP_CMP_GE;
    case Operator::Gt: return SCMP_CMP_GT;
    case Operator::MaskedEq: return SCMP_CMP_MASKED_EQ;
  }
  return SCMP_CMP_EQ;
}

// The program runc builds from linux.seccomp on this machine (libseccomp, 64-bit
// compares): one seccomp_rule_add_array per rule and name, conditions as written.
bpf::Program libseccomp_program(const Profile& p) {
  scmp_filter_ctx ctx = seccomp_init(seccomp_return(*p.default_action, 0));
  REQUIRE(ctx != nullptr);
  for (const SyscallRule& rule : p.syscalls) {
    std::vector<scmp_arg_cmp> conds;
    for (const ArgCondition& c : rule.args)
      conds.push_back({static_cast<unsigned>(c.index), scmp_op(c.op), c.value, c.value_two.value_or(0)});
    const std::uint32_t action = seccomp_return(rule.action, static_cast<std::uint16_t>(rule.errno_ret.value_or(0)));
    for (const std::string& name : rule.names) {
      const int nr = seccomp_syscall_resolve_name(name.c_str());
      REQUIRE(nr >= 0);
      REQUIRE(seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(conds.size()), conds.data()) == 0);
    }
  }
  bpf::Program out = test::libseccomp_export(ctx);
  seccomp_release(ctx);
  return out;
}

}  // namespace

TEST_CASE("width_exact_oci: the TIOCSTI deny rule becomes MASKED_EQ on the low half only") {
  Profile p = rewritten(oci(kTiocsti));
  REQUIRE(p.syscalls.size() >= 4);
  const SyscallRule& ioctl = p.syscalls[0];
  CHECK(ioctl.names == std::vector<std::string>{"ioctl"});
  REQUIRE(ioctl.args.size() == 1);
  CHECK(ioctl.args[0].index == 1);
  CHECK(ioctl.args[0].op == Operator::MaskedEq);
  CHECK(ioctl.args[0].value == 0xffffffffu);       // OCI value: the mask
  CHECK(ioctl.args[0].value_two == 0x5412u);       // OCI valueTwo: the datum
  CHECK(ioctl.errno_ret == 1);
  // socket's int domain > 40: aligned blocks of [41, 0xffffffff], masks inside the low half.
  std::size_t socket_rules = 0;
  for (const SyscallRule& r : p.syscalls) {
    if (r.names != std::vector<std::string>{"socket"}) continue;
    ++socket_rules;
    REQUIRE(r.args.size() == 1);
    CHECK(r.args[0].op == Operator::MaskedEq);
    CHECK((r.args[0].value >> 32) == 0);
    CHECK(r.errno_ret == 97);
  }
  CHECK(socket_rules == 30);  // blocks 41, 42-43, 44-47, 48-63, then 2^k..2^(k+1)-1 for k = 6..31
  // clone's flags are 64 bits: kept as written; getpid unchanged; order kept.
  const SyscallRule& clone = p.syscalls[p.syscalls.size() - 2];
  CHECK(clone.names == std::vector<std::string>{"clone"});
  CHECK(clone.args.size() == 1);
  CHECK(clone.args[0].value == 0x10000000u);
  CHECK(p.syscalls.back().names == std::vector<std::string>{"getpid"});
  CHECK(p.syscalls.back().args.empty());
}

TEST_CASE("width_exact_oci: libseccomp on the rewritten profile gives the width-exact verdicts for high-bit arguments") {
  const Profile original = oci(kTiocsti);
  const Profile exact = rewritten(original);
  const bpf::Program ours = compiled(original, {native_arch()});
  const bpf::Program runc_before = libseccomp_program(original);
  const bpf::Program runc_after = libseccomp_program(exact);
  const std::uint32_t eperm = SECCOMP_RET_ERRNO | 1, allow = SECCOMP_RET_ALLOW;
  // The hole: libseccomp on the flat profile lets the high-bit TIOCSTI through.
  CHECK(verdict(runc_before, call(native_arch(), "ioctl", {1023, 0x100005412})) == allow);
  CHECK(verdict(ours, call(native_arch(), "ioctl", {1023, 0x100005412})) == eperm);
  CHECK(verdict(runc_after, call(native_arch(), "ioctl", {1023, 0x100005412})) == eperm);
  CHECK(verdict(runc_after, call(native_arch(), "ioctl", {1023, 0x5412})) == eperm);
  CHECK(verdict(runc_after, call(native_arch(), "ioctl", {1023, 0x5413})) == allow);
  const std::uint64_t values[] = {0, 1, 40, 41, 42, 63, 64, 0x5411, 0x5412, 0x5413, 0x7fffffff, 0x80000000,
                                  0xffffffff, 0x100000000, 0x100000028, 0x100000029, 0x100005412,
                                  0xffffffff00005412, 0xffffffffffffffff, 0x10000000, 0x110000000};
  std::size_t compared = 0;
  for (std::string_view name : {"ioctl", "socket", "clone", "getpid"})
    for (std::uint64_t a0 : values)
      for (std::uint64_t a1 : values) {
        const auto d = call(native_arch(), name, {a0, a1, 0, 0, 0, 0});
        INFO(name << " args " << a0 << " " << a1);
        CHECK(verdict(runc_after, d) == verdict(ours, d));
        ++compared;
      }
  CHECK(compared == 4 * 21 * 21);
}

TEST_CASE("width_exact_oci: random profiles compile to the same verdicts before and after on boundary values") {
  struct Set {
    std::vector<Arch> arches;
  };
  const Set sets[] = {{{Arch::X86_64, Arch::X86, Arch::X32}}, {{Arch::Aarch64, Arch::Arm}}};
  std::size_t profiles = 0, vectors = 0, too_complex = 0, low_half = 0;
  for (const Set& set : sets)
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
      Profile original = test::random_profile(seed, set.arches);
      WidthExactOptions wo;
      wo.arches = set.arches;
      Result<Profile> exact = width_exact_oci(original, wo);
      if (!exact.ok()) {
        REQUIRE(exact.diagnostics.items().size() >= 1);
        CHECK(exact.diagnostics.items().back().code == Code::RuleTooComplex);
        ++too_complex;
        continue;
      }
      for (const SyscallRule& r : exact.value->syscalls) {  // at most one condition per argument
        std::set<std::uint64_t> seen;
        for (const ArgCondition& c : r.args) {
          CHECK(seen.insert(c.index).second);
          if (c.op == Operator::MaskedEq && c.value <= 0xffffffff && c.value_two != std::nullopt) ++low_half;
        }
      }
      CompileOptions co;
      co.arches = set.arches;
      Result<CompiledFilter> a = compile(original, co);
      Result<CompiledFilter> b = compile(*exact.value, co);
      if (!a.ok()) continue;  // the original is refused (too big): nothing to compare
      REQUIRE(b.ok());
      ++profiles;
      std::set<std::uint64_t> constants{0, 0xffffffff, 0x100000000, 0xffffffffffffffff};
      for (const SyscallRule& r : original.syscalls)
        for (const ArgCondition& c : r.args)
          for (std::uint64_t v : {c.value, c.value_two.value_or(0)})
            for (std::uint64_t x : {v, v - 1, v + 1, v | 0xffffffff00000000, v ^ 0x100000000, v & 0xffffffff})
              constants.insert(x);
      for (Arch arch : set.arches)
        for (const SyscallRule& r : original.syscalls)
          for (const std::string& name : r.names) {
            if (!syscall_table(arch)->number(name)) continue;
            for (std::uint64_t v : constants)
              for (unsigned i = 0; i < 6; ++i) {
                std::array<std::uint64_t, 6> args{};
                for (const ArgCondition& c : r.args) args[c.index] = c.value;  // others near a match
                args[i] = v;
                bpf::SeccompData d = call(arch, name, args);
                const std::uint32_t before = verdict(a.value->program, d), after = verdict(b.value->program, d);
                if (before != after)
                  FAIL_CHECK("seed " << seed << " " << name << " arg " << i << " = " << v << ": " << before
                                     << " became " << after);
                ++vectors;
              }
          }
    }
  MESSAGE(profiles << " profiles, " << vectors << " vectors, " << too_complex << " refused as too complex, "
                   << low_half << " low-half MASKED_EQ conditions");
  CHECK(profiles >= 20);
  CHECK(low_half > 50);  // the random profiles do exercise the rewrite
  CHECK(vectors > 10000);
}

TEST_CASE("width_exact_oci: a rule that can never match is dropped with a note and a big one is refused") {
  const Profile never = oci(R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["ioctl"], "action": "SCMP_ACT_ERRNO",
                  "args": [{"index": 1, "value": 4294967296, "op": "SCMP_CMP_GE"}]}]})");
  Result<Profile> r = width_exact_oci(never);
  REQUIRE(r.ok());
  CHECK(r.value->syscalls.empty());
  REQUIRE(r.diagnostics.items().size() == 1);
  CHECK(r.diagnostics.items()[0].code == Code::RuleNeverMatches);
  CHECK(r.diagnostics.items()[0].pointer == "/syscalls/0/args/0");

  // Three ranges of ~30 blocks each: 27000 rules > 256.
  const Profile big = oci(R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["ioctl"], "action": "SCMP_ACT_ERRNO", "args": [
      {"index": 0, "value": 12345, "op": "SCMP_CMP_GT"},
      {"index": 1, "value": 54321, "op": "SCMP_CMP_GT"},
      {"index": 0, "value": 3000000000, "op": "SCMP_CMP_LT"}]}]})");
  Result<Profile> b = width_exact_oci(big);
  CHECK_FALSE(b.ok());
  REQUIRE(b.diagnostics.items().size() == 1);
  CHECK(b.diagnostics.items()[0].code == Code::RuleTooComplex);
  CHECK(b.diagnostics.items()[0].pointer == "/syscalls/0");
  WidthExactOptions loose;
  loose.max_rules_per_rule = 100000;
  CHECK(width_exact_oci(big, loose).ok());
}
