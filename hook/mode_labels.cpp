#include "mode_labels.hpp"

#include "scc/container_policy.hpp"

namespace scc::hook {

std::string precreate_container_label(const ContainerConfig& container) {
  return container.hostname.empty() ? "?" : "? (hostname " + container.hostname + ")";
}

void label_selection(const HookConfig& config, const ContainerConfig& container, EventLog& log) {
  Result<ProfileSelection> selection = select_profile(config, container);
  if (!selection.value) return;
  if (selection.value->source == ProfileSource::None)
    log.set_profile("(none)");
  else
    log.set_profile("\"" + selection.value->name + "\" (" + std::string(to_string(selection.value->source)) + ")");
}

std::string describe_program(const CachedProgram& program, bool as_replayed) {
  return "cache " + std::string(to_string(as_replayed ? CacheOutcome::Hit : program.outcome)) + ", key " + program.key.substr(0, 12) +
         ", program sha256 " + program.program_sha256.substr(0, 12);
}

std::string describe_outcome(const RewriteOutcome& outcome, bool as_replayed) {
  if (outcome.decision.profile) {
    const ResolvedProfile& p = *outcome.decision.profile;
    std::string out = "applied: linux.seccomp from " + p.path.string() + " (sha256 " + p.file_sha256.substr(0, 12) +
                      ", " + std::to_string(p.flat.syscalls.size()) + " rules)";
    if (outcome.handover) out += "; BPF handed to crun (" + describe_program(*outcome.handover, as_replayed) + ")";
    return out;
  }
  if (outcome.decision.selection.unconfined()) return "applied: unconfined, linux.seccomp removed";
  return "kept the config's own linux.seccomp (no profile selected)";
}

Diagnostics profile_warnings(const Diagnostics& diagnostics) {
  Diagnostics out;
  for (const Diagnostic& d : diagnostics)
    if (d.severity == Severity::Warning && !d.pointer.empty()) out.add(d);
  return out;
}

}  // namespace scc::hook
