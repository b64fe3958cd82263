#include "scc/config_rewrite.hpp"

#include <algorithm>

#include "scc/base64.hpp"
#include "scc/oci_json.hpp"
#include "scc/width_exact_oci.hpp"

namespace scc {
namespace {

using Json = nlohmann::ordered_json;

std::string q(std::string_view s) { return "\"" + std::string(s) + "\""; }

// crun annotations the caller may set: only the one that makes crun stricter.
bool caller_may_set(const std::string& key) {
  return key == "run.oci.seccomp_fail_unknown_syscall";
}

bool needs_listener(const Profile& flat) {
  return std::any_of(flat.syscalls.begin(), flat.syscalls.end(),
                     [](const SyscallRule& r) { return r.action == Action::Notify; }) ||
         flat.default_action == Action::Notify;
}

// The hand-over program, or nullopt (with a warning when it was wanted).
std::optional<CachedProgram> handover_program(const HookConfig& config, const RewriteOptions& options,
                                              const ResolvedProfile& profile, Diagnostics& diagnostics) {
  if (!options.runtime_is_crun || !config.crun_handover) return std::nullopt;
  if (needs_listener(profile.flat)) {
    diagnostics.warning(Code::PolicyViolation, "",
                        "profile " + q(profile.name) + " uses SCMP_ACT_NOTIFY; its BPF is not handed over "
                        "(crun must create the listener), crun compiles linux.seccomp itself");
    return std::nullopt;
  }
  Result<CachedProgram> cached = compile_cached(
      profile.flat, hook_compile_options(), hook_cache_options(config, options.tool_version, options.compile_function));
  diagnostics.append(cached.diagnostics);
  if (!cached.ok()) return std::nullopt;
  return std::move(*cached.value);
}

}  // namespace

Diagnostics check_crun_annotations(const ContainerConfig& container, const std::optional<std::string>& ours) {
  Diagnostics out;
  for (const auto& [key, value] : container.annotations) {
    if (!key.starts_with(kCrunSeccompAnnotationPrefix) || caller_may_set(key)) continue;
    if (key == kCrunBpfAnnotation && ours && value == *ours) continue;
    out.error(Code::PolicyViolation, "/annotations/" + key,
              "annotation " + q(key) + " is set by the caller; it would make crun " +
                  (key == kCrunBpfAnnotation ? "load raw BPF instead of the profile"
                                             : "hand seccomp decisions to another program") +
                  ", so it is refused");
  }
  return out;
}

Result<std::optional<CachedProgram>> expected_program(const ContainerConfig& container, const HookConfig& config,
                                                      const RewriteOptions& options) {
  Result<std::optional<CachedProgram>> result;
  auto annotation = container.annotations.find(std::string(kCrunBpfAnnotation));
  const bool handed_over = annotation != container.annotations.end();
  if (!container.seccomp) {
    if (handed_over)
      result.diagnostics.error(Code::PolicyViolation, "/annotations/" + std::string(kCrunBpfAnnotation),
                               "run.oci.seccomp_bpf_data is set but config.json has no linux.seccomp to check it against");
    else
      result.value.emplace();
    return result;
  }
  ProgramCacheOptions cache = hook_cache_options(config, options.tool_version, options.compile_function);
  if (!options.use_program_cache) cache.dir.reset();
  Result<CachedProgram> cached = compile_cached(*container.seccomp, hook_compile_options(), cache);
  result.diagnostics = cached.diagnostics;
  if (!cached.ok()) return result;
  const std::string ours = base64_encode(cached.value->program.to_bytes());
  // The hand-over annotation gets its own message below.
  result.diagnostics.append(check_crun_annotations(container, handed_over ? annotation->second : ours));
  if (handed_over && annotation->second != ours)
    result.diagnostics.error(Code::PolicyViolation, "/annotations/" + std::string(kCrunBpfAnnotation),
                             std::string("run.oci.seccomp_bpf_data is ") +
                                 (base64_decode(annotation->second) ? "not the program compiled from linux.seccomp"
                                                                    : "not valid base64") +
                                 ": crun would enforce something the profile does not say");
  if (!result.diagnostics.has_errors()) result.value = std::move(*cached.value);
  return result;
}

CompileOptions hook_compile_options() { return CompileOptions{}; }

ProgramCacheOptions hook_cache_options(const HookConfig& config, const std::string& tool_version,
                                       const CompileFunction& compile_function) {
  ProgramCacheOptions o;
  o.dir = config.cache_dir;
  o.tool_version = tool_version;
  o.compile_function = compile_function;
  return o;
}

Result<RewriteOutcome> rewrite_config(std::string_view config_json, const HookConfig& config,
                                      const RewriteOptions& options) {
  Result<ContainerConfig> container = parse_container_config(config_json);
  if (!container.ok()) {
    Result<RewriteOutcome> result;
    result.diagnostics = container.diagnostics;
    return result;
  }
  Result<RewriteOutcome> result = rewrite_config(std::move(*container.value), config_json, config, options);
  Diagnostics all = container.diagnostics;
  all.append(result.diagnostics);
  result.diagnostics = std::move(all);
  return result;
}

Result<RewriteOutcome> rewrite_config(ContainerConfig parsed, std::string_view config_json, const HookConfig& config,
                                      const RewriteOptions& options) {
  Result<RewriteOutcome> result;
  std::optional<ContainerConfig> container(std::move(parsed));
  Result<PolicyDecision> decision = decide(config, *container);
  result.diagnostics.append(decision.diagnostics);
  if (!decision.ok()) return result;
  RewriteOutcome out;
  out.decision = std::move(*decision.value);
  Json root = std::move(container->root);
  if (out.decision.profile) {
    // Runtimes that compile linux.seccomp with libseccomp compare on 64 bits:
    // write the form whose 32-bit arguments they read as the kernel does.
    Result<Profile> exact = width_exact_oci(out.decision.profile->flat);
    result.diagnostics.append(exact.diagnostics);
    if (!exact.ok()) return result;
    out.decision.profile->flat = std::move(*exact.value);
    out.handover = handover_program(config, options, *out.decision.profile, result.diagnostics);
    if (result.diagnostics.has_errors()) return result;
    if (!root.contains("linux") || root["linux"].is_null()) root["linux"] = Json::object();
    root["linux"]["seccomp"] = to_oci_json(out.decision.profile->flat);
    out.changed = true;
  } else if (out.decision.selection.unconfined() && root.contains("linux") && root["linux"].contains("seccomp")) {
    root["linux"].erase("seccomp");
    out.changed = true;
  }
  std::optional<std::string> ours;
  if (out.handover) ours = base64_encode(out.handover->program.to_bytes());
  result.diagnostics.append(check_crun_annotations(*container, ours));
  if (result.diagnostics.has_errors()) return result;
  if (ours) {
    if (!root.contains("annotations") || root["annotations"].is_null()) root["annotations"] = Json::object();
    root["annotations"][std::string(kCrunBpfAnnotation)] = *ours;
  }
  out.config_json = out.changed || ours ? root.dump() + "\n" : std::string(config_json);
  out.changed = out.changed || ours.has_value();
  result.value = std::move(out);
  return result;
}

}  // namespace scc
