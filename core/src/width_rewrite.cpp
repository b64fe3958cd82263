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

scmp_arg_cmp make_cmp(unsigned index, scmp_compare op, std::uint64_t a, std::uint64_t b = 0) {
  return scmp_arg_cmp{index, op, a, b};
}

// How a set's values become 64-bit datums: a 32-bit set with a marker puts
// the marker in the high word (and the full high word in every mask).
struct Lift {
  std::uint64_t high = 0;
  std::uint64_t high_mask = 0;
  std::uint64_t value(std::uint64_t v) const { return high | v; }
};

bool native_capable(const ArgSet& set, bool marker) { return set.width() == 64 || marker; }

bool ne_shaped(const ArgSet& set) {
  const auto& ivs = set.intervals();
  return set.in_interval_form() && ivs.size() == 2 && ivs[0].lo == 0 &&
         ivs[1].hi == set.max_value() && ivs[0].hi + 2 == ivs[1].lo;
}

void add_blocks(std::vector<scmp_arg_cmp>& out, const std::vector<Pattern>& ps, unsigned index,
                unsigned width, const Lift& lift) {
  for (const Pattern& p : ps) {
    if (width == 64 && p.mask == kAll64)
      out.push_back(make_cmp(index, SCMP_CMP_EQ, p.bits));
    else
      out.push_back(make_cmp(index, SCMP_CMP_MASKED_EQ, lift.high_mask | p.mask, lift.value(p.bits)));
  }
}

