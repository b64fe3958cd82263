#include "profile_strictness.hpp"

#include <doctest/doctest.h>

#include <linux/seccomp.h>

#include <algorithm>
#include <string>
#include <vector>

#include "scc/capabilities.hpp"
#include "scc/names.hpp"
#include "scc/read.hpp"
#include "scc/resolve.hpp"
#include "support/support.hpp"

using namespace scc;

namespace {

Target target(Arch arch) {
  Target t;
  t.arch = arch;
  t.caps = docker_default_caps();
  t.kernel = KernelVersion{6, 18};
  return t;
}

Profile shipped(const std::string& name) {
  auto doc = read_document(test::read_file(test::source_dir() / "profiles" / (name + ".json")));
  REQUIRE(doc.ok());
  REQUIRE(doc.value->profiles.size() == 1);
  return doc.value->profiles.front();
}

Profile flat(const Profile& p, Arch arch) {
  auto r = resolve(p, target(arch));
  REQUIRE(r.ok());
  return *r.value;
}

Profile parse(const std::string& text) {
  auto doc = read_document(text);
  REQUIRE(doc.ok());
  return doc.value->profiles.front();
}

StrictnessProof prove(const Profile& candidate, const Profile& baseline) {
  auto r = prove_at_least_as_strict(candidate, baseline);
  REQUIRE(r.ok());
  return *r.value;
}

SyscallRule socket_family(std::uint64_t family) {
  SyscallRule rule;
  rule.names = {"socket"};
  rule.action = Action::Allow;
  ArgCondition c;
  c.index = 0;
  c.value = family;
  c.op = Operator::Eq;
  rule.args = {c};
  return rule;
}

// The looser inputs, one line each: "x86_64 socket [arg0 ...] socket(40, 0, 0, 0, 0, 0)".
std::string looser_list(const StrictnessProof& p) {
  std::string out;
  for (const LooserInput& in : p.looser)
    out += std::string(short_name(in.arch)) + " " + in.syscall + " [" + in.region + "] " + describe_call(in) + "\n";
  return out;
}

constexpr const char* kAllowAll = R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO"}]})";

}  // namespace

TEST_CASE("strict is proven at least as strict as runtime-default resolved for x86_64 and aarch64") {
  for (Arch arch : {Arch::X86_64, Arch::Aarch64}) {
    CAPTURE(short_name(arch));
    const StrictnessProof p = prove(flat(shipped("strict"), arch), flat(shipped("runtime-default"), arch));
    CHECK(p.verdict == Strictness::AtLeastAsStrict);
    CHECK(looser_list(p) == std::string());
    CHECK(p.unsure.empty());
    CHECK(check_at_least_as_strict(flat(shipped("strict"), arch), "profile \"strict\"",
                                   flat(shipped("runtime-default"), arch), "the default")
              .empty());
  }
}

TEST_CASE("runtime-default is proven looser than strict with a named witness") {
  for (Arch arch : {Arch::X86_64, Arch::Aarch64}) {
    CAPTURE(short_name(arch));
    const StrictnessProof p = prove(flat(shipped("runtime-default"), arch), flat(shipped("strict"), arch));
    CHECK(p.verdict == Strictness::Looser);
    CHECK(p.unsure.empty());
    REQUIRE_FALSE(p.looser.empty());
  }
  const Profile rd = flat(shipped("runtime-default"), Arch::X86_64);
  const Profile strict = flat(shipped("strict"), Arch::X86_64);
  const StrictnessProof p = prove(rd, strict);
  const LooserInput& first = p.looser.front();
  CHECK(first.arch == Arch::X86_64);
  CHECK(first.syscall == "socket");
  CHECK(first.nr == 41);
  CHECK(first.region == "arg0 low 32 bits == 0 (high 32 bits any)");
  CHECK(first.candidate == SECCOMP_RET_ALLOW);
  CHECK(first.baseline == (SECCOMP_RET_ERRNO | 1));
  CHECK(describe_call(first) == "socket(0, 0, 0, 0, 0, 0)");
  const Diagnostics d = check_at_least_as_strict(rd, "profile \"runtime-default\"", strict, "the default profile \"strict\"");
  REQUIRE(d.has_errors());
  CHECK(d.items().front().code == Code::PolicyViolation);
  CHECK(d.items().front().message ==
        "profile \"runtime-default\" is looser than the default profile \"strict\": on x86_64, socket with arg0 low "
        "32 bits == 0 (high 32 bits any) gets ALLOW where the baseline gives ERRNO(1) EPERM, e.g. "
        "socket(0, 0, 0, 0, 0, 0)");
  CHECK(d.items().back().message.starts_with("profile \"runtime-default\" is looser than the default profile "
                                             "\"strict\": and "));
}

TEST_CASE("strictness: a profile looser than runtime-default on one socket family alone is caught with that family") {
  // runtime-default denies families 38 and 40; allowing 40 opens exactly socket(40, ...).
  Profile wider = shipped("runtime-default");
  wider.syscalls.push_back(socket_family(40));
  const StrictnessProof p = prove(flat(wider, Arch::X86_64), flat(shipped("runtime-default"), Arch::X86_64));
  CHECK(p.verdict == Strictness::Looser);
  CHECK(p.unsure.empty());
  // runtime-default's x86_64 entry of archMap adds x86 (not x32).
  CHECK(looser_list(p) == "x86_64 socket [arg0 low 32 bits == 40 (high 32 bits any)] socket(40, 0, 0, 0, 0, 0)\n"
                          "x86 socket [arg0 low 32 bits == 40 (high 32 bits any)] socket(40, 0, 0, 0, 0, 0)\n");
  // The same family added to strict against strict; and 16, which strict allows already, adds nothing.
  Profile strict_wider = shipped("strict");
  strict_wider.syscalls.push_back(socket_family(40));
  const StrictnessProof q = prove(flat(strict_wider, Arch::Aarch64), flat(shipped("strict"), Arch::Aarch64));
  // Resolved for aarch64, the filter built here also covers the native arch (compile.hpp).
  CHECK(looser_list(q) ==
        "x86_64 socket [arg0 low 32 bits == 40 (high 32 bits any)] socket(40, 0, 0, 0, 0, 0)\n"
        "aarch64 socket [arg0 low 32 bits == 40 (high 32 bits any)] socket(40, 0, 0, 0, 0, 0)\n");
  Profile same = shipped("strict");
  same.syscalls.push_back(socket_family(16));
  CHECK(prove(flat(same, Arch::Aarch64), flat(shipped("strict"), Arch::Aarch64)).verdict ==
        Strictness::AtLeastAsStrict);
}

