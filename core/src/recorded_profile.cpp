#include "scc/recorded_profile.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "scc/names.hpp"
#include "scc/runtime_baseline.hpp"
#include "scc/syscall_table.hpp"

namespace scc {
namespace {

constexpr std::uint64_t kMaxErrno = 4094;  // libseccomp refuses 4095 and above
constexpr std::uint64_t kLow32 = 0xffffffffULL;

using ArchSet = std::set<Arch>;

// One argument index of one syscall: the values seen and whether the kernel
// reads it as 32 bits on any arch it was seen on.
struct ArgValues {
  std::set<std::uint64_t> values;
  bool bits32 = false;
};

// Per name and native arch: allowed with any arguments, or only with the
// recorded values (index -> values).
struct NameUse {
  ArchSet unconditional;
  std::map<Arch, std::map<unsigned, ArgValues>> conditional;
};

std::vector<Arch> companion_order(Arch native, const ArchSet& recorded) {
  std::vector<Arch> out;
  for (Arch sub : default_sub_arches(native))
    if (recorded.contains(sub)) out.push_back(sub);
  return out;
}

// The archMap: native arches in enum order, their recorded companions in
// moby's order.
std::map<Arch, ArchSet> native_map(const Recording& recording) {
  std::map<Arch, ArchSet> out;
  for (const auto& [arch, names] : recording.syscalls) {
    if (names.empty()) continue;
    Arch native = native_arch_of(arch);
    out[native];
    if (native != arch) out[native].insert(arch);
  }
  return out;
}

// The base profile's arches, as native -> companions.
void add_base_arches(const Profile& base, std::map<Arch, ArchSet>& map) {
  for (const ArchMapEntry& entry : base.arch_map) {
    ArchSet& subs = map[entry.architecture];
    subs.insert(entry.sub_architectures.begin(), entry.sub_architectures.end());
  }
  for (Arch arch : base.architectures) {
    Arch native = native_arch_of(arch);
    map[native];
    if (native != arch) map[native].insert(arch);
  }
}

void record_names(const Recording& recording, std::map<std::string, NameUse>& uses, Diagnostics& diags) {
  for (const auto& [arch, names] : recording.syscalls) {
    const Arch native = native_arch_of(arch);
    for (const auto& [name, seen] : names) {
      if (!is_known_syscall(name)) {
        diags.warning(Code::UnknownSyscall, "",
                      "syscall \"" + name + "\" recorded on " + std::string(short_name(arch)) +
                          " is not in this project's tables: it is left out (it gets the default action, or "
                          "ENOSYS above the tables' horizon)");
        continue;
      }
      NameUse& use = uses[name];
      if (seen.args.empty()) {
        use.unconditional.insert(native);
        continue;
      }
      auto& indexes = use.conditional[native];
      for (const auto& [index, values] : seen.args) {
        ArgValues& out = indexes[index];
        const bool bits32 = arg_width(arch, name, index) == ArgWidth::Bits32;
        out.bits32 = out.bits32 || bits32;
        out.values.insert(values.begin(), values.end());
      }
    }
  }
}

ArgCondition condition(unsigned index, std::uint64_t value, bool bits32) {
  ArgCondition c;
  c.index = index;
  if (bits32) {
    c.op = Operator::MaskedEq;
    c.value = kLow32;
    c.value_two = value & kLow32;
  } else {
    c.op = Operator::Eq;
    c.value = value;
  }
  return c;
}

// Every combination of one value per index: the recording keeps the values
// of each index apart, so only the product admits every call seen.
std::vector<std::vector<ArgCondition>> combinations(const std::map<unsigned, ArgValues>& indexes) {
  std::vector<std::vector<ArgCondition>> out{{}};
  for (const auto& [index, arg] : indexes) {
    std::set<std::uint64_t> values;
    for (std::uint64_t v : arg.values) values.insert(arg.bits32 ? (v & kLow32) : v);
    std::vector<std::vector<ArgCondition>> next;
    for (const auto& prefix : out)
      for (std::uint64_t v : values) {
        auto row = prefix;
        row.push_back(condition(index, v, arg.bits32));
        next.push_back(std::move(row));
      }
    out = std::move(next);
  }
  return out;
}

// What orders and identifies one rule's conditions: (index, compared value).
using RowKey = std::vector<std::pair<std::uint64_t, std::uint64_t>>;
RowKey row_key(const std::vector<ArgCondition>& row) {
  RowKey key;
  for (const ArgCondition& c : row) key.emplace_back(c.index, c.value_two.value_or(c.value));
  return key;
}

std::size_t combination_count(const std::map<unsigned, ArgValues>& indexes) {
  std::size_t n = 1;
  for (const auto& [index, arg] : indexes) {
    std::set<std::uint64_t> values;
    for (std::uint64_t v : arg.values) values.insert(arg.bits32 ? (v & kLow32) : v);
    n *= values.size();
    if (n > (1u << 20)) break;  // far past any limit
  }
  return n;
}

RuleFilter arches_filter(const ArchSet& natives, const ArchSet& all) {
  RuleFilter filter;
  if (natives == all) return filter;
  for (Arch arch : natives) filter.arches.emplace_back(docker_native_name(arch));
  return filter;
}

SyscallRule allow_rule(std::vector<std::string> names, const ArchSet& natives, const ArchSet& all) {
  SyscallRule rule;
  rule.names = std::move(names);
  rule.used_names_field = true;
  rule.action = Action::Allow;
  rule.includes = arches_filter(natives, all);
  return rule;
}

// Argument-conditional names that stay conditional become rules; the others
// (too many combinations) join the unconditional ones.
std::vector<SyscallRule> argument_rules(std::map<std::string, NameUse>& uses, const ArchSet& all,
                                        std::size_t max_rules, Diagnostics& diags) {
  std::vector<SyscallRule> out;
  for (auto& [name, use] : uses) {
    // natives with the same argument conditions share rules
    std::map<std::vector<RowKey>, std::pair<std::vector<std::vector<ArgCondition>>, ArchSet>> groups;
    for (const auto& [native, indexes] : use.conditional) {
      if (use.unconditional.contains(native)) continue;
      if (combination_count(indexes) > max_rules) {
        diags.warning(Code::RuleTooComplex, "",
                      "the argument values recorded for \"" + name + "\" on " + std::string(short_name(native)) +
                          " would need more than " + std::to_string(max_rules) +
                          " rules: it is allowed with any arguments");
        use.unconditional.insert(native);
        continue;
      }
      auto rows = combinations(indexes);
      std::vector<RowKey> key;
      for (const auto& row : rows) key.push_back(row_key(row));
      auto& group = groups[key];
      group.first = std::move(rows);
      group.second.insert(native);
    }
    for (const auto& [key, group] : groups)
      for (const auto& row : group.first) {
        const ArchSet& natives = group.second;
        SyscallRule rule = allow_rule({name}, natives, all);
        rule.args = row;
        out.push_back(std::move(rule));
      }
  }
  return out;
}

// The base's rules without what we allow unconditionally: a name we allow on
// every native arch leaves the rule; a name we allow on some leaves a
// denying rule there (it moves to a copy that excludes those arches).
std::vector<SyscallRule> base_rules(const Profile& base, const std::map<std::string, NameUse>& uses,
                                    const ArchSet& all, Diagnostics& diags) {
  std::vector<SyscallRule> out;
  for (const SyscallRule& rule : base.syscalls) {
    SyscallRule kept = rule;
    kept.names.clear();
    kept.name_pointers.clear();
    kept.used_name_field = false;
    kept.used_names_field = true;
    std::map<ArchSet, std::vector<std::string>> split;  // names moved, by the arches we allow them on
    for (std::size_t i = 0; i < rule.names.size(); ++i) {
      const std::string& name = rule.names[i];
      auto it = uses.find(name);
      const ArchSet ours = it == uses.end() ? ArchSet{} : it->second.unconditional;
      if (!ours.empty() && rule.action != Action::Allow)
        diags.note(Code::ConflictingRule, rule.pointer,
                   "the base gives \"" + name + "\" " + std::string(to_string(rule.action)) +
                       "; the recording saw it, so it stays allowed where it was seen");
      if (ours == all) continue;
      if (!ours.empty() && rule.action != Action::Allow) {
        split[ours].push_back(name);
        continue;
      }
      kept.names.push_back(name);
      if (i < rule.name_pointers.size()) kept.name_pointers.push_back(rule.name_pointers[i]);
    }
    if (!kept.names.empty()) out.push_back(kept);
    for (auto& [natives, names] : split) {
      SyscallRule copy = kept;
      copy.names = std::move(names);
      copy.name_pointers.clear();
      for (Arch native : natives) {
        std::string docker(docker_native_name(native));
        if (std::find(copy.excludes.arches.begin(), copy.excludes.arches.end(), docker) == copy.excludes.arches.end())
          copy.excludes.arches.push_back(docker);
      }
      out.push_back(std::move(copy));
    }
  }
  return out;
}

}  // namespace

Result<Profile> recorded_profile(const Recording& recording, const RecordedProfileOptions& options) {
  Result<Profile> result;
  Diagnostics& diags = result.diagnostics;
  if (options.errno_ret > kMaxErrno) {
    diags.error(Code::ErrnoRange, "/defaultErrnoRet",
                "errno " + std::to_string(options.errno_ret) + " is out of range 0-" + std::to_string(kMaxErrno));
    return result;
  }
  std::map<Arch, ArchSet> map = native_map(recording);
  if (map.empty() && options.base == nullptr) {
    diags.error(Code::EmptyProfile, "", "the recording holds no syscalls");
    return result;
  }
  if (options.base != nullptr) add_base_arches(*options.base, map);
  ArchSet all;
  for (const auto& [native, subs] : map) all.insert(native);

  std::map<std::string, NameUse> uses;
  record_names(recording, uses, diags);
  if (options.include_baseline)
    for (Arch native : all)
      for (std::string_view name : runtime_baseline(native)) uses[std::string(name)].unconditional.insert(native);

  std::vector<SyscallRule> conditional = argument_rules(uses, all, options.max_arg_rules, diags);

  Profile& p = result.value.emplace();
  p.dialect = Dialect::Docker;
  p.default_action = Action::Errno;
  p.default_errno_ret = options.errno_ret;
  p.has_arch_map = true;
  for (const auto& [native, subs] : map) {
    ArchMapEntry entry;
    entry.architecture = native;
    entry.sub_architectures = companion_order(native, subs);
    for (Arch sub : subs)  // companions moby does not know come last
      if (std::find(entry.sub_architectures.begin(), entry.sub_architectures.end(), sub) ==
          entry.sub_architectures.end())
        entry.sub_architectures.push_back(sub);
    p.arch_map.push_back(std::move(entry));
  }
  // unconditional names grouped by their set of natives; every native first
  std::map<ArchSet, std::vector<std::string>> by_set;
  for (const auto& [name, use] : uses)
    if (!use.unconditional.empty()) by_set[use.unconditional].push_back(name);
  if (auto it = by_set.find(all); it != by_set.end()) p.syscalls.push_back(allow_rule(it->second, all, all));
  for (const auto& [natives, names] : by_set)
    if (natives != all) p.syscalls.push_back(allow_rule(names, natives, all));
  for (SyscallRule& rule : conditional) p.syscalls.push_back(std::move(rule));
  if (options.base != nullptr)
    for (SyscallRule& rule : base_rules(*options.base, uses, all, diags)) p.syscalls.push_back(std::move(rule));
  for (std::size_t i = 0; i < p.syscalls.size(); ++i) {  // where each piece sits in the written profile
    SyscallRule& rule = p.syscalls[i];
    rule.pointer = "/syscalls/" + std::to_string(i);
    rule.name_pointers.clear();
    for (std::size_t n = 0; n < rule.names.size(); ++n)
      rule.name_pointers.push_back(rule.pointer + "/names/" + std::to_string(n));
    for (std::size_t a = 0; a < rule.args.size(); ++a) rule.args[a].pointer = rule.pointer + "/args/" + std::to_string(a);
    if (!rule.includes.empty()) rule.includes.pointer = rule.pointer + "/includes";
    if (!rule.excludes.empty()) rule.excludes.pointer = rule.pointer + "/excludes";
  }
  for (std::size_t i = 0; i < p.arch_map.size(); ++i) p.arch_map[i].pointer = "/archMap/" + std::to_string(i);
  return result;
}

}  // namespace scc
