// Checks on actions and errno values: the default action, each rule's action
// against the default, errno ranges and spellings, notify, thread-only kills,
// dangerous allows and profiles that confine nothing.
#include <algorithm>
#include <array>
#include <vector>

#include "dangerous_syscalls.hpp"
#include "scc/hex.hpp"
#include "scc/names.hpp"
#include "validate_checks.hpp"

namespace scc::validate_detail {
namespace {

constexpr std::uint64_t kEperm = 1;

bool is_kill(Action a) {
  return a == Action::Kill || a == Action::KillThread || a == Action::KillProcess;
}

// The errno value of an errno-taking action: the number, else the
// containers/common name, else EPERM (runc's and crun's default).
std::uint64_t errno_value(const std::optional<std::uint64_t>& number, const std::string& name) {
  if (number) return *number;
  if (auto v = parse_errno(name)) return static_cast<std::uint64_t>(*v);
  return kEperm;
}

// Where an action's errno is written: the number wins, as it is what the
// runtime uses; a name alone is reported at its own key.
struct ErrnoSite {
  Action action;
  std::optional<std::uint64_t> number;
  const std::string& name;
  std::string number_pointer;  // ".../errnoRet" or ".../defaultErrnoRet"
  std::string name_pointer;    // ".../errno" or ".../defaultErrno"
  std::string_view number_key;
  std::string_view action_key;  // "action" or "defaultAction"
};

void check_errno_on_action(const ErrnoSite& s, Diagnostics& out) {
  if (action_takes_errno(s.action)) return;
  std::string action = '"' + std::string(to_string(s.action)) + '"';
  if (s.number)
    out.error(Code::ErrnoOnNonErrnoAction, s.number_pointer,
              std::string(s.number_key) + " " + std::to_string(*s.number) + " is given with " +
                  std::string(s.action_key) + " " + action +
                  ", which takes no errno: the runtime-spec requires runtimes to reject it "
                  "(crun does; runc ignores it)");
  if (!s.name.empty())
    out.error(Code::ErrnoOnNonErrnoAction, s.name_pointer,
              "errno \"" + s.name + "\" is given with " + std::string(s.action_key) + " " +
                  action + ", which takes no errno");
}

void check_errno_value(const ErrnoSite& s, Diagnostics& out) {
  if (!action_takes_errno(s.action) || !s.number) return;
  const std::uint64_t v = *s.number;
  const bool trace = s.action == Action::Trace;
  if (v > max_action_data(s.action)) {
    out.error(Code::ErrnoRange, s.number_pointer,
              action_data_range_message(s.action, s.number_key, v));
    return;
  }
  if (v == 0 && !trace)
    out.warning(Code::ErrnoRange, s.number_pointer,
                std::string(s.number_key) +
                    " 0 makes the syscall return 0 without running it: a fake success");
  if (!s.name.empty()) {
    auto named = parse_errno(s.name);
    if (named && static_cast<std::uint64_t>(*named) != v)
      out.error(Code::ErrnoMismatch, s.name_pointer,
                "errno \"" + s.name + "\" is " + std::to_string(*named) + " but " +
                    std::string(s.number_key) + " says " + std::to_string(v));
  }
}

void check_default(const Context& ctx, Diagnostics& out) {
  const Profile& p = ctx.profile;
  if (!p.default_action) return;
  const std::string ptr = p.pointer + "/defaultAction";
  ErrnoSite site{*p.default_action,  p.default_errno_ret, p.default_errno_name,
                 p.pointer + "/defaultErrnoRet", p.pointer + "/defaultErrno",
                 "defaultErrnoRet", "defaultAction"};
  check_errno_on_action(site, out);
  check_errno_value(site, out);
  if (*p.default_action == Action::Notify)
    out.error(Code::NotifyDefault, ptr,
              "defaultAction \"SCMP_ACT_NOTIFY\" hands every syscall to the listener, "
              "including the ones it needs to answer: the process deadlocks");
  if (*p.default_action == Action::Kill)
    out.note(Code::KillThreadOnly, ptr,
             "defaultAction \"SCMP_ACT_KILL\" kills only the calling thread; the other threads "
             "keep running",
             "use SCMP_ACT_KILL_PROCESS");
}

// A profile where no rule differs from the default: the filter treats every
// syscall alike.
void check_empty(const Context& ctx, Diagnostics& out) {
  const Profile& p = ctx.profile;
  if (!p.default_action) return;
  const ActionKey def = default_action_key(p);
  bool any_differs = std::any_of(p.syscalls.begin(), p.syscalls.end(), [&](const SyscallRule& r) {
    return !r.names.empty() && !(rule_action_key(r) == def);
  });
  if (any_differs) return;
  std::string consequence;
  if (def.action == Action::Allow || def.action == Action::Log)
    consequence = "allows every syscall: the process is unconfined";
  else if (is_kill(def.action))
    consequence = "kills the process at its first syscall";
  else
    consequence = "denies every syscall, execve included: the process cannot start";
  out.warning(Code::EmptyProfile, p.pointer + "/defaultAction",
              "no rule differs from defaultAction \"" + std::string(to_string(def.action)) +
                  "\": the filter " + consequence);
}

// The lowest of the namespace `flags` with which `rule`, in some filter it
// applies to, allows its syscall: some value of the flags argument that its
// conditions on that argument accept has it (and its conditions on the other
// arguments can hold); 0 when there is none. EQ on flags without them, or
// moby's MASKED_EQ 0x7E020000 with value 0, allows none.
std::uint64_t allowed_namespace_flag(const Context& ctx, const SyscallRule& rule,
                                     std::string_view syscall, std::uint64_t flags) {
  for (const TargetGroup* g : applicable_groups(ctx, rule)) {
    // clone's flags are argument 1 on s390 (its argument order differs);
    // unshare's are argument 0 everywhere.
    const bool s390 = g->native == Arch::S390 || g->native == Arch::S390X;
    const std::uint64_t flags_index = s390 && syscall == "clone" ? 1 : 0;
    std::array<std::vector<const ArgCondition*>, 6> by_index;
    for (const ArgCondition& c : rule.args)
      if (c.index < by_index.size()) by_index[c.index].push_back(&c);
    bool others_hold = true;
    for (std::uint64_t i = 0; i < by_index.size(); ++i)
      if (i != flags_index && !by_index[i].empty()) others_hold = others_hold && satisfiable(by_index[i]);
    if (!others_hold) continue;
    for (std::uint64_t bit = 1; bit != 0; bit <<= 1)
      if ((flags & bit) != 0 && satisfiable(by_index[flags_index], bit)) return bit;
  }
  return 0;
}

// Allows of dangerous syscalls. Rules gated on a capability (includes.caps)
// are left alone: they apply only to containers that hold the capability,
// which the kernel checks as well.
void check_dangerous(const Context& ctx, const SyscallRule& r, Diagnostics& out) {
  if (r.action != Action::Allow && r.action != Action::Log) return;
  if (!r.includes.caps.empty() || applicable_groups(ctx, r).empty()) return;
  for (std::size_t i = 0; i < r.names.size(); ++i) {
    auto d = dangerous_syscall(r.names[i]);
    if (!d) continue;
    std::string why(d->why);
    std::string hint;
    if (d->namespace_flags != 0) {
      const std::uint64_t flag = allowed_namespace_flag(ctx, r, r.names[i], d->namespace_flags);
      if (flag == 0) continue;
      if (!r.args.empty())
        why += ": this rule lets flags with " + std::string(namespace_flag_name(flag)) + " (" +
               hex_literal(flag) + ") through";
      hint = "mask the flags argument with SCMP_CMP_MASKED_EQ " + hex_literal(d->namespace_flags) +
             " and value 0";
    }
    out.warning(Code::DangerousAllow, r.name_pointers[i], "allowing \"" + r.names[i] + "\" " + why,
                hint);
  }
}

void check_rule(const Context& ctx, const SyscallRule& r, Diagnostics& out) {
  ErrnoSite site{r.action, r.errno_ret, r.errno_name, r.pointer + "/errnoRet",
                 r.pointer + "/errno", "errnoRet", "action"};
  check_errno_on_action(site, out);
  check_errno_value(site, out);
  const std::string action_ptr = r.pointer + "/action";
  const ActionKey key = rule_action_key(r);
  if (ctx.profile.default_action && key == default_action_key(ctx.profile))
    out.warning(Code::RuleEqualsDefault, action_ptr,
                "the rule's action " + describe(key) +
                    " equals the default action: it changes no verdict and is redundant "
                    "(runc and crun skip it silently)");
  if (r.action == Action::Notify)
    for (std::size_t i = 0; i < r.names.size(); ++i)
      if (r.names[i] == "write")
        out.error(Code::NotifyOnWrite, r.name_pointers[i],
                  "SCMP_ACT_NOTIFY on \"write\": the listener's own writes back to the "
                  "process can deadlock it, and runc rejects it");
  if (r.action == Action::Kill)
    out.note(Code::KillThreadOnly, action_ptr,
             "\"SCMP_ACT_KILL\" kills only the calling thread; the other threads keep running",
             "use SCMP_ACT_KILL_PROCESS");
  check_dangerous(ctx, r, out);
}

}  // namespace

ActionKey rule_action_key(const SyscallRule& rule) {
  ActionKey k;
  k.action = rule.action;
  if (action_takes_errno(rule.action)) k.data = errno_value(rule.errno_ret, rule.errno_name);
  return k;
}

ActionKey default_action_key(const Profile& profile) {
  ActionKey k;
  k.action = profile.default_action.value_or(Action::Errno);
  if (action_takes_errno(k.action))
    k.data = errno_value(profile.default_errno_ret, profile.default_errno_name);
  return k;
}

bool operator==(const ActionKey& a, const ActionKey& b) {
  auto norm = [](Action x) { return x == Action::Kill ? Action::KillThread : x; };
  return norm(a.action) == norm(b.action) && a.data == b.data;
}

std::string describe(const ActionKey& key) {
  std::string out(to_string(key.action));
  if (key.action == Action::Errno) {
    auto name = key.data > 0 && key.data <= max_action_data(Action::Errno) ? errno_name(static_cast<int>(key.data))
                                                      : std::nullopt;
    out += "(" + (name ? *name : std::to_string(key.data)) + ")";
  } else if (key.action == Action::Trace) {
    out += "(" + std::to_string(key.data) + ")";
  }
  return out;
}

void check_actions(const Context& ctx, Diagnostics& out) {
  check_default(ctx, out);
  check_empty(ctx, out);
  for (const SyscallRule& r : ctx.profile.syscalls) check_rule(ctx, r, out);
}

}  // namespace scc::validate_detail