// One interval with native comparisons where one suffices.
void add_interval(std::vector<scmp_arg_cmp>& out, const Interval& iv, unsigned index,
                  unsigned width, const Lift& lift) {
  const std::uint64_t max = max_of(width);
  if (iv.lo == iv.hi)
    out.push_back(make_cmp(index, SCMP_CMP_EQ, lift.value(iv.lo)));
  else if (iv.lo == 0)
    out.push_back(make_cmp(index, SCMP_CMP_LE, lift.value(iv.hi)));
  else if (iv.hi == max)
    out.push_back(make_cmp(index, SCMP_CMP_GE, lift.value(iv.lo)));
  else
    add_blocks(out, interval_blocks(iv, width), index, width, lift);
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

std::vector<scmp_arg_cmp> to_comparisons(const ArgSet& set, unsigned index,
                                         std::optional<std::uint32_t> marker) {
  std::vector<scmp_arg_cmp> out;
  if (set.is_empty() || set.is_all()) return out;
  if (!native_capable(set, marker.has_value())) {
    add_blocks(out, set.to_patterns(), index, 32, Lift{});
    return out;
  }
  Lift lift;
  if (set.width() == 32) lift = Lift{std::uint64_t{*marker} << 32, ~std::uint64_t{0} << 32};
  if (ne_shaped(set)) {
    out.push_back(make_cmp(index, SCMP_CMP_NE, lift.value(set.intervals()[0].hi + 1)));
  } else if (set.in_interval_form()) {
    for (const Interval& iv : set.intervals()) add_interval(out, iv, index, set.width(), lift);
  } else {
    add_blocks(out, set.patterns(), index, set.width(), lift);
  }
  return out;
}

std::size_t comparison_count(const ArgSet& set, bool marker) {
  if (set.is_empty() || set.is_all()) return 0;
  if (!set.in_interval_form()) return set.patterns().size();
  if (native_capable(set, marker) && ne_shaped(set)) return 1;
  std::size_t n = 0;
  for (const Interval& iv : set.intervals()) {
    const bool native = native_capable(set, marker) &&
                        (iv.lo == iv.hi || iv.lo == 0 || iv.hi == set.max_value());
    n += native ? 1 : interval_blocks(iv, set.width()).size();
  }
  return n;
}

std::uint32_t choose_marker(const std::vector<std::uint32_t>& taken) {
  // Bit 31 set: no syscall number of any arch has it, so a marker compare
  // can never be confused with a dispatch on the number.
  std::uint32_t marker = 0xa5c0ffeeu;
  while (std::find(taken.begin(), taken.end(), marker) != taken.end()) ++marker;
  return marker;
}

namespace {

constexpr int kEntry = -1;  // A on entry to the body: the syscall number
constexpr int kOther = -2;  // anything else (an immediate, X, another ALU result)

bool is_high_word_load(const sock_filter& insn) {
  // seccomp_data.args[i] high word on a little-endian host: 20 + 8 i.
  return insn.code == (BPF_LD | BPF_W | BPF_ABS) && insn.k >= 20 && insn.k <= 60 &&
         (insn.k - 20) % 8 == 0;
}

// The jumps libseccomp uses on a high word, which a marker compare may be.
bool is_marker_compare(const sock_filter& insn, std::uint32_t marker) {
  const std::uint16_t op = BPF_OP(insn.code);
  return BPF_CLASS(insn.code) == BPF_JMP && BPF_SRC(insn.code) == BPF_K && insn.k == marker &&
         (op == BPF_JEQ || op == BPF_JGT || op == BPF_JGE);
}

// Whether the instruction reads A in a way a marked load must not reach:
// any use but a marker compare or an AND with the full word.
bool other_use_of_a(const sock_filter& insn, std::uint32_t marker) {
  const std::uint16_t cls = BPF_CLASS(insn.code);
  if (cls == BPF_JMP) return BPF_OP(insn.code) != BPF_JA && !is_marker_compare(insn, marker);
  if (cls == BPF_ALU) return insn.code != (BPF_ALU | BPF_AND | BPF_K) || insn.k != 0xffffffffu;
  return cls == BPF_MISC || cls == BPF_ST || insn.code == (BPF_RET | BPF_A);
}

// For each instruction, where the value in A may come from: the index of the
// load that produced it (an AND with a constant keeps the origin), kEntry or
// kOther. The program only jumps forward, so one pass in order suffices.
std::vector<std::vector<int>> a_origins(std::span<const sock_filter> body) {
  std::vector<std::vector<int>> in(body.size() + 1);
  in[0] = {kEntry};
  auto flow = [&](std::size_t to, const std::vector<int>& origins) {
    if (to >= in.size()) return;
    for (int o : origins)
      if (std::find(in[to].begin(), in[to].end(), o) == in[to].end()) in[to].push_back(o);
  };
  for (std::size_t pc = 0; pc < body.size(); ++pc) {
    const sock_filter& insn = body[pc];
    const std::uint16_t cls = BPF_CLASS(insn.code);
    if (cls == BPF_RET) continue;
    if (cls == BPF_JMP) {
      if (BPF_OP(insn.code) == BPF_JA) {
        flow(pc + 1 + insn.k, in[pc]);
      } else {
        flow(pc + 1 + insn.jt, in[pc]);
        flow(pc + 1 + insn.jf, in[pc]);
      }
      continue;
    }
    std::vector<int> out = in[pc];
    if (insn.code == (BPF_LD | BPF_W | BPF_ABS))
      out = {static_cast<int>(pc)};
    else if (cls == BPF_LD || cls == BPF_MISC ||
             (cls == BPF_ALU && insn.code != (BPF_ALU | BPF_AND | BPF_K)))
      out = {kOther};
    flow(pc + 1, out);
  }
  return in;
}

}  // namespace

// After "ld #marker" at `at`, the marker compares that follow decide
// nothing: follow them with A = marker to the first instruction that is
// neither one nor an AND with the full word. When that instruction does not
// read A (a load or a constant return), jump there directly: the load becomes
// "ja", and every jump to it that can reach the target is retargeted, so the
// high-word test of a 32-bit argument usually costs no instruction at all.
void skip_marker_compares(std::vector<sock_filter>& code, std::size_t at, std::uint32_t marker) {
  std::size_t pc = at + 1;
  while (pc < code.size()) {
    const sock_filter& insn = code[pc];
    if (is_marker_compare(insn, marker)) {
      const std::uint16_t op = BPF_OP(insn.code);
      pc += 1 + (op == BPF_JGT ? insn.jf : insn.jt);  // A == marker: JEQ, JGE true; JGT false
    } else if (insn.code == (BPF_ALU | BPF_AND | BPF_K) && insn.k == 0xffffffffu) {
      ++pc;
    } else {
      break;
    }
  }
  if (pc >= code.size()) return;
  const sock_filter& target = code[pc];
  const bool fresh = target.code == (BPF_LD | BPF_W | BPF_ABS) || target.code == (BPF_RET | BPF_K);
  if (!fresh) return;
  code[at] = BPF_STMT(BPF_JMP | BPF_JA, static_cast<std::uint32_t>(pc - at - 1));
  for (std::size_t p = 0; p < at; ++p) {
    sock_filter& j = code[p];
    if (BPF_CLASS(j.code) != BPF_JMP) continue;
    if (BPF_OP(j.code) == BPF_JA) {
      if (p + 1 + j.k == at) j.k = static_cast<std::uint32_t>(pc - p - 1);
      continue;
    }
    if (pc - p - 1 > 255) continue;
    if (p + 1 + j.jt == at) j.jt = static_cast<std::uint8_t>(pc - p - 1);
    if (p + 1 + j.jf == at) j.jf = static_cast<std::uint8_t>(pc - p - 1);
  }
}

std::optional<std::vector<sock_filter>> apply_marker(std::span<const sock_filter> body,
                                                     std::uint32_t marker) {
  const auto origins = a_origins(body);
  std::vector<bool> marked(body.size(), false);
  for (std::size_t pc = 0; pc < body.size(); ++pc) {
    if (!is_marker_compare(body[pc], marker)) continue;
    for (int o : origins[pc]) {
      if (o < 0 || !is_high_word_load(body[static_cast<std::size_t>(o)])) return std::nullopt;
      marked[static_cast<std::size_t>(o)] = true;
    }
  }
  for (std::size_t pc = 0; pc < body.size(); ++pc) {
    if (!other_use_of_a(body[pc], marker)) continue;
    for (int o : origins[pc])
      if (o >= 0 && marked[static_cast<std::size_t>(o)]) return std::nullopt;
  }
  std::vector<sock_filter> out(body.begin(), body.end());
  for (std::size_t pc = 0; pc < out.size(); ++pc)
    if (marked[pc]) out[pc] = BPF_STMT(BPF_LD | BPF_IMM, marker);
  for (std::size_t pc = 0; pc < out.size(); ++pc)
    if (marked[pc]) skip_marker_compares(out, pc, marker);
  return out;
}

}  // namespace scc::width
