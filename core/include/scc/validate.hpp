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
  // Each arch given stands for the filter a runtime on it builds: with an
  // archMap, the arch and its entry's sub-arches (x86_64 -> x86_64, x86, x32);
  // with architectures listing it, all of them. Arches without a table get
  // one note; names and widths are not checked on them, but they still count
  // for includes/excludes and for socketcall/ipc multiplexing.
  std::vector<Arch> arches;
};

Diagnostics validate(const Profile& profile, const ValidateOptions& options = {});

// Whether a validator error with this code is about loading the profile as
// written (runc, crun and podman through libseccomp) and compile() builds the
// rule exactly instead: conflicting-rule (the most restrictive action wins)
// and width-unsafe-comparison (32-bit arguments compared on the bits the
// kernel reads). The compile command reports these as warnings.
bool resolved_by_compile(Code code);

}  // namespace scc
