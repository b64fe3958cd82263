// The resolver on profiles built in code; the corpus goldens are in
// test/convert/resolve_command_test.cpp.
#include <doctest/doctest.h>

#include "scc/names.hpp"
#include "scc/resolve.hpp"

using namespace scc;

namespace {

using Names = std::vector<std::string>;

SyscallRule rule(Names names, Action action = Action::Allow) {
  SyscallRule r;
  r.names = std::move(names);
  r.used_names_field = true;
  r.action = action;
  return r;
}

// A profile whose rules get pointers /syscalls/N like a reader would give them.
Profile profile(std::vector<SyscallRule> rules) {
  Profile p;
  p.default_action = Action::Errno;
  p.syscalls = std::move(rules);
  for (std::size_t i = 0; i < p.syscalls.size(); ++i) {
    auto& r = p.syscalls[i];
    r.pointer = "/syscalls/" + std::to_string(i);
    r.includes.pointer = r.pointer + "/includes";
    r.excludes.pointer = r.pointer + "/excludes";
  }
  return p;
}

Profile with_arch_map(Profile p) {
  p.has_arch_map = true;
  p.arch_map = {{Arch::X86_64, {Arch::X86, Arch::X32}, "/archMap/0"},
                {Arch::Aarch64, {Arch::Arm}, "/archMap/1"},
                {Arch::Riscv64, {}, "/archMap/2"}};
  return p;
}

Target target(Arch arch, Names caps = docker_default_caps(), KernelVersion kernel = {6, 18}) {
  Target t;
  t.arch = arch;
  t.caps = std::move(caps);
  t.kernel = kernel;
  return t;
}

// The first names of the surviving rules, in order.
Names kept(const Result<Profile>& r) {
  Names out;
  if (!r.value) return out;
  for (const auto& s : r.value->syscalls) out.push_back(s.names.empty() ? "" : s.names.front());
  return out;
}

const Diagnostic& only(const Diagnostics& d) {
  REQUIRE(d.size() == 1);
  return d.items().front();
}

}  // namespace

TEST_CASE("archMap: the target's entry gives arch + subArchitectures") {
  auto p = with_arch_map(profile({rule({"read"})}));
  auto x86 = resolve(p, target(Arch::X86_64));
  REQUIRE(x86.ok());
  CHECK(x86.diagnostics.empty());
  CHECK(x86.value->architectures == std::vector<Arch>{Arch::X86_64, Arch::X86, Arch::X32});
  CHECK(x86.value->has_architectures);
  CHECK_FALSE(x86.value->has_arch_map);
  CHECK(x86.value->arch_map.empty());

  auto arm = resolve(p, target(Arch::Aarch64));
  REQUIRE(arm.ok());
  CHECK(arm.value->architectures == std::vector<Arch>{Arch::Aarch64, Arch::Arm});

  auto riscv = resolve(p, target(Arch::Riscv64));  // no syscall table: resolution does not need one
  REQUIRE(riscv.ok());
  CHECK(riscv.value->architectures == std::vector<Arch>{Arch::Riscv64});
}

TEST_CASE("archMap without an entry for the target leaves architectures empty - with a warning") {
  auto r = resolve(with_arch_map(profile({rule({"read"})})), target(Arch::Arm));
  REQUIRE(r.ok());
  CHECK(r.value->architectures.empty());
  CHECK_FALSE(r.value->has_architectures);
  const auto& d = only(r.diagnostics);
  CHECK(d.severity == Severity::Warning);
  CHECK(d.code == Code::ArchNotInArchMap);
  CHECK(d.pointer == "/archMap");
  CHECK(d.message.find("SCMP_ARCH_ARM") != std::string::npos);
}

