// Exact argument conditions for the compiler: the set of values one syscall
// argument may hold for a rule to match, and its rewriting into comparisons
// libseccomp can express (DESIGN.md section 7, "width-exact arguments").
//
// Meaning of a condition. A 64-bit argument is compared as the 64-bit value
// seccomp_data carries. A 32-bit argument (arg_width() == Bits32) is what the
// kernel reads: the low 32 bits of the register, zero-extended. Every
// operator then compares that value with the rule's 64-bit value, unsigned:
// so EQ 0xffffffff matches 0x1ffffffff, GT 40 matches 0x100000029 (the kernel
// reads 41) and not 0x100000026, and EQ 0x100000005 can never match.
//
// Representation. An ArgSet is a union of disjoint closed intervals or a union
// of ternary patterns ((value & mask) == bits), within [0, 2^width - 1]. A
// 32-bit argument's patterns never look at the high half, so they compare
// only the low 32 bits whatever the caller put there. Intervals turn into
// aligned power-of-two blocks (at most 2 * width patterns), so every set can
// be compiled into libseccomp MASKED_EQ comparisons; the common shapes of a
// 64-bit argument compile into one native comparison (LT, LE, GE, GT, EQ, NE).
#pragma once

#include <linux/filter.h>
#include <seccomp.h>

#include <cstdint>
#include <optional>
#include <span>
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

// libseccomp comparisons whose union is exactly `set` on argument `index`.
// Empty for an empty set; a set equal to all() yields no alternatives either
// (check is_all() first: it needs no comparison).
//
// A 64-bit set, or a 32-bit set given a `marker`, uses native comparisons:
// one NE for "all but one value", and per interval LE, GE or EQ where the
// interval touches an end or is one value, aligned MASKED_EQ blocks
// otherwise. A 32-bit set's comparisons then carry `marker` as the high word
// of every datum and a full high mask, so libseccomp compares the argument's
// high word with the marker; apply_marker() afterwards turns each load of
// such a high word into "A = marker", so the comparison sees exactly the
// kernel's zero-extended low half. Without a marker, a 32-bit set becomes
// MASKED_EQ blocks whose masks leave the high word out (always exact, more
// rules).
std::vector<scmp_arg_cmp> to_comparisons(const ArgSet& set, unsigned index,
                                         std::optional<std::uint32_t> marker = std::nullopt);

// How many comparisons to_comparisons() would return, without building them.
std::size_t comparison_count(const ArgSet& set, bool marker = false);

// A marker that is none of `taken` (high words that 64-bit comparisons of the
// same body use) and no syscall number.
std::uint32_t choose_marker(const std::vector<std::uint32_t>& taken);

// Rewrite a libseccomp body built with `marker`: every load of an argument's
// high word whose value only meets jumps on `marker` becomes "ld #marker".
// nullopt (the caller then builds without a marker) when the body's data
// flow is not that clear cut: a marker compare fed by anything but a
// high-word load, or a marked load feeding another compare.
std::optional<std::vector<sock_filter>> apply_marker(std::span<const sock_filter> body,
                                                     std::uint32_t marker);

}  // namespace scc::width
