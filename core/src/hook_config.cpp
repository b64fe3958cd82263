#include "scc/hook_config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "field_reader.hpp"
#include "json_pointer.hpp"
#include "scc/profile_store.hpp"
#include "scc/syscall_table.hpp"
#include "strict_json.hpp"

namespace scc {
namespace {

using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

constexpr std::uint64_t kMaxDeadlineMs = 60000;

struct ConfigReader {
  FieldContext& ctx;
  HookConfig& config;

  Diagnostics& diagnostics() { return ctx.diagnostics; }

  std::optional<fs::path> absolute_path(const Json& value, const std::string& pointer) {
    auto text = read_string(value, pointer, ctx);
    if (!text) return std::nullopt;
    if (text->empty() || text->front() != '/' || text->find('\0') != std::string::npos) {
      diagnostics().error(Code::BadValue, pointer,
                          "expected an absolute path, found \"" + *text + "\"");
      return std::nullopt;
    }
    return fs::path(*text).lexically_normal();
  }

  void profile_dirs(const Json& value, const std::string& pointer) {
    const Json* array = read_array(value, pointer, ctx);
    if (array == nullptr) return;
    for (std::size_t i = 0; i < array->size(); ++i)
      if (auto path = absolute_path((*array)[i], join_pointer(pointer, i)))
        config.profile_dirs.push_back(*path);
  }

  void default_profile(const Json& value, const std::string& pointer) {
    auto name = read_string(value, pointer, ctx);
    if (!name) return;
    Diagnostics name_check = check_profile_name(*name);
    for (Diagnostic d : name_check) {
      d.pointer = pointer;
      diagnostics().add(std::move(d));
    }
    if (!name_check.has_errors()) config.default_profile = *name;
  }

  void deny_syscalls(const Json& value, const std::string& pointer) {
    const Json* array = read_array(value, pointer, ctx);
    if (array == nullptr) return;
    for (std::size_t i = 0; i < array->size(); ++i) {
      const std::string item = join_pointer(pointer, i);
      auto name = read_string((*array)[i], item, ctx);
      if (!name) continue;
      if (!is_known_syscall(*name)) {
        const std::string near = nearest_syscall_name(*name);
        diagnostics().error(Code::UnknownSyscall, item, "unknown syscall \"" + *name + "\"",
                            near.empty() ? "" : "did you mean \"" + near + "\"?");
        continue;
      }
      config.policy.deny_syscalls.push_back(*name);
    }
  }

  void policy(const Json& value, const std::string& pointer) {
    const Json* object = read_object(value, pointer, ctx);
    if (object == nullptr) return;
    reject_unknown_keys(*object, pointer,
                        {"requireProfile", "refuseUnconfined", "denySyscalls", "allowAnnotationLoosen"},
                        diagnostics());
    bool_field(*object, pointer, "requireProfile", config.policy.require_profile);
    bool_field(*object, pointer, "refuseUnconfined", config.policy.refuse_unconfined);
    bool_field(*object, pointer, "allowAnnotationLoosen", config.policy.allow_annotation_loosen);
    if (const Json* deny = member(*object, "denySyscalls"))
      deny_syscalls(*deny, join_pointer(pointer, "denySyscalls"));
  }

  void bool_field(const Json& object, const std::string& pointer, std::string_view key, bool& out) {
    if (const Json* value = member(object, key))
      if (auto b = read_bool(*value, join_pointer(pointer, key), ctx)) out = *b;
  }

  void deadline(const Json& value, const std::string& pointer) {
    auto ms = read_uint(value, pointer, ctx);
    if (!ms) return;
    if (*ms == 0 || *ms > kMaxDeadlineMs) {
      diagnostics().error(Code::BadValue, pointer,
                          "deadlineMs " + std::to_string(*ms) + " is outside 1.." +
                              std::to_string(kMaxDeadlineMs));
      return;
    }
    config.deadline_ms = *ms;
  }

  void log(const Json& value, const std::string& pointer) {
    auto text = read_string(value, pointer, ctx);
    if (!text) return;
    if (*text == "stderr") {
      config.log = *text;
    } else if (auto path = absolute_path(value, pointer)) {
      config.log = path->string();
    }
  }