TEST_CASE("strictness order: another errno - ENOSYS included - is not looser and a weaker action is") {
  const std::string head = R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}, {"names": ["mkdir"], )";
  const Profile eperm = parse(head + R"("action": "SCMP_ACT_ERRNO", "errnoRet": 1}]})");
  const Profile enosys = parse(head + R"("action": "SCMP_ACT_ERRNO", "errnoRet": 38}]})");
  const Profile trap = parse(head + R"("action": "SCMP_ACT_TRAP"}]})");
  const Profile log = parse(head + R"("action": "SCMP_ACT_LOG"}]})");
  const Profile kill_thread = parse(head + R"("action": "SCMP_ACT_KILL_THREAD"}]})");
  const Profile kill_process = parse(head + R"("action": "SCMP_ACT_KILL_PROCESS"}]})");
  CHECK(prove(enosys, eperm).verdict == Strictness::AtLeastAsStrict);
  CHECK(prove(eperm, enosys).verdict == Strictness::AtLeastAsStrict);
  CHECK(prove(trap, eperm).verdict == Strictness::AtLeastAsStrict);
  CHECK(prove(kill_process, kill_thread).verdict == Strictness::AtLeastAsStrict);
  CHECK(looser_list(prove(kill_thread, kill_process)) ==
        "x86_64 mkdir [any arguments] mkdir(0, 0, 0, 0, 0, 0)\n");
  CHECK(looser_list(prove(eperm, trap)) ==
        "x86_64 mkdir [any arguments] mkdir(0, 0, 0, 0, 0, 0)\n");
  const StrictnessProof l = prove(log, eperm);
  REQUIRE(l.looser.size() == 1);
  CHECK(l.looser.front().candidate == SECCOMP_RET_LOG);
  CHECK(l.looser.front().baseline == (SECCOMP_RET_ERRNO | 1));
}

TEST_CASE("strictness: arches and unknown numbers and no default action and SPEC_ALLOW") {
  const Profile base = parse(R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})");
  // x86 (i386) calls: the baseline kills them as a foreign arch.
  const Profile with_x86 = parse(R"({"defaultAction": "SCMP_ACT_ERRNO",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"], "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})");
  // Every x86 number is looser (ERRNO or ALLOW against KILL_PROCESS), and nothing on x86_64.
  const StrictnessProof x86 = prove(with_x86, base);
  CHECK(x86.verdict == Strictness::Looser);
  CHECK(std::all_of(x86.looser.begin(), x86.looser.end(), [](const LooserInput& in) {
    return in.arch == Arch::X86 && in.baseline == SECCOMP_RET_KILL_PROCESS;
  }));
  auto read = std::find_if(x86.looser.begin(), x86.looser.end(), [](const LooserInput& in) { return in.syscall == "read"; });
  REQUIRE(read != x86.looser.end());
  CHECK(read->candidate == SECCOMP_RET_ALLOW);
  CHECK(x86.looser.front().syscall == "restart_syscall");
  CHECK(x86.looser.front().candidate == (SECCOMP_RET_ERRNO | 1));
  CHECK(prove(base, with_x86).verdict == Strictness::AtLeastAsStrict);
  // A denylist allows every other syscall and every unknown number (no ENOSYS horizon under ALLOW).
  const StrictnessProof deny = prove(parse(kAllowAll), base);
  CHECK(deny.verdict == Strictness::Looser);
  CHECK(deny.looser.front().syscall == "write");
  CHECK(std::any_of(deny.looser.begin(), deny.looser.end(), [](const LooserInput& in) {
    return in.syscall.empty() && in.candidate == SECCOMP_RET_ALLOW;
  }));
  Profile no_default = base;
  no_default.default_action.reset();
  const StrictnessProof none = prove(no_default, base);
  CHECK(none.verdict == Strictness::Looser);
  CHECK(none.looser.front().syscall == "write");  // read is ALLOW on both sides
  Profile spec = base;
  spec.flags.push_back(Flag::SpecAllow);
  const StrictnessProof s = prove(spec, base);
  CHECK(s.verdict == Strictness::Looser);
  CHECK(s.spec_allow);
  CHECK(s.looser.empty());
  CHECK(check_at_least_as_strict(spec, "a", base, "b").items().front().message ==
        "a is looser than b: it sets SECCOMP_FILTER_FLAG_SPEC_ALLOW, the baseline does not");
}

TEST_CASE("strictness: witness values from 0x10000 up are written in hex") {
  const std::string head = R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "op": "SCMP_CMP_EQ", "value": )";
  const StrictnessProof p = prove(parse(head + "131072}]}]}"), parse(head + "0}]}]}"));
  CHECK(looser_list(p) ==
        "x86_64 personality [arg0 low 32 bits == 0x20000 (high 32 bits any)] personality(0x20000, 0, 0, 0, 0, 0)\n");
}
