// seccomp-hook createRuntime (also accepted as prestart): the enforcer for
// any OCI runtime. State on stdin; the bundle's config.json is what the
// runtime is about to use. The container may start only if it carries what
// the policy selects (container_policy.hpp decide + enforce) and, for crun,
// a hand-over annotation that is exactly our compile of linux.seccomp.
#include "mode_labels.hpp"
#include "modes.hpp"
#include "scc/config_rewrite.hpp"
#include "scc/container_policy.hpp"
#include "scc/decision_cache.hpp"
#include "scc/oci_state.hpp"

namespace scc::hook {

int run_create_runtime(const CommonOptions& common, const std::string& stage) {
  EventLog log(stage);
  std::optional<std::string> input = read_stdin(log);
  if (!input) return kExitRefused;
  Result<OciState> state = parse_oci_state(*input);
  if (!state.ok()) {
    log.refuse("state: " + summarize(state.diagnostics));
    return kExitRefused;
  }
  log.set_container(state.value->id);
  std::optional<HookConfig> config = load_config(common, log);
  if (!config) return kExitRefused;
  Result<std::string> text = read_bundle_config(state.value->bundle);
  if (!text.ok()) {
    log.refuse(summarize(text.diagnostics));
    return kExitRefused;
  }
  // A decision cached for the same inputs (decision_cache.hpp) is replayed
  // without parsing, resolving, proving or compiling the profile.
  Result<ContainerConfig> light = parse_container_config(*text.value, SeccompReading::ShapeOnly);
  std::optional<std::string> key;
  if (light.ok()) {
    label_selection(*config, *light.value, log);
    key = decision_cache_key(DecisionPurpose::Enforce, *config, *light.value, false, SCC_VERSION);
  }
  if (key) {
    Diagnostics problems;
    std::optional<CachedDecision> cached = load_decision(*config, *key, problems);
    log.warnings(problems);
    if (cached) {
      log.replayed_warnings(cached->warnings);
      log.info(cached->log_line + std::string(kDecisionCachedSuffix));
      return kExitOk;
    }
  }
  Result<ContainerConfig> container = parse_container_config(*text.value);
  if (!container.ok()) {
    log.refuse("config.json: " + summarize(container.diagnostics));
    return kExitRefused;
  }
  label_selection(*config, *container.value, log);
  Result<PolicyDecision> decision = decide(*config, *container.value);
  Diagnostics problems = decision.diagnostics;
  if (decision.ok()) problems.append(enforce(*config, *container.value, *decision.value));
  RewriteOptions options;
  options.tool_version = SCC_VERSION;
  Result<std::optional<CachedProgram>> expected;
  if (!problems.has_errors()) {
    expected = expected_program(*container.value, *config, options);
    problems.append(expected.diagnostics);
  }
  if (problems.has_errors()) {
    log.refuse(summarize(problems), problems);
    return kExitRefused;
  }
  log.warnings(problems);
  auto line = [&](bool as_replayed) {
    return *expected.value ? "allowed: linux.seccomp satisfies the policy (" +
                                 describe_program(**expected.value, as_replayed) + ")"
                           : std::string("allowed: no linux.seccomp, which the policy permits");
  };
  log.info(line(false));
  // Stored only when the inputs did not change while deciding.
  if (key && key == decision_cache_key(DecisionPurpose::Enforce, *config, *light.value, false, SCC_VERSION)) {
    CachedDecision record;
    record.log_line = line(true);
    record.warnings = profile_warnings(problems);
    store_decision(*config, *key, record);
  }
  return kExitOk;
}

}  // namespace scc::hook
