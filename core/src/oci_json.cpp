#include "scc/oci_json.hpp"

#include "scc/names.hpp"

namespace scc {
namespace {

nlohmann::ordered_json arg_json(const ArgCondition& arg) {
  nlohmann::ordered_json j;
  j["index"] = arg.index;
  j["value"] = arg.value;
  if (arg.value_two) j["valueTwo"] = *arg.value_two;
  j["op"] = to_string(arg.op);
  return j;
}

nlohmann::ordered_json rule_json(const SyscallRule& rule) {
  nlohmann::ordered_json j;
  j["names"] = rule.names;
  j["action"] = to_string(rule.action);
  if (rule.errno_ret) j["errnoRet"] = *rule.errno_ret;
  if (!rule.args.empty()) {
    auto args = nlohmann::ordered_json::array();
    for (const ArgCondition& arg : rule.args) args.push_back(arg_json(arg));
    j["args"] = std::move(args);
  }
  return j;
}

}  // namespace

nlohmann::ordered_json to_oci_json(const Profile& profile) {
  auto j = nlohmann::ordered_json::object();
  if (profile.default_action) j["defaultAction"] = to_string(*profile.default_action);
  if (profile.default_errno_ret) j["defaultErrnoRet"] = *profile.default_errno_ret;
  if (profile.has_architectures || !profile.architectures.empty()) {
    auto arches = nlohmann::ordered_json::array();
    for (Arch arch : profile.architectures) arches.push_back(to_string(arch));
    j["architectures"] = std::move(arches);
  }
  if (!profile.flags.empty()) {
    auto flags = nlohmann::ordered_json::array();
    for (Flag flag : profile.flags) flags.push_back(to_string(flag));
    j["flags"] = std::move(flags);
  }
  if (profile.listener_path) j["listenerPath"] = *profile.listener_path;
  if (profile.listener_metadata) j["listenerMetadata"] = *profile.listener_metadata;
  if (!profile.syscalls.empty()) {
    auto rules = nlohmann::ordered_json::array();
    for (const SyscallRule& rule : profile.syscalls) rules.push_back(rule_json(rule));
    j["syscalls"] = std::move(rules);
  }
  return j;
}

std::string to_oci_json_text(const Profile& profile) {
  // Replace rather than throw on invalid UTF-8 in a profile built in code:
  // the library never throws at its callers.
  return to_oci_json(profile).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace scc
