#include "record_target.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "scc/profile_store.hpp"

namespace scc::hook {

Result<std::optional<RecordTarget>> record_target(const HookConfig& config, const OciState& state) {
  Result<std::optional<RecordTarget>> result;
  auto it = state.annotations.find(std::string(kRecordAnnotation));
  if (it == state.annotations.end()) {
    result.value.emplace();
    return result;
  }
  const std::string& name = it->second;
  const std::string where = "annotation " + std::string(kRecordAnnotation);
  result.diagnostics = check_profile_name(name);
  if (!result.diagnostics.has_errors() && name.starts_with(kLocalhostPrefix))
    result.diagnostics.error(Code::ProfileNameInvalid, "",
                             where + ": a recording name is a plain name, not a localhost/ path");
  if (result.diagnostics.has_errors()) return result;
  if (!config.record_dir) {
    result.diagnostics.error(Code::MissingField, "/recordDir",
                             where + " asks for a recording, but the hook config has no recordDir");
    return result;
  }
  struct stat st {};
  const std::filesystem::path& dir = *config.record_dir;
  if (::lstat(dir.c_str(), &st) != 0) {
    result.diagnostics.error(Code::OutputUnwritable, "/recordDir",
                             "recordDir " + dir.string() + ": " + std::strerror(errno));
    return result;
  }
  if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022) != 0) {
    result.diagnostics.error(Code::ProfileFileUnsafe, "/recordDir",
                             "recordDir " + dir.string() +
                                 " must be a directory (not a symlink) owned by root and not writable by group or others");
    return result;
  }
  result.value = RecordTarget{name, dir / (name + ".json"), dir / ("." + state.id + ".recording")};
  return result;
}

std::optional<RecordingRequest> read_recording_request(const CommonOptions& common, EventLog& log, bool need_pid) {
  std::optional<std::string> input = read_stdin(log);
  if (!input) return std::nullopt;
  Result<OciState> state = parse_oci_state(*input);
  if (!state.ok() || (need_pid && state.value->pid.value_or(0) <= 0)) {
    log.refuse("state: " + (state.ok() ? std::string("no container pid (the createRuntime state has one)")
                                       : summarize(state.diagnostics)));
    return std::nullopt;
  }
  log.set_container(state.value->id);
  std::optional<HookConfig> config = load_config(common, log);
  if (!config) return std::nullopt;
  Result<std::optional<RecordTarget>> target = record_target(*config, *state.value);
  if (!target.ok()) {
    log.refuse(summarize(target.diagnostics));
    return std::nullopt;
  }
  return RecordingRequest{std::move(*state.value), std::move(*config), std::move(*target.value)};
}

}  // namespace scc::hook
