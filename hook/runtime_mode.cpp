// seccomp-hook runtime --runtime PATH [--runtime-name NAME] -- ARG...
// An OCI runtime binary for docker (--add-runtime), containerd and ECS on
// EC2. For `create` and `run` it rewrites <bundle>/config.json atomically
// (config_rewrite.hpp, as precreate does), then execs PATH with exactly ARG...;
// every other subcommand is exec'd at once, without reading anything.
// stderr during `create` is the container's stderr, so the wrapper prints
// nothing there unless it refuses.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "deadline.hpp"
#include "mode_labels.hpp"
#include "modes.hpp"
#include "scc/atomic_file.hpp"
#include "scc/config_rewrite.hpp"
#include "scc/decision_cache.hpp"
#include "scc/runtime_args.hpp"

namespace scc::hook {
namespace {

constexpr int kExitCannotExecute = 126;
constexpr int kExitNotFound = 127;

bool is_crun(const RuntimeOptions& options) {
  if (!options.runtime_name.empty()) return options.runtime_name == "crun";
  return std::filesystem::path(options.runtime).filename().string().starts_with("crun");
}

[[noreturn]] void exec_runtime(const RuntimeOptions& options, EventLog& log) {
  cancel_deadline();
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(options.runtime.c_str()));
  for (const std::string& arg : options.args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  ::execv(options.runtime.c_str(), argv.data());
  const int e = errno;
  log.refuse("cannot execute the runtime " + options.runtime + ": " + std::strerror(e));
  ::_exit(e == ENOENT ? kExitNotFound : kExitCannotExecute);
}

mode_t mode_of(const std::filesystem::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0644;
}

CachedDecision decision_record(const RewriteOutcome& outcome, const Diagnostics& diagnostics) {
  CachedDecision record = rewrite_decision(outcome);
  record.log_line = describe_outcome(outcome, true);
  record.warnings = profile_warnings(diagnostics);
  return record;
}

bool write_bundle_config(const std::filesystem::path& bundle, const std::string& text, EventLog& log) {
  const std::filesystem::path path = bundle / "config.json";
  // Atomic, not durable: the bundle does not outlive the machine's uptime.
  Diagnostics written = write_file_atomically(path, text, mode_of(path), Durability::Atomic);
  if (written.has_errors()) {
    log.refuse(summarize(written));
    return false;
  }
  return true;
}

// Rewrite the bundle's config.json; false after a refusal. A decision cached
// for the same inputs (decision_cache.hpp) is replayed without parsing,
// resolving, proving or compiling the profile.
bool rewrite_bundle(const CommonOptions& common, const RuntimeOptions& options, const RuntimeInvocation& call,
                    EventLog& log) {
  std::optional<HookConfig> config = load_config(common, log);
  if (!config) return false;
  const std::filesystem::path bundle = call.bundle.value_or(".");
  Result<std::string> text = read_bundle_config(bundle);
  if (!text.ok()) {
    log.refuse(summarize(text.diagnostics));
    return false;
  }
  Result<ContainerConfig> light = parse_container_config(*text.value, SeccompReading::ShapeOnly);
  std::optional<std::string> key;
  if (light.ok()) {
    label_selection(*config, *light.value, log);
    key = decision_cache_key(DecisionPurpose::Rewrite, *config, *light.value, is_crun(options), SCC_VERSION);
  }
  if (key) {
    Diagnostics problems;
    std::optional<CachedDecision> cached = load_decision(*config, *key, problems);
    std::optional<std::string> out = cached ? apply_decision(*light.value, *text.value, *cached) : std::nullopt;
    log.warnings(problems);
    if (out) {
      log.replayed_warnings(cached->warnings);
      if (*out != *text.value && !write_bundle_config(bundle, *out, log)) return false;
      log.info(cached->log_line + std::string(kDecisionCachedSuffix));
      return true;
    }
  }
  Result<ContainerConfig> container = parse_container_config(*text.value);
  if (!container.ok()) {
    log.refuse("config.json: " + summarize(container.diagnostics));
    return false;
  }
  label_selection(*config, *container.value, log);
  RewriteOptions rewrite;
  rewrite.runtime_is_crun = is_crun(options);
  rewrite.tool_version = SCC_VERSION;
  Result<RewriteOutcome> outcome = rewrite_config(std::move(*container.value), *text.value, *config, rewrite);
  if (!outcome.ok()) {
    log.refuse(summarize(outcome.diagnostics), outcome.diagnostics);
    return false;
  }
  log.warnings(outcome.diagnostics);
  if (outcome.value->changed && !write_bundle_config(bundle, outcome.value->config_json, log)) return false;
  log.info(describe_outcome(*outcome.value));
  // Stored only when the inputs did not change while deciding.
  if (key && key == decision_cache_key(DecisionPurpose::Rewrite, *config, *light.value, is_crun(options), SCC_VERSION))
    store_decision(*config, *key, decision_record(*outcome.value, outcome.diagnostics));
  return true;
}

}  // namespace

int run_runtime(const CommonOptions& common, const RuntimeOptions& options) {
  EventLog log("runtime");
  Result<RuntimeInvocation> call = parse_runtime_args(options.args);
  if (call.value) log.runtime_mode(call.value->log_path.value_or(""), call.value->log_format);
  if (!call.ok()) {
    log.runtime_mode("", "");
    log.refuse("runtime arguments: " + summarize(call.diagnostics));
    return kExitRefused;
  }
  if (!call.value->reads_config()) exec_runtime(options, log);
  log.set_container(call.value->container_id.value_or("?"));
  arm_deadline(2000);
  if (!rewrite_bundle(common, options, *call.value, log)) return kExitRefused;
  exec_runtime(options, log);
}

}  // namespace scc::hook
