// The resolver: a conditional Docker profile + a target -> a flat OCI profile,
// with moby's semantics (DESIGN.md section 4; docs/resolve.md lists where we
// differ from docker and podman on purpose).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scc/arch.hpp"
#include "scc/capabilities.hpp"
#include "scc/diagnostics.hpp"
#include "scc/kernel_version.hpp"
#include "scc/profile.hpp"

namespace scc {

struct Target {
  Arch arch = Arch::X86_64;
  std::vector<std::string> caps;  // the bounding set, canonical "CAP_*" names
  // nullopt: unknown (uname failed). Rules with a minKernel condition are then
  // an error, as in moby, which fails when it cannot read the kernel version.
  std::optional<KernelVersion> kernel;
};

// The native arch, Docker's default caps and the running kernel.
Target default_target();

// Resolve `profile` for `target`. The result is flat (Dialect::Oci):
// - archMap: the entry for target.arch gives architectures = [arch] + its
//   subArchitectures; no entry leaves architectures empty (a warning);
//   explicit architectures are kept as written;
// - each rule is skipped when an excludes condition holds (target arch's
//   Docker name listed, any listed cap in the set, kernel >= minKernel) or an
//   includes condition fails (arch not listed, not all caps in the set,
//   kernel < minKernel); caps compare by exact name, as moby does;
// - surviving rules keep their order and names; "name" becomes names:[name];
//   comment, includes and excludes are removed;
// - containers/common errno names ("defaultErrno", "errno") become numeric
//   defaultErrnoRet/errnoRet; a name wins over a disagreeing number (podman).
// Errors: both architectures and archMap, both name and names in a rule,
// no defaultAction with rules, an unknown errno name, a minKernel with an
// unknown kernel. Every pointer is the input's.
Result<Profile> resolve(const Profile& profile, const Target& target);

}  // namespace scc