  void root(const Json& object);
};

void ConfigReader::root(const Json& object) {
  reject_unknown_keys(object, "",
                      {"profileDirs", "defaultProfile", "kubernetesRoot", "policy", "cacheDir",
                       "crunHandover", "deadlineMs", "log", "recordDir"},
                      diagnostics());
  if (const Json* dirs = member(object, "profileDirs"))
    profile_dirs(*dirs, "/profileDirs");
  else
    diagnostics().error(Code::MissingField, "", "missing field \"profileDirs\"",
                        "list the directories holding profiles, e.g. [\"/etc/seccomp-hook/profiles\"]");
  if (const Json* value = member(object, "defaultProfile")) default_profile(*value, "/defaultProfile");
  if (const Json* value = member(object, "kubernetesRoot"))
    config.kubernetes_root = absolute_path(*value, "/kubernetesRoot");
  if (const Json* value = member(object, "policy")) policy(*value, "/policy");
  if (const Json* value = member(object, "cacheDir")) config.cache_dir = absolute_path(*value, "/cacheDir");
  if (const Json* value = member(object, "recordDir")) config.record_dir = absolute_path(*value, "/recordDir");
  bool_field(object, "", "crunHandover", config.crun_handover);
  if (const Json* value = member(object, "deadlineMs")) deadline(*value, "/deadlineMs");
  if (const Json* value = member(object, "log")) log(*value, "/log");
  if (config.default_profile.starts_with("localhost/") && !config.kubernetes_root)
    diagnostics().error(Code::MissingField, "/defaultProfile",
                        "defaultProfile \"" + config.default_profile + "\" is a localhost/ name, which needs kubernetesRoot");
}

Result<HookConfig> failure(Code code, std::string message) {
  Result<HookConfig> r;
  r.diagnostics.error(code, "", std::move(message));
  return r;
}

}  // namespace

Result<HookConfig> parse_hook_config(std::string_view text) {
  Result<HookConfig> result;
  ReadLimits limits;
  limits.max_bytes = kMaxHookConfigBytes;
  Result<StrictJson> json = parse_strict_json(text, limits);
  result.diagnostics = std::move(json.diagnostics);
  if (!json.value) return result;
  HookConfig config;
  FieldContext ctx{result.diagnostics, json.value->numbers};
  ConfigReader{ctx, config}.root(json.value->root);
  json.value->positions.locate(result.diagnostics);
  if (!result.diagnostics.has_errors()) result.value = std::move(config);
  return result;
}

Result<HookConfig> load_hook_config(const fs::path& path) {
  const std::string shown = path.string();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    return failure(Code::InputUnreadable, "cannot open the hook config " + shown + ": " + std::strerror(errno));
  struct stat st {};
  std::string text;
  std::string problem;
  if (::fstat(fd, &st) != 0) {
    problem = std::string("cannot stat: ") + std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    problem = "not a regular file";
  } else if (st.st_uid != 0) {
    problem = "owned by uid " + std::to_string(st.st_uid) + ", not root";
  } else if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    problem = "writable by group or others";
  } else if (static_cast<std::uint64_t>(st.st_size) > kMaxHookConfigBytes) {
    problem = std::to_string(st.st_size) + " bytes; the limit is " + std::to_string(kMaxHookConfigBytes);
  } else {
    char buf[16384];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) != 0;) {
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 || text.size() + static_cast<std::size_t>(n) > kMaxHookConfigBytes) {
        problem = n < 0 ? std::string("cannot read: ") + std::strerror(errno) : "grew while being read";
        break;
      }
      text.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  if (!problem.empty()) return failure(Code::InputUnreadable, "the hook config " + shown + ": " + problem);
  Result<HookConfig> result = parse_hook_config(text);
  for (Diagnostic& d : result.diagnostics.items()) d.message = shown + ": " + d.message;
  return result;
}

fs::path hook_config_path(const std::optional<std::string>& cli, const char* env) {
  if (cli) return *cli;
  if (env != nullptr && *env != '\0') return env;
  return fs::path(kDefaultHookConfigPath);
}

}  // namespace scc
