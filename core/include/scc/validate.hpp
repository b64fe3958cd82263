// The validator: every semantic check of DESIGN.md section 5, collecting all
// problems instead of stopping at the first.
#pragma once

#include <vector>

#include "scc/arch.hpp"
#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"

namespace scc {

struct ValidateOptions {
  // The arches names are checked against. Empty: the profile's own
  // (architectures, or every archMap entry with its sub-arches, limited to
  // arches with tables), or x86_64 and aarch64 when it names none.
  std::vector<Arch> arches;
};

Diagnostics validate(const Profile& profile, const ValidateOptions& options = {});

}  // namespace scc
