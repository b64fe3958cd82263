#include "scc/container_config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "field_reader.hpp"
#include "json_pointer.hpp"
#include "profile_reader.hpp"
#include "scc/capabilities.hpp"
#include "strict_json.hpp"

namespace scc {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kSeccompPointer = "/linux/seccomp";

// Integer literals nlohmann could only keep as a double: a rewrite would
// print them differently, so the config is refused rather than changed.
void check_lossy_numbers(const StrictJson& json, Diagnostics& diagnostics) {
  for (const auto& [pointer, literal] : json.numbers) {
    if (literal.find_first_of(".eE") != std::string::npos) continue;
    const Json& value = json.root.at(Json::json_pointer(pointer));
    if (value.is_number_float())
      diagnostics.error(Code::BadNumber, pointer,
                        "integer " + literal + " does not fit 64 bits; it cannot be kept exactly");
  }
}

// The member at a path of keys, or nullptr; a non-object on the way is an error.
const Json* descend(const Json& root, std::initializer_list<const char*> keys, FieldContext& ctx) {
  const Json* at = &root;
  std::string pointer;
  for (const char* key : keys) {
    if (read_object(*at, pointer.empty() ? "" : pointer, ctx) == nullptr) return nullptr;
    at = member(*at, key);
    pointer = join_pointer(pointer, key);
    if (at == nullptr) return nullptr;
  }
  return at;
}

std::vector<std::string> string_array(const Json& value, const std::string& pointer, FieldContext& ctx) {
  std::vector<std::string> out;
  const Json* array = read_array(value, pointer, ctx);
  if (array == nullptr) return out;
  for (std::size_t i = 0; i < array->size(); ++i)
    if (auto s = read_string((*array)[i], join_pointer(pointer, i), ctx)) out.push_back(*s);
  return out;
}

void read_fields(const StrictJson& json, ContainerConfig& config, FieldContext& ctx, SeccompReading reading) {
  const Json& root = json.root;
  if (const Json* annotations = member(root, "annotations")) {
    if (read_object(*annotations, "/annotations", ctx) != nullptr)
      for (const auto& item : annotations->items())
        if (auto s = read_string(item.value(), join_pointer("/annotations", item.key()), ctx))
          config.annotations[item.key()] = *s;
  }
  if (const Json* env = descend(root, {"process", "env"}, ctx))
    config.env = string_array(*env, "/process/env", ctx);
  if (const Json* bounding = descend(root, {"process", "capabilities", "bounding"}, ctx)) {
    const std::string pointer = "/process/capabilities/bounding";
    auto caps = parse_capabilities(string_array(*bounding, pointer, ctx), pointer);
    ctx.diagnostics.append(caps.diagnostics);
    if (caps.value) config.bounding_caps = std::move(*caps.value);
    config.has_bounding = true;
  }
  if (const Json* hostname = member(root, "hostname"))
    if (auto s = read_string(*hostname, "/hostname", ctx)) config.hostname = *s;
  if (const Json* seccomp = descend(root, {"linux", "seccomp"}, ctx)) {
    if (read_object(*seccomp, "/linux/seccomp", ctx) != nullptr && reading == SeccompReading::Profile)
      config.seccomp = read_profile(*seccomp, "/linux/seccomp", Dialect::OciConfig, ReadLimits{},
                                    json.numbers, ctx.diagnostics);
  }
}

}  // namespace

Result<ContainerConfig> parse_container_config(std::string_view text, SeccompReading reading) {
  Result<ContainerConfig> result;
  ReadLimits limits;
  limits.max_bytes = kMaxConfigBytes;
  // ShapeOnly reads no profile, whose warnings need positions; its own
  // diagnostics, if any, get theirs from a second scan below.
  StrictJsonOptions options;
  options.positions = reading == SeccompReading::Profile;
  options.capture = std::string(kSeccompPointer);
  options.elide = reading == SeccompReading::ShapeOnly;
  Result<StrictJson> json = parse_strict_json(text, limits, options);
  result.diagnostics = std::move(json.diagnostics);
  if (!json.value) return result;
  check_lossy_numbers(*json.value, result.diagnostics);
  ContainerConfig config;
  FieldContext ctx{result.diagnostics, json.value->numbers};
  read_fields(*json.value, config, ctx, reading);
  if (!options.positions && !result.diagnostics.empty())
    scan_json(text, limits).positions.locate(result.diagnostics);
  else
    json.value->positions.locate(result.diagnostics);
  if (result.diagnostics.has_errors()) return result;
  config.root = std::move(json.value->root);
  config.seccomp_text = std::move(json.value->captured);
  result.value = std::move(config);
  return result;
}

Result<std::optional<std::string>> env_value(const std::vector<std::string>& env, std::string_view key) {
  Result<std::optional<std::string>> result;
  std::optional<std::string> found;
  for (std::size_t i = 0; i < env.size(); ++i) {
    const std::string& entry = env[i];
    if (entry.size() <= key.size() || entry.compare(0, key.size(), key) != 0 || entry[key.size()] != '=')
      continue;
    std::string value = entry.substr(key.size() + 1);
    if (found && *found != value) {
      result.diagnostics.error(Code::BadValue, join_pointer("/process/env", i),
                               std::string(key) + " is set twice with different values");
      return result;
    }
    found = std::move(value);
  }
  result.value = std::move(found);
  return result;
}

Result<std::string> read_bundle_config(const std::filesystem::path& bundle) {
  Result<std::string> result;
  const std::string shown = (bundle / "config.json").string();
  auto fail = [&](Code code, const std::string& why) {
    result.diagnostics.error(code, "", "cannot read " + shown + ": " + why);
    return result;
  };
  const int dir = ::open(bundle.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return fail(Code::InputUnreadable, std::string("the bundle: ") + std::strerror(errno));
  const int fd = ::openat(dir, "config.json", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  const int open_error = errno;
  ::close(dir);
  if (fd < 0) return fail(Code::InputUnreadable, std::strerror(open_error));
  struct stat st {};
  std::string text;
  std::string problem;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    problem = "not a regular file";
  } else if (static_cast<std::uint64_t>(st.st_size) > kMaxConfigBytes) {
    problem = std::to_string(st.st_size) + " bytes; the limit is " + std::to_string(kMaxConfigBytes);
  } else {
    char buf[65536];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) != 0;) {
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 || text.size() + static_cast<std::size_t>(n) > kMaxConfigBytes) {
        problem = n < 0 ? std::string(std::strerror(errno)) : "it grew past the limit while being read";
        break;
      }
      text.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  if (!problem.empty()) return fail(problem.find("limit") != std::string::npos ? Code::InputTooLarge : Code::InputUnreadable, problem);
  result.value = std::move(text);
  return result;
}

}  // namespace scc
