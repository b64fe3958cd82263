// Semantic comparison of two seccomp-BPF filter stacks (DESIGN.md section 8):
// do they give every syscall the same verdict, and where not, for which
// argument values? Powers `seccomp-convert diff` and `inspect --against`.
//
// What is compared. A stack is one or more programs, newest first (the order
// dump_filters returns). The kernel runs them all and keeps the result with
// the highest-precedence action (KILL_PROCESS > KILL_THREAD > TRAP > ERRNO >
// USER_NOTIF > TRACE > LOG > ALLOW; unknown actions rank by their value and
// act as KILL_PROCESS); on a tie the newest filter's data wins. An empty
// stack allows everything. Verdicts are compared after normalisation: the
// data bits count only for ERRNO (capped at 4095, as the kernel does), TRAP
// and TRACE.
//
// For each requested arch (one AUDIT_ARCH value; x86_64 and x32 share one),
// every syscall number of the arch's table is compared on its own. Unless
// known_numbers_only, so are all other numbers, the whole 32-bit range: the
// programs are first explored with nr unknown, the comparisons they make on
// nr cut it into cells on which both programs are blind to nr, and one number
// the tables do not know is compared per cell. (On x86_64, numbers with the
// x32 bit are named from the x32 table when x32 is requested, and are
// "unknown numbers" of x86_64 otherwise.)
//
// Method, for one (arch, nr). Each program is explored symbolically
// (bpf_paths.hpp) with nr and arch fixed: the unknowns are the 12 argument
// words and 2 instruction-pointer words, registers hold constants or
// "word & mask", and each branch on a word is recorded as a predicate. Each
// word's 32-bit space is then cut into cells on which every predicate on it
// is constant (arg_regions.hpp):
//  - comparisons under a prefix mask (0xffffffff, 0xffff0000, ...) give
//    intervals between consecutive cut points;
//  - other masks (libseccomp's MASKED_EQ, jset) contribute their bits; when
//    those bits number at most 16 and intervals x assignments stays under
//    max_cells_per_word, each cell is an interval crossed with one assignment
//    of the bits;
//  - otherwise the cells are the atoms of the predicates computed on unions
//    of ternary patterns ("cubes"), within max_cells_per_word cells.
// Both stacks run (bpf::evaluate_prechecked) on one value of every cell of
// the cross product of the words that either stack compares. Every input
// lies in exactly one cell, and inside a cell every branch goes the same way,
// so when all partitions are complete and the product was enumerated, the
// verdict pairs found are all there are: "proven". Otherwise it is "tested,
// not proven", with the reason:
//  - too many cells on a word: representative values (cut points, each
//    constant k, k +- 1, k with each mask bit flipped, 0, 1, 2^31 - 1, 2^31,
//    2^32 - 1);
//  - a computation the abstraction does not follow (an ALU op other than
//    `and` on a word, comparing two words, `ret a` of a word): the same kind
//    of values from the program's constants, on every word it loads;
//  - a product above max_evaluations_per_syscall: that many random cells
//    (seeded: the output is deterministic).
//
// Cost. Numbers on which every program takes the same decisions (the same
// outcome of each comparison on nr, and nr used for nothing else) get the
// same verdicts for every argument, so they share one comparison; a linear
// or tree program thus costs one comparison per distinct path, not per
// number. Cells that differ whatever one word is collapse to "any" before
// regions are spelled out (at most 20000 per number before merging).
//
// Differences are reported per (arch, nr) as regions: sets of argument values
// (64-bit, as a pair of 32-bit halves) with the verdicts of A and B. Cells
// with the same verdict pair are merged into larger regions where they are
// adjacent. Regions from sampled values name just the values tested.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "scc/arch.hpp"
#include "scc/bpf.hpp"
#include "scc/diagnostics.hpp"

namespace scc {

// A set of 32-bit values: those in [first, last] whose bits under `mask`
// equal `bits` (bits is a subset of mask).
struct WordSet {
  std::uint32_t first = 0;
  std::uint32_t last = 0xffffffffu;
  std::uint32_t mask = 0;
  std::uint32_t bits = 0;

