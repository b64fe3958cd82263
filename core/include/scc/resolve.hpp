// The resolver: a conditional Docker profile + a target -> a flat OCI profile,
// with moby's semantics (DESIGN.md section 4).
#pragma once

#include <string>
#include <vector>

#include "scc/arch.hpp"
#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"

namespace scc {

struct Target {
  Arch arch = Arch::X86_64;
  std::vector<std::string> caps;  // the bounding set, canonical "CAP_*" names
  KernelVersion kernel;
};

// Docker's default capability set (the 14 caps of moby and containers/common).
std::vector<std::string> docker_default_caps();

// The running kernel's major.minor (uname), as moby reads it.
KernelVersion running_kernel();

// Parse "X.Y" strictly (moby's minKernel: two numeric parts, not 0.0).
std::optional<KernelVersion> parse_min_kernel(std::string_view text);
// Parse a release like "6.18.0-amd64" or "4.8" leniently (major.minor prefix).
std::optional<KernelVersion> parse_kernel_release(std::string_view text);

// Canonicalise capability names with libcap ("sys_admin", "CAP_SYS_ADMIN" ->
// "CAP_SYS_ADMIN"). Unknown names are reported with `pointer` prefixes.
Result<std::vector<std::string>> parse_capabilities(const std::vector<std::string>& names);

// Resolve `profile` for `target`. The result is flat: archMap expanded for
// target.arch, includes/excludes applied and removed, names kept in order.
Result<Profile> resolve(const Profile& profile, const Target& target);

}  // namespace scc
