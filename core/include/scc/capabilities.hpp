// Capability names: parsing with libcap, Docker's default set, and the
// bounding set of an OCI config.json. Canonical names are libcap's names in
// upper case with the prefix: "CAP_SYS_ADMIN" (what moby compares against).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scc/diagnostics.hpp"

namespace scc {

// Docker's default capability set, the 14 caps of moby and containers/common
// (CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP
// SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE), canonical names.
std::vector<std::string> docker_default_caps();

// One name, case-insensitive, with or without the "CAP_" prefix:
// "sys_admin", "CAP_SYS_ADMIN", "Cap_Sys_Admin" -> "CAP_SYS_ADMIN". nullopt
// for names libcap does not know, for numbers ("21") and for anything with
// trailing text (libcap itself would accept "cap_chown,x" as cap_chown).
std::optional<std::string> parse_capability(std::string_view name);

// Every capability libcap names, canonical, in number order: "CAP_CHOWN", ...
std::vector<std::string> capability_names();

// Canonicalise every name, dropping repeats (first occurrence wins). Each
// unknown name is an UnknownCapability error naming it; with a non-empty
// `pointer` its pointer is pointer + "/" + index (for config.json arrays).
Result<std::vector<std::string>> parse_capabilities(const std::vector<std::string>& names,
                                                    const std::string& pointer = {});

// A comma-separated list as typed on the command line ("CAP_CHOWN, kill").
// Blanks around names are ignored; "" is the empty set.
Result<std::vector<std::string>> parse_capability_list(std::string_view list);

// process.capabilities.bounding of an OCI config.json text. A missing
// bounding set is the empty set, with a note saying so; a wrong type or an
// unknown name is an error with its JSON pointer.
Result<std::vector<std::string>> bounding_capabilities_from_config(std::string_view config_json);

}  // namespace scc
