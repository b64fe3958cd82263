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
#include "dispatch_tree.hpp"
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

// Where an action's errno is written: `base` is the rule (or the profile for
// the default), `key` "errnoRet" or "defaultErrnoRet", `name_key` "errno" or
// "defaultErrno".
struct ErrnoKeys {
  std::string base;
  std::string_view key;
  std::string_view name_key;
};

// The SECCOMP_RET_* value of an action with its errno; nullopt after an error.
// The range is the validator's (max_action_data), so `check` and the compiler
// accept exactly the same values.
std::optional<std::uint32_t> action_value(Action action, std::optional<std::uint64_t> errno_ret,
                                          const std::string& errno_name, const ErrnoKeys& keys,
                                          Diagnostics& diags) {
  std::uint64_t data = EPERM;  // runc's and crun's value when none is given
  if (action_takes_errno(action)) {
    if (errno_ret) {
      data = *errno_ret;
      if (data > max_action_data(action)) {
        diags.error(Code::ErrnoRange, keys.base + "/" + std::string(keys.key),
                    action_data_range_message(action, keys.key, data));
        return std::nullopt;
      }
    } else if (!errno_name.empty()) {
      auto parsed = parse_errno(errno_name);
      if (!parsed) {
        diags.error(Code::UnknownErrno, keys.base + "/" + std::string(keys.name_key),
                    "unknown errno name " + quoted(errno_name));
        return std::nullopt;
      }
      data = static_cast<std::uint64_t>(*parsed);
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
    auto action = action_value(rule.action, rule.errno_ret, rule.errno_name,
                               {rule.pointer, "errnoRet", "errno"}, diags);
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
  layout::thread_jumps(body);
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

// The argument checks of a syscall with conditions; nullopt (reported) when
// they pass the limits.
std::optional<std::vector<sock_filter>> checks_for(std::span<const plan::InputRule> rules,
                                                   const plan::SyscallPlan& sp, Arch arch,
                                                   const Settings& s, Diagnostics& diags) {
  std::size_t terms = 0;
  for (const plan::ActionRegion& r : sp.regions) terms += r.terms.size();
  auto code = terms > s.max_rules_per_syscall
                  ? std::nullopt
                  : args::decision_code(sp, s.default_action, s.max_argument_instructions);
  if (!code) too_complex(rules, sp, arch, terms, s, diags);
  return code;
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
      auto code = checks_for(rules, sp, ap.arch, s, result.diagnostics);
      if (!code) continue;
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
  // libseccomp's body repeats returns and ends in instructions no path
  // reaches (a "ja" after a return, its own bad-arch return).
  section.code = layout::share_returns(std::move(section.code));
  stats.syscalls = ap.syscalls.size();
  stats.horizon_holes = hp.body.size();
  stats.instructions = section.code.size();
  result.value = std::move(section);
  return result;
}

// The leaves of one AUDIT_ARCH group's search, each return and each distinct
// argument check once.
class LeafTable {
 public:
  std::size_t ret(std::uint32_t action) {
    auto [it, fresh] = rets_.try_emplace(action, leaves_.size());
    if (fresh) leaves_.push_back({action, {}});
    return it->second;
  }
  std::size_t code(std::vector<sock_filter> code) {
    std::string key(reinterpret_cast<const char*>(code.data()), code.size() * sizeof(sock_filter));
    auto [it, fresh] = codes_.try_emplace(std::move(key), leaves_.size());
    if (fresh) leaves_.push_back({0, std::move(code)});
    return it->second;
  }
  const std::vector<dispatch::Leaf>& leaves() const { return leaves_; }

 private:
  std::vector<dispatch::Leaf> leaves_;
  std::map<std::uint32_t, std::size_t> rets_;
  std::map<std::string, std::size_t> codes_;
};

// One arch of a binary-tree program: what each of its known numbers leads to.
struct ArchLeaves {
  Arch arch = Arch::X86_64;
  std::map<std::uint32_t, std::size_t> by_nr;  // numbers with rules; the rest of the table: default
};

ArchLeaves arch_leaves(std::span<const plan::InputRule> rules, const plan::ArchPlan& ap,
                       const Settings& s, LeafTable& leaves, CompiledArch& stats,
                       Diagnostics& diags) {
  ArchLeaves out{ap.arch, {}};
  for (const plan::SyscallPlan& sp : ap.syscalls) {
    if (unconditional(sp)) {
      out.by_nr[sp.nr] = leaves.ret(sp.regions[0].action);
      continue;
    }
    auto code = checks_for(rules, sp, ap.arch, s, diags);
    if (!code) continue;
    out.by_nr[sp.nr] = leaves.code(std::move(*code));
    ++stats.argument_checked;
  }
  stats.syscalls = ap.syscalls.size();
  return out;
}

// The ranges of [lo, hi] for one arch: each table number its leaf (weight 1),
// the numbers between and around them `unknown`.
void add_ranges(std::vector<dispatch::Range>& out, std::uint32_t lo, std::uint32_t hi,
                const ArchLeaves& arch, std::size_t default_leaf, std::size_t unknown_leaf) {
  std::uint64_t next = lo;
  for (const SyscallEntry& e : syscall_table(arch.arch)->entries()) {
    if (e.number < lo || e.number > hi) continue;
    if (e.number > next) out.push_back({static_cast<std::uint32_t>(next), e.number - 1, unknown_leaf, 0});
    auto it = arch.by_nr.find(e.number);
    out.push_back({e.number, e.number, it == arch.by_nr.end() ? default_leaf : it->second, 1});
    next = std::uint64_t{e.number} + 1;
  }
  if (next <= hi) out.push_back({static_cast<std::uint32_t>(next), hi, unknown_leaf, 0});
}

// AUDIT_ARCH_X86_64 carries two arches: numbers with the x32 bit set are x32
// calls, the rest x86_64 calls. A half not targeted gets the bad-arch action,
// except 0xffffffff (-1, what a tracer sets to skip a call; it has the bit
// set but is no x32 call), which is unknown like every other unknown number.
std::vector<dispatch::Range> x86_64_ranges(const ArchLeaves* x64, const ArchLeaves* x32,
                                           std::size_t default_leaf, std::size_t unknown_leaf,
                                           std::size_t bad_leaf) {
  std::vector<dispatch::Range> out;
  auto half = [&](const ArchLeaves* arch, std::uint32_t lo, std::uint32_t hi) {
    if (arch != nullptr)
      add_ranges(out, lo, hi, *arch, default_leaf, unknown_leaf);
    else
      out.push_back({lo, hi, bad_leaf, 0});
  };
  half(x64, 0, horizon::kX32Bit - 1);
  half(x32, horizon::kX32Bit, 0x7fffffff);
  half(x64, 0x80000000, 0xbfffffff);
  if (x32 != nullptr) {
    half(x32, 0xc0000000, 0xffffffff);
  } else {
    out.push_back({0xc0000000, 0xfffffffe, bad_leaf, 0});
    out.push_back({0xffffffff, 0xffffffff, unknown_leaf, 0});
  }
  return out;
}

// A binary-tree program: per AUDIT_ARCH value one weighted range search
// (dispatch_tree.hpp) that holds the number dispatch, the ENOSYS horizon and
// the x32 split at once. libseccomp is asked only for the PFC text.
std::optional<bpf::Program> build_tree_program(std::span<const plan::InputRule> rules,
                                               std::span<const Arch> arches, plan::Context& ctx,
                                               const Settings& s, CompiledFilter& f,
                                               Diagnostics& diags) {
  const std::uint32_t unknown = s.horizon ? kEnosys : s.default_action;
  std::map<std::uint32_t, LeafTable> tables;  // by AUDIT_ARCH value
  std::map<Arch, ArchLeaves> by_arch;
  for (Arch arch : arches) {
    CompiledArch stats{arch, 0, 0, 0, 0, 0};
    const plan::ArchPlan ap = plan::plan_arch(rules, arch, ctx);
    by_arch[arch] = arch_leaves(rules, ap, s, tables[audit_arch(arch)], stats, diags);
    if (s.pfc && !diags.has_errors()) {
      CompiledArch ignored = stats;
      horizon::Plan hp;
      if (s.horizon) hp = horizon::plan(*syscall_table(arch), s.max_tree_hole_run);
      auto body = build_body(rules, ap, hp.body, s, ignored, f.pfc);
      if (!body.value) diags.append(body.diagnostics);
    }
    f.per_arch.push_back(stats);
  }
  if (diags.has_errors()) return std::nullopt;
  std::vector<layout::Group> groups;
  for (auto& [audit, leaves] : tables) {
    const std::size_t default_leaf = leaves.ret(s.default_action);
    const std::size_t unknown_leaf = leaves.ret(unknown);
    std::vector<dispatch::Range> ranges;
    Arch first = Arch::X86_64;
    if (audit == audit_arch(Arch::X86_64)) {
      auto find = [&](Arch a) {
        auto it = by_arch.find(a);
        return it == by_arch.end() ? nullptr : &it->second;
      };
      first = find(Arch::X86_64) ? Arch::X86_64 : Arch::X32;
      ranges = x86_64_ranges(find(Arch::X86_64), find(Arch::X32), default_leaf, unknown_leaf,
                             leaves.ret(s.bad_arch_action));
    } else {
      for (const auto& [arch, al] : by_arch)
        if (audit_arch(arch) == audit) first = arch;
      add_ranges(ranges, 0, 0xffffffff, by_arch.at(first), default_leaf, unknown_leaf);
    }
    std::vector<sock_filter> code{BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0)};
    const std::vector<sock_filter> search = dispatch::search(ranges, leaves.leaves());
    code.insert(code.end(), search.begin(), search.end());
    for (CompiledArch& stats : f.per_arch)
      if (audit_arch(stats.arch) == audit) stats.instructions = code.size();
    groups.push_back({first, audit, std::move(code)});
  }
  return bpf::Program(layout::dispatch(std::move(groups), s.bad_arch_action));
}

// Rules equal to the default that decide nothing, and (defensively) any rule
// neither compiled nor mentioned by a diagnostic.
void account_rules(const Profile& p, std::span<const plan::InputRule> rules,
                   const plan::Context& ctx, Diagnostics& diags) {
  // The pointers diagnostics name so far, sorted: a rule is mentioned when
  // its own pointer or one below it ("<rule>/...") is there. Two binary
  // searches per rule, not a scan (a profile at the limits has tens of
  // thousands of both).
  std::vector<std::string> named;
  for (const Diagnostic& d : diags) named.push_back(d.pointer);
  std::sort(named.begin(), named.end());
  auto mentions = [&](const std::string& ptr) {
    if (std::binary_search(named.begin(), named.end(), ptr)) return true;
    const std::string below = ptr + "/";
    auto it = std::lower_bound(named.begin(), named.end(), below);
    return it != named.end() && it->compare(0, below.size(), below) == 0;
  };
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (ctx.compiled[i]) continue;
    const std::string& ptr = p.syscalls[i].pointer;
    if (rules[i].usable && rules[i].action == ctx.default_action) {
      diags.note(Code::RuleEqualsDefault, ptr,
                 "this rule's action equals the default action and no less restrictive rule "
                 "for the same syscall follows it; it changes nothing and is not compiled");
      continue;
    }
    if (!mentions(ptr))
      diags.note(Code::RuleNeverMatches, ptr, "this rule matches no syscall on the target arches");
  }
}

Settings settings_for(const Profile& p, const CompileOptions& options, Diagnostics& diags) {
  Settings s;
  auto def = action_value(*p.default_action, p.default_errno_ret, p.default_errno_name,
                          {p.pointer, "defaultErrnoRet", "defaultErrno"}, diags);
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
  if (s.tree) {
    auto program = build_tree_program(rules, arches, ctx, s, f, diags);
    if (!program) return result;
    f.program = std::move(*program);
  } else {
    std::vector<layout::Section> sections;
    for (Arch arch : arches) {
      CompiledArch stats{arch, 0, 0, 0, 0, 0};
      auto section = build_section(rules, arch, ctx, s, stats, f.pfc);
      diags.append(section.diagnostics);
      if (!section.value) return result;
      sections.push_back(std::move(*section.value));
      f.per_arch.push_back(stats);
    }
    const std::uint32_t unknown = s.horizon ? kEnosys : s.default_action;
    f.program = bpf::Program(layout::assemble(sections, s.bad_arch_action, unknown));
  }
  account_rules(p, rules, ctx, diags);
  f.compiled_rules = static_cast<std::size_t>(std::count(ctx.compiled.begin(), ctx.compiled.end(), true));
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
