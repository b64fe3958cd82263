// compile(): checks that apply to all arches, then per arch the rule plan
// (rule_plan.hpp), the libseccomp number dispatch (seccomp_filter.hpp) with
// the argument checks (arg_checks.hpp) and the horizon stub
// (enosys_horizon.hpp), then the layout (filter_layout.hpp).
#include "scc/compile.hpp"

#include <linux/seccomp.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>

#include "arg_checks.hpp"
#include "enosys_horizon.hpp"
#include "filter_layout.hpp"
#include "rule_plan.hpp"
#include "scc/names.hpp"
#include "scc/sha256.hpp"
#include "scc/syscall_table.hpp"
#include "seccomp_filter.hpp"

namespace scc {
namespace {

constexpr std::uint32_t kEnosys = SECCOMP_RET_ERRNO | ENOSYS;
constexpr std::size_t kMaxInstructions = BPF_MAXINSNS;

struct Settings {
  std::uint32_t default_action = 0;
  std::uint32_t bad_arch_action = SECCOMP_RET_KILL_PROCESS;
  bool horizon = false;
  bool tree = false;
  std::size_t max_tree_hole_run = 0;
  bool pfc = false;
  std::size_t max_rules_per_syscall = 1024;
  std::size_t max_argument_instructions = 1024;
};

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// The SECCOMP_RET_* value of an action with its errno; nullopt after an error.
std::optional<std::uint32_t> action_value(Action action, std::optional<std::uint64_t> errno_ret,
                                          const std::string& errno_name,
                                          const std::string& pointer, Diagnostics& diags) {
  std::uint64_t data = EPERM;  // runc's and crun's value when none is given
  if (action_takes_errno(action)) {
    if (errno_ret) {
      data = *errno_ret;
    } else if (!errno_name.empty()) {
      auto parsed = parse_errno(errno_name);
      if (!parsed) {
        diags.error(Code::UnknownErrno, pointer, "unknown errno name " + quoted(errno_name));
        return std::nullopt;
      }
      data = static_cast<std::uint64_t>(*parsed);
    }
    if (data > SECCOMP_RET_DATA) {
      diags.error(Code::ErrnoRange, pointer,
                  "errno " + std::to_string(data) + " does not fit the 16-bit data of a "
                  "seccomp return value");
      return std::nullopt;
    }
  }
  return seccomp_return(action, static_cast<std::uint16_t>(data));
}

// Argument checks shared by all arches: index range (error), repeated index (note).
bool check_args(const SyscallRule& rule, Diagnostics& diags) {
  bool usable = true;
  std::set<std::uint64_t> seen;
  for (const ArgCondition& c : rule.args) {
    if (c.index >= plan::kMaxArgs) {
      diags.error(Code::ArgIndexRange, c.pointer,
                  "argument index " + std::to_string(c.index) + " is out of range 0..5; "
                  "the rule is not compiled");
      usable = false;
    } else if (!seen.insert(c.index).second) {
      diags.note(Code::RepeatedArgIndex, c.pointer,
                 "a second condition on argument " + std::to_string(c.index) +
                     ": both must hold (AND), compiled exactly; runc would OR them");
    }
  }
  return usable;
}

// Unknown names, and names missing on some or all target arches.
void check_names(const SyscallRule& rule, std::span<const Arch> arches, Diagnostics& diags) {
  for (std::size_t j = 0; j < rule.names.size(); ++j) {
    const std::string& name = rule.names[j];
    const std::string& where = j < rule.name_pointers.size() ? rule.name_pointers[j] : rule.pointer;
    if (!is_known_syscall(name)) {
      diags.warning(Code::UnknownSyscall, where,
                    "unknown syscall " + quoted(name) +
                        " (in none of the tables for x86_64, x86, x32, aarch64 and arm); "
                        "not compiled",
                    nearest_syscall_name(name).empty()
                        ? std::string()
                        : "did you mean " + quoted(nearest_syscall_name(name)) + "?");
      continue;
    }
    std::string missing;
    std::size_t count = 0;
    for (Arch a : arches)
      if (!syscall_table(a)->number(name)) {
        missing += (count++ == 0 ? "" : ", ") + std::string(short_name(a));
      }
    if (count == arches.size())
      diags.warning(Code::SyscallMissingOnArch, where,
                    "syscall " + quoted(name) + " does not exist on any target arch (" +
                        missing + "); not compiled");
    else if (count > 0)
      diags.note(Code::SyscallMissingOnArch, where,
                 "syscall " + quoted(name) + " does not exist on " + missing +
                     "; compiled for the other arches");
  }
}

std::vector<plan::InputRule> input_rules(const Profile& p, std::span<const Arch> arches,
                                         Diagnostics& diags) {
  std::vector<plan::InputRule> out;
  for (const SyscallRule& rule : p.syscalls) {
    plan::InputRule in{&rule, 0, true};
    auto action = action_value(rule.action, rule.errno_ret, rule.errno_name, rule.pointer, diags);
    in.usable = check_args(rule, diags) && action.has_value();
    in.action = action.value_or(0);
    check_names(rule, arches, diags);
    out.push_back(in);
  }
  return out;
}

bool use_tree(const Profile& p, const CompileOptions& options) {
  if (options.tree != CompileOptions::Tree::Auto) return options.tree == CompileOptions::Tree::Binary;
  std::set<std::string_view> names;
  for (const SyscallRule& rule : p.syscalls)
    for (const std::string& n : rule.names) names.insert(n);
  return names.size() > options.tree_threshold;
}

// Syscalls with argument conditions reach their checks through a placeholder:
// an unconditional libseccomp rule with a TRACE value no real action uses,
// whose "ret" in the exported body becomes a jump to the checks appended
// behind it.
struct Placeholders {
  std::set<std::uint32_t> taken;
  std::uint16_t next = 1;
  std::uint32_t fresh() {
    std::uint32_t value = SECCOMP_RET_TRACE | next++;
    while (!taken.insert(value).second) value = SECCOMP_RET_TRACE | next++;
    return value;
  }
};

// Decided by the syscall number alone: one region, for every call.
bool unconditional(const plan::SyscallPlan& sp) {
  return sp.regions.size() == 1 && sp.regions[0].terms.front().unconditional();
}

Placeholders placeholders_for(const plan::ArchPlan& ap, const Settings& s) {
  Placeholders p;
  p.taken = {s.default_action, kEnosys};
  for (const plan::SyscallPlan& sp : ap.syscalls)
    for (const plan::ActionRegion& r : sp.regions) p.taken.insert(r.action);
  return p;
}

// A conditional jump to a "ja" goes straight to the ja's target when that
// stays within reach: one instruction less on the way to argument checks.
void thread_jumps(std::vector<sock_filter>& code) {
  auto final_target = [&](std::size_t t) {
    return code[t].code == (BPF_JMP | BPF_JA) ? t + 1 + code[t].k : t;
  };
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (BPF_CLASS(code[i].code) != BPF_JMP || BPF_OP(code[i].code) == BPF_JA) continue;
    for (std::uint8_t* off : {&code[i].jt, &code[i].jf}) {
      const std::size_t t = final_target(i + 1 + *off);
      if (t - i - 1 <= 255) *off = static_cast<std::uint8_t>(t - i - 1);
    }
  }
}

// Turn each placeholder return into a jump to its checks, appended in order.
std::vector<sock_filter> link_checks(std::vector<sock_filter> body,
                                     const std::map<std::uint32_t, std::vector<sock_filter>>& checks) {
  std::map<std::uint32_t, std::size_t> start;
  std::size_t at = body.size();
  for (const auto& [placeholder, code] : checks) {
    start[placeholder] = at;
    at += code.size();
  }
  for (std::size_t i = 0; i < body.size(); ++i) {
    auto it = start.find(body[i].k);
    if (body[i].code == (BPF_RET | BPF_K) && it != start.end())
      body[i] = BPF_STMT(BPF_JMP | BPF_JA, static_cast<std::uint32_t>(it->second - i - 1));
  }
  for (const auto& [placeholder, code] : checks) body.insert(body.end(), code.begin(), code.end());
  thread_jumps(body);
  return body;
}

void too_complex(std::span<const plan::InputRule> rules, const plan::SyscallPlan& sp, Arch arch,
                 std::size_t terms, const Settings& s, Diagnostics& diags) {
  const std::string why =
      terms > s.max_rules_per_syscall
          ? std::to_string(terms) + " conjunctions, more than the limit of " +
                std::to_string(s.max_rules_per_syscall)
          : "more than " + std::to_string(s.max_argument_instructions) + " instructions";
  for (const plan::ActionRegion& r : sp.regions)
    for (std::size_t rule : r.rules)
      diags.error(Code::RuleTooComplex, rules[rule].rule->pointer,
                  "the exact argument checks for " + quoted(sp.name) + " on " +
                      std::string(short_name(arch)) + " need " + why);
}

// The body of one arch: libseccomp's number dispatch with the argument
// checks linked in. It expects A = nr.
Result<std::vector<sock_filter>> build_body(std::span<const plan::InputRule> rules,
                                            const plan::ArchPlan& ap,
                                            const std::vector<std::uint32_t>& holes,
                                            const Settings& s, CompiledArch& stats,
                                            std::string& pfc) {
  Result<std::vector<sock_filter>> result;
  if (ap.syscalls.empty() && holes.empty()) {
    result.value = {BPF_STMT(BPF_RET | BPF_K, s.default_action)};
    return result;
  }
  auto filter = seccomp::Filter::create({s.default_action, s.bad_arch_action, s.tree});
  if (!filter.ok()) {
    result.diagnostics = filter.diagnostics;
    return result;
  }
  Placeholders placeholders = placeholders_for(ap, s);
  std::map<std::uint32_t, std::vector<sock_filter>> checks;
  for (const plan::SyscallPlan& sp : ap.syscalls) {
    std::uint32_t action = sp.regions[0].action;
    if (!unconditional(sp)) {
      std::size_t terms = 0;
      for (const plan::ActionRegion& r : sp.regions) terms += r.terms.size();
      auto code = terms > s.max_rules_per_syscall
                      ? std::nullopt
                      : args::decision_code(sp, s.default_action, s.max_argument_instructions);
      if (!code) {
        too_complex(rules, sp, ap.arch, terms, s, result.diagnostics);
        continue;
      }
      action = placeholders.fresh();
      checks[action] = std::move(*code);
    }
    const auto& pointer = rules[sp.regions[0].rules.front()].rule->pointer;
    result.diagnostics.append(filter.value->add_rule(action, {}, {ap.arch, sp.name, sp.nr, pointer}));
  }
  for (std::uint32_t nr : holes)
    result.diagnostics.append(filter.value->add_rule(kEnosys, {}, {ap.arch, {}, nr, {}}));
  if (result.diagnostics.has_errors()) return result;
  stats.libseccomp_rules = filter.value->rule_count();
  stats.argument_checked = checks.size();
  if (s.pfc) {
    auto text = filter.value->export_pfc();
    result.diagnostics.append(text.diagnostics);
    if (text.value) pfc += "# arch " + std::string(short_name(ap.arch)) + "\n" + *text.value;
  }
  auto body = filter.value->export_body();
  result.diagnostics.append(body.diagnostics);
  if (body.value) result.value = link_checks(std::move(*body.value), checks);
  return result;
}

// One arch's section: the horizon stub, then the rule body.
Result<layout::Section> build_section(std::span<const plan::InputRule> rules, Arch arch,
                                      plan::Context& ctx, const Settings& s, CompiledArch& stats,
                                      std::string& pfc) {
  Result<layout::Section> result;
  const plan::ArchPlan ap = plan::plan_arch(rules, arch, ctx);
  horizon::Plan hp;
  if (s.horizon) hp = horizon::plan(*syscall_table(arch), s.tree ? s.max_tree_hole_run : 0);
  auto body = build_body(rules, ap, hp.body, s, stats, pfc);
  result.diagnostics = body.diagnostics;
  if (!body.value) return result;
  // x86_64's top range is tested by the layout, together with the x32 split.
  std::optional<std::uint32_t> ceiling;
  if (arch == Arch::X86_64 && !hp.stub.empty()) {
    ceiling = hp.stub.back().lo;
    hp.stub.pop_back();
  }
  layout::Section section{
      arch, horizon::stub(hp.stub, horizon::section_floor(arch), kEnosys, syscall_table(arch)),
      ceiling};
  section.code.insert(section.code.end(), body.value->begin(), body.value->end());
  stats.syscalls = ap.syscalls.size();
  stats.horizon_holes = hp.body.size();
  stats.instructions = section.code.size();
  result.value = std::move(section);
  return result;
}

// Rules equal to the default that decide nothing, and (defensively) any rule
// neither compiled nor mentioned by a diagnostic.
void account_rules(const Profile& p, std::span<const plan::InputRule> rules,
                   const plan::Context& ctx, Diagnostics& diags) {
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (ctx.compiled[i]) continue;
    const std::string& ptr = p.syscalls[i].pointer;
    if (rules[i].usable && rules[i].action == ctx.default_action) {
      diags.note(Code::RuleEqualsDefault, ptr,
                 "this rule's action equals the default action and no less restrictive rule "
                 "for the same syscall follows it; it changes nothing and is not compiled");
      continue;
    }
    bool mentioned = std::any_of(diags.begin(), diags.end(), [&](const Diagnostic& d) {
      return d.pointer.compare(0, ptr.size(), ptr) == 0 &&
             (d.pointer.size() == ptr.size() || d.pointer[ptr.size()] == '/');
    });
    if (!mentioned)
      diags.note(Code::RuleNeverMatches, ptr, "this rule matches no syscall on the target arches");
  }
}

