// The node policy applied to one container (docs/hook.md): which profile it
// gets, and whether it may start. precreate and the runtime wrapper call
// decide() and write the result; createRuntime calls decide() and then
// enforce() on the config the runtime is about to use.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scc/container_config.hpp"
#include "scc/diagnostics.hpp"
#include "scc/hook_config.hpp"
#include "scc/profile.hpp"
#include "scc/resolve.hpp"

namespace scc {

// How a container asks for a profile. The annotation is the OCI way (podman
// --annotation, CRI, containerd); the environment variable is for docker
// 20.10, whose `run` has no --annotation (docker run -e SECCOMP_HOOK_PROFILE=web).
inline constexpr std::string_view kProfileAnnotation = "seccomp-hook.profile";
inline constexpr std::string_view kProfileEnv = "SECCOMP_HOOK_PROFILE";
// The request for no filter at all.
inline constexpr std::string_view kUnconfinedProfile = "unconfined";
// crun loads this annotation's base64 BPF verbatim and ignores linux.seccomp.
inline constexpr std::string_view kCrunBpfAnnotation = "run.oci.seccomp_bpf_data";
// Every crun annotation that changes how seccomp is set up starts with this.
inline constexpr std::string_view kCrunSeccompAnnotationPrefix = "run.oci.seccomp";

enum class ProfileSource { None, Annotation, Environment, Default };
std::string_view to_string(ProfileSource source);  // "none", "annotation", "environment", "default"

struct ProfileSelection {
  ProfileSource source = ProfileSource::None;
  std::string name;  // "" for None
  bool unconfined() const { return name == kUnconfinedProfile; }
  bool requested() const { return source == ProfileSource::Annotation || source == ProfileSource::Environment; }
};

// The request (annotation, else environment; both with different values is
// an error), else defaultProfile, else none. A requested name is checked
// (check_profile_name) unless it is "unconfined".
Result<ProfileSelection> select_profile(const HookConfig& config, const ContainerConfig& container);

// The profile names decide() reads for `selection`: the selected one (not
// "unconfined"), and the default when a request must be proven no looser
// than it. A decision is a function of these files, the hook config and the
// container's selection, bounding set and linux.seccomp (decision_cache.hpp).
std::vector<std::string> consulted_profiles(const HookConfig& config, const ProfileSelection& selection);

// What the profile is resolved for: the native arch, the container's
// bounding set (empty when config.json has none), the running kernel.
Target container_target(const ContainerConfig& container);

struct ResolvedProfile {
  std::string name;
  std::filesystem::path path;  // the file it came from
  std::string file_sha256;
  Profile flat;  // resolved for the container, validated
};

// find_profile + read + resolve + validate: errors from any step (validation
// errors included: a profile the validator rejects is not used).
Result<ResolvedProfile> load_resolved_profile(const HookConfig& config, std::string_view name,
                                              const Target& target);

// True when the profile confines nothing: absent, without a default action
// (runc then runs without seccomp), or with a permitting default and only
// permitting rules.
bool is_unconfined(const std::optional<Profile>& seccomp);

// PolicyViolation errors for each syscall of `deny` that `flat` may allow;
// messages start with `description` ('profile "web"').
Diagnostics check_deny_list(const Profile& flat, std::string_view description,
                            const std::vector<std::string>& deny);

struct PolicyDecision {
  ProfileSelection selection;
  // The profile to write into linux.seccomp. nullopt: keep the config's own
  // linux.seccomp (no selection), or remove it (unconfined).
  std::optional<ResolvedProfile> profile;
};

// Select, load and check the profile for `container`:
// - no selection: refused under requireProfile; else the config's own
//   linux.seccomp must pass refuseUnconfined and denySyscalls;
// - "unconfined": refused under refuseUnconfined, and as a request unless
//   allowAnnotationLoosen or the default is "unconfined" too;
// - a name: loaded and resolved; denySyscalls; a request other than the
//   default needs allowAnnotationLoosen or a proof that it is at least as
//   strict as the default (no default: requests are refused).
Result<PolicyDecision> decide(const HookConfig& config, const ContainerConfig& container);

// createRuntime: the config the runtime will use must carry what decide()
// chose. With a profile: linux.seccomp must be present and at least as
// strict as it, and pass denySyscalls. Unconfined or no selection: decide()
// has checked everything.
Diagnostics enforce(const HookConfig& config, const ContainerConfig& container, const PolicyDecision& decision);

}  // namespace scc
