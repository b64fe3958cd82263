// The constant-action cache check (port of seccomp_is_const_allow, Linux 5.11+)
// and the path exploration that tells which syscalls a program always allows.
#include "scc/bpf_cache.hpp"

#include <linux/seccomp.h>

#include <array>
#include <optional>
#include <set>
#include <utility>

#include "scc/syscall_table.hpp"

namespace scc::bpf {
namespace {

constexpr std::uint32_t kNrOffset = 0;    // offsetof(struct seccomp_data, nr)
constexpr std::uint32_t kArchOffset = 4;  // offsetof(struct seccomp_data, arch)

CacheProbe stop(CacheVerdict verdict, std::size_t pc) { return CacheProbe{verdict, pc}; }

// --- always_allows: an abstract run where args and ip are unknown ---

struct Value {
  bool known = true;  // A and X start as the constant 0
  std::uint32_t v = 0;
};

struct State {
  Value a;
  Value x;
  std::array<Value, BPF_MEMWORDS> mem{};
  std::uint32_t stored = 0;  // bit k: M[k] stored on this path

  using Key = std::array<std::uint32_t, 5 + 2 * BPF_MEMWORDS>;
  Key key() const {
    Key k{a.known, a.v, x.known, x.v, stored};
    for (std::size_t i = 0; i < mem.size(); ++i) {
      k[5 + 2 * i] = mem[i].known;
      k[6 + 2 * i] = mem[i].v;
    }
    return k;
  }
};

// What one instruction leads to: the next instruction, both edges of a branch
// on an unknown value, or a verdict for this path.
struct Edge {
  enum class Kind { Go, Fork, Allow, NotAllow } kind = Kind::NotAllow;
  std::size_t first = 0;
  std::size_t second = 0;
};

Edge go(std::size_t pc) { return Edge{Edge::Kind::Go, pc, 0}; }
Edge not_allow() { return Edge{}; }

struct Facts {
  std::uint32_t audit_arch;
  std::uint32_t nr;
};

std::optional<Value> load(std::uint32_t k, const Facts& f) {
  if (k >= 64 || k % 4 != 0) return std::nullopt;  // the kernel rejects the program
  if (k == kNrOffset) return Value{true, f.nr};
  if (k == kArchOffset) return Value{true, f.audit_arch};
  return Value{false, 0};
}

std::optional<Value> read_scratch(const State& s, std::uint32_t k) {
  if (k >= BPF_MEMWORDS || (s.stored & (1u << k)) == 0) return std::nullopt;
  return s.mem[k];
}

// ALU on possibly unknown values. nullopt when some input makes the kernel
// stop with a non-ALLOW result (div by X == 0 returns 0) or reject the program.
std::optional<Value> alu(unsigned op, Value a, Value v) {
  if (op == BPF_NEG) return a.known ? Value{true, 0u - a.v} : a;
  if (op == BPF_DIV && (!v.known || v.v == 0)) return std::nullopt;
  if ((op == BPF_LSH || op == BPF_RSH) && (!v.known || v.v >= 32)) return std::nullopt;
  if (!a.known || !v.known) return Value{false, 0};
  switch (op) {
    case BPF_ADD: return Value{true, a.v + v.v};
    case BPF_SUB: return Value{true, a.v - v.v};
    case BPF_MUL: return Value{true, a.v * v.v};
    case BPF_DIV: return Value{true, a.v / v.v};
    case BPF_AND: return Value{true, a.v & v.v};
    case BPF_OR: return Value{true, a.v | v.v};
    case BPF_XOR: return Value{true, a.v ^ v.v};
    case BPF_LSH: return Value{true, a.v << v.v};
    case BPF_RSH: return Value{true, a.v >> v.v};
    default: return std::nullopt;  // MOD and non-opcodes: rejected by the kernel
  }
}

Edge branch(const sock_filter& in, std::size_t pc, const State& s) {
  if (in.code == (BPF_JMP | BPF_JA)) return go(pc + 1 + in.k);
  const Value v = BPF_SRC(in.code) == BPF_X ? s.x : Value{true, in.k};
  if (!s.a.known || !v.known) return Edge{Edge::Kind::Fork, pc + 1 + in.jt, pc + 1 + in.jf};
  bool taken = false;
  switch (BPF_OP(in.code)) {
    case BPF_JEQ: taken = s.a.v == v.v; break;
    case BPF_JGT: taken = s.a.v > v.v; break;
    case BPF_JGE: taken = s.a.v >= v.v; break;
    case BPF_JSET: taken = (s.a.v & v.v) != 0; break;
    default: return not_allow();
  }
  return go(pc + 1 + (taken ? in.jt : in.jf));
}

Edge returns(const Value& v) {
  const bool allow = v.known && action_bits(v.v) == SECCOMP_RET_ALLOW;
  return allow ? Edge{Edge::Kind::Allow, 0, 0} : not_allow();
}

Edge abstract_step(const sock_filter& in, std::size_t pc, State& s, const Facts& f) {
  std::optional<Value> v;
  switch (in.code) {
    case BPF_LD | BPF_W | BPF_ABS: v = load(in.k, f); if (!v) return not_allow(); s.a = *v; break;
    case BPF_LD | BPF_W | BPF_LEN: s.a = Value{true, 64}; break;
    case BPF_LDX | BPF_W | BPF_LEN: s.x = Value{true, 64}; break;
    case BPF_LD | BPF_IMM: s.a = Value{true, in.k}; break;
    case BPF_LDX | BPF_IMM: s.x = Value{true, in.k}; break;
    case BPF_LD | BPF_MEM: v = read_scratch(s, in.k); if (!v) return not_allow(); s.a = *v; break;
    case BPF_LDX | BPF_MEM: v = read_scratch(s, in.k); if (!v) return not_allow(); s.x = *v; break;
    case BPF_ST:
    case BPF_STX:
      if (in.k >= BPF_MEMWORDS) return not_allow();
      s.mem[in.k] = in.code == BPF_ST ? s.a : s.x;
      s.stored |= 1u << in.k;
      break;
    case BPF_MISC | BPF_TAX: s.x = s.a; break;
    case BPF_MISC | BPF_TXA: s.a = s.x; break;
    case BPF_RET | BPF_K: return returns(Value{true, in.k});
    case BPF_RET | BPF_A: return returns(s.a);
    default:
      if (BPF_CLASS(in.code) == BPF_JMP) return branch(in, pc, s);
      if (BPF_CLASS(in.code) != BPF_ALU || (in.code == (BPF_ALU | BPF_NEG | BPF_X)))
        return not_allow();
      v = alu(BPF_OP(in.code), s.a, BPF_SRC(in.code) == BPF_X ? s.x : Value{true, in.k});
      if (!v) return not_allow();
      s.a = *v;
  }
  return go(pc + 1);
}

}  // namespace

bool always_allows(const Program& program, std::uint32_t audit_arch, std::uint32_t nr) {
  const auto insns = program.instructions();
  const Facts facts{audit_arch, nr};
  std::vector<std::pair<std::size_t, State>> work{{0, State{}}};
  std::set<std::pair<std::size_t, State::Key>> seen;  // paths already explored from here
  while (!work.empty()) {
    auto [pc, state] = work.back();
    work.pop_back();
    while (true) {
      if (pc >= insns.size()) return false;
      if (!seen.insert({pc, state.key()}).second) break;
      const Edge e = abstract_step(insns[pc], pc, state, facts);
      if (e.kind == Edge::Kind::NotAllow) return false;
      if (e.kind == Edge::Kind::Allow) break;
      if (e.kind == Edge::Kind::Fork) work.emplace_back(e.second, state);
      pc = e.first;
    }
  }
  return true;
}

// The kernel walks the original program with one register, following the
// only instructions whose result it can know: loads of nr and arch, jumps
// against constants, and with a constant, ret #k. Anything else gives up.
CacheProbe probe_const_allow(const Program& program, std::uint32_t audit_arch, std::uint32_t nr) {
  const auto insns = program.instructions();
  std::uint32_t reg = 0;
  for (std::size_t pc = 0; pc < insns.size(); ++pc) {
    const sock_filter& in = insns[pc];
    switch (in.code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if (in.k == kNrOffset) reg = nr;
        else if (in.k == kArchOffset) reg = audit_arch;
        else return stop(CacheVerdict::DataDependent, pc);
        break;
      case BPF_RET | BPF_K:
        return stop(in.k == SECCOMP_RET_ALLOW ? CacheVerdict::ConstAllow : CacheVerdict::ConstOther,
                    pc);
      case BPF_JMP | BPF_JA:
        pc += in.k;
        break;
      case BPF_JMP | BPF_JEQ | BPF_K:
        pc += reg == in.k ? in.jt : in.jf;
        break;
      case BPF_JMP | BPF_JGE | BPF_K:
        pc += reg >= in.k ? in.jt : in.jf;
        break;
      case BPF_JMP | BPF_JGT | BPF_K:
        pc += reg > in.k ? in.jt : in.jf;
        break;
      case BPF_JMP | BPF_JSET | BPF_K:
        pc += (reg & in.k) != 0 ? in.jt : in.jf;
        break;
      case BPF_ALU | BPF_AND | BPF_K:
        reg &= in.k;
        break;
      default:
        return stop(CacheVerdict::UnsupportedInsn, pc);
    }
  }
  return stop(CacheVerdict::RanOffEnd, insns.size());
}

bool is_const_allow(const Program& program, std::uint32_t audit_arch, std::uint32_t nr) {
  return probe_const_allow(program, audit_arch, nr).verdict == CacheVerdict::ConstAllow;
}

std::vector<ArchCacheReport> cache_report(const Program& program, std::span<const Arch> arches) {
  std::vector<ArchCacheReport> reports;
  for (Arch arch : arches) {
    const SyscallTable* table = syscall_table(arch);
    if (table == nullptr) continue;
    ArchCacheReport report;
    report.arch = arch;
    const std::uint32_t audit = audit_arch(arch);
    for (const SyscallEntry& e : table->entries()) {
      if (!always_allows(program, audit, e.number)) continue;
      report.allowed_arg_free.push_back(e.number);
      if (e.number >= kCacheBitmapLimit) {
        report.beyond_bitmap.push_back(e.number);
        continue;
      }
      CacheProbe probe = probe_const_allow(program, audit, e.number);
      if (probe.verdict != CacheVerdict::ConstAllow)
        report.uncached.push_back(UncachedSyscall{e.name, e.number, probe});
    }
    reports.push_back(std::move(report));
  }
  return reports;
}

}  // namespace scc::bpf
