// Attestation: does the filter stack the kernel enforces on a process do
// what a profile says? Compared semantically with the emulator, not byte for
// byte, because runc and crun compile the same profile into other programs
// (runc adds its ENOSYS stub, crun does not; both differ from ours).
//
// For each target arch of the expected program and each syscall of that
// arch's table (x32 numbers included, with their 0x40000000 bit), calls are
// emulated with argument vectors built from the constants the profile
// compares that syscall's arguments with (each value, its neighbours, 0,
// bits outside a MASKED_EQ mask), through the whole live stack as the kernel
// runs it (every filter runs; the most restrictive action wins, the newest
// filter among equals) and through the expected program. Then:
//  - syscalls the linked libseccomp knows: the two results must be equal;
//  - syscalls it does not know (runc and crun cannot compile rules for them;
//    runc's stub answers ENOSYS): the live stack must not let a call run that
//    the expected program denies (it may deny more).
// Arguments the kernel reads as 32 bits are compared in the kernel's view
// only (high half zero): runc's 64-bit compares differ from ours above it.
// Arches the profile does not target and numbers outside the tables are
// not compared.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "scc/arch.hpp"
#include "scc/bpf.hpp"
#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"

namespace scc {

struct FilterMismatch {
  Arch arch = Arch::X86_64;
  std::string syscall;
  std::uint32_t nr = 0;
  std::array<std::uint64_t, 6> args{};
  std::uint32_t live = 0;      // what the live stack returns
  std::uint32_t expected = 0;  // what the expected program returns
};

struct Attestation {
  bool byte_identical = false;  // one live filter, the same bytes as expected
  std::size_t calls = 0;        // emulated calls
  std::optional<FilterMismatch> mismatch;  // the first difference
};

// The SECCOMP_RET_* value the kernel acts on for `data` under `stack`
// (index 0 = newest, as dump_filters returns them). An empty stack allows.
Result<std::uint32_t> evaluate_stack(std::span<const bpf::Program> stack, const bpf::SeccompData& data);

// Compare `live` with `expected`, the program compiled for the flat profile
// `flat` for `arches`. Errors when a program cannot be run (check() fails).
Result<Attestation> attest_filters(std::span<const bpf::Program> live, const bpf::Program& expected,
                                   const Profile& flat, std::span<const Arch> arches);

// One line for messages: "x86_64 personality(nr 135, args 0xffffffff 0 0 0 0 0): live ALLOW, expected ERRNO(1) EPERM".
std::string describe(const FilterMismatch& mismatch);

}  // namespace scc
