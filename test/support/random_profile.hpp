// Seeded random flat profiles for the differential tests: names from the
// syscall tables, every action kind the compiler must order, arguments on
// random indexes with every operator and values near the boundaries where
// 32/64-bit and signed/unsigned mistakes hide.
#pragma once

#include <cstdint>
#include <span>

#include "scc/arch.hpp"
#include "scc/profile.hpp"

namespace scc::test {

// A flat OCI profile for `arches` (the first is the primary: most names come
// from its table, a few from the others'). The same seed gives the same profile.
Profile random_profile(std::uint64_t seed, std::span<const Arch> arches);

}  // namespace scc::test
