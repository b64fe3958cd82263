#include "width_rewrite.hpp"

#include <algorithm>
#include <bit>

namespace scc::width {
namespace {

constexpr std::uint64_t kAll64 = ~std::uint64_t{0};

std::uint64_t max_of(unsigned width) { return width >= 64 ? kAll64 : (std::uint64_t{1} << width) - 1; }

// Sort, then merge overlapping and adjacent intervals; drop what lies above max.
std::vector<Interval> normalise(std::vector<Interval> in, std::uint64_t max) {
  std::vector<Interval> out;
  std::sort(in.begin(), in.end());
  for (Interval iv : in) {
    if (iv.lo > iv.hi || iv.lo > max) continue;
    iv.hi = std::min(iv.hi, max);
    if (!out.empty() && (out.back().hi == kAll64 || iv.lo <= out.back().hi + 1)) {
      out.back().hi = std::max(out.back().hi, iv.hi);
      continue;
    }
    out.push_back(iv);
  }
  return out;
}

bool pattern_within(const Pattern& inner, const Pattern& outer) {
  return (outer.mask & ~inner.mask) == 0 && (inner.bits & outer.mask) == outer.bits;
}

// Merge every pair that differs in exactly one fixed bit into one pattern
// without that bit. Returns whether anything merged.
bool merge_siblings(std::vector<Pattern>& ps) {
  std::sort(ps.begin(), ps.end());
  std::vector<bool> gone(ps.size(), false);
  std::vector<Pattern> merged;
  for (std::size_t i = 0; i < ps.size(); ++i) {
    if (gone[i]) continue;
    for (std::uint64_t rest = ps[i].mask; rest != 0 && !gone[i]; rest &= rest - 1) {
      const std::uint64_t b = rest & (~rest + 1);
      const Pattern sibling{ps[i].mask, ps[i].bits ^ b};
      auto it = std::lower_bound(ps.begin(), ps.end(), sibling);
      if (it == ps.end() || *it != sibling) continue;
      const auto j = static_cast<std::size_t>(it - ps.begin());
      if (gone[j]) continue;
      gone[i] = gone[j] = true;
      merged.push_back(Pattern{ps[i].mask & ~b, ps[i].bits & ~b});
    }
  }
  if (merged.empty()) return false;
  for (std::size_t i = 0; i < ps.size(); ++i)
    if (!gone[i]) merged.push_back(ps[i]);
  ps = std::move(merged);
  return true;
}

// Drop every pattern that another one contains.
void drop_contained(std::vector<Pattern>& ps) {
  std::vector<Pattern> kept;
  for (std::size_t i = 0; i < ps.size(); ++i) {
    bool inside = false;
    for (std::size_t j = 0; j < ps.size() && !inside; ++j)
      inside = j != i && pattern_within(ps[i], ps[j]);
    if (!inside) kept.push_back(ps[i]);
  }
  ps = std::move(kept);
}

// Canonical form: inside the width, sibling pairs merged, no pattern
// contained in another, sorted and unique.
std::vector<Pattern> normalise(std::vector<Pattern> in, std::uint64_t max) {
  for (Pattern& p : in) {
    p.mask &= max;
    p.bits &= p.mask;
  }
  do {
    std::sort(in.begin(), in.end());
    in.erase(std::unique(in.begin(), in.end()), in.end());
    drop_contained(in);
  } while (merge_siblings(in));
  std::sort(in.begin(), in.end());
  return in;
}

std::optional<Pattern> pattern_and(const Pattern& a, const Pattern& b) {
  std::uint64_t common = a.mask & b.mask;
  if ((a.bits & common) != (b.bits & common)) return std::nullopt;
  return Pattern{a.mask | b.mask, a.bits | b.bits};
}

// The values a pattern does not match, as disjoint patterns: those that agree
// with it on every fixed bit above b and differ at b, for each fixed bit b.
std::vector<Pattern> pattern_complement(const Pattern& p) {
  std::vector<Pattern> out;
  for (int bit = 63; bit >= 0; --bit) {
    std::uint64_t b = std::uint64_t{1} << bit;
    if ((p.mask & b) == 0) continue;
    std::uint64_t upper = p.mask & ~(b - 1);  // fixed bits at or above b
    out.push_back(Pattern{upper, (p.bits & upper) ^ b});
  }
  return out;
}

std::vector<Interval> interval_and(const std::vector<Interval>& a, const std::vector<Interval>& b) {
  std::vector<Interval> out;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    std::uint64_t lo = std::max(a[i].lo, b[j].lo);
    std::uint64_t hi = std::min(a[i].hi, b[j].hi);
    if (lo <= hi) out.push_back({lo, hi});
    if (a[i].hi < b[j].hi)
      ++i;
    else
      ++j;
  }
  return out;
}

std::vector<Interval> interval_complement(const std::vector<Interval>& in, std::uint64_t max) {
  std::vector<Interval> out;
  std::uint64_t next = 0;
  bool done = false;
  for (const Interval& iv : in) {
    if (iv.lo > next) out.push_back({next, iv.lo - 1});
    if (iv.hi >= max) {
      done = true;
      break;
    }
    next = iv.hi + 1;
  }
  if (!done) out.push_back({next, max});
  return out;
}

}  // namespace

ArgSet ArgSet::all(unsigned width) { return of_intervals(width, {{0, max_of(width)}}); }

ArgSet ArgSet::none(unsigned width) { return of_intervals(width, {}); }

ArgSet ArgSet::of_intervals(unsigned width, std::vector<Interval> intervals) {
  ArgSet s;
  s.width_ = width;
  s.interval_form_ = true;
  s.intervals_ = normalise(std::move(intervals), max_of(width));
  return s;
}

