// Per-word value partitions (arg_regions.hpp).
#include "arg_regions.hpp"

#include <bit>
#include <set>

namespace scc {
namespace {

constexpr std::uint64_t kWordEnd = std::uint64_t{1} << 32;
constexpr unsigned kMaxEnumeratedBits = 16;
constexpr std::size_t kCubesPerCell = 8;  // on average, in the cube tier

struct Cuts {
  std::set<std::uint64_t> points{0};  // each starts an interval; kWordEnd ends the last
  std::uint32_t free_bits = 0;        // bits of masks that are not prefixes
};

// (w & m) for a prefix mask m is w rounded down to a block of ~m + 1 values:
// an ordered comparison with k changes only at k's block or the next one; a
// test (w & m) != 0 changes at the first block above 0.
Cuts cut_points(std::span<const bpf::WordPredicate> predicates) {
  Cuts cuts;
  for (const auto& p : predicates) {
    if (!bpf::is_prefix_mask(p.mask)) {
      cuts.free_bits |= p.mask;
      continue;
    }
    const std::uint64_t block = std::uint64_t{~p.mask} + 1;
    if (p.kind == bpf::WordPredicate::Kind::Test) {
      cuts.points.insert(block);
    } else {
      const std::uint64_t base = p.k & p.mask;
      cuts.points.insert(base);
      cuts.points.insert(base + block);
    }
  }
  cuts.points.erase(kWordEnd);
  return cuts;
}

std::vector<WordSet> intervals(const std::set<std::uint64_t>& points) {
  std::vector<WordSet> out;
  for (auto it = points.begin(); it != points.end(); ++it) {
    const auto next = std::next(it);
    const std::uint64_t end = next == points.end() ? kWordEnd : *next;
    out.push_back(WordSet{static_cast<std::uint32_t>(*it), static_cast<std::uint32_t>(end - 1), 0, 0});
  }
  return out;
}

// The set, without the pattern bits the interval fixes anyway: every value
// in [first, last] shares the bits above the highest bit where they differ.
WordSet without_implied_bits(WordSet s) {
  const std::uint32_t differ = s.first ^ s.last;
  const std::uint32_t shared = differ == 0 ? 0xffffffffu : ~(0xffffffffu >> std::countl_zero(differ));
  s.mask &= ~shared;
  s.bits &= ~shared;
  return s;
}

// Every assignment of `free_bits` inside every interval that has a value with it.
WordPartition enumerate_cells(const std::vector<WordSet>& spans, std::uint32_t free_bits) {
  WordPartition out;
  for (const WordSet& span : spans) {
    std::uint32_t bits = 0;
    do {
      auto v = next_matching(span.first, free_bits, bits);
      if (v && *v <= span.last)
        out.cells.push_back(WordCell{{without_implied_bits(WordSet{span.first, span.last, free_bits, bits})}, *v});
      bits = (bits - free_bits) & free_bits;  // the next subset of free_bits
    } while (bits != 0);
  }
  return out;
}

void add_neighbours(std::set<std::uint32_t>& values, std::uint32_t k) {
  values.insert(k);
  values.insert(k + 1);
  values.insert(k - 1);
}

// Values that exercise each predicate both ways, for a word whose cells are
// too many to enumerate.
void add_predicate_values(std::set<std::uint32_t>& values, const bpf::WordPredicate& p) {
  if (p.kind == bpf::WordPredicate::Kind::Order) add_neighbours(values, p.k);
  values.insert(p.mask);
  if (bpf::is_prefix_mask(p.mask)) return;  // the neighbours already cross its cut points
  for (std::uint32_t rest = p.mask; rest != 0; rest &= rest - 1) {
    const std::uint32_t bit = rest & (0u - rest);
    values.insert(p.k ^ bit);
    values.insert(bit);
  }
}

WordPartition from_values(const std::set<std::uint32_t>& values, std::size_t max_values) {
  WordPartition out;
  out.complete = false;
  const std::size_t stride = max_values == 0 || values.size() <= max_values
                                 ? 1
                                 : (values.size() + max_values - 1) / max_values;
  std::size_t i = 0;
  for (std::uint32_t v : values)
    if (i++ % stride == 0) out.cells.push_back(WordCell{{WordSet::single(v)}, v});
  return out;
}

std::set<std::uint32_t> base_values() {
  return {0u, 1u, 0x7fffffffu, 0x80000000u, 0xffffffffu};
}

// --- cubes: sets {w : (w & mask) == bits} ---

struct Cube {
  std::uint32_t mask = 0;
  std::uint32_t bits = 0;
};

std::optional<Cube> intersect(Cube a, Cube b) {
  if (((a.bits ^ b.bits) & a.mask & b.mask) != 0) return std::nullopt;
  return Cube{a.mask | b.mask, a.bits | b.bits};
}

// c minus d as disjoint cubes: fix, one by one, each bit d tests and c does
// not, to the value d does not want; what is left after all is c & d.
void subtract(Cube c, Cube d, std::vector<Cube>& out) {
  if (!intersect(c, d)) {
    out.push_back(c);
    return;
  }
  for (std::uint32_t rest = d.mask & ~c.mask; rest != 0; rest &= rest - 1) {
    const std::uint32_t bit = rest & (0u - rest);
    out.push_back(Cube{c.mask | bit, c.bits | (~d.bits & bit)});
    c.mask |= bit;
    c.bits |= d.bits & bit;
  }
}

// (w & m) > k (or < k): at the highest bit where they differ, w & m has 1
// and k 0 (or the other way); above it they agree, so k may have no bit
// outside m there. The cubes for different bits are disjoint.
std::vector<Cube> ordered(std::uint32_t m, std::uint32_t k, bool greater) {
  std::vector<Cube> out;
  for (unsigned i = 0; i < 32; ++i) {
    const std::uint32_t bit = 1u << i;
    const std::uint32_t above = i == 31 ? 0u : ~0u << (i + 1);
    if ((k & ~m & above) != 0) continue;
    if (greater && (m & bit) != 0 && (k & bit) == 0)
      out.push_back(Cube{(m & above) | bit, (k & m & above) | bit});
    if (!greater && (k & bit) != 0) out.push_back(Cube{(m & above) | (m & bit), k & m & above});
  }
  return out;
}

using CubeCell = std::vector<Cube>;

// The parts a predicate cuts the word into: disjoint, together everything.
// Order: (w & m) < k, == k, > k. Test: (w & m) == 0 and its complement.
std::vector<CubeCell> predicate_parts(const bpf::WordPredicate& p) {
  std::vector<CubeCell> parts;
  const Cube zero_or_k{p.mask, p.kind == bpf::WordPredicate::Kind::Test ? 0u : p.k};
  if (p.kind == bpf::WordPredicate::Kind::Test) {
    CubeCell rest;
    subtract(Cube{}, zero_or_k, rest);
    parts.push_back({zero_or_k});
    parts.push_back(std::move(rest));
    return parts;
  }
  parts.push_back(ordered(p.mask, p.k, false));
  if ((p.k & ~p.mask) == 0) parts.push_back({zero_or_k});
  parts.push_back(ordered(p.mask, p.k, true));
  return parts;
}

// Bounds for the cube tier: cells, and cubes over all cells; past them the
// word gets representative values instead.
struct CubeBudget {
  std::size_t max_cells;
  std::size_t max_cubes;
};

// Split every cell by the parts of one predicate.
bool split(std::vector<CubeCell>& cells, const std::vector<CubeCell>& parts, const CubeBudget& budget) {
  std::vector<CubeCell> next;
  std::size_t cubes = 0;
  for (const CubeCell& cell : cells) {
    for (const CubeCell& part : parts) {
      CubeCell piece;
      for (const Cube& c : cell)
        for (const Cube& t : part)
          if (auto both = intersect(c, t)) piece.push_back(*both);
      cubes += piece.size();
      if (!piece.empty()) next.push_back(std::move(piece));
    }
    if (next.size() > budget.max_cells || cubes > budget.max_cubes) return false;
  }
  cells = std::move(next);
  return true;
}

// A cube as a WordSet; aligned blocks read better as intervals.
WordSet cube_set(Cube c) {
  if (c.mask == 0 || bpf::is_prefix_mask(c.mask)) return WordSet{c.bits, c.bits | ~c.mask, 0, 0};
  return WordSet{0, 0xffffffffu, c.mask, c.bits};
}

std::optional<WordPartition> cube_cells(std::span<const bpf::WordPredicate> predicates, std::size_t max_cells) {
  std::vector<CubeCell> cells{{Cube{}}};
  const CubeBudget budget{max_cells, max_cells * kCubesPerCell};
  for (const auto& p : predicates)
    if (!split(cells, predicate_parts(p), budget)) return std::nullopt;
  WordPartition out;
  for (const CubeCell& cell : cells) {
    WordCell wc;
    wc.value = cell.front().bits;
    for (const Cube& c : cell) wc.sets.push_back(cube_set(c));
    out.cells.push_back(std::move(wc));
  }
  return out;
}

}  // namespace

namespace {

template <typename Word>
std::optional<Word> next_matching_word(Word from, Word mask, Word bits) {
  constexpr unsigned kBits = sizeof(Word) * 8;
  if ((from & mask) == bits) return from;
  // The answer equals `from` above some bit i, has 1 at i where `from` has 0,
  // and below i only the required bits. The lowest such i gives the smallest.
  for (unsigned i = 0; i < kBits; ++i) {
    const Word bit = Word{1} << i;
    if ((from & bit) != 0 || ((mask & bit) != 0 && (bits & bit) == 0)) continue;
    const Word above = i == kBits - 1 ? Word{0} : static_cast<Word>(~Word{0} << (i + 1));
    if (((from ^ bits) & mask & above) != 0) continue;
    return static_cast<Word>((from & above) | bit | (bits & (bit - 1)));
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint32_t> next_matching(std::uint32_t from, std::uint32_t mask, std::uint32_t bits) {
  return next_matching_word(from, mask, bits);
}

std::optional<std::uint64_t> next_matching64(std::uint64_t from, std::uint64_t mask, std::uint64_t bits) {
  return next_matching_word(from, mask, bits);
}

std::optional<std::uint32_t> previous_matching(std::uint32_t to, std::uint32_t mask, std::uint32_t bits) {
  // v <= to  <=>  ~v >= ~to, and complementing flips the required bits.
  auto v = next_matching(~to, mask, ~bits & mask);
  if (!v) return std::nullopt;
  return ~*v;
}

WordPartition partition_word(std::span<const bpf::WordPredicate> predicates, std::size_t max_cells) {
  const Cuts cuts = cut_points(predicates);
  const auto spans = intervals(cuts.points);
  const auto free_count = static_cast<unsigned>(std::popcount(cuts.free_bits));
  if (free_count <= kMaxEnumeratedBits && (spans.size() << free_count) <= max_cells)
    return enumerate_cells(spans, cuts.free_bits);
  if (auto cells = cube_cells(predicates, max_cells)) return std::move(*cells);
  std::set<std::uint32_t> values = base_values();
  for (const WordSet& span : spans) values.insert(span.first);
  for (const auto& p : predicates) add_predicate_values(values, p);
  return from_values(values, max_cells);
}

WordPartition sample_word(std::span<const bpf::WordPredicate> predicates,
                          std::span<const std::uint32_t> constants, std::size_t max_values) {
  std::set<std::uint32_t> values = base_values();
  for (std::uint32_t k : constants) add_neighbours(values, k);
  for (const auto& p : predicates) add_predicate_values(values, p);
  return from_values(values, max_values);
}

}  // namespace scc
