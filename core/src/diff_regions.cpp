// Merging the cells of a semantic diff into regions, and their text.
#include "diff_regions.hpp"

#include <algorithm>
#include <compare>
#include <cstdio>
#include <set>
#include <tuple>

#include "arg_regions.hpp"

namespace scc {

std::string describe_number(std::uint64_t v) {
  char buf[32];
  if (v < 0x10000)
    std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(v));
  else
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

namespace {

constexpr std::uint32_t kMax32 = 0xffffffffu;

const WordSet& word_of(const Region& region, unsigned index) {
  const ValueSet& field = region.fields[index / 2];
  return index % 2 == 0 ? field.low : field.high;
}

// Compares regions on everything except word `skip`.
std::strong_ordering compare_but(const Region& a, const Region& b, unsigned skip) {
  for (unsigned d = 0; d < kRegionWords; ++d) {
    if (d == skip) continue;
    if (auto c = word_of(a, d) <=> word_of(b, d); c != 0) return c;
  }
  return std::tie(a.verdict_a, a.verdict_b, a.sampled) <=> std::tie(b.verdict_a, b.verdict_b, b.sampled);
}

// Orders regions by everything except word `skip`, then by that word's
// pattern and start: cells that may merge along `skip` become neighbours.
struct AllBut {
  unsigned skip;
  bool operator()(const Region& a, const Region& b) const {
    if (auto c = compare_but(a, b, skip); c != 0) return c < 0;
    const WordSet& wa = word_of(a, skip);
    const WordSet& wb = word_of(b, skip);
    return std::tie(wa.mask, wa.bits, wa.first) < std::tie(wb.mask, wb.bits, wb.first);
  }
};

bool same_but(const Region& a, const Region& b, unsigned skip) { return compare_but(a, b, skip) == 0; }

// Adjacent intervals with one pattern along word `d`.
bool merge_intervals(std::vector<Region>& cells, unsigned d) {
  std::sort(cells.begin(), cells.end(), AllBut{d});
  std::vector<Region> out;
  bool changed = false;
  for (Region& cell : cells) {
    if (!out.empty() && same_but(out.back(), cell, d)) {
      WordSet& prev = region_word(out.back(), d);
      const WordSet& next = region_word(cell, d);
      if (prev.mask == next.mask && prev.bits == next.bits && prev.last != kMax32 &&
          prev.last + 1 == next.first) {
        prev.last = next.last;
        changed = true;
        continue;
      }
    }
    out.push_back(cell);
  }
  cells = std::move(out);
  return changed;
}

// The same interval with patterns that differ in one bit, along word `d`.
bool merge_bits(std::vector<Region>& cells, unsigned d) {
  std::uint32_t masks = 0;
  for (Region& cell : cells) masks |= region_word(cell, d).mask;
  bool changed = false;
  for (std::uint32_t rest = masks; rest != 0; rest &= rest - 1) {
    const std::uint32_t bit = rest & (0u - rest);
    std::set<Region> all(cells.begin(), cells.end());
    for (Region cell : cells) {
      WordSet& w = region_word(cell, d);
      if ((w.bits & bit) == 0 || all.count(cell) == 0) continue;
      Region partner = cell;
      region_word(partner, d).bits &= ~bit;
      if (all.count(partner) == 0) continue;
      all.erase(cell);
      all.erase(partner);
      w.mask &= ~bit;
      w.bits &= ~bit;
      all.insert(cell);
      changed = true;
    }
    cells.assign(all.begin(), all.end());
  }
  return changed;
}

void tighten(Region& region) {
  for (unsigned d = 0; d < kRegionWords; ++d) {
    WordSet& w = region_word(region, d);
    if (w.mask == 0 || (w.first == 0 && w.last == kMax32)) continue;  // a pattern alone reads best
    if (auto first = next_matching(w.first, w.mask, w.bits)) w.first = *first;
    if (auto last = previous_matching(w.last, w.mask, w.bits)) w.last = *last;
  }
}

std::string range_text(std::uint64_t first, std::uint64_t last) {
  if (first == last) return "== " + describe_number(first);
  return "in [" + describe_number(first) + ", " + describe_number(last) + "]";
}

// "in [0, 37]", "& 0x7e020000 == 0x20000", joined by " and "; "" for any.
std::string word_text(const WordSet& w) {
  std::string out;
  if (w.first != 0 || w.last != kMax32) out = range_text(w.first, w.last);
  if (w.mask != 0) out += (out.empty() ? "" : " and ") + ("& " + describe_number(w.mask) + " == " + describe_number(w.bits));
  return out;
}

}  // namespace

namespace {

// Compares cells on everything except index i.
std::strong_ordering compare_cells_but(const DiffCell& a, const DiffCell& b, std::size_t i) {
  if (auto c = std::tie(a.verdict_a, a.verdict_b) <=> std::tie(b.verdict_a, b.verdict_b); c != 0) return c;
  for (std::size_t k = 0; k < a.index.size(); ++k)
    if (k != i && a.index[k] != b.index[k]) return a.index[k] <=> b.index[k];
  return std::strong_ordering::equal;
}

}  // namespace

void collapse_full_words(std::vector<DiffCell>& cells, std::span<const std::size_t> cells_per_word) {
  for (std::size_t i = 0; i < cells_per_word.size(); ++i) {
    std::sort(cells.begin(), cells.end(), [i](const DiffCell& a, const DiffCell& b) {
      const auto c = compare_cells_but(a, b, i);
      return c != 0 ? c < 0 : a.index[i] < b.index[i];
    });
    std::vector<DiffCell> out;
    for (std::size_t first = 0; first < cells.size();) {
      std::size_t last = first + 1;
      while (last < cells.size() && compare_cells_but(cells[first], cells[last], i) == 0) ++last;
      // Indices are unique within a group: each cell is listed once.
      const bool full = cells[first].index[i] != kAnyCell && last - first == cells_per_word[i];
      if (full) {
        out.push_back(std::move(cells[first]));
        out.back().index[i] = kAnyCell;
      } else {
        for (std::size_t k = first; k < last; ++k) out.push_back(std::move(cells[k]));
      }
      first = last;
    }
    cells = std::move(out);
  }
}

WordSet& region_word(Region& region, unsigned index) {
  ValueSet& field = region.fields[index / 2];
  return index % 2 == 0 ? field.low : field.high;
}

std::vector<Region> merge_regions(std::vector<Region> cells) {
  const bool sampled = std::any_of(cells.begin(), cells.end(), [](const Region& r) { return r.sampled; });
  std::vector<unsigned> varied;  // words some cell restricts; merging along others changes nothing
  for (unsigned d = 0; d < kRegionWords; ++d)
    if (std::any_of(cells.begin(), cells.end(), [d](const Region& r) { return !word_of(r, d).is_any(); }))
      varied.push_back(d);
  bool changed = !sampled;
  while (changed) {
    changed = false;
    for (unsigned d : varied) {
      changed = merge_intervals(cells, d) || changed;
      changed = merge_bits(cells, d) || changed;
    }
  }
  for (Region& r : cells) tighten(r);
  std::sort(cells.begin(), cells.end());
  cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
  return cells;
}

std::string describe_values(const ValueSet& set, std::string_view field) {
  const std::string name(field);
  const WordSet& lo = set.low;
  const WordSet& hi = set.high;
  if (set.is_any()) return "";
  if (lo.mask == 0 && hi.mask == 0) {
    const std::uint64_t h = std::uint64_t{hi.first} << 32;
    if (hi.is_single()) return name + " " + range_text(h | lo.first, h | lo.last);
    if (lo.is_any()) return name + " " + range_text(h, (std::uint64_t{hi.last} << 32) | kMax32);
  }
  if (hi.is_any()) return name + " low 32 bits " + word_text(lo) + " (high 32 bits any)";
  if (lo.is_any()) return name + " high 32 bits " + word_text(hi) + " (low 32 bits any)";
  return name + " high 32 bits " + word_text(hi) + " and low 32 bits " + word_text(lo);
}

std::string describe_region(const Region& region) {
  std::string out;
  for (std::size_t i = 0; i < kRegionFields; ++i) {
    const std::string field = i == kInstructionPointerField ? "ip" : "arg" + std::to_string(i);
    const std::string text = describe_values(region.fields[i], field);
    if (!text.empty()) out += (out.empty() ? "" : ", ") + text;
  }
  return out.empty() ? "any arguments" : out;
}

std::string describe_numbers(const WordSet& numbers, bool named) {
  if (named) return describe_number(numbers.first);
  std::string out = "unknown numbers " + range_text(numbers.first, numbers.last);
  if (numbers.mask != 0) out += " with nr & " + describe_number(numbers.mask) + " == " + describe_number(numbers.bits);
  return out;
}

}  // namespace scc
