// The program libseccomp builds for a filter context, as runc and crun load it:
// for tests that compare this project's programs with libseccomp's.
#pragma once

#include <seccomp.h>

#include "scc/bpf.hpp"

namespace scc::test {

// seccomp_export_bpf() of `ctx`, read back as a program (REQUIREs success).
bpf::Program libseccomp_export(scmp_filter_ctx ctx);

}  // namespace scc::test