Settings settings_for(const Profile& p, const CompileOptions& options, Diagnostics& diags) {
  Settings s;
  auto def = action_value(*p.default_action, p.default_errno_ret, p.default_errno_name,
                          p.pointer + "/defaultAction", diags);
  s.default_action = def.value_or(0);
  s.bad_arch_action = options.bad_arch_action.value_or(SECCOMP_RET_KILL_PROCESS);
  s.horizon = options.enosys_horizon && horizon::applies(s.default_action);
  s.tree = use_tree(p, options);
  s.max_tree_hole_run = options.max_tree_hole_run;
  s.pfc = options.pfc;
  s.max_rules_per_syscall = options.max_rules_per_syscall;
  s.max_argument_instructions = options.max_argument_instructions;
  return s;
}

CompiledFilter describe(const Profile& p, const Settings& s, std::vector<Arch> arches) {
  CompiledFilter f;
  f.arches = std::move(arches);
  f.default_action = s.default_action;
  f.bad_arch_action = s.bad_arch_action;
  f.enosys_horizon = s.horizon;
  f.binary_tree = s.tree;
  f.flags = p.flags;
  std::sort(f.flags.begin(), f.flags.end());
  f.flags.erase(std::unique(f.flags.begin(), f.flags.end()), f.flags.end());
  f.needs_listener = p.default_action == Action::Notify ||
                     std::any_of(p.syscalls.begin(), p.syscalls.end(),
                                 [](const SyscallRule& r) { return r.action == Action::Notify; });
  f.input_rules = p.syscalls.size();
  return f;
}

