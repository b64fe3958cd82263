// Exact argument conditions for the compiler: the set of values one syscall
// argument may hold for a rule to match (DESIGN.md section 7, "width-exact
// arguments"). arg_checks.hpp turns these sets into BPF.
//
// Meaning of a condition. A 64-bit argument is compared as the 64-bit value
// seccomp_data carries. A 32-bit argument (arg_width() == Bits32) is what the
// kernel reads: the low 32 bits of the register, zero-extended. Every
// operator then compares that value with the rule's 64-bit value, unsigned:
// so EQ 0xffffffff matches 0x1ffffffff, GT 40 matches 0x100000029 (the kernel
// reads 41) and not 0x100000026, and EQ 0x100000005 can never match.
//
// Representation. An ArgSet is a union of disjoint closed intervals or a union
// of ternary patterns ((value & mask) == bits), within [0, 2^width - 1]; a
// 32-bit set only ever describes the low half. Intervals turn into aligned
// power-of-two blocks (at most 2 * width patterns) where a pattern is needed,
// so intersections and complements stay exact whatever the mix.
#pragma once


#include <cstdint>
#include <optional>
#include <vector>

#include "scc/profile.hpp"

namespace scc::width {

struct Interval {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;  // inclusive
  friend auto operator<=>(const Interval&, const Interval&) = default;
};

struct Pattern {
  std::uint64_t mask = 0;
  std::uint64_t bits = 0;  // always a subset of mask
  friend auto operator<=>(const Pattern&, const Pattern&) = default;
  bool contains(std::uint64_t value) const { return (value & mask) == bits; }
};

class ArgSet {
 public:
  // Everything or nothing of a width (32 or 64).
  static ArgSet all(unsigned width);
  static ArgSet none(unsigned width);
  static ArgSet of_intervals(unsigned width, std::vector<Interval> intervals);
  static ArgSet of_patterns(unsigned width, std::vector<Pattern> patterns);

  unsigned width() const { return width_; }
  std::uint64_t max_value() const;
  bool is_all() const;
  bool is_empty() const;
  bool contains(std::uint64_t value) const;  // value as the argument register holds it
  bool in_interval_form() const { return interval_form_; }
  const std::vector<Interval>& intervals() const { return intervals_; }
  const std::vector<Pattern>& patterns() const { return patterns_; }
  // The set as patterns (intervals decomposed into aligned blocks).
  std::vector<Pattern> to_patterns() const;

  friend bool operator==(const ArgSet&, const ArgSet&) = default;
  friend auto operator<=>(const ArgSet&, const ArgSet&) = default;

 private:
  unsigned width_ = 64;
  bool interval_form_ = true;
  std::vector<Interval> intervals_;  // sorted, disjoint, non-adjacent
  std::vector<Pattern> patterns_;    // sorted, none contains another
};

// The set a single OCI condition describes on an argument of `width` bits.
// For MASKED_EQ, `value` is the mask and `value_two` the datum (OCI order).
ArgSet condition_set(Operator op, std::uint64_t value, std::uint64_t value_two, unsigned width);

ArgSet intersect(const ArgSet& a, const ArgSet& b);
ArgSet complement(const ArgSet& a);
bool disjoint(const ArgSet& a, const ArgSet& b);

// The aligned blocks that make up [lo, hi] within `width` bits, low to high.
std::vector<Pattern> interval_blocks(Interval interval, unsigned width);

ArgSet unite(const ArgSet& a, const ArgSet& b);

}  // namespace scc::width
