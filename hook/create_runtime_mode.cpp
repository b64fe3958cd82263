// seccomp-hook createRuntime (also accepted as prestart): the enforcer for
// any OCI runtime. State on stdin; the bundle's config.json is what the
// runtime is about to use. The container may start only if it carries what
// the policy selects (container_policy.hpp decide + enforce) and, for crun,
// a hand-over annotation that is exactly our compile of linux.seccomp.
#include "mode_labels.hpp"
#include "modes.hpp"
#include "scc/config_rewrite.hpp"
#include "scc/container_policy.hpp"
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
  log.info(*expected.value ? "allowed: linux.seccomp satisfies the policy (" + describe_program(**expected.value) + ")"
                           : "allowed: no linux.seccomp, which the policy permits");
  return kExitOk;
}

}  // namespace scc::hook