bool check_profile(const Profile& p, Diagnostics& diags) {
  if (!p.is_flat()) {
    diags.error(Code::ProfileNotFlat, p.pointer,
                "the profile has archMap or includes/excludes; resolve it for a target first");
    return false;
  }
  if (!p.default_action) {
    diags.error(Code::MissingDefaultAction, p.pointer, "the profile has no defaultAction");
    return false;
  }
  return true;
}

}  // namespace

std::uint32_t seccomp_return(Action action, std::uint16_t data) {
  switch (action) {
    case Action::Kill:
    case Action::KillThread:
      return SECCOMP_RET_KILL_THREAD;
    case Action::KillProcess:
      return SECCOMP_RET_KILL_PROCESS;
    case Action::Trap:
      return SECCOMP_RET_TRAP;
    case Action::Errno:
      return SECCOMP_RET_ERRNO | data;
    case Action::Trace:
      return SECCOMP_RET_TRACE | data;
    case Action::Allow:
      return SECCOMP_RET_ALLOW;
    case Action::Log:
      return SECCOMP_RET_LOG;
    case Action::Notify:
      return SECCOMP_RET_USER_NOTIF;
  }
  return SECCOMP_RET_KILL_PROCESS;
}

std::string program_sha256(const bpf::Program& program) {
  return to_hex(sha256(program.to_bytes()));
}

