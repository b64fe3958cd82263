// Regions of a semantic diff (semantic_diff.hpp): merging the cells on which
// two stacks differ into fewer, larger regions.
#pragma once

#include <vector>

#include "scc/semantic_diff.hpp"

namespace scc {

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
