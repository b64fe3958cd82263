#include "scc/container_policy.hpp"

#include "profile_strictness.hpp"
#include "scc/compile.hpp"
#include "scc/kernel_version.hpp"
#include "scc/profile_store.hpp"
#include "scc/read.hpp"
#include "scc/validate.hpp"

namespace scc {
namespace {

std::string q(std::string_view s) { return "\"" + std::string(s) + "\""; }

constexpr std::string_view kOwnProfile = "linux.seccomp of config.json";

Diagnostics violation(std::string message) {
  Diagnostics d;
  d.error(Code::PolicyViolation, "", std::move(message));
  return d;
}

std::string request_text(const ProfileSelection& s) {
  return s.source == ProfileSource::Annotation ? "annotation " + std::string(kProfileAnnotation)
                                               : "environment variable " + std::string(kProfileEnv);
}

// The incoming config's own linux.seccomp when the hook selects nothing.
Diagnostics check_own_profile(const HookConfig& config, const ContainerConfig& container) {
  if (is_unconfined(container.seccomp)) {
    if (config.policy.refuse_unconfined)
      return violation("the container is unconfined (config.json has no linux.seccomp that denies anything) "
                       "and policy.refuseUnconfined is set");
    if (!config.policy.deny_syscalls.empty())
      return violation("the container is unconfined, so it may call \"" + config.policy.deny_syscalls.front() +
                       "\", which policy.denySyscalls forbids");
    return {};
  }
  return check_deny_list(*container.seccomp, kOwnProfile, config.policy.deny_syscalls);
}

Result<PolicyDecision> decide_unconfined(const HookConfig& config, PolicyDecision decision) {
  Result<PolicyDecision> result;
  if (config.policy.refuse_unconfined) {
    result.diagnostics = violation("\"unconfined\" is refused: policy.refuseUnconfined is set");
    return result;
  }
  if (!config.policy.deny_syscalls.empty()) {
    result.diagnostics = violation("\"unconfined\" is refused: it allows \"" + config.policy.deny_syscalls.front() +
                                   "\", which policy.denySyscalls forbids");
    return result;
  }
  if (decision.selection.requested() && !config.policy.allow_annotation_loosen &&
      config.default_profile != kUnconfinedProfile) {
    result.diagnostics = violation("the " + request_text(decision.selection) +
                                   " asks for \"unconfined\", which loosens the default; "
                                   "policy.allowAnnotationLoosen is false");
    return result;
  }
  result.value = std::move(decision);
  return result;
}

// A request for something other than the default must be provably no looser.
bool needs_proof(const HookConfig& config, const ProfileSelection& selection) {
  return selection.requested() && !config.policy.allow_annotation_loosen && selection.name != config.default_profile;
}

Diagnostics check_request(const HookConfig& config, const ContainerConfig& container,
                          const ProfileSelection& selection, const ResolvedProfile& chosen) {
  if (!needs_proof(config, selection)) return {};
  if (config.default_profile.empty())
    return violation("the " + request_text(selection) + " selects " + q(selection.name) +
                     ", but there is no defaultProfile to prove it no looser than, and "
                     "policy.allowAnnotationLoosen is false");
  if (config.default_profile == kUnconfinedProfile) return {};
  Result<ResolvedProfile> baseline = load_resolved_profile(config, config.default_profile, container_target(container));
  if (!baseline.ok()) {
    Diagnostics d = baseline.diagnostics;
    for (Diagnostic& item : d.items()) item.message = "the default profile: " + item.message;
    return d;
  }
  return check_at_least_as_strict(chosen.flat, "profile " + q(chosen.name), baseline.value->flat,
                                  "the default profile " + q(baseline.value->name));
}

}  // namespace

std::string_view to_string(ProfileSource source) {
  switch (source) {
    case ProfileSource::None:
      return "none";
    case ProfileSource::Annotation:
      return "annotation";
    case ProfileSource::Environment:
      return "environment";
    case ProfileSource::Default:
      return "default";
  }
  return "none";
}

Result<ProfileSelection> select_profile(const HookConfig& config, const ContainerConfig& container) {
  Result<ProfileSelection> result;
  ProfileSelection selection;
  auto annotation = container.annotations.find(std::string(kProfileAnnotation));
  Result<std::optional<std::string>> env = env_value(container.env, kProfileEnv);
  result.diagnostics = env.diagnostics;
  if (!env.value) return result;
  if (annotation != container.annotations.end() && *env.value && annotation->second != **env.value) {
    result.diagnostics.error(Code::PolicyViolation, "/annotations/" + std::string(kProfileAnnotation),
                             "annotation " + std::string(kProfileAnnotation) + " = " + q(annotation->second) +
                                 " and " + std::string(kProfileEnv) + " = " + q(**env.value) + " disagree");
    return result;
  }
  if (annotation != container.annotations.end()) {
    selection = {ProfileSource::Annotation, annotation->second};
  } else if (*env.value) {
    selection = {ProfileSource::Environment, **env.value};
  } else if (!config.default_profile.empty()) {
    selection = {ProfileSource::Default, config.default_profile};
  }
  if (selection.source != ProfileSource::None && !selection.unconfined()) {
    result.diagnostics.append(check_profile_name(selection.name));
    if (result.diagnostics.has_errors()) return result;
  }
  result.value = std::move(selection);
  return result;
}

std::vector<std::string> consulted_profiles(const HookConfig& config, const ProfileSelection& selection) {
  std::vector<std::string> out;
  if (selection.source == ProfileSource::None || selection.unconfined()) return out;
  out.push_back(selection.name);
  if (needs_proof(config, selection) && !config.default_profile.empty() &&
      config.default_profile != kUnconfinedProfile)
    out.push_back(config.default_profile);
  return out;
}

Target container_target(const ContainerConfig& container) {
  Target target;
  target.arch = native_arch();
  target.caps = container.bounding_caps;
  target.kernel = running_kernel();
  return target;
}

Result<ResolvedProfile> load_resolved_profile(const HookConfig& config, std::string_view name, const Target& target) {
  Result<ResolvedProfile> result;
  ProfileStore store{config.profile_dirs, config.kubernetes_root};
  Result<StoredProfile> stored = find_profile(store, name);
  result.diagnostics = stored.diagnostics;
  if (!stored.value) return result;
  Result<Document> doc = read_document(stored.value->text);
  result.diagnostics.append(doc.diagnostics);
  if (!doc.ok()) return result;
  if (doc.value->profiles.size() != 1) {
    result.diagnostics.error(Code::NotAProfile, "",
                             stored.value->path.string() + " holds " + std::to_string(doc.value->profiles.size()) +
                                 " profiles; a profile file for the hook holds one");
    return result;
  }
  Result<Profile> flat = resolve(doc.value->profiles.front(), target);
  if (flat.ok()) {
    // Names are checked on the arches this container's filter will cover.
    ValidateOptions options;
    options.arches = target_arches(*flat.value, CompileOptions{}, flat.diagnostics);
    flat.diagnostics.append(validate(doc.value->profiles.front(), options));
  }
  doc.value->positions.locate(flat.diagnostics);
  result.diagnostics.append(flat.diagnostics);
  if (!flat.ok()) return result;
  result.value = ResolvedProfile{std::string(name), stored.value->path, stored.value->sha256, std::move(*flat.value)};
  return result;
}

bool is_unconfined(const std::optional<Profile>& seccomp) {
  if (!seccomp || !seccomp->default_action) return true;
  if (!permits(*seccomp->default_action)) return false;
  for (const SyscallRule& rule : seccomp->syscalls)
    if (!permits(rule.action)) return false;
  return true;
}

Diagnostics check_deny_list(const Profile& flat, std::string_view description, const std::vector<std::string>& deny) {
  Diagnostics out;
  for (const std::string& syscall : deny) {
    const Permission p = permission_of(flat, syscall);
    if (p == Permission::Never) continue;
    out.error(Code::PolicyViolation, "",
              std::string(description) + " allows " + q(syscall) +
                  (p == Permission::Always ? " unconditionally" : " under argument conditions") +
                  ", which policy.denySyscalls forbids");
  }
  return out;
}

Result<PolicyDecision> decide(const HookConfig& config, const ContainerConfig& container) {
  Result<PolicyDecision> result;
  Result<ProfileSelection> selection = select_profile(config, container);
  result.diagnostics = selection.diagnostics;
  if (!selection.ok()) return result;
  PolicyDecision decision{*selection.value, std::nullopt};
  if (decision.selection.source == ProfileSource::None) {
    if (config.policy.require_profile) {
      result.diagnostics.append(violation("policy.requireProfile is set and the container names no profile (no " +
                                          std::string(kProfileAnnotation) + " annotation, no " +
                                          std::string(kProfileEnv) + " variable, no defaultProfile)"));
      return result;
    }
    result.diagnostics.append(check_own_profile(config, container));
    if (!result.diagnostics.has_errors()) result.value = std::move(decision);
    return result;
  }
  if (decision.selection.unconfined()) return decide_unconfined(config, std::move(decision));
  Result<ResolvedProfile> chosen = load_resolved_profile(config, decision.selection.name, container_target(container));
  result.diagnostics.append(chosen.diagnostics);
  if (!chosen.ok()) return result;
  result.diagnostics.append(
      check_deny_list(chosen.value->flat, "profile " + q(chosen.value->name), config.policy.deny_syscalls));
  result.diagnostics.append(check_request(config, container, decision.selection, *chosen.value));
  if (result.diagnostics.has_errors()) return result;
  decision.profile = std::move(*chosen.value);
  result.value = std::move(decision);
  return result;
}

Diagnostics enforce(const HookConfig& config, const ContainerConfig& container, const PolicyDecision& decision) {
  if (!decision.profile) return {};
  const ResolvedProfile& expected = *decision.profile;
  if (is_unconfined(container.seccomp))
    return violation("profile " + q(expected.name) + " is selected but the container would run unconfined "
                     "(config.json has no linux.seccomp that denies anything)");
  Diagnostics out = check_deny_list(*container.seccomp, kOwnProfile, config.policy.deny_syscalls);
  Diagnostics strict =
      check_at_least_as_strict(*container.seccomp, kOwnProfile, expected.flat, "profile " + q(expected.name));
  out.append(strict);
  return out;
}

}  // namespace scc