  static WordSet single(std::uint32_t v) { return WordSet{v, v, 0, 0}; }
  bool is_any() const { return first == 0 && last == 0xffffffffu && mask == 0; }
  bool is_single() const { return first == last; }
  bool contains(std::uint32_t v) const { return v >= first && v <= last && (v & mask) == bits; }
  friend auto operator<=>(const WordSet&, const WordSet&) = default;
};

// A set of 64-bit values given by their halves, independently.
struct ValueSet {
  WordSet low;   // bits 0-31
  WordSet high;  // bits 32-63
  bool is_any() const { return low.is_any() && high.is_any(); }
  bool contains(std::uint64_t v) const {
    return low.contains(static_cast<std::uint32_t>(v)) && high.contains(static_cast<std::uint32_t>(v >> 32));
  }
  friend auto operator<=>(const ValueSet&, const ValueSet&) = default;
};

// The fields of seccomp_data a region ranges over: args[0..5], then the
// instruction pointer.
inline constexpr std::size_t kRegionFields = 7;
inline constexpr std::size_t kInstructionPointerField = 6;

// Inputs (the product of one set per field) on which A and B differ.
struct Region {
  std::array<ValueSet, kRegionFields> fields{};
  std::uint32_t verdict_a = 0;  // normalised SECCOMP_RET_* value
  std::uint32_t verdict_b = 0;
  bool sampled = false;  // the sets are single tested values, not whole regions
  friend auto operator<=>(const Region&, const Region&) = default;
};

struct SyscallDifference {
  Arch arch = Arch::X86_64;
  // A named syscall: {nr, nr}. Unknown numbers: the set they lie in (the
  // numbers of the arch's table in it are compared on their own).
  WordSet numbers;
  std::string name;  // "" for unknown numbers
  std::vector<Region> regions;  // sorted, at most DiffOptions::max_regions
  std::size_t regions_omitted = 0;  // not listed: past max_regions, or past 20000 before merging
  bool proven = true;  // the regions are all the inputs that differ
};

// A syscall (or set of unknown numbers) whose comparison is tested only.
struct Unproven {
  Arch arch = Arch::X86_64;
  WordSet numbers;
  std::string name;
  std::string reason;
};

struct DiffOptions {
  // Arches to compare; each needs a syscall table. Empty is an error.
  std::vector<Arch> arches;
  // Compare only the numbers of the arches' tables (runc adds an ENOSYS stub
  // of its own for numbers above the profile's, crun does not).
  bool known_numbers_only = false;
  std::size_t max_evaluations_per_syscall = 200000;
  std::size_t max_cells_per_word = 4096;
  std::size_t max_regions = 32;  // per syscall in the result
  std::uint64_t seed = 0x5ecc0de;
};

struct DiffResult {
  bool equivalent = true;  // no difference found
  bool proven = true;      // ... on every input (unproven is empty)
  std::vector<SyscallDifference> differences;  // by arch (options order), then number
  std::vector<Unproven> unproven;              // same order
  std::size_t syscalls_compared = 0;           // table numbers compared
  std::size_t unknown_cells_compared = 0;      // cells of unknown numbers compared
  std::size_t evaluations = 0;                 // program runs, over both stacks
};

// Compare stacks `a` and `b` (each newest first). Errors: a program check()
// rejects, an arch without a table, no arches.
Result<DiffResult> diff_programs(std::span<const bpf::Program> a, std::span<const bpf::Program> b,
                                 const DiffOptions& options);

// The verdict a stack gives, normalised as described above. Errors when a
// program faults at run time (only a shift by X >= 32 can, after check()).
Result<std::uint32_t> stack_verdict(std::span<const bpf::Program> stack, const bpf::SeccompData& data);
std::uint32_t normalise_verdict(std::uint32_t ret);

// Text for reports. describe_values: "arg0 == 38", "arg0 in [0, 37]",
// "arg0 low 32 bits == 38 (high 32 bits any)", "arg0 high 32 bits in
// [1, 0xffffffff], low 32 bits == 38", "arg2 low 32 bits & 0x7e020000 ==
// 0x20000"; "" when the set is everything. Numbers below 0x10000 are decimal,
// others hex. describe_region joins the fields' texts with ", " ("any
// arguments" when all are everything).
std::string describe_values(const ValueSet& set, std::string_view field);
// One number as those texts write it: decimal below 0x10000, else hex.
std::string describe_number(std::uint64_t value);
std::string describe_region(const Region& region);
// "41", "unknown numbers in [463, 0x3fffffff]", "unknown numbers in [0, 0xffffffff]
// with nr & 0x40000000 == 0x40000000".
std::string describe_numbers(const WordSet& numbers, bool named);

}  // namespace scc
