// seccomp-hook precreate [--runtime-name crun]: podman's config filter.
// config.json on stdin -> config.json on stdout (config_rewrite.hpp). On any
// error nothing is written to stdout and the exit status is non-zero, so
// podman refuses to create the container.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "mode_labels.hpp"
#include "modes.hpp"
#include "scc/config_rewrite.hpp"

namespace scc::hook {
namespace {

bool write_stdout(std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(STDOUT_FILENO, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

int run_precreate(const CommonOptions& common, const std::string& runtime_name) {
  EventLog log("precreate");
  std::optional<std::string> input = read_stdin(log);
  if (!input) return kExitRefused;
  Result<ContainerConfig> container = parse_container_config(*input);
  if (container.value) log.set_container(precreate_container_label(*container.value));
  if (!container.ok()) {
    log.refuse("config.json: " + summarize(container.diagnostics));
    return kExitRefused;
  }
  std::optional<HookConfig> config = load_config(common, log);
  if (!config) return kExitRefused;
  label_selection(*config, *container.value, log);
  RewriteOptions options;
  options.runtime_is_crun = runtime_name == "crun";
  options.tool_version = SCC_VERSION;
  Result<RewriteOutcome> outcome = rewrite_config(std::move(*container.value), *input, *config, options);
  if (!outcome.ok()) {
    log.refuse(summarize(outcome.diagnostics), outcome.diagnostics);
    return kExitRefused;
  }
  log.warnings(outcome.diagnostics);
  if (!write_stdout(outcome.value->config_json)) {
    log.refuse(std::string("cannot write config.json to standard output: ") + std::strerror(errno));
    return kExitRefused;
  }
  log.info(describe_outcome(*outcome.value));
  return kExitOk;
}

}  // namespace scc::hook
