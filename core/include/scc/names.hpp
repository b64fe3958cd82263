// The one place where wire names meet enums: one table per concept, in
// names.cpp. Parsing is exact (case-sensitive, no trimming), as runc does.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "scc/arch.hpp"
#include "scc/profile.hpp"

namespace scc {

std::string_view to_string(Action action);         // "SCMP_ACT_ERRNO"
std::optional<Action> parse_action(std::string_view name);
std::span<const std::string_view> action_names();

std::string_view to_string(Operator op);  // "SCMP_CMP_MASKED_EQ"
std::optional<Operator> parse_operator(std::string_view name);
std::span<const std::string_view> operator_names();

std::string_view to_string(Flag flag);  // "SECCOMP_FILTER_FLAG_TSYNC"
std::optional<Flag> parse_flag(std::string_view name);
std::span<const std::string_view> flag_names();

std::string_view to_string(Arch arch);  // "SCMP_ARCH_X86_64"
std::optional<Arch> parse_arch(std::string_view name);  // SCMP_ARCH_* only
std::span<const std::string_view> arch_names();
// The short name used on the command line and in reports: "x86_64", "aarch64".
std::string_view short_name(Arch arch);
// Accepts what a user types: "x86_64", "amd64", "i386", "x86", "x32",
// "aarch64", "arm64", "arm", or any SCMP_ARCH_* name.
std::optional<Arch> parse_arch_flexible(std::string_view name);
// Docker's native arch names as used in includes.arches: "amd64", "arm64", "x32".
std::string_view docker_native_name(Arch arch);
std::optional<Arch> parse_docker_native_name(std::string_view name);

std::string_view to_string(Dialect dialect);  // "docker", "oci-config", ...
std::optional<Dialect> parse_dialect(std::string_view name);
std::span<const std::string_view> dialect_names();

// errno names come from the C library's own table (strerrorname_np).
std::optional<int> parse_errno(std::string_view name);  // "ENOSYS" -> 38
std::optional<std::string> errno_name(int value);       // 38 -> "ENOSYS"

}  // namespace scc