std::vector<Arch> target_arches(const Profile& p, const CompileOptions& options,
                                Diagnostics& diags) {
  std::set<Arch> out;
  if (!options.arches.empty()) {
    for (Arch a : options.arches) {
      if (has_table(a))
        out.insert(a);
      else
        diags.error(Code::NoSyscallTable, "",
                    "no syscall table for target arch " + quoted(short_name(a)));
    }
    return {out.begin(), out.end()};
  }
  for (std::size_t i = 0; i < p.architectures.size(); ++i) {
    if (has_table(p.architectures[i]))
      out.insert(p.architectures[i]);
    else
      diags.warning(Code::NoSyscallTable, p.pointer + "/architectures/" + std::to_string(i),
                    "no syscall table for " + quoted(to_string(p.architectures[i])) +
                        "; calls from it get the bad-arch action");
  }
  out.insert(native_arch());
  return {out.begin(), out.end()};
}

Result<CompiledFilter> compile(const Profile& p, const CompileOptions& options) {
  Result<CompiledFilter> result;
  Diagnostics& diags = result.diagnostics;
  if (!check_profile(p, diags)) return result;
  const std::vector<Arch> arches = target_arches(p, options, diags);
  const std::size_t before = diags.count(Severity::Error);
  const Settings s = settings_for(p, options, diags);
  const bool default_ok = diags.count(Severity::Error) == before;
  const std::vector<plan::InputRule> rules = input_rules(p, arches, diags);
  // Go on after a rule's error (it is left out) to report every problem at once.
  if (!default_ok || arches.empty()) return result;

  plan::Context ctx{s.default_action, &diags, std::vector<bool>(rules.size()), {}};
  CompiledFilter f = describe(p, s, arches);
  std::vector<layout::Section> sections;
  for (Arch arch : arches) {
    CompiledArch stats{arch, 0, 0, 0, 0, 0};
    auto section = build_section(rules, arch, ctx, s, stats, f.pfc);
    diags.append(section.diagnostics);
    if (!section.value) return result;
    sections.push_back(std::move(*section.value));
    f.per_arch.push_back(stats);
  }
  account_rules(p, rules, ctx, diags);
  f.compiled_rules = static_cast<std::size_t>(std::count(ctx.compiled.begin(), ctx.compiled.end(), true));
  const std::uint32_t unknown = s.horizon ? kEnosys : s.default_action;
  f.program = bpf::Program(layout::assemble(sections, s.bad_arch_action, unknown));
  if (f.program.size() > kMaxInstructions) {
    diags.error(Code::BpfLength, p.pointer,
                "the compiled program has " + std::to_string(f.program.size()) +
                    " instructions; the kernel takes at most " + std::to_string(kMaxInstructions));
    return result;
  }
  if (diags.has_errors()) return result;
  f.sha256 = program_sha256(f.program);
  result.value = std::move(f);
  return result;
}

}  // namespace scc
