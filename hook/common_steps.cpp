// Steps every hook mode shares: reading the config and standard input, each
// ending in one refusal line when it fails.
#include <cstdlib>

#include "deadline.hpp"
#include "modes.hpp"
#include "scc/input_file.hpp"

namespace scc::hook {

std::optional<HookConfig> load_config(const CommonOptions& common, EventLog& log) {
  const std::filesystem::path path =
      hook_config_path(common.config, common.config_env.empty() ? nullptr : common.config_env.c_str());
  Result<HookConfig> config = load_hook_config(path);
  if (!config.ok()) {
    log.refuse("hook config: " + summarize(config.diagnostics));
    return std::nullopt;
  }
  log.open(*config.value);
  arm_deadline(config.value->deadline_ms);
  return std::move(*config.value);
}

// Drained to the end, bounded: a runtime writing more than the limit gets a
// refusal, and one that never closes the pipe meets the deadline.
std::optional<std::string> read_stdin(EventLog& log) {
  Result<std::string> input = read_input_file("-", kMaxStdinBytes);
  if (!input.ok()) {
    log.refuse("standard input: " + summarize(input.diagnostics));
    return std::nullopt;
  }
  return std::move(*input.value);
}

}  // namespace scc::hook
