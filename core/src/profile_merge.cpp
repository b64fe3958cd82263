#include "scc/profile_merge.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

#include "scc/kernel_version.hpp"
#include "scc/names.hpp"
#include "scc/profile_semantics.hpp"

namespace scc {
namespace {

// What makes two rules about one name the same question.
using ArgKey = std::vector<std::tuple<std::uint64_t, int, std::uint64_t, std::uint64_t>>;
using FilterKey = std::tuple<std::vector<std::string>, std::vector<std::string>, std::string>;
using RuleKey = std::tuple<std::string, ArgKey, FilterKey, FilterKey>;

ArgKey arg_key(const std::vector<ArgCondition>& args) {
  ArgKey key;
  for (const ArgCondition& a : args)
    key.emplace_back(a.index, static_cast<int>(a.op), a.value, a.value_two.value_or(0));
  return key;
}

FilterKey filter_key(const RuleFilter& f) {
  auto caps = f.caps, arches = f.arches;
  std::sort(caps.begin(), caps.end());
  std::sort(arches.begin(), arches.end());
  return {caps, arches, f.min_kernel ? to_string(*f.min_kernel) : std::string{}};
}

// One name of one input's rule.
struct Entry {
  std::uint32_t ret = 0;  // the SECCOMP_RET_* value: what the rule decides
  const SyscallRule* rule = nullptr;
  std::size_t input = 0;
};

std::string describe(std::uint32_t ret, const SyscallRule& rule) {
  std::string out(to_string(rule.action));
  if (action_takes_errno(rule.action)) out += " (" + std::to_string(ret & 0xffffU) + ")";
  return out;
}

std::string place(const MergeInput& input, const std::string& pointer) {
  return input.name + " " + (pointer.empty() ? std::string("/") : pointer);
}

bool first_wins(MergePreference preference, std::uint32_t kept, std::uint32_t other) {
  switch (preference) {
    case MergePreference::Last:
      return false;
    case MergePreference::Strictest:
      return !more_restrictive(other, kept);
    default:
      return true;
  }
}

std::string preference_name(MergePreference preference) {
  switch (preference) {
    case MergePreference::First: return "first";
    case MergePreference::Last: return "last";
    case MergePreference::Strictest: return "strictest";
    default: return "";
  }
}

void conflict(Diagnostics& diags, MergePreference preference, const std::string& what, const std::string& a,
              const std::string& b, bool first_kept) {
  if (preference == MergePreference::None) {
    diags.error(Code::MergeConflict, "", what + ": " + a + ", but " + b,
                "choose the winner with --prefer first|last|strictest");
    return;
  }
  diags.warning(Code::MergeConflict, "",
                what + ": " + a + ", but " + b + "; --prefer " + preference_name(preference) + " keeps the " +
                    (first_kept ? "former" : "latter"));
}

void merge_arches(std::span<const MergeInput> inputs, Profile& out) {
  const bool any_map = std::any_of(inputs.begin(), inputs.end(), [](const MergeInput& i) {
    return i.profile->has_arch_map || !i.profile->arch_map.empty();
  });
  if (!any_map) {
    for (const MergeInput& in : inputs) {
      out.has_architectures = out.has_architectures || in.profile->has_architectures;
      for (Arch a : in.profile->architectures)
        if (std::find(out.architectures.begin(), out.architectures.end(), a) == out.architectures.end())
          out.architectures.push_back(a);
    }
    return;
  }
  out.has_arch_map = true;
  auto entry_for = [&](Arch native) -> ArchMapEntry& {
    for (ArchMapEntry& e : out.arch_map)
      if (e.architecture == native) return e;
    out.arch_map.push_back(ArchMapEntry{native, {}, ""});
    return out.arch_map.back();
  };
  auto add_sub = [](ArchMapEntry& e, Arch sub) {
    if (sub != e.architecture &&
        std::find(e.sub_architectures.begin(), e.sub_architectures.end(), sub) == e.sub_architectures.end())
      e.sub_architectures.push_back(sub);
  };
  for (const MergeInput& in : inputs) {
    for (const ArchMapEntry& e : in.profile->arch_map) {
      ArchMapEntry& mine = entry_for(e.architecture);
      for (Arch sub : e.sub_architectures) add_sub(mine, sub);
    }
    for (Arch a : in.profile->architectures) add_sub(entry_for(native_arch_of(a)), a);
  }
}

}  // namespace

Result<Profile> merge_profiles(std::span<const MergeInput> inputs, MergePreference preference) {
  Result<Profile> result;
  Diagnostics& diags = result.diagnostics;
  Profile out;
  out.dialect = Dialect::Docker;
  if (inputs.empty()) {
    diags.error(Code::EmptyProfile, "", "nothing to merge");
    return result;
  }
  // the default
  std::optional<std::size_t> default_from;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Profile& p = *inputs[i].profile;
    if (!p.default_action) continue;
    const std::uint32_t ret = semantic_action(*p.default_action, p.default_errno_ret, p.default_errno_name);
    if (!default_from) {
      default_from = i;
      continue;
    }
    const Profile& kept = *inputs[*default_from].profile;
    const std::uint32_t kept_ret =
        semantic_action(*kept.default_action, kept.default_errno_ret, kept.default_errno_name);
    if (kept_ret == ret) continue;
    SyscallRule a, b;
    a.action = *kept.default_action;
    b.action = *p.default_action;
    const bool keep = first_wins(preference, kept_ret, ret);
    conflict(diags, preference, "the default action differs",
             describe(kept_ret, a) + " in " + place(inputs[*default_from], kept.pointer + "/defaultAction"),
             describe(ret, b) + " in " + place(inputs[i], p.pointer + "/defaultAction"), keep);
    if (!keep) default_from = i;
  }
  if (default_from) {
    const Profile& p = *inputs[*default_from].profile;
    out.default_action = p.default_action;
    if (action_takes_errno(*p.default_action))
      out.default_errno_ret = semantic_action(*p.default_action, p.default_errno_ret, p.default_errno_name) & 0xffffU;
  }
  merge_arches(inputs, out);
  for (const MergeInput& in : inputs) {
    for (Flag f : in.profile->flags)
      if (std::find(out.flags.begin(), out.flags.end(), f) == out.flags.end()) out.flags.push_back(f);
    for (auto [field, mine] : {std::pair{&in.profile->listener_path, &out.listener_path},
                               std::pair{&in.profile->listener_metadata, &out.listener_metadata}}) {
      if (!*field) continue;
      if (*mine && **mine != **field)
        diags.error(Code::MergeConflict, "",
                    "the listener differs: \"" + **mine + "\" and \"" + **field + "\" in " + in.name);
      else
        *mine = *field;
    }
  }
  // the rules, name by name
  std::map<RuleKey, Entry> entries;
  std::vector<RuleKey> order;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    for (const SyscallRule& rule : inputs[i].profile->syscalls) {
      const std::uint32_t ret = semantic_action(rule.action, rule.errno_ret, rule.errno_name);
      for (std::size_t n = 0; n < rule.names.size(); ++n) {
        RuleKey key{rule.names[n], arg_key(rule.args), filter_key(rule.includes), filter_key(rule.excludes)};
        auto [it, fresh] = entries.try_emplace(key, Entry{ret, &rule, i});
        if (fresh) {
          order.push_back(key);
          continue;
        }
        Entry& kept = it->second;
        if (kept.ret == ret) continue;
        const bool keep = first_wins(preference, kept.ret, ret);
        const std::string kept_pointer = [&] {
          for (std::size_t k = 0; k < kept.rule->names.size(); ++k)
            if (kept.rule->names[k] == rule.names[n] && k < kept.rule->name_pointers.size())
              return kept.rule->name_pointers[k];
          return kept.rule->pointer;
        }();
        const std::string pointer = n < rule.name_pointers.size() ? rule.name_pointers[n] : rule.pointer;
        conflict(diags, preference, "\"" + rule.names[n] + "\" has two actions",
                 describe(kept.ret, *kept.rule) + " in " + place(inputs[kept.input], kept_pointer),
                 describe(ret, rule) + " in " + place(inputs[i], pointer), keep);
        if (!keep) kept = Entry{ret, &rule, i};
      }
    }
  }
  if (diags.has_errors()) return result;
  // join names that share everything else, in the order first seen
  std::vector<std::pair<std::tuple<std::uint32_t, ArgKey, FilterKey, FilterKey, std::string>, SyscallRule>> groups;
  for (const RuleKey& key : order) {
    const Entry& e = entries.at(key);
    auto group_key = std::make_tuple(e.ret, std::get<1>(key), std::get<2>(key), std::get<3>(key), e.rule->comment);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == group_key; });
    if (it == groups.end()) {
      SyscallRule rule;
      rule.action = e.rule->action;
      if (action_takes_errno(rule.action)) rule.errno_ret = e.ret & 0xffffU;
      rule.args = e.rule->args;
      rule.comment = e.rule->comment;
      rule.includes = e.rule->includes;
      rule.excludes = e.rule->excludes;
      rule.used_names_field = true;
      groups.emplace_back(group_key, std::move(rule));
      it = std::prev(groups.end());
    }
    it->second.names.push_back(std::get<0>(key));
  }
  for (auto& [key, rule] : groups) {
    std::sort(rule.names.begin(), rule.names.end());
    rule.pointer = "/syscalls/" + std::to_string(out.syscalls.size());
    for (std::size_t n = 0; n < rule.names.size(); ++n) rule.name_pointers.push_back(rule.pointer + "/names/" + std::to_string(n));
    out.syscalls.push_back(std::move(rule));
  }
  result.value = std::move(out);
  return result;
}

}  // namespace scc
