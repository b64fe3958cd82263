// The validator's entry point: it works out the target filters, runs every
// family of checks (validate_*.cpp) and returns all findings in document order.
#include "scc/validate.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "scc/hex.hpp"
#include "scc/names.hpp"
#include "validate_checks.hpp"

namespace scc {
namespace validate_detail {
namespace {

void add_unique(std::vector<Arch>& arches, Arch arch) {
  if (std::find(arches.begin(), arches.end(), arch) == arches.end()) arches.push_back(arch);
}

TargetGroup make_group(Arch native, const std::vector<Arch>& others) {
  TargetGroup g;
  g.native = native;
  g.arches.push_back(native);
  for (Arch a : others) add_unique(g.arches, a);
  for (Arch a : g.arches)
    if (has_table(a)) g.table_arches.push_back(a);
  return g;
}

// An explicit target `arch` stands for the filter a runtime on `arch` builds
// from the profile: with an archMap, the arch and its entry's sub-arches (as
// the resolver expands it); with architectures that list `arch`, all of them.
TargetGroup explicit_group(const Profile& p, Arch arch) {
  if (p.has_arch_map) {
    for (const ArchMapEntry& e : p.arch_map)
      if (e.architecture == arch) return make_group(arch, e.sub_architectures);
    return make_group(arch, {});
  }
  bool listed = std::find(p.architectures.begin(), p.architectures.end(), arch) !=
                p.architectures.end();
  return make_group(arch, listed ? p.architectures : std::vector<Arch>{});
}

// Without explicit targets: every archMap entry, or the architectures list
// (its first entry taken as the native arch moby would match "arches"
// against), or x86_64 and aarch64 when the profile names no arch.
std::vector<TargetGroup> profile_groups(const Profile& p) {
  std::vector<TargetGroup> groups;
  if (p.has_arch_map && !p.arch_map.empty()) {
    std::vector<Arch> natives;  // a repeated entry adds no filter
    for (const ArchMapEntry& e : p.arch_map) {
      if (std::find(natives.begin(), natives.end(), e.architecture) != natives.end()) continue;
      natives.push_back(e.architecture);
      groups.push_back(make_group(e.architecture, e.sub_architectures));
    }
  } else if (!p.architectures.empty()) {
    groups.push_back(make_group(p.architectures.front(), p.architectures));
  } else {
    groups.push_back(make_group(Arch::X86_64, {}));
    groups.push_back(make_group(Arch::Aarch64, {}));
  }
  return groups;
}

std::vector<TargetGroup> target_groups(const Profile& p, const ValidateOptions& options) {
  if (options.arches.empty()) return profile_groups(p);
  std::vector<Arch> seen;
  std::vector<TargetGroup> groups;
  for (Arch a : options.arches) {
    if (std::find(seen.begin(), seen.end(), a) != seen.end()) continue;
    seen.push_back(a);
    groups.push_back(explicit_group(p, a));
  }
  return groups;
}

// One note naming every target arch whose syscalls cannot be checked.
void note_arches_without_table(const Context& ctx, bool explicit_targets, Diagnostics& out) {
  std::vector<Arch> missing;
  for (const TargetGroup& g : ctx.groups)
    for (Arch a : g.arches)
      if (!has_table(a)) add_unique(missing, a);
  if (missing.empty()) return;
  std::vector<std::string> quoted;
  for (Arch a : missing) quoted.push_back('"' + std::string(short_name(a)) + '"');
  std::string pointer;
  if (!explicit_targets)
    pointer = ctx.profile.pointer + (ctx.profile.has_arch_map ? "/archMap" : "/architectures");
  out.note(Code::NoSyscallTable, pointer,
           "no syscall table for " + join_words(quoted) +
               ": syscall names and argument widths are not checked there");
}

void check_listener(const Profile& p, Diagnostics& out) {
  if (p.listener_metadata && !p.listener_path)
    out.error(Code::ListenerMetadataWithoutPath, p.pointer + "/listenerMetadata",
              "listenerMetadata \"" + *p.listener_metadata +
                  "\" is given without listenerPath: there is no listener to send it to");
}

// Natural order of JSON pointers: numeric segments compare as numbers, so
// "/syscalls/2" sorts before "/syscalls/10".
bool pointer_less(std::string_view a, std::string_view b) {
  while (!a.empty() && !b.empty()) {
    auto next = [](std::string_view& s) {
      s.remove_prefix(1);  // the '/'
      auto end = s.find('/');
      std::string_view seg = s.substr(0, end);
      s = end == std::string_view::npos ? std::string_view{} : s.substr(end);
      return seg;
    };
    std::string_view sa = next(a), sb = next(b);
    if (sa == sb) continue;
    std::uint64_t na = 0, nb = 0;
    auto ra = std::from_chars(sa.data(), sa.data() + sa.size(), na);
    auto rb = std::from_chars(sb.data(), sb.data() + sb.size(), nb);
    bool numeric = ra.ec == std::errc{} && ra.ptr == sa.data() + sa.size() &&
                   rb.ec == std::errc{} && rb.ptr == sb.data() + sb.size();
    return numeric ? na < nb : sa < sb;
  }
  return a.empty() && !b.empty();
}

}  // namespace

bool rule_applies(const SyscallRule& rule, const TargetGroup& group) {
  std::string_view native = docker_native_name(group.native);
  auto lists = [&](const std::vector<std::string>& arches) {
    return std::find(arches.begin(), arches.end(), native) != arches.end();
  };
  if (lists(rule.excludes.arches)) return false;
  return rule.includes.arches.empty() || lists(rule.includes.arches);
}

std::vector<const TargetGroup*> applicable_groups(const Context& ctx, const SyscallRule& rule) {
  std::vector<const TargetGroup*> out;
  for (const TargetGroup& g : ctx.groups)
    if (rule_applies(rule, g)) out.push_back(&g);
  return out;
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " and " : ", ";
    out += words[i];
  }
  return out;
}

std::string arch_list(const std::vector<Arch>& arches) {
  std::vector<std::string> words;
  for (Arch a : arches) words.emplace_back(short_name(a));
  return join_words(words);
}

}  // namespace validate_detail

Diagnostics validate(const Profile& profile, const ValidateOptions& options) {
  using namespace validate_detail;
  Diagnostics out;
  Context ctx{profile, target_groups(profile, options)};
  note_arches_without_table(ctx, !options.arches.empty(), out);
  check_listener(profile, out);
  check_actions(ctx, out);
  check_names(ctx, out);
  check_args(ctx, out);
  check_overlaps(ctx, out);
  std::stable_sort(out.items().begin(), out.items().end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return pointer_less(a.pointer, b.pointer);
                   });
  return out;
}

bool resolved_by_compile(Code code) {
  return code == Code::ConflictingRule || code == Code::WidthUnsafeComparison;
}

}  // namespace scc
