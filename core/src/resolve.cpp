// The resolver, following moby's setupSeccomp (seccomp_linux.go) rule by rule;
// docs/resolve.md records where it deliberately follows podman instead.
#include "scc/resolve.hpp"

#include <algorithm>

#include "scc/names.hpp"

namespace scc {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

enum class Verdict { Keep, Skip, Error };

// kernel >= min, or an error when the target kernel is unknown (moby fails
// the whole profile when it cannot parse uname).
std::optional<bool> kernel_at_least(const Target& target, KernelVersion min, const std::string& pointer,
                                    Diagnostics& diagnostics) {
  if (!target.kernel) {
    diagnostics.error(Code::BadMinKernel, pointer + "/minKernel",
                      "minKernel \"" + to_string(min) + "\" needs the kernel version, which is unknown",
                      "give one with --kernel X.Y");
    return std::nullopt;
  }
  return *target.kernel >= min;
}

// moby: excludes first (any condition that holds skips the rule), then
// includes (any condition that fails skips it).
Verdict evaluate_rule(const SyscallRule& rule, const Target& target, Diagnostics& diagnostics) {
  const std::string_view arch = docker_native_name(target.arch);
  const RuleFilter& ex = rule.excludes;
  if (contains(ex.arches, arch)) return Verdict::Skip;
  for (const std::string& cap : ex.caps)
    if (contains(target.caps, cap)) return Verdict::Skip;
  if (ex.min_kernel) {
    auto at_least = kernel_at_least(target, *ex.min_kernel, ex.pointer, diagnostics);
    if (!at_least) return Verdict::Error;
    if (*at_least) return Verdict::Skip;
  }
  const RuleFilter& in = rule.includes;
  if (!in.arches.empty() && !contains(in.arches, arch)) return Verdict::Skip;
  for (const std::string& cap : in.caps)
    if (!contains(target.caps, cap)) return Verdict::Skip;
  if (in.min_kernel) {
    auto at_least = kernel_at_least(target, *in.min_kernel, in.pointer, diagnostics);
    if (!at_least) return Verdict::Error;
    if (!*at_least) return Verdict::Skip;
  }
  return Verdict::Keep;
}

// containers/common's errno name -> the number. The name wins over a
// disagreeing number, as in podman; docker would ignore the name.
std::optional<std::uint64_t> resolve_errno(const std::string& name, std::optional<std::uint64_t> number,
                                           const std::string& pointer, Diagnostics& diagnostics) {
  if (name.empty()) return number;
  auto value = parse_errno(name);
  if (!value) {
    diagnostics.error(Code::UnknownErrno, pointer, "unknown errno name \"" + name + "\"");
    return number;
  }
  auto named = static_cast<std::uint64_t>(*value);
  if (number && *number != named)
    diagnostics.warning(Code::ErrnoMismatch, pointer,
                        "errno \"" + name + "\" (" + std::to_string(named) + ") disagrees with errnoRet " +
                            std::to_string(*number) + ": using " + name,
                        "podman uses the name; docker would use the number");
  return named;
}

void expand_architectures(const Profile& in, const Target& target, Profile& out, Diagnostics& diagnostics) {
  out.architectures = in.architectures;
  out.has_architectures = in.has_architectures;
  if (in.arch_map.empty()) return;
  auto entry = std::find_if(in.arch_map.begin(), in.arch_map.end(),
                            [&](const ArchMapEntry& e) { return e.architecture == target.arch; });
  if (entry == in.arch_map.end()) {
    diagnostics.warning(Code::ArchNotInArchMap, in.pointer + "/archMap",
                        "archMap has no entry for " + std::string(to_string(target.arch)) +
                            ": architectures is left empty, so the runtime allows only the native arch",
                        "this is what docker does; add an archMap entry to name the companion arches");
    return;
  }
  out.architectures.push_back(entry->architecture);
  out.architectures.insert(out.architectures.end(), entry->sub_architectures.begin(),
                           entry->sub_architectures.end());
  out.has_architectures = true;
}

SyscallRule flatten_rule(const SyscallRule& rule, Diagnostics& diagnostics) {
  SyscallRule out;
  out.names = rule.names;
  out.name_pointers = rule.name_pointers;
  out.used_names_field = true;
  out.action = rule.action;
  out.errno_ret = resolve_errno(rule.errno_name, rule.errno_ret, rule.pointer + "/errno", diagnostics);
  out.args = rule.args;
  out.pointer = rule.pointer;
  return out;
}

// Problems that make moby refuse the whole profile.
void check_shape(const Profile& profile, Diagnostics& diagnostics) {
  if (!profile.architectures.empty() && !profile.arch_map.empty())
    diagnostics.error(Code::ArchitecturesAndArchMap, profile.pointer + "/archMap",
                      "both \"architectures\" and \"archMap\" are given; use one of them");
  if (!profile.default_action)
    diagnostics.error(Code::MissingDefaultAction, profile.pointer, "the profile has no \"defaultAction\"");
  for (const SyscallRule& rule : profile.syscalls)
    if (rule.used_name_field && rule.used_names_field)
      diagnostics.error(Code::NameAndNames, rule.pointer,
                        "both \"name\" and \"names\" are given; use one of them");
}

Profile flat_header(const Profile& profile) {
  Profile out;
  out.dialect = Dialect::Oci;
  out.name = profile.name;
  out.pointer = profile.pointer;
  out.default_action = profile.default_action;
  out.default_errno_ret = profile.default_errno_ret;
  out.flags = profile.flags;
  out.listener_path = profile.listener_path;
  out.listener_metadata = profile.listener_metadata;
  return out;
}

}  // namespace

Target default_target() {
  Target target;
  target.arch = native_arch();
  target.caps = docker_default_caps();
  target.kernel = running_kernel();
  return target;
}

Result<Profile> resolve(const Profile& profile, const Target& target) {
  Result<Profile> r;
  if (!profile.default_action && profile.syscalls.empty()) {
    r.diagnostics.warning(Code::EmptyProfile, profile.pointer,
                          "no \"defaultAction\" and no \"syscalls\": docker and podman run such a "
                          "container without seccomp");
    r.value = flat_header(profile);
    return r;
  }
  check_shape(profile, r.diagnostics);
  if (r.diagnostics.has_errors()) return r;
  Profile out = flat_header(profile);
  out.default_errno_ret = resolve_errno(profile.default_errno_name, profile.default_errno_ret,
                                        profile.pointer + "/defaultErrno", r.diagnostics);
  expand_architectures(profile, target, out, r.diagnostics);
  for (const SyscallRule& rule : profile.syscalls) {
    Verdict verdict = evaluate_rule(rule, target, r.diagnostics);
    if (verdict == Verdict::Keep) out.syscalls.push_back(flatten_rule(rule, r.diagnostics));
  }
  if (!r.diagnostics.has_errors()) r.value = std::move(out);
  return r;
}

}  // namespace scc