TEST_CASE("explicit architectures are kept as written - whatever the target") {
  auto p = profile({rule({"read"})});
  p.architectures = {Arch::X86, Arch::X86_64};
  p.has_architectures = true;
  auto r = resolve(p, target(Arch::Aarch64));
  REQUIRE(r.ok());
  CHECK(r.diagnostics.empty());
  CHECK(r.value->architectures == std::vector<Arch>{Arch::X86, Arch::X86_64});

  Profile none = profile({rule({"read"})});
  auto n = resolve(none, target(Arch::X86_64));
  REQUIRE(n.ok());
  CHECK(n.value->architectures.empty());
  CHECK_FALSE(n.value->has_architectures);
  CHECK(n.diagnostics.empty());
}

TEST_CASE("architectures together with archMap is an error - as in moby") {
  auto p = with_arch_map(profile({rule({"read"})}));
  p.architectures = {Arch::X86_64};
  p.has_architectures = true;
  auto r = resolve(p, target(Arch::X86_64));
  CHECK_FALSE(r.value);
  CHECK(only(r.diagnostics).code == Code::ArchitecturesAndArchMap);
  CHECK(only(r.diagnostics).pointer == "/archMap");
}

TEST_CASE("includes.caps needs every cap - excludes.caps skips on any") {
  auto both = rule({"needs_both"});
  both.includes.caps = {"CAP_SYS_ADMIN", "CAP_BPF"};
  auto either = rule({"excluded_by_either"});
  either.excludes.caps = {"CAP_SYS_ADMIN", "CAP_BPF"};
  auto p = profile({both, either});
  CHECK(kept(resolve(p, target(Arch::X86_64, {"CAP_SYS_ADMIN"}))) == Names{});
  CHECK(kept(resolve(p, target(Arch::X86_64, {"CAP_BPF"}))) == Names{});
  CHECK(kept(resolve(p, target(Arch::X86_64, {"CAP_BPF", "CAP_SYS_ADMIN"}))) == Names{"needs_both"});
  CHECK(kept(resolve(p, target(Arch::X86_64, {"CAP_KILL"}))) == Names{"excluded_by_either"});
  CHECK(kept(resolve(p, target(Arch::X86_64, {}))) == Names{"excluded_by_either"});
}

TEST_CASE("caps compare by exact name - as moby's slices.Contains does") {
  auto lower = rule({"lowercase_cap"});
  lower.includes.caps = {"cap_sys_admin"};
  CHECK(kept(resolve(profile({lower}), target(Arch::X86_64, {"CAP_SYS_ADMIN"}))) == Names{});
}

TEST_CASE("arches compare with the target's Docker name (amd64 or arm64)") {
  auto amd64 = rule({"arch_prctl"});
  amd64.includes.arches = {"amd64", "x32"};
  auto x86_64_name = rule({"never"});  // "x86_64" is not a Docker arch name: moby never matches it
  x86_64_name.includes.arches = {"x86_64"};
  auto arm = rule({"arm_only"});
  arm.includes.arches = {"arm", "arm64"};
  auto not_arm64 = rule({"not_on_arm64"});
  not_arm64.excludes.arches = {"arm64"};
  auto p = profile({amd64, x86_64_name, arm, not_arm64});
  CHECK(kept(resolve(p, target(Arch::X86_64))) == Names{"arch_prctl", "not_on_arm64"});
  CHECK(kept(resolve(p, target(Arch::Aarch64))) == Names{"arm_only"});
  CHECK(kept(resolve(p, target(Arch::Arm))) == Names{"arm_only", "not_on_arm64"});
  CHECK(kept(resolve(p, target(Arch::X32))) == Names{"arch_prctl", "not_on_arm64"});
}

TEST_CASE("excludes are checked before includes") {
  auto r = rule({"clone"});
  r.includes.caps = {"CAP_SYS_ADMIN"};
  r.excludes.arches = {"amd64"};
  auto p = profile({r});
  CHECK(kept(resolve(p, target(Arch::X86_64, {"CAP_SYS_ADMIN"}))) == Names{});
  CHECK(kept(resolve(p, target(Arch::Aarch64, {"CAP_SYS_ADMIN"}))) == Names{"clone"});
}

