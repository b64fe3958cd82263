#include "scc/capabilities.hpp"

#include <sys/capability.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "input_checks.hpp"
#include "text_position.hpp"

namespace scc {
namespace {

constexpr std::size_t kMaxConfigDepth = 64;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

struct TooDeep {};

// Parse with a depth limit so a hostile config.json cannot exhaust the stack.
Result<nlohmann::json> parse_config(std::string_view text) {
  Result<nlohmann::json> r;
  auto limit = [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (static_cast<std::size_t>(depth) > kMaxConfigDepth) throw TooDeep{};
    return true;
  };
  try {
    r.value = nlohmann::json::parse(text.begin(), text.end(), limit);
  } catch (const TooDeep&) {
    r.diagnostics.error(Code::NestingTooDeep, "",
                        "config.json nests deeper than " + std::to_string(kMaxConfigDepth) + " levels");
  } catch (const nlohmann::json::parse_error& e) {
    error_at(r.diagnostics, Code::JsonSyntax, "", std::string("config.json: ") + e.what(),
             position_at(text, e.byte == 0 ? 0 : e.byte - 1));
  }
  return r;
}

// Append the canonical form of `name` to `caps` unless it is there already.
void add_capability(std::vector<std::string>& caps, const std::string& name, std::string pointer,
                    Diagnostics& diagnostics) {
  auto cap = parse_capability(name);
  if (!cap) {
    diagnostics.error(Code::UnknownCapability, std::move(pointer), "unknown capability \"" + name + "\"",
                      "capabilities are named like CAP_SYS_ADMIN or sys_admin");
    return;
  }
  if (std::find(caps.begin(), caps.end(), *cap) == caps.end()) caps.push_back(std::move(*cap));
}

}  // namespace

std::vector<std::string> docker_default_caps() {
  return {"CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",   "CAP_FOWNER",           "CAP_MKNOD",
          "CAP_NET_RAW", "CAP_SETGID",      "CAP_SETUID",   "CAP_SETFCAP",          "CAP_SETPCAP",
          "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"};
}

std::optional<std::string> parse_capability(std::string_view name) {
  std::string wanted = lower(name);
  if (wanted.rfind("cap_", 0) != 0) wanted = "cap_" + wanted;
  cap_value_t value = 0;
  if (cap_from_name(wanted.c_str(), &value) != 0) return std::nullopt;
  char* canonical = cap_to_name(value);
  if (canonical == nullptr) return std::nullopt;
  // The round trip rejects numbers and trailing text that cap_from_name accepts.
  const bool exact = wanted == canonical;
  std::string result = upper(canonical);
  cap_free(canonical);
  if (!exact) return std::nullopt;
  return result;
}

std::vector<std::string> capability_names() {
  std::vector<std::string> out;
  for (cap_value_t value = 0; value < 64; ++value) {
    char* name = cap_to_name(value);
    if (name == nullptr) continue;
    // Numbers libcap has no name for come back as digits.
    if (std::string_view(name).starts_with("cap_")) out.push_back(upper(name));
    cap_free(name);
  }
  return out;
}

Result<std::vector<std::string>> parse_capabilities(const std::vector<std::string>& names,
                                                    const std::string& pointer) {
  Result<std::vector<std::string>> r;
  r.value.emplace();
  for (std::size_t i = 0; i < names.size(); ++i)
    add_capability(*r.value, names[i], pointer.empty() ? "" : pointer + "/" + std::to_string(i),
                   r.diagnostics);
  return r;
}

Result<std::vector<std::string>> parse_capability_list(std::string_view list) {
  std::vector<std::string> names;
  if (!trim(list).empty()) {
    std::size_t start = 0;
    for (;;) {
      std::size_t comma = list.find(',', start);
      names.emplace_back(trim(list.substr(start, comma == std::string_view::npos ? comma : comma - start)));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  return parse_capabilities(names);
}

Result<std::vector<std::string>> bounding_capabilities_from_config(std::string_view config_json) {
  Result<std::vector<std::string>> r;
  auto parsed = parse_config(config_json);
  r.diagnostics = parsed.diagnostics;
  if (!parsed.value) return r;
  const std::string pointer = "/process/capabilities/bounding";
  const nlohmann::json* bounding = &*parsed.value;
  std::string at;
  for (const char* key : {"process", "capabilities", "bounding"}) {
    if (!bounding->is_object()) {
      r.diagnostics.error(Code::TypeMismatch, at, "expected an object on the way to " + pointer);
      return r;
    }
    auto it = bounding->find(key);
    if (it == bounding->end() || it->is_null()) {
      r.diagnostics.note(Code::MissingField, pointer,
                         "config.json has no bounding capability set: resolving with no capabilities");
      r.value.emplace();
      return r;
    }
    bounding = &*it;
    at += std::string("/") + key;
  }
  if (!bounding->is_array()) {
    r.diagnostics.error(Code::TypeMismatch, pointer, "the bounding set must be an array of strings");
    return r;
  }
  r.value.emplace();
  for (std::size_t i = 0; i < bounding->size(); ++i) {
    const auto& item = (*bounding)[i];
    std::string item_pointer = pointer + "/" + std::to_string(i);
    if (item.is_string())
      add_capability(*r.value, item.get<std::string>(), item_pointer, r.diagnostics);
    else
      r.diagnostics.error(Code::TypeMismatch, item_pointer, "a capability must be a string");
  }
  return r;
}

}  // namespace scc
