// Installing a seccomp filter on the calling thread, and the kernel's limit on
// the instructions of a thread's stacked filters.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "scc/bpf.hpp"
#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"

namespace scc {

struct LoadOptions {
  // TSYNC, LOG and SPEC_ALLOW. WAIT_KILLABLE_RECV is refused: it applies only
  // to a filter with a user-notification listener, which load_filter does not
  // create.
  std::vector<Flag> flags;
  // Set no_new_privs first, as an unprivileged load needs. Loading without it
  // needs CAP_SYS_ADMIN in the effective set (or no_new_privs already set);
  // load_filter refuses before the kernel would say EACCES.
  bool no_new_privs = true;
};

// The SECCOMP_FILTER_FLAG_* bit of `flag`; nullopt for flags load_filter
// does not apply (WAIT_KILLABLE_RECV).
std::optional<unsigned> filter_flag_bits(Flag flag);

// Whether the calling thread has CAP_SYS_ADMIN in its effective set, which
// the kernel requires to load a filter without no_new_privs.
bool has_effective_sys_admin();

// Install `program` on the calling thread (on every thread of the process
// with TSYNC). Returns errors and loads nothing when the program's length or
// a flag is refused, when no_new_privs is off without CAP_SYS_ADMIN, or when
// the kernel refuses the filter: FilterRejected (EINVAL, with what check()
// finds wrong in the program; or a TSYNC conflict), FilterStackFull (ENOMEM),
// PermissionDenied (EACCES), SeccompUnavailable. no_new_privs, once set,
// stays set even when the load then fails.
Diagnostics load_filter(const bpf::Program& program, const LoadOptions& options = {});

// MAX_INSNS_PER_PATH: the kernel refuses a filter when the instructions of
// the thread's filters would pass this, counting the new one at its cost and
// each one below it at its cost + 4.
inline constexpr std::size_t kMaxStackInstructions = 32768;

// What the kernel charges `program` against that limit: the length of its
// eBPF translation (bpf_convert_filter, Linux 4.14 and later), not its
// classic length. A one-instruction `ret ALLOW` costs 5.
std::size_t kernel_cost(const bpf::Program& program);

// Whether the kernel will stack `next` on a thread whose filters are `stack`
// (in any order, as dump_filters returns them): a FilterStackFull error with
// the totals when it will not.
Diagnostics check_stack_limit(std::span<const bpf::Program> stack, const bpf::Program& next);

}  // namespace scc