TEST_CASE("minKernel: includes keeps from that version on - excludes drops from it on") {
  auto inc = rule({"ptrace"});
  inc.includes.min_kernel = KernelVersion{4, 8};
  auto exc = rule({"old_kernel_only"});
  exc.excludes.min_kernel = KernelVersion{5, 10};
  auto p = profile({inc, exc});
  CHECK(kept(resolve(p, target(Arch::X86_64, {}, {4, 7}))) == Names{"old_kernel_only"});
  CHECK(kept(resolve(p, target(Arch::X86_64, {}, {4, 8}))) == Names{"ptrace", "old_kernel_only"});
  CHECK(kept(resolve(p, target(Arch::X86_64, {}, {5, 9}))) == Names{"ptrace", "old_kernel_only"});
  CHECK(kept(resolve(p, target(Arch::X86_64, {}, {5, 10}))) == Names{"ptrace"});
  CHECK(kept(resolve(p, target(Arch::X86_64, {}, {4, 10}))) == Names{"ptrace", "old_kernel_only"});
}

TEST_CASE("a minKernel condition with an unknown kernel is an error naming --kernel") {
  auto inc = rule({"ptrace"});
  inc.includes.min_kernel = KernelVersion{4, 8};
  Target t = target(Arch::X86_64);
  t.kernel.reset();
  auto r = resolve(profile({rule({"read"}), inc}), t);
  CHECK_FALSE(r.value);
  const auto& d = only(r.diagnostics);
  CHECK(d.code == Code::BadMinKernel);
  CHECK(d.pointer == "/syscalls/1/includes/minKernel");
  CHECK(d.hint == "give one with --kernel X.Y");
  // Without minKernel conditions an unknown kernel does not matter.
  CHECK(resolve(profile({rule({"read"})}), t).ok());
}

TEST_CASE("surviving rules keep order - names and args - comment and conditions are removed") {
  auto a = rule({"socket"});
  a.args = {ArgCondition{0, 38, std::nullopt, Operator::Lt, true, "/syscalls/0/args/0"}};
  a.comment = "no AF_ALG";
  auto b = rule({"reboot"});
  b.includes.caps = {"CAP_SYS_BOOT"};
  auto c = rule({"clone3"}, Action::Errno);
  c.errno_ret = 38;
  c.excludes.caps = {"CAP_SYS_ADMIN"};
  auto r = resolve(profile({a, b, c}), target(Arch::X86_64));
  REQUIRE(r.ok());
  const Profile& out = *r.value;
  CHECK(out.dialect == Dialect::Oci);
  CHECK(out.is_flat());
  REQUIRE(out.syscalls.size() == 2);
  CHECK(out.syscalls[0].names == Names{"socket"});
  CHECK(out.syscalls[0].comment.empty());
  REQUIRE(out.syscalls[0].args.size() == 1);
  CHECK(out.syscalls[0].args[0].value == 38);
  CHECK(out.syscalls[0].args[0].op == Operator::Lt);
  CHECK(out.syscalls[0].pointer == "/syscalls/0");
  CHECK(out.syscalls[1].names == Names{"clone3"});
  CHECK(out.syscalls[1].errno_ret == 38u);
  CHECK(out.syscalls[1].excludes.empty());
  CHECK(out.syscalls[1].pointer == "/syscalls/2");
}

TEST_CASE("the deprecated name becomes a one-name names list - name with names is an error") {
  auto old = rule({"chmod"});
  old.used_name_field = true;
  old.used_names_field = false;
  old.name_pointers = {"/syscalls/0/name"};
  auto r = resolve(profile({old}), target(Arch::X86_64));
  REQUIRE(r.ok());
  CHECK(r.value->syscalls[0].names == Names{"chmod"});
  CHECK(r.value->syscalls[0].used_names_field);
  CHECK_FALSE(r.value->syscalls[0].used_name_field);

  // moby rejects it before filtering, even in a rule the target would skip.
  auto both = rule({"chmod", "chown"});
  both.used_name_field = true;
  both.includes.arches = {"s390x"};
  auto bad = resolve(profile({rule({"read"}), both}), target(Arch::X86_64));
  CHECK_FALSE(bad.value);
  CHECK(only(bad.diagnostics).code == Code::NameAndNames);
  CHECK(only(bad.diagnostics).pointer == "/syscalls/1");
}

