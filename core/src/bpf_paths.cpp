// Symbolic path exploration (bpf_paths.hpp): registers hold constants,
// "word & mask" symbols or opaque values; branches on symbols fork.
#include "bpf_paths.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace scc::bpf {
namespace {

// A register's abstract value.
struct Sym {
  // Nr: the fixed syscall number, kept apart from constants so that the
  // exploration does not depend on its value except through the decisions
  // of the comparisons on it (PathSummary::nr_decisions).
  enum class Kind : std::uint8_t { Const, Masked, Opaque, Nr };
  Kind kind = Kind::Const;
  std::uint16_t words = 0;  // Masked: the one word's bit; Opaque: every word it depends on
  std::uint32_t v = 0;      // Const: the value; Masked: the mask

  static Sym constant(std::uint32_t value) { return Sym{Kind::Const, 0, value}; }
  static Sym masked(unsigned word, std::uint32_t mask) {
    if (mask == 0) return constant(0);
    return Sym{Kind::Masked, static_cast<std::uint16_t>(1u << word), mask};
  }
  static Sym opaque(std::uint16_t words) { return Sym{Kind::Opaque, words, 0}; }
  static Sym number() { return Sym{Kind::Nr, 0, 0}; }
  bool is_const() const { return kind == Kind::Const; }
  std::uint64_t packed() const {
    return (std::uint64_t{static_cast<std::uint8_t>(kind)} << 48) |
           (std::uint64_t{words} << 32) | v;
  }
  unsigned word() const {
    unsigned w = 0;
    while (((words >> w) & 1u) == 0) ++w;
    return w;
  }
};

struct State {
  Sym a = Sym::constant(0);  // A = X = 0 at start, as the kernel's converter does
  Sym x = Sym::constant(0);
  std::array<Sym, BPF_MEMWORDS> mem{};
  std::uint32_t stored = 0;

  using Key = std::array<std::uint64_t, 3 + BPF_MEMWORDS>;
  Key key() const {
    Key k{a.packed(), x.packed(), stored};
    for (std::size_t i = 0; i < mem.size(); ++i) k[3 + i] = mem[i].packed();
    return k;
  }
};

// Where a step leads: one successor, two (a fork), or the end of the path.
struct Next {
  enum class Kind { Go, Fork, End } kind = Kind::End;
  std::size_t first = 0;
  std::size_t second = 0;
};

Next go(std::size_t pc) { return Next{Next::Kind::Go, pc, 0}; }
Next fork(std::size_t a, std::size_t b) { return Next{Next::Kind::Fork, a, b}; }
Next end() { return Next{}; }

class Explorer {
 public:
  Explorer(const Program& program, const KnownWords& known) : insns_(program.instructions()), known_(known) {}

  PathSummary run(std::size_t max_steps);

 private:
  Next step(std::size_t pc, State& s);
  Next alu(const sock_filter& in, std::size_t pc, State& s);
  Next jump(const sock_filter& in, std::size_t pc, const State& s);
  Next compare_symbol(const sock_filter& in, std::size_t pc, Sym sym, std::uint32_t k);
  Sym load(std::uint32_t offset);
  Sym concrete(Sym s);
  void opaque(std::uint16_t words, std::size_t pc, const std::string& what);

