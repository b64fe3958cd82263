#include "scc/oci_state.hpp"

#include <array>
#include <limits>

#include "field_reader.hpp"
#include "json_pointer.hpp"
#include "strict_json.hpp"

namespace scc {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::array<std::string_view, 4> kStatusNames{"creating", "created", "running", "stopped"};
constexpr std::array<ContainerStatus, 4> kStatuses{ContainerStatus::Creating, ContainerStatus::Created,
                                                   ContainerStatus::Running, ContainerStatus::Stopped};

bool has_control_character(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  return false;
}

std::optional<std::string> bundle_problem(std::string_view bundle) {
  if (bundle.empty() || bundle.front() != '/') return "is not an absolute path";
  if (has_control_character(bundle)) return "contains a control character";
  std::size_t start = 1;
  while (start <= bundle.size()) {
    std::size_t slash = bundle.find('/', start);
    if (slash == std::string_view::npos) slash = bundle.size();
    const std::string_view component = bundle.substr(start, slash - start);
    if (component == "." || component == "..") return "has a \"" + std::string(component) + "\" component";
    start = slash + 1;
  }
  return std::nullopt;
}

struct StateReader {
  FieldContext& ctx;
  OciState& state;

  const Json* required(const Json& root, std::string_view key) {
    const Json* value = member(root, key);
    if (value == nullptr)
      ctx.diagnostics.error(Code::MissingField, "", "missing field \"" + std::string(key) + "\"");
    return value;
  }

  void checked_string(const Json* value, const std::string& pointer, std::string& out,
                      std::optional<std::string> (*problem)(std::string_view)) {
    if (value == nullptr) return;
    auto text = read_string(*value, pointer, ctx);
    if (!text) return;
    if (auto why = problem(*text)) {
      ctx.diagnostics.error(Code::BadValue, pointer, pointer.substr(1) + " \"" + text->substr(0, 256) + "\" " + *why);
      return;
    }
    out = *text;
  }

  void status(const Json* value) {
    if (value == nullptr) return;
    auto text = read_string(*value, "/status", ctx);
    if (!text) return;
    if (auto parsed = parse_container_status(*text))
      state.status = *parsed;
    else
      ctx.diagnostics.error(Code::BadValue, "/status",
                            "unknown status \"" + *text + "\"; expected creating, created, running or stopped");
  }

  void pid(const Json* value) {
    if (value == nullptr) return;
    auto number = read_uint(*value, "/pid", ctx);
    if (!number) return;
    if (*number > static_cast<std::uint64_t>(std::numeric_limits<pid_t>::max())) {
      ctx.diagnostics.error(Code::BadValue, "/pid", "pid " + std::to_string(*number) + " is out of range");
      return;
    }
    state.pid = static_cast<pid_t>(*number);
  }

  void annotations(const Json* value) {
    if (value == nullptr) return;
    const Json* object = read_object(*value, "/annotations", ctx);
    if (object == nullptr) return;
    for (const auto& item : object->items()) {
      auto text = read_string(item.value(), join_pointer("/annotations", item.key()), ctx);
      if (text) state.annotations[item.key()] = *text;
    }
  }
};

std::optional<std::string> version_problem(std::string_view version) {
  if (version.empty()) return "is empty";
  if (has_control_character(version)) return "contains a control character";
  return std::nullopt;
}

}  // namespace

std::string_view to_string(ContainerStatus status) {
  return kStatusNames[static_cast<std::size_t>(status)];
}

std::optional<ContainerStatus> parse_container_status(std::string_view name) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i)
    if (kStatusNames[i] == name) return kStatuses[i];
  return std::nullopt;
}

std::span<const std::string_view> container_status_names() { return kStatusNames; }

std::optional<std::string> container_id_problem(std::string_view id) {
  if (id.empty()) return "is empty";
  if (id.size() > kMaxContainerIdBytes)
    return "is longer than " + std::to_string(kMaxContainerIdBytes) + " bytes";
  if (has_control_character(id)) return "contains a control character";
  if (id.find('/') != std::string_view::npos) return "contains \"/\"";
  if (id.find("..") != std::string_view::npos) return "contains \"..\"";
  return std::nullopt;
}

Result<OciState> parse_oci_state(std::string_view text) {
  Result<OciState> result;
  ReadLimits limits;
  limits.max_bytes = kMaxStateBytes;
  Result<StrictJson> json = parse_strict_json(text, limits);
  result.diagnostics = std::move(json.diagnostics);
  if (!json.value) return result;
  const Json& root = json.value->root;
  OciState state;
  FieldContext ctx{result.diagnostics, json.value->numbers};
  StateReader reader{ctx, state};
  reader.checked_string(reader.required(root, "ociVersion"), "/ociVersion", state.oci_version, version_problem);
  reader.checked_string(reader.required(root, "id"), "/id", state.id, container_id_problem);
  reader.status(reader.required(root, "status"));
  reader.checked_string(reader.required(root, "bundle"), "/bundle", state.bundle, bundle_problem);
  reader.pid(member(root, "pid"));
  reader.annotations(member(root, "annotations"));
  json.value->positions.locate(result.diagnostics);
  if (!result.diagnostics.has_errors()) result.value = std::move(state);
  return result;
}

}  // namespace scc
