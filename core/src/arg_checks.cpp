#include "arg_checks.hpp"

#include <limits>

namespace scc::args {
namespace {

using width::ArgSet;
using width::Interval;
using width::Pattern;

constexpr std::uint32_t kWordMask = 0xffffffffu;

std::uint32_t hi(std::uint64_t v) { return static_cast<std::uint32_t>(v >> 32); }
std::uint32_t lo(std::uint64_t v) { return static_cast<std::uint32_t>(v); }

// A tiny assembler: forward jumps to labels; a conditional jump whose target
// is more than 255 instructions away goes through an inserted "ja".
class Assembler {
 public:
  using Label = std::size_t;

  Label label() {
    labels_.push_back(kUnbound);
    return labels_.size() - 1;
  }
  void bind(Label l) { labels_[l] = code_.size(); }
  void stmt(sock_filter f) { code_.push_back({f, kNone, kNone}); }
  void jump(std::uint16_t op, std::uint32_t k, Label t, Label f) {
    code_.push_back({BPF_JUMP(BPF_JMP | op | BPF_K, k, 0, 0), t, f});
  }
  void ja(Label l) { code_.push_back({BPF_STMT(BPF_JMP | BPF_JA, 0), l, kNone}); }
  std::size_t size() const { return code_.size(); }
  std::vector<sock_filter> finish();

 private:
  static constexpr std::size_t kUnbound = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t kNone = kUnbound;
  struct Insn {
    sock_filter f;
    Label jt;  // conditional: true target; ja: the target
    Label jf;
  };
  bool widen_one_far_jump();

