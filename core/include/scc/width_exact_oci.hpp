// A flat profile rewritten so that a runtime which compiles linux.seccomp
// with libseccomp (runc, crun without hand-over, containerd, dockerd) enforces
// exactly what compile() does (DESIGN.md section 7, "width-exact arguments").
//
// Why. libseccomp compares every argument on 64 bits. The kernel reads a
// 32-bit argument (arg_width() == Bits32, e.g. ioctl's cmd) as its low half
// only, so a deny rule "ioctl, arg 1 EQ 0x5412" (TIOCSTI) compiled by
// libseccomp is bypassed by ioctl(fd, 0x100005412): libseccomp sees another
// 64-bit value, the kernel performs TIOCSTI.
//
// What. Each rule whose conditions touch an argument that is 32 bits wide on
// the 64-bit target arches (x86_64, x32, aarch64) is replaced by rules whose
// condition on that argument is SCMP_CMP_MASKED_EQ with a mask inside the low
// 32 bits (OCI order: value = mask, valueTwo = datum): the high half is then
// ignored by libseccomp as by the kernel. The set of values the original
// conditions allow (their intersection, width_rewrite.hpp's exact meaning)
// becomes a union of such patterns; a rule with several rewritten arguments
// becomes the cross product, one rule per combination, same action, in place
// (rule order kept). A 64-bit argument with one condition is kept as written;
// one with several (compile() ANDs them, runc would OR them) is rewritten the
// same way with 64-bit masks, so every output rule has at most one condition
// per argument. Rules without arguments are copied unchanged.
//
// Names of one rule whose widths differ (say arg 1 is 32 bits for one name
// and 64 for another) are split into one rule per width signature. An
// argument whose width differs among the 64-bit target arches for one name
// is an error: no single flat condition is exact on both, so the hook fails
// closed rather than guess. 32-bit arches (x86, arm) need nothing: their
// arguments reach seccomp zero-extended, and low-half patterns stay exact.
//
// Notes for rules that can never match (dropped: they had no effect in the
// width-exact compiler either). Error when one rule needs more than
// `max_rules_per_rule` rules.
#pragma once

#include <cstddef>
#include <vector>

#include "scc/arch.hpp"
#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"

namespace scc {

struct WidthExactOptions {
  // Target arches; empty: target_arches(flat, CompileOptions{}) (the
  // profile's arches with tables plus the native arch, as the hook compiles).
  std::vector<Arch> arches;
  std::size_t max_rules_per_rule = 256;
};

Result<Profile> width_exact_oci(const Profile& flat, const WidthExactOptions& options = {});

}  // namespace scc
