// How the modes name a container, its profile and what they did, in log lines.
#pragma once

#include <string>

#include "event_log.hpp"
#include "scc/config_rewrite.hpp"
#include "scc/container_config.hpp"
#include "scc/hook_config.hpp"

namespace scc::hook {

// precreate sees no container id: "? (hostname web-1)", or "?".
std::string precreate_container_label(const ContainerConfig& container);
// Sets the profile label from the selection ('"web" (annotation)'), when the
// selection itself is valid; decide() reports it otherwise.
void label_selection(const HookConfig& config, const ContainerConfig& container, EventLog& log);
// "applied (...)" / "kept ..." / "removed ..." for the success line. With
// `as_replayed`, the program is described as a replay of a cached decision
// sees it: "cache hit", whatever this call did.
std::string describe_outcome(const RewriteOutcome& outcome, bool as_replayed = false);
// "cache hit, key 0123456789ab, program sha256 abcdef012345"
std::string describe_program(const CachedProgram& program, bool as_replayed = false);
// The warnings about the profile (those with a location): the ones a cached
// decision replays.
Diagnostics profile_warnings(const Diagnostics& diagnostics);
// What a line replayed from the decision cache ends with.
inline constexpr std::string_view kDecisionCachedSuffix = "; decision cached";

}  // namespace scc::hook
