// Per-word value partitions for the semantic diff (semantic_diff.hpp): cut
// one 32-bit word of seccomp_data into cells on which every predicate a
// program makes on it is constant, with one value to test per cell.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "bpf_paths.hpp"
#include "scc/semantic_diff.hpp"

namespace scc {

struct WordCell {
  // The values of the cell: the union of these disjoint sets (one set in
  // the common case; a single value when sampled).
  std::vector<WordSet> sets;
  std::uint32_t value = 0;  // the one to test
};

struct WordPartition {
  std::vector<WordCell> cells;  // ascending by (first, bits)
  bool complete = true;         // the cells cover all 2^32 values and each is uniform
};

// The cells of one word for `predicates` (all on that word), at most
// `max_cells`, tried in this order:
//  1. prefix-mask comparisons give intervals; the bits of other masks are
//     enumerated when they are at most 16 and intervals x 2^bits fits;
//  2. otherwise the atoms of the predicates as unions of cubes (ternary
//     patterns): each predicate's true set is a union of cubes (== k is one,
//     > k one per zero bit of k under the mask), and every cell is split by
//     each of them;
//  3. otherwise representative values: not complete.
WordPartition partition_word(std::span<const bpf::WordPredicate> predicates, std::size_t max_cells);

// Test values for a word the abstraction could not follow: 0, 1, 2^31 - 1,
// 2^31, 2^32 - 1, each constant and its neighbours, the cut points of
// `predicates`; at most `max_values`, evenly thinned. Never complete.
WordPartition sample_word(std::span<const bpf::WordPredicate> predicates,
                          std::span<const std::uint32_t> constants, std::size_t max_values);

// The smallest v >= from with (v & mask) == bits, if any.
std::optional<std::uint32_t> next_matching(std::uint32_t from, std::uint32_t mask, std::uint32_t bits);
// The same for a whole 64-bit argument.
std::optional<std::uint64_t> next_matching64(std::uint64_t from, std::uint64_t mask, std::uint64_t bits);
// The largest v <= to with (v & mask) == bits, if any.
std::optional<std::uint32_t> previous_matching(std::uint32_t to, std::uint32_t mask, std::uint32_t bits);

}  // namespace scc
