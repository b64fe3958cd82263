// Attestation: does the filter stack the kernel enforces on a process do
// what a profile says? The one comparison both `seccomp-hook poststart` and
// `seccomp-convert inspect --against` use, so they accept and refuse the same
// filters.
//
// The live stack and the expected program (this project's compile of the
// profile) are compared semantically (semantic_diff.hpp: every syscall number
// of each target arch's table, all argument values, proven where the
// partition is complete), not byte for byte, because runc and crun compile a
// profile into other programs. Numbers outside the tables are not compared:
// runc answers them with its own ENOSYS stub, crun with the default action.
// One live filter with exactly the expected bytes is attested at once.
//
// A difference is a mismatch unless it is one the runtimes are known to make
// from a correct profile. Exactly these are tolerated (Tolerance), each for
// the reason given:
//  - runc-enosys-stub: a syscall the profile does not name, numbered above
//    the highest one it names that libseccomp knows, answered ENOSYS where
//    the profile's default action applies. runc appends that stub so that
//    programs fall back from syscalls newer than the profile; ENOSYS still
//    denies the call.
//  - 32-bit-argument-high-bits: the difference is confined to values whose
//    high 32 bits are not zero in an argument the kernel reads as 32 bits
//    (an int, on a 64-bit arch; any argument on a 32-bit one). The runtimes'
//    libseccomp compares all 64 bits, this project's compiler what the
//    syscall reads. Either side may be the looser one there (runc lets
//    socket(AF_VSOCK | 1 << 32) through moby's "arg0 != AF_VSOCK" rule: its
//    libseccomp's weakness, not a changed filter); a crun with the hand-over
//    runs this project's program and has no such difference.
//  - unknown-to-libseccomp: a syscall the linked libseccomp cannot resolve on
//    that arch, where the live stack is not looser (it does not let a call
//    run that the expected program denies). Runtimes built on libseccomp drop
//    rules for names it does not know, so those calls get the default action
//    or runc's ENOSYS stub; denying more is not a weakening.
// Everything else is a mismatch, reported with one representative call.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scc/arch.hpp"
#include "scc/bpf.hpp"
#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"
#include "scc/semantic_diff.hpp"

namespace scc {

enum class Tolerance { RuncEnosysStub, HighBitsOf32BitArgument, UnknownToLibseccomp };
// "runc-enosys-stub", "32-bit-argument-high-bits", "unknown-to-libseccomp"
std::string_view to_string(Tolerance tolerance);
// Why it is tolerated, one line (the text of the list above).
std::string_view tolerance_reason(Tolerance tolerance);

struct FilterMismatch {
  Arch arch = Arch::X86_64;
  std::string syscall;
  std::uint32_t nr = 0;
  std::array<std::uint64_t, 6> args{};
  std::uint32_t live = 0;      // what the live stack returns (normalised)
  std::uint32_t expected = 0;  // what the expected program returns (normalised)
};

// The regions of one syscall's difference that a tolerance covers.
struct ToleratedDifference {
  Tolerance tolerance = Tolerance::RuncEnosysStub;
  SyscallDifference difference;  // verdict_a is the live stack's, verdict_b the expected program's
};

struct Attestation {
  bool byte_identical = false;  // one live filter, the same bytes as expected
  // The differences that are not tolerated (empty: attested), and whether
  // the comparison was proven; verdict_a is live, verdict_b expected.
  DiffResult mismatches;
  std::vector<ToleratedDifference> tolerated;
  std::optional<FilterMismatch> mismatch;  // one call of the first mismatch
};

struct ExpectedFilter {
  const bpf::Program& program;
  const Profile* flat = nullptr;   // the flat profile it was compiled from (none: a raw program)
  std::uint32_t default_action = 0;  // its SECCOMP_RET_* default (CompiledFilter::default_action)
  // One live filter with exactly these bytes is attested without comparing
  // (false: compare anyway, for a report of what was compared).
  bool identical_shortcut = true;
};

// The SECCOMP_RET_* value the kernel acts on for `data` under `stack`
// (index 0 = newest, as dump_filters returns them). An empty stack allows.
Result<std::uint32_t> evaluate_stack(std::span<const bpf::Program> stack, const bpf::SeccompData& data);

// Compare `live` (newest first) with `expected` on `arches` (each with a
// syscall table). Errors when a program cannot be run (check() fails).
Result<Attestation> attest_filters(std::span<const bpf::Program> live, const ExpectedFilter& expected,
                                   std::span<const Arch> arches);

// One line for messages: "x86_64 personality(nr 135, args 0xffffffff 0 0 0 0 0): live ALLOW, expected ERRNO(1) EPERM".
std::string describe(const FilterMismatch& mismatch);

// "2 tolerated: runc-enosys-stub x86_64:rseq, unknown-to-libseccomp x86:lsm_list_modules" ("" for none;
// the first six named, then "and N more").
std::string describe_tolerated(const std::vector<ToleratedDifference>& tolerated);

}  // namespace scc
