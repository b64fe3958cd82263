// Symbolic path exploration of a seccomp-BPF program for the semantic diff
// (semantic_diff.hpp): which comparisons on which words of seccomp_data can
// decide the program's result, when some words (arch, often nr) are fixed.
//
// seccomp_data is seen as 16 words of 32 bits (word w = bytes 4w..4w+3):
// 0 nr, 1 arch, 2-3 instruction_pointer, 4-15 the six arguments (two words
// each, in host byte order). Unknown words are symbols. A and X hold either a
// constant or "word w & mask m" (libseccomp's shape: ld [off]; and #m; jeq,
// jgt, jge, jset #k). Any other computation on a symbol gives an opaque value;
// branching on one, or returning one (ret a), makes the program "not
// analysable" for those words, and the caller falls back to testing.
//
// Every path is followed, feasible or not (a branch on a symbol takes both
// edges), and (instruction, register state) pairs are visited once, so the
// cost is bounded by program length times the few states a program builds.
// Following infeasible paths only adds predicates; it never loses one, so a
// partition built from them is still complete.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scc/bpf.hpp"

namespace scc::bpf {

inline constexpr unsigned kDataWords = 16;
inline constexpr unsigned kNrWord = 0;
inline constexpr unsigned kArchWord = 1;

// One comparison a path makes on one unknown word.
//  Order: (word & mask) compared with k by ==, > or >= (which one does not
//         matter for partitioning: the cut points are the same).
//  Test:  (word & mask) != 0, jset; mask is already mask & k.
struct WordPredicate {
  enum class Kind { Order, Test };
  unsigned word = 0;
  Kind kind = Kind::Order;
  std::uint32_t mask = 0;
  std::uint32_t k = 0;  // Order only; 0 for Test
  friend auto operator<=>(const WordPredicate&, const WordPredicate&) = default;
};

// Values of the fixed words; nullopt = unknown.
using KnownWords = std::array<std::optional<std::uint32_t>, kDataWords>;

struct PathSummary {
  // Sorted, unique.
  std::vector<WordPredicate> predicates;
  // Bit w: the result may depend on word w in a way predicates do not
  // capture (a branch on, or return of, a computed value).
  std::uint32_t opaque_words = 0;
  // Bit w: some path loads word w.
  std::uint32_t loaded_words = 0;
  // The first reason the program is not analysable, "" when it is.
  std::string reason;
  // Every constant of the program's jumps and ALU instructions, sorted and
  // unique: seeds for test values when the program is not analysable.
  std::vector<std::uint32_t> constants;
  // With nr fixed: the outcome of each comparison of nr with a constant, in
  // the order the exploration met them. The exploration, and so the
  // program's verdicts for every argument, is a function of these alone
  // unless nr_as_value (nr was used in arithmetic, returned, or compared
  // with a computed value): two numbers with equal decisions and !nr_as_value
  // behave the same.
  std::vector<bool> nr_decisions;
  bool nr_as_value = false;
  bool analysable() const { return reason.empty(); }
};

// Explore every path of `program` (which passed check()) with the words in
// `known` fixed. `max_steps` bounds the instructions visited; past it the
// summary is not analysable ("too many paths").
PathSummary explore_paths(const Program& program, const KnownWords& known,
                          std::size_t max_steps = 1000000);

// Whether `mask` is a run of ones from bit 31 down (0x80000000, 0xffff0000,
// 0xffffffff): (w & mask) then depends on w's position in aligned blocks of
// ~mask + 1 values, so comparisons on it cut the word into intervals.
bool is_prefix_mask(std::uint32_t mask);

}  // namespace scc::bpf
