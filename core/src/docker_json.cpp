#include "scc/docker_json.hpp"

#include "scc/kernel_version.hpp"
#include "scc/names.hpp"
#include "scc/oci_json.hpp"

namespace scc {
namespace {

nlohmann::ordered_json filter_json(const RuleFilter& filter) {
  auto j = nlohmann::ordered_json::object();
  if (!filter.caps.empty()) j["caps"] = filter.caps;
  if (!filter.arches.empty()) j["arches"] = filter.arches;
  if (filter.min_kernel) j["minKernel"] = to_string(*filter.min_kernel);
  return j;
}

nlohmann::ordered_json arch_map_json(const std::vector<ArchMapEntry>& entries) {
  auto j = nlohmann::ordered_json::array();
  for (const ArchMapEntry& entry : entries) {
    nlohmann::ordered_json e;
    e["architecture"] = to_string(entry.architecture);
    auto subs = nlohmann::ordered_json::array();
    for (Arch sub : entry.sub_architectures) subs.push_back(to_string(sub));
    e["subArchitectures"] = std::move(subs);
    j.push_back(std::move(e));
  }
  return j;
}

}  // namespace

nlohmann::ordered_json to_docker_json(const Profile& profile) {
  // The OCI writer gives every shared field in the right order; the Docker
  // fields are put in their places around it.
  nlohmann::ordered_json oci = to_oci_json(profile);
  auto j = nlohmann::ordered_json::object();
  for (const char* key : {"defaultAction", "defaultErrnoRet"})
    if (oci.contains(key)) j[key] = oci[key];
  if (profile.has_arch_map || !profile.arch_map.empty())
    j["archMap"] = arch_map_json(profile.arch_map);
  else if (oci.contains("architectures"))
    j["architectures"] = oci["architectures"];
  for (const char* key : {"flags", "listenerPath", "listenerMetadata"})
    if (oci.contains(key)) j[key] = oci[key];
  if (!oci.contains("syscalls")) return j;
  nlohmann::ordered_json rules = oci["syscalls"];
  for (std::size_t i = 0; i < profile.syscalls.size(); ++i) {
    const SyscallRule& rule = profile.syscalls[i];
    nlohmann::ordered_json& out = rules[i];
    if (!rule.comment.empty()) out["comment"] = rule.comment;
    if (!rule.includes.empty()) out["includes"] = filter_json(rule.includes);
    if (!rule.excludes.empty()) out["excludes"] = filter_json(rule.excludes);
  }
  j["syscalls"] = std::move(rules);
  return j;
}

std::string to_docker_json_text(const Profile& profile) {
  return to_docker_json(profile).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace scc
