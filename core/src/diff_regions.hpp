// Regions of a semantic diff (semantic_diff.hpp): merging the cells on which
// two stacks differ into fewer, larger regions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "scc/semantic_diff.hpp"

namespace scc {

// A cell of the cross product of word partitions where two stacks differ:
// one cell index per varied word, or kAnyCell for all cells of that word.
inline constexpr std::int32_t kAnyCell = -1;
struct DiffCell {
  std::vector<std::int32_t> index;
  std::uint32_t verdict_a = 0;
  std::uint32_t verdict_b = 0;
  friend auto operator<=>(const DiffCell&, const DiffCell&) = default;
};

// Word by word, replace each group of cells that agree on everything else
// and hold every cell of that word (cells_per_word[i] of them) by one cell
// with kAnyCell there: "differs whatever this word is" before any region is
// spelled out, which keeps constant verdicts from expanding into thousands.
void collapse_full_words(std::vector<DiffCell>& cells, std::span<const std::size_t> cells_per_word);

// One word of a region: `index` 0-13 is field index / 2, low half for even.
WordSet& region_word(Region& region, unsigned index);
inline constexpr unsigned kRegionWords = 2 * kRegionFields;

// Merge cells with the same verdict pair where they differ in one word only
// and, in it, are adjacent intervals with the same bit pattern, or the same
// interval with patterns that differ in one bit. Sampled regions are only
// deduplicated. A word with both a proper interval and a pattern is then
// tightened to its smallest and largest member. The result is sorted.
std::vector<Region> merge_regions(std::vector<Region> cells);

}  // namespace scc