  std::span<const sock_filter> insns_;
  const KnownWords& known_;
  PathSummary summary_;
  std::set<WordPredicate> predicates_;
};

void Explorer::opaque(std::uint16_t words, std::size_t pc, const std::string& what) {
  summary_.opaque_words |= words;
  if (summary_.reason.empty())
    summary_.reason = "instruction " + std::to_string(pc) + ": " + what;
}

Sym Explorer::load(std::uint32_t offset) {
  const unsigned word = offset / 4;  // check() guarantees aligned and below 64
  if (word == kNrWord && known_[word]) return Sym::number();
  if (known_[word]) return Sym::constant(*known_[word]);
  summary_.loaded_words |= 1u << word;
  return Sym::masked(word, 0xffffffffu);
}

// The number as the constant it is, for a use other than comparing it: the
// exploration now depends on its value.
Sym Explorer::concrete(Sym s) {
  if (s.kind != Sym::Kind::Nr) return s;
  summary_.nr_as_value = true;
  return Sym::constant(*known_[kNrWord]);
}

Next Explorer::alu(const sock_filter& in, std::size_t pc, State& s) {
  const unsigned op = BPF_OP(in.code);
  s.a = concrete(s.a);
  const Sym v = concrete(BPF_SRC(in.code) == BPF_X ? s.x : Sym::constant(in.k));
  if (s.a.is_const() && v.is_const()) {
    std::uint32_t a = s.a.v;
    switch (op) {
      case BPF_ADD: a += v.v; break;
      case BPF_SUB: a -= v.v; break;
      case BPF_MUL: a *= v.v; break;
      case BPF_DIV:
        if (v.v == 0) return end();  // the kernel returns 0 (KILL_THREAD): a constant result
        a /= v.v;
        break;
      case BPF_AND: a &= v.v; break;
      case BPF_OR: a |= v.v; break;
      case BPF_XOR: a ^= v.v; break;
      case BPF_LSH:
      case BPF_RSH:
        if (v.v >= 32) {
          opaque(0, pc, "shift by 32 or more (undefined in the kernel's JITs)");
          return end();
        }
        a = op == BPF_LSH ? a << v.v : a >> v.v;
        break;
      case BPF_NEG: a = 0u - a; break;
      default: break;  // check() rejected anything else
    }
    s.a = Sym::constant(a);
    return go(pc + 1);
  }
  if (op == BPF_AND && s.a.kind == Sym::Kind::Masked && v.is_const()) {
    s.a = Sym::masked(s.a.word(), s.a.v & v.v);
    return go(pc + 1);
  }
  if (op == BPF_AND && s.a.is_const() && v.kind == Sym::Kind::Masked) {
    s.a = Sym::masked(v.word(), v.v & s.a.v);
    return go(pc + 1);
  }
  const auto words = static_cast<std::uint16_t>(s.a.words | v.words);
  if ((op == BPF_DIV || op == BPF_LSH || op == BPF_RSH) && !v.is_const()) {
    opaque(words, pc, "division or shift by a value computed from seccomp_data");
    return end();
  }
  s.a = Sym::opaque(words);
  return go(pc + 1);
}

// A branch on (word & mask) against a constant, whichever side each is on:
// the cut points a comparison makes do not depend on its direction.
Next Explorer::compare_symbol(const sock_filter& in, std::size_t pc, Sym sym, std::uint32_t k) {
  const std::size_t taken = pc + 1 + in.jt;
  const std::size_t not_taken = pc + 1 + in.jf;
  const std::uint32_t mask = sym.v;
  WordPredicate p{sym.word(), WordPredicate::Kind::Order, mask, k};
  switch (BPF_OP(in.code)) {
    case BPF_JEQ:
      if ((k & ~mask) != 0) return go(not_taken);  // the masked value can never equal k
      break;
    case BPF_JGT:
    case BPF_JGE:
      break;
    case BPF_JSET:
      p = WordPredicate{sym.word(), WordPredicate::Kind::Test, mask & k, 0};
      if (p.mask == 0) return go(not_taken);
      break;
    default:
      return end();  // check() rejected it
  }
  predicates_.insert(p);
  return fork(taken, not_taken);
}

Next Explorer::jump(const sock_filter& in, std::size_t pc, const State& s) {
  if (in.code == (BPF_JMP | BPF_JA)) return go(pc + 1 + in.k);
  const Sym v = concrete(BPF_SRC(in.code) == BPF_X ? s.x : Sym::constant(in.k));
  const bool on_number = s.a.kind == Sym::Kind::Nr && v.is_const();
  const Sym a = on_number ? Sym::constant(*known_[kNrWord]) : concrete(s.a);
  if (a.is_const() && v.is_const()) {
    bool taken = false;
    switch (BPF_OP(in.code)) {
      case BPF_JEQ: taken = a.v == v.v; break;
      case BPF_JGT: taken = a.v > v.v; break;
      case BPF_JGE: taken = a.v >= v.v; break;
      case BPF_JSET: taken = (a.v & v.v) != 0; break;
      default: return end();
    }
    if (on_number) summary_.nr_decisions.push_back(taken);
    return go(pc + 1 + (taken ? in.jt : in.jf));
  }
  if (a.kind == Sym::Kind::Masked && v.is_const()) return compare_symbol(in, pc, a, v.v);
  if (a.is_const() && v.kind == Sym::Kind::Masked) return compare_symbol(in, pc, v, a.v);
  opaque(static_cast<std::uint16_t>(a.words | v.words), pc,
         "a jump compares values computed from seccomp_data");
  return fork(pc + 1 + in.jt, pc + 1 + in.jf);
}

Next Explorer::step(std::size_t pc, State& s) {
  const sock_filter& in = insns_[pc];
  switch (in.code) {
    case BPF_LD | BPF_W | BPF_ABS: s.a = load(in.k); break;
    case BPF_LD | BPF_W | BPF_LEN: s.a = Sym::constant(64); break;
    case BPF_LDX | BPF_W | BPF_LEN: s.x = Sym::constant(64); break;
    case BPF_LD | BPF_IMM: s.a = Sym::constant(in.k); break;
    case BPF_LDX | BPF_IMM: s.x = Sym::constant(in.k); break;
    case BPF_LD | BPF_MEM: s.a = s.mem[in.k]; break;
    case BPF_LDX | BPF_MEM: s.x = s.mem[in.k]; break;
    case BPF_ST: s.mem[in.k] = s.a; s.stored |= 1u << in.k; break;
    case BPF_STX: s.mem[in.k] = s.x; s.stored |= 1u << in.k; break;
    case BPF_MISC | BPF_TAX: s.x = s.a; break;
    case BPF_MISC | BPF_TXA: s.a = s.x; break;
    case BPF_RET | BPF_K: return end();
    case BPF_RET | BPF_A:
      s.a = concrete(s.a);
      if (!s.a.is_const()) opaque(s.a.words, pc, "ret a returns a value computed from seccomp_data");
      return end();
    default:
      if (BPF_CLASS(in.code) == BPF_JMP) return jump(in, pc, s);
      if (BPF_CLASS(in.code) == BPF_ALU) return alu(in, pc, s);
      return end();  // check() rejected it
  }
  return go(pc + 1);
}

std::vector<std::uint32_t> program_constants(std::span<const sock_filter> insns) {
  std::set<std::uint32_t> out;
  for (const sock_filter& in : insns) {
    const auto cls = BPF_CLASS(in.code);
    if ((cls == BPF_JMP && in.code != (BPF_JMP | BPF_JA)) || cls == BPF_ALU) out.insert(in.k);
  }
  return {out.begin(), out.end()};
}

PathSummary Explorer::run(std::size_t max_steps) {
  std::vector<std::pair<std::size_t, State>> work{{0, State{}}};
  std::set<std::pair<std::size_t, State::Key>> seen;
  std::size_t steps = 0;
  while (!work.empty()) {
    auto [pc, state] = work.back();
    work.pop_back();
    while (pc < insns_.size() && seen.insert({pc, state.key()}).second) {
      if (++steps > max_steps) {
        opaque(0, pc, "too many paths to explore (more than " + std::to_string(max_steps) + " steps)");
        work.clear();
        break;
      }
      const Next n = step(pc, state);
      if (n.kind == Next::Kind::End) break;
      if (n.kind == Next::Kind::Fork) work.emplace_back(n.second, state);
      pc = n.first;
    }
  }
  summary_.predicates.assign(predicates_.begin(), predicates_.end());
  summary_.constants = program_constants(insns_);
  return std::move(summary_);
}

}  // namespace

PathSummary explore_paths(const Program& program, const KnownWords& known, std::size_t max_steps) {
  return Explorer(program, known).run(max_steps);
}

bool is_prefix_mask(std::uint32_t mask) {
  const std::uint32_t low = ~mask;  // a prefix mask leaves a run of low ones: 2^n - 1
  return mask != 0 && (low & (low + 1)) == 0;
}

}  // namespace scc::bpf
