#include "scc/spo_object.hpp"

#include <yaml-cpp/yaml.h>

#include "json_pointer.hpp"
#include "scc/oci_json.hpp"

namespace scc {
namespace {

using Json = nlohmann::ordered_json;

bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'; }
bool is_alnum_lower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

void emit(YAML::Emitter& out, const Json& value) {
  switch (value.type()) {
    case Json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [key, member] : value.items()) {
        out << YAML::Key << key << YAML::Value;
        emit(out, member);
      }
      out << YAML::EndMap;
      break;
    case Json::value_t::array:
      out << YAML::BeginSeq;
      for (const Json& item : value) emit(out, item);
      out << YAML::EndSeq;
      break;
    case Json::value_t::string:
      out << YAML::DoubleQuoted << value.get_ref<const std::string&>();
      break;
    case Json::value_t::number_unsigned:
      out << value.get<std::uint64_t>();
      break;
    case Json::value_t::number_integer:
      out << value.get<std::int64_t>();
      break;
    case Json::value_t::boolean:
      out << value.get<bool>();
      break;
    default:  // a flat profile's JSON holds nothing else; null stays null
      out << YAML::Null;
      break;
  }
}

}  // namespace

bool is_kubernetes_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  if (!is_alnum_lower(name.front()) || !is_alnum_lower(name.back())) return false;
  for (char c : name)
    if (!is_name_char(c)) return false;
  return true;
}

Result<Json> to_spo_object(const Profile& flat, std::string_view name) {
  Result<Json> out;
  if (!flat.is_flat())
    out.diagnostics.error(Code::ProfileNotFlat, flat.pointer,
                          "an SPO SeccompProfile has no archMap, includes or excludes: resolve the "
                          "profile for one target first");
  if (!is_kubernetes_name(name))
    out.diagnostics.error(Code::TypeMismatch, "/metadata/name",
                          "\"" + std::string(name) +
                              "\" is not a Kubernetes object name (lower-case letters, digits, '-' "
                              "and '.', starting and ending with a letter or digit, at most 253)");
  if (flat.default_errno_ret && *flat.default_errno_ret != 1)
    out.diagnostics.error(Code::DialectMismatch, join_pointer(flat.pointer, "defaultErrnoRet"),
                          "defaultErrnoRet " + std::to_string(*flat.default_errno_ret) +
                              " cannot be written in an SPO SeccompProfile: its spec has no "
                              "defaultErrnoRet, so the runtimes would return EPERM (1) instead");
  if (out.diagnostics.has_errors()) return out;
  Json spec = to_oci_json(flat);
  spec.erase("defaultErrnoRet");
  Json object = Json::object();
  object["apiVersion"] = kSpoApiVersion;
  object["kind"] = "SeccompProfile";
  object["metadata"] = {{"name", name}};
  object["spec"] = std::move(spec);
  out.value = std::move(object);
  return out;
}

std::string to_yaml_text(const Json& object) {
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, object);
  return std::string(out.c_str()) + "\n";
}

}  // namespace scc