ArgSet ArgSet::of_patterns(unsigned width, std::vector<Pattern> patterns) {
  ArgSet s;
  s.width_ = width;
  s.interval_form_ = false;
  s.patterns_ = normalise(std::move(patterns), max_of(width));
  // One pattern with no fixed bit is everything: keep the interval form for it.
  if (s.patterns_.size() == 1 && s.patterns_.front().mask == 0) return all(width);
  if (s.patterns_.empty()) return none(width);
  return s;
}

std::uint64_t ArgSet::max_value() const { return max_of(width_); }

bool ArgSet::is_all() const {
  return interval_form_ && intervals_.size() == 1 && intervals_[0].lo == 0 &&
         intervals_[0].hi == max_value();
}

bool ArgSet::is_empty() const { return interval_form_ ? intervals_.empty() : patterns_.empty(); }

bool ArgSet::contains(std::uint64_t value) const {
  value &= max_value();  // a 32-bit argument: the kernel reads the low half
  if (interval_form_)
    return std::any_of(intervals_.begin(), intervals_.end(),
                       [&](const Interval& iv) { return iv.lo <= value && value <= iv.hi; });
  return std::any_of(patterns_.begin(), patterns_.end(),
                     [&](const Pattern& p) { return p.contains(value); });
}

std::vector<Pattern> ArgSet::to_patterns() const {
  if (!interval_form_) return patterns_;
  std::vector<Pattern> out;
  for (const Interval& iv : intervals_) {
    auto blocks = interval_blocks(iv, width_);
    out.insert(out.end(), blocks.begin(), blocks.end());
  }
  return out;
}

std::vector<Pattern> interval_blocks(Interval iv, unsigned width) {
  std::vector<Pattern> out;
  const std::uint64_t max = max_of(width);
  iv.hi = std::min(iv.hi, max);
  std::uint64_t lo = iv.lo;
  while (lo <= iv.hi) {
    // The largest aligned block starting at lo that stays within [lo, hi].
    unsigned k = lo == 0 ? width : static_cast<unsigned>(std::countr_zero(lo));
    k = std::min(k, width);
    while (k > 0 && (k >= 64 ? kAll64 : (std::uint64_t{1} << k) - 1) > iv.hi - lo) --k;
    std::uint64_t span = k >= 64 ? kAll64 : (std::uint64_t{1} << k) - 1;
    out.push_back(Pattern{max & ~span, lo});
    if (iv.hi - lo == span) break;  // reached hi exactly; also avoids overflow
    lo += span + 1;
  }
  return out;
}

ArgSet condition_set(Operator op, std::uint64_t value, std::uint64_t value_two, unsigned width) {
  const std::uint64_t max = max_of(width);
  switch (op) {
    case Operator::Eq:
      return ArgSet::of_intervals(width, {{value, value}});
    case Operator::Ne:
      return complement(ArgSet::of_intervals(width, {{value, value}}));
    case Operator::Lt:
      return value == 0 ? ArgSet::none(width) : ArgSet::of_intervals(width, {{0, value - 1}});
    case Operator::Le:
      return ArgSet::of_intervals(width, {{0, value}});
    case Operator::Gt:
      return value >= max ? ArgSet::none(width) : ArgSet::of_intervals(width, {{value + 1, max}});
    case Operator::Ge:
      return ArgSet::of_intervals(width, {{value, max}});
    case Operator::MaskedEq: {
      // (arg & mask) == datum: the argument has no bits above the width, so
      // a datum with bits outside mask & max can never be met.
      const std::uint64_t mask = value & max;
      if ((value_two & ~mask) != 0) return ArgSet::none(width);
      return ArgSet::of_patterns(width, {Pattern{mask, value_two}});
    }
  }
  return ArgSet::none(width);
}

ArgSet intersect(const ArgSet& a, const ArgSet& b) {
  const unsigned width = std::min(a.width(), b.width());
  if (a.is_all()) return b;
  if (b.is_all()) return a;
  if (a.in_interval_form() && b.in_interval_form())
    return ArgSet::of_intervals(width, interval_and(a.intervals(), b.intervals()));
  std::vector<Pattern> out;
  for (const Pattern& p : a.to_patterns())
    for (const Pattern& q : b.to_patterns())
      if (auto both = pattern_and(p, q)) out.push_back(*both);
  return ArgSet::of_patterns(width, std::move(out));
}

ArgSet complement(const ArgSet& a) {
  if (a.in_interval_form())
    return ArgSet::of_intervals(a.width(), interval_complement(a.intervals(), a.max_value()));
  ArgSet result = ArgSet::all(a.width());
  for (const Pattern& p : a.patterns()) {
    result = intersect(result, ArgSet::of_patterns(a.width(), pattern_complement(p)));
    if (result.is_empty()) break;
  }
  return result;
}

bool disjoint(const ArgSet& a, const ArgSet& b) { return intersect(a, b).is_empty(); }

ArgSet unite(const ArgSet& a, const ArgSet& b) {
  const unsigned width = std::min(a.width(), b.width());
  if (a.in_interval_form() && b.in_interval_form()) {
    std::vector<Interval> all = a.intervals();
    all.insert(all.end(), b.intervals().begin(), b.intervals().end());
    return ArgSet::of_intervals(width, std::move(all));
  }
  std::vector<Pattern> all = a.to_patterns();
  const std::vector<Pattern> more = b.to_patterns();
  all.insert(all.end(), more.begin(), more.end());
  return ArgSet::of_patterns(width, std::move(all));
}

}  // namespace scc::width
