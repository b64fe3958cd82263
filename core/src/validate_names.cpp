// Checks on syscall names: empty names and lists, names repeated in a rule,
// names no arch knows (with a "did you mean"), names absent from a target
// filter, and names the linked libseccomp cannot resolve.
#include <seccomp.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include "scc/names.hpp"
#include "scc/syscall_table.hpp"
#include "validate_checks.hpp"

namespace scc::validate_detail {
namespace {

// Syscalls that exist only on arches this project has no table for and that
// libseccomp 2.5.4 cannot resolve either, so that nothing else here knows
// them. riscv_hwprobe: Linux 6.4, riscv64 number 258; moby's default allows it.
constexpr std::array<std::pair<std::string_view, Arch>, 1> kOtherArchSyscalls{{
    {"riscv_hwprobe", Arch::Riscv64},
}};

const std::vector<Arch>& every_arch() {
  static const std::vector<Arch> arches = [] {
    std::vector<Arch> out;
    for (std::string_view n : arch_names())
      if (auto a = parse_arch(n)) out.push_back(*a);
    return out;
  }();
  return arches;
}

bool table_knows(Arch arch, std::string_view name) {
  const SyscallTable* t = syscall_table(arch);
  return t != nullptr && t->number(name).has_value();
}

bool known_anywhere(std::string_view name) {
  if (is_known_syscall(name)) return true;
  for (const auto& e : kOtherArchSyscalls)
    if (e.first == name) return true;
  return std::any_of(every_arch().begin(), every_arch().end(),
                     [&](Arch a) { return libseccomp_knows(a, name); });
}

// Every arch on which `name` is a syscall, by our tables, libseccomp, or the
// short list above.
std::vector<Arch> arches_with(std::string_view name) {
  std::vector<Arch> out;
  for (Arch a : every_arch()) {
    bool other = std::any_of(kOtherArchSyscalls.begin(), kOtherArchSyscalls.end(),
                             [&](const auto& e) { return e.first == name && e.second == a; });
    if (table_knows(a, name) || libseccomp_knows(a, name) || other) out.push_back(a);
  }
  return out;
}

// Whether a rule on `name` acts on `arch`: the arch has the syscall, or
// libseccomp rewrites it into its multiplexer there (recv on x86 becomes
// socketcall(SYS_RECV, ...)), which the table of numbers does not show.
bool acts_on(Arch arch, std::string_view name) {
  return table_knows(arch, name) ||
         (multiplexes_calls(arch) && is_multiplexed_call(name) && libseccomp_knows(arch, name));
}

std::string libseccomp_version() {
  const scmp_version* v = seccomp_version();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
         std::to_string(v->micro);
}

// A name is checked per target filter: it has an effect in a filter when any
// arch of it (with a table) has the syscall. Multi-arch profiles such as
// moby's list names of every arch in one rule, so a name absent from one arch
// but present on another arch of the same filter is normal and not reported.
// A name without effect in some target filters is a note (that is how
// multi-arch profiles are written: alarm is x86-only); without effect in any
// is a warning (a dead entry on every target, or a mistake).
void check_presence(const std::string& name, const std::string& pointer,
                    const std::vector<const TargetGroup*>& groups, Diagnostics& out) {
  std::vector<Arch> missing, present;
  bool checked = false;
  for (const TargetGroup* g : groups) {
    if (g->table_arches.empty()) continue;
    checked = true;
    bool here = std::any_of(g->table_arches.begin(), g->table_arches.end(),
                            [&](Arch a) { return acts_on(a, name); });
    for (Arch a : g->table_arches) {
      if (!here)
        missing.push_back(a);
      else if (acts_on(a, name))
        present.push_back(a);
    }
  }
  if (!checked || missing.empty()) return;
  const std::string quoted = '"' + name + '"';
  if (present.empty()) {
    out.warning(Code::SyscallMissingOnArch, pointer,
                "syscall " + quoted + " exists on none of the target arches (" +
                    arch_list(missing) + "): the rule has no effect on them (it exists on " +
                    arch_list(arches_with(name)) + ")");
    return;
  }
  out.note(Code::SyscallMissingOnArch, pointer,
           "syscall " + quoted + " does not exist on " + arch_list(missing) +
               ": the rule has no effect there (it does on " + arch_list(present) + ")");
}

void check_libseccomp(const std::string& name, const std::string& pointer,
                      const std::vector<const TargetGroup*>& groups, Diagnostics& out) {
  std::vector<Arch> unknown;
  for (const TargetGroup* g : groups)
    for (Arch a : g->table_arches)
      if (table_knows(a, name) && !libseccomp_knows(a, name) &&
          std::find(unknown.begin(), unknown.end(), a) == unknown.end())
        unknown.push_back(a);
  if (unknown.empty()) return;
  out.warning(Code::SyscallUnknownToLibseccomp, pointer,
              "syscall \"" + name + "\" is unknown to the linked libseccomp " +
                  libseccomp_version() + " on " + arch_list(unknown) +
                  ": it will be enforced by number (runc and crun built with this "
                  "libseccomp ignore it)");
}

// "Did you mean" costs an edit distance against every known name; past this
// many unknown names in one profile the hints stop (the file is not a typo).
constexpr std::size_t kMaxHints = 64;

void check_rule_names(const Context& ctx, const SyscallRule& r, std::size_t& hints,
                      Diagnostics& out) {
  if (r.names.empty() && !r.used_name_field) {
    out.error(Code::EmptyNames, r.pointer + "/names",
              "\"names\" is empty: the rule applies to no syscall");
    return;
  }
  const auto groups = applicable_groups(ctx, r);
  for (std::size_t i = 0; i < r.names.size(); ++i) {
    const std::string& name = r.names[i];
    const std::string& ptr = r.name_pointers[i];
    if (name.empty()) {
      out.error(Code::EmptyName, ptr, "syscall name \"\" is empty");
      continue;
    }
    const auto here = r.names.begin() + static_cast<std::ptrdiff_t>(i);
    const auto first = std::find(r.names.begin(), here, name);
    if (first != here) {
      out.warning(Code::DuplicateRule, ptr,
                  "syscall \"" + name + "\" is listed twice in this rule (first at " +
                      r.name_pointers[static_cast<std::size_t>(first - r.names.begin())] + ")");
      continue;
    }
    if (!known_anywhere(name)) {
      std::string nearest = hints < kMaxHints ? nearest_syscall_name(name) : std::string();
      ++hints;
      out.error(Code::UnknownSyscall, ptr, "unknown syscall \"" + name + "\"",
                nearest.empty() ? std::string() : "did you mean \"" + nearest + "\"?");
      continue;
    }
    check_presence(name, ptr, groups, out);
    check_libseccomp(name, ptr, groups, out);
  }
}

}  // namespace

void check_names(const Context& ctx, Diagnostics& out) {
  std::size_t hints = 0;
  for (const SyscallRule& r : ctx.profile.syscalls) check_rule_names(ctx, r, hints, out);
}

}  // namespace scc::validate_detail