TEST_CASE("defaultErrnoRet - flags and listener fields pass through") {
  auto p = profile({rule({"read"})});
  p.default_errno_ret = 38;
  p.flags = {Flag::Log, Flag::SpecAllow};
  p.listener_path = "/run/agent.sock";
  p.listener_metadata = "meta";
  p.name = "spo-name";
  p.pointer = "/spec";
  auto r = resolve(p, target(Arch::X86_64));
  REQUIRE(r.ok());
  CHECK(r.value->default_action == Action::Errno);
  CHECK(r.value->default_errno_ret == 38u);
  CHECK(r.value->flags == std::vector<Flag>{Flag::Log, Flag::SpecAllow});
  CHECK(r.value->listener_path == "/run/agent.sock");
  CHECK(r.value->listener_metadata == "meta");
  CHECK(r.value->name == "spo-name");
  CHECK(r.value->pointer == "/spec");
}

TEST_CASE("containers/common errno names become numbers - a name wins over a different number") {
  auto eperm = rule({"bdflush"}, Action::Errno);
  eperm.errno_name = "EPERM";
  auto clash = rule({"chroot"}, Action::Errno);
  clash.errno_name = "EINVAL";
  clash.errno_ret = 1;
  auto p = profile({eperm, clash});
  p.default_errno_name = "ENOSYS";
  p.default_errno_ret = 38;
  auto r = resolve(p, target(Arch::X86_64));
  REQUIRE(r.ok());
  CHECK(r.value->default_errno_ret == 38u);
  CHECK(r.value->syscalls[0].errno_ret == 1u);
  CHECK(r.value->syscalls[0].errno_name.empty());
  CHECK(r.value->syscalls[1].errno_ret == 22u);
  const auto& d = only(r.diagnostics);
  CHECK(d.severity == Severity::Warning);
  CHECK(d.code == Code::ErrnoMismatch);
  CHECK(d.pointer == "/syscalls/1/errno");
}

TEST_CASE("an unknown errno name is an error with its pointer") {
  auto p = profile({rule({"read"})});
  p.default_errno_name = "ENOTANERRNO";
  auto r = resolve(p, target(Arch::X86_64));
  CHECK_FALSE(r.value);
  CHECK(only(r.diagnostics).code == Code::UnknownErrno);
  CHECK(only(r.diagnostics).pointer == "/defaultErrno");
  CHECK(only(r.diagnostics).message == "unknown errno name \"ENOTANERRNO\"");
}

TEST_CASE("an empty profile resolves to no seccomp - with a warning") {
  Profile empty;
  auto r = resolve(empty, target(Arch::X86_64));
  REQUIRE(r.ok());
  CHECK_FALSE(r.value->default_action);
  CHECK(r.value->syscalls.empty());
  CHECK(only(r.diagnostics).code == Code::EmptyProfile);
  CHECK(only(r.diagnostics).severity == Severity::Warning);
}

TEST_CASE("rules without a defaultAction are an error") {
  auto p = profile({rule({"read"})});
  p.default_action.reset();
  auto r = resolve(p, target(Arch::X86_64));
  CHECK_FALSE(r.value);
  CHECK(only(r.diagnostics).code == Code::MissingDefaultAction);
}

TEST_CASE("default_target: native arch - Docker's caps - running kernel") {
  Target t = default_target();
  CHECK(t.arch == native_arch());
  CHECK(t.caps == docker_default_caps());
  CHECK(t.kernel == running_kernel());
}