  std::vector<Insn> code_;
  std::vector<std::size_t> labels_;  // instruction index per label
};

// Insert a trampoline for the first conditional branch that cannot reach.
bool Assembler::widen_one_far_jump() {
  for (std::size_t i = 0; i < code_.size(); ++i) {
    if (BPF_CLASS(code_[i].f.code) != BPF_JMP || BPF_OP(code_[i].f.code) == BPF_JA) continue;
    for (Label* branch : {&code_[i].jt, &code_[i].jf}) {
      if (labels_[*branch] - i - 1 <= 255) continue;
      for (std::size_t& at : labels_)
        if (at != kUnbound && at > i) ++at;
      const Label far = *branch;
      *branch = label();
      labels_[*branch] = i + 1;
      code_.insert(code_.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                   Insn{BPF_STMT(BPF_JMP | BPF_JA, 0), far, kNone});
      return true;
    }
  }
  return false;
}

std::vector<sock_filter> Assembler::finish() {
  while (widen_one_far_jump()) {
  }
  std::vector<sock_filter> out;
  for (std::size_t i = 0; i < code_.size(); ++i) {
    sock_filter f = code_[i].f;
    if (BPF_CLASS(f.code) == BPF_JMP) {
      if (BPF_OP(f.code) == BPF_JA) {
        f.k = static_cast<std::uint32_t>(labels_[code_[i].jt] - i - 1);
      } else {
        f.jt = static_cast<std::uint8_t>(labels_[code_[i].jt] - i - 1);
        f.jf = static_cast<std::uint8_t>(labels_[code_[i].jf] - i - 1);
      }
    }
    out.push_back(f);
  }
  return out;
}

using Label = Assembler::Label;

sock_filter load(std::uint32_t offset) { return BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset); }

// (word & mask) == bits on one already-chosen word.
void word_pattern(Assembler& a, std::uint32_t offset, std::uint32_t mask, std::uint32_t bits,
                  Label pass, Label fail) {
  if (mask == 0) {
    a.ja(pass);
    return;
  }
  a.stmt(load(offset));
  if (mask != kWordMask) a.stmt(BPF_STMT(BPF_ALU | BPF_AND | BPF_K, mask));
  a.jump(BPF_JEQ, bits, pass, fail);
}

void pattern_check(Assembler& a, unsigned index, unsigned width, const Pattern& p, Label pass,
                   Label fail) {
  if (width == 64 && hi(p.mask) != 0) {
    const Label low = a.label();
    word_pattern(a, high_word_offset(index), hi(p.mask), hi(p.bits), low, fail);
    a.bind(low);
  }
  word_pattern(a, low_word_offset(index), lo(p.mask), lo(p.bits), pass, fail);
}

// x >= v on a 64-bit argument.
void at_least(Assembler& a, unsigned index, std::uint64_t v, Label pass, Label fail) {
  a.stmt(load(high_word_offset(index)));
  if (lo(v) == 0) {
    a.jump(BPF_JGE, hi(v), pass, fail);
    return;
  }
  const Label equal = a.label(), low = a.label();
  a.jump(BPF_JGT, hi(v), pass, equal);
  a.bind(equal);
  a.jump(BPF_JEQ, hi(v), low, fail);
  a.bind(low);
  a.stmt(load(low_word_offset(index)));
  a.jump(BPF_JGE, lo(v), pass, fail);
}

// x <= v on a 64-bit argument.
void at_most(Assembler& a, unsigned index, std::uint64_t v, Label pass, Label fail) {
  a.stmt(load(high_word_offset(index)));
  if (lo(v) == kWordMask) {
    a.jump(BPF_JGT, hi(v), fail, pass);
    return;
  }
  const Label equal = a.label(), low = a.label();
  a.jump(BPF_JGT, hi(v), fail, equal);
  a.bind(equal);
  a.jump(BPF_JEQ, hi(v), low, pass);
  a.bind(low);
  a.stmt(load(low_word_offset(index)));
  a.jump(BPF_JGT, lo(v), fail, pass);
}

void interval64(Assembler& a, unsigned index, const Interval& iv, Label pass, Label fail) {
  if (iv.lo == iv.hi) {
    pattern_check(a, index, 64, Pattern{~std::uint64_t{0}, iv.lo}, pass, fail);
    return;
  }
  const bool lower = iv.lo > 0, upper = iv.hi < ~std::uint64_t{0};
  if (!lower && !upper) {
    a.ja(pass);
    return;
  }
  const Label mid = a.label();
  if (lower) at_least(a, index, iv.lo, upper ? mid : pass, fail);
  a.bind(mid);
  if (upper) at_most(a, index, iv.hi, pass, fail);
}

// Ascending disjoint intervals of the low word, scanned once: the first
// interval ending at or above x decides.
void intervals32(Assembler& a, unsigned index, const std::vector<Interval>& ivs, Label pass,
                 Label fail) {
  a.stmt(load(low_word_offset(index)));
  for (std::size_t k = 0; k < ivs.size(); ++k) {
    const Interval& iv = ivs[k];
    const bool last = k + 1 == ivs.size();
    const Label next = last ? fail : a.label();
    if (iv.lo == iv.hi) {
      a.jump(BPF_JEQ, lo(iv.lo), pass, next);
    } else if (iv.hi >= kWordMask) {
      a.jump(BPF_JGE, lo(iv.lo), pass, fail);  // always the last one
    } else {
      const Label below = a.label();
      a.jump(BPF_JGT, lo(iv.hi), next, below);
      a.bind(below);
      if (iv.lo == 0)
        a.ja(pass);
      else
        a.jump(BPF_JGE, lo(iv.lo), pass, fail);
    }
    if (!last) a.bind(next);
  }
}

// Jump to `pass` when argument `index` lies in `set`, else to `fail`.
void set_check(Assembler& a, unsigned index, const ArgSet& set, Label pass, Label fail) {
  if (set.is_empty() || set.is_all()) {
    a.ja(set.is_all() ? pass : fail);
    return;
  }
  if (set.in_interval_form()) {
    // Test whichever of the set and its complement has fewer intervals.
    const ArgSet other = width::complement(set);
    const bool flip = other.intervals().size() < set.intervals().size();
    const ArgSet& test = flip ? other : set;
    const Label in = flip ? fail : pass, out = flip ? pass : fail;
    if (set.width() == 32) {
      intervals32(a, index, test.intervals(), in, out);
      return;
    }
    const auto& ivs = test.intervals();
    for (std::size_t k = 0; k < ivs.size(); ++k) {
      const Label next = k + 1 == ivs.size() ? out : a.label();
      interval64(a, index, ivs[k], in, next);
      if (k + 1 != ivs.size()) a.bind(next);
    }
    return;
  }
  const auto& ps = set.patterns();
  for (std::size_t k = 0; k < ps.size(); ++k) {
    const Label next = k + 1 == ps.size() ? fail : a.label();
    pattern_check(a, index, set.width(), ps[k], pass, next);
    if (k + 1 != ps.size()) a.bind(next);
  }
}

}  // namespace

std::uint32_t low_word_offset(unsigned index) { return 16 + 8 * index; }
std::uint32_t high_word_offset(unsigned index) { return 20 + 8 * index; }

std::optional<std::vector<sock_filter>> decision_code(const plan::SyscallPlan& syscall,
                                                      std::uint32_t default_action,
                                                      std::size_t max_instructions) {
  Assembler a;
  for (const plan::ActionRegion& region : syscall.regions)
    for (const plan::Term& term : region.terms) {
      const Label next_term = a.label();
      for (unsigned i = 0; i < plan::kMaxArgs; ++i) {
        if (!term.args[i]) continue;
        const Label next_arg = a.label();
        set_check(a, i, *term.args[i], next_arg, next_term);
        a.bind(next_arg);
      }
      a.stmt(BPF_STMT(BPF_RET | BPF_K, region.action));
      a.bind(next_term);
      if (a.size() > max_instructions) return std::nullopt;
    }
  a.stmt(BPF_STMT(BPF_RET | BPF_K, default_action));
  auto code = a.finish();
  if (code.size() > max_instructions) return std::nullopt;
  return code;
}

}  // namespace scc::args
