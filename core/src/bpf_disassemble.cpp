// The disassembler: one line per instruction, in a fixed format for golden
// tests and for `inspect`:
//   " 0003: jeq #0xc000003e  jt 0004 jf 0010   ; AUDIT_ARCH_X86_64"
// Index and jump targets are absolute, 4-digit decimal; constants are hex;
// load offsets are decimal. The instruction text is padded to 34 columns
// when a comment follows. Comments name seccomp_data fields, AUDIT_ARCH_*
// constants, return values, and syscall numbers compared with nr on paths
// where the preceding arch checks fix the arch (a forward data-flow pass;
// where paths with different arch knowledge join, names are left out).
#include <linux/audit.h>
#include <linux/seccomp.h>

#include <bit>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "scc/bpf.hpp"
#include "scc/hex.hpp"
#include "scc/syscall_table.hpp"

namespace scc::bpf {
namespace {

constexpr std::uint32_t kX32Bit = 0x40000000;  // __X32_SYSCALL_BIT
constexpr std::size_t kTextWidth = 34;

struct AuditName {
  std::uint32_t value;
  const char* name;
};

// Every AUDIT_ARCH_* an Arch maps to (arch.cpp), by its <linux/audit.h> name.
constexpr AuditName kAuditNames[] = {
    {AUDIT_ARCH_X86_64, "AUDIT_ARCH_X86_64"},     {AUDIT_ARCH_I386, "AUDIT_ARCH_I386"},
    {AUDIT_ARCH_AARCH64, "AUDIT_ARCH_AARCH64"},   {AUDIT_ARCH_ARM, "AUDIT_ARCH_ARM"},
    {AUDIT_ARCH_MIPS, "AUDIT_ARCH_MIPS"},         {AUDIT_ARCH_MIPSEL, "AUDIT_ARCH_MIPSEL"},
    {AUDIT_ARCH_MIPS64, "AUDIT_ARCH_MIPS64"},     {AUDIT_ARCH_MIPSEL64, "AUDIT_ARCH_MIPSEL64"},
    {AUDIT_ARCH_MIPS64N32, "AUDIT_ARCH_MIPS64N32"},
    {AUDIT_ARCH_MIPSEL64N32, "AUDIT_ARCH_MIPSEL64N32"},
    {AUDIT_ARCH_PPC, "AUDIT_ARCH_PPC"},           {AUDIT_ARCH_PPC64, "AUDIT_ARCH_PPC64"},
    {AUDIT_ARCH_PPC64LE, "AUDIT_ARCH_PPC64LE"},   {AUDIT_ARCH_S390, "AUDIT_ARCH_S390"},
    {AUDIT_ARCH_S390X, "AUDIT_ARCH_S390X"},       {AUDIT_ARCH_PARISC, "AUDIT_ARCH_PARISC"},
    {AUDIT_ARCH_PARISC64, "AUDIT_ARCH_PARISC64"}, {AUDIT_ARCH_RISCV64, "AUDIT_ARCH_RISCV64"},
    {0xC0000102u, "AUDIT_ARCH_LOONGARCH64"},  // EM_LOONGARCH is missing from older headers
    {AUDIT_ARCH_M68K, "AUDIT_ARCH_M68K"},         {AUDIT_ARCH_SH, "AUDIT_ARCH_SH"},
    {AUDIT_ARCH_SHEL, "AUDIT_ARCH_SHEL"},
};

const char* audit_name(std::uint32_t value) {
  for (const auto& a : kAuditNames)
    if (a.value == value) return a.name;
  return nullptr;
}

std::string immediate(std::uint32_t v) { return "#" + hex_literal(v); }

std::string index4(std::size_t i) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04zu", i);
  return buf;
}

// ---- what A holds and which arch the path has established ----

enum class Reg { Other, Nr, Arch };

struct ArchFact {
  enum class Kind { None, Known, Mixed } kind = Kind::None;
  std::uint32_t audit = 0;
  bool operator==(const ArchFact&) const = default;
};

struct Flow {
  Reg a = Reg::Other;
  Reg x = Reg::Other;
  ArchFact arch;
};

Flow join(const Flow& p, const Flow& q) {
  Flow r;
  r.a = p.a == q.a ? p.a : Reg::Other;
  r.x = p.x == q.x ? p.x : Reg::Other;
  r.arch = p.arch == q.arch ? p.arch : ArchFact{ArchFact::Kind::Mixed, 0};
  return r;
}

void flow_into(std::vector<std::optional<Flow>>& in, std::size_t target, const Flow& f) {
  if (target >= in.size()) return;
  in[target] = in[target] ? join(*in[target], f) : f;
}

// The state after `insn` on its fall-through (or only) edge.
Flow transfer(const sock_filter& insn, Flow f) {
  switch (insn.code) {
    case BPF_LD | BPF_W | BPF_ABS:
      f.a = insn.k == 0 ? Reg::Nr : insn.k == 4 ? Reg::Arch : Reg::Other;
      break;
    case BPF_MISC | BPF_TAX: f.x = f.a; break;
    case BPF_MISC | BPF_TXA: f.a = f.x; break;
    default:
      if (BPF_CLASS(insn.code) == BPF_LD || BPF_CLASS(insn.code) == BPF_ALU) f.a = Reg::Other;
      if (BPF_CLASS(insn.code) == BPF_LDX) f.x = Reg::Other;
  }
  return f;
}

std::vector<std::optional<Flow>> analyse(std::span<const sock_filter> insns) {
  std::vector<std::optional<Flow>> in(insns.size());
  if (!insns.empty()) in[0] = Flow{};
  for (std::size_t pc = 0; pc < insns.size(); ++pc) {
    if (!in[pc]) continue;  // unreachable
    const sock_filter& insn = insns[pc];
    const Flow out = transfer(insn, *in[pc]);
    if (BPF_CLASS(insn.code) == BPF_RET) continue;
    if (insn.code == (BPF_JMP | BPF_JA)) {
      flow_into(in, pc + 1 + insn.k, out);
    } else if (BPF_CLASS(insn.code) == BPF_JMP && insn.jt == insn.jf) {
      flow_into(in, pc + 1 + insn.jt, out);  // both edges meet: nothing learnt
    } else if (BPF_CLASS(insn.code) == BPF_JMP) {
      Flow taken = out;
      if (BPF_OP(insn.code) == BPF_JEQ && BPF_SRC(insn.code) == BPF_K && out.a == Reg::Arch)
        taken.arch = ArchFact{ArchFact::Kind::Known, insn.k};
      flow_into(in, pc + 1 + insn.jt, taken);
      flow_into(in, pc + 1 + insn.jf, out);
    } else {
      flow_into(in, pc + 1, out);
    }
  }
  return in;
}

// ---- text ----

const char* alu_name(unsigned op) {
  switch (op) {
    case BPF_ADD: return "add";
    case BPF_SUB: return "sub";
    case BPF_MUL: return "mul";
    case BPF_DIV: return "div";
    case BPF_OR: return "or";
    case BPF_AND: return "and";
    case BPF_LSH: return "lsh";
    case BPF_RSH: return "rsh";
    case BPF_NEG: return "neg";
    case BPF_MOD: return "mod";
    case BPF_XOR: return "xor";
    default: return nullptr;
  }
}

const char* jump_name(unsigned op) {
  switch (op) {
    case BPF_JEQ: return "jeq";
    case BPF_JGT: return "jgt";
    case BPF_JGE: return "jge";
    case BPF_JSET: return "jset";
    default: return nullptr;
  }
}

std::string field_name(std::uint32_t k) {
  if (k >= 64) return "outside seccomp_data";
  if (k % 4 != 0) return "misaligned";
  if (k == 0) return "nr";
  if (k == 4) return "arch";
  // 64-bit fields: which half sits at the lower address depends on the host.
  const bool low_first = std::endian::native == std::endian::little;
  const char* half = ((k % 8 == 0) == low_first) ? " low" : " high";
  if (k < 16) return std::string("instruction_pointer") + half;
  return "args[" + std::to_string((k - 16) / 8) + "]" + half;
}

struct Line {
  std::string text;
  std::string comment;
};

const char* const kNotSeccomp = "not allowed in seccomp";
const char* const kNotClassic = "not a classic BPF instruction";

Line load_line(const sock_filter& in) {
  const std::string k = std::to_string(in.k);
  switch (in.code) {
    case BPF_LD | BPF_W | BPF_ABS: return {"ld [" + k + "]", field_name(in.k)};
    case BPF_LD | BPF_H | BPF_ABS: return {"ldh [" + k + "]", kNotSeccomp};
    case BPF_LD | BPF_B | BPF_ABS: return {"ldb [" + k + "]", kNotSeccomp};
    case BPF_LD | BPF_W | BPF_IND: return {"ld [x+" + k + "]", kNotSeccomp};
    case BPF_LD | BPF_H | BPF_IND: return {"ldh [x+" + k + "]", kNotSeccomp};
    case BPF_LD | BPF_B | BPF_IND: return {"ldb [x+" + k + "]", kNotSeccomp};
    case BPF_LD | BPF_W | BPF_LEN: return {"ld len", "64"};
    case BPF_LDX | BPF_W | BPF_LEN: return {"ldx len", "64"};
    case BPF_LD | BPF_IMM: return {"ld " + immediate(in.k), ""};
    case BPF_LDX | BPF_IMM: return {"ldx " + immediate(in.k), ""};
    case BPF_LD | BPF_MEM: return {"ld M[" + k + "]", ""};
    case BPF_LDX | BPF_MEM: return {"ldx M[" + k + "]", ""};
    case BPF_LDX | BPF_B | BPF_MSH: return {"ldx 4*([" + k + "]&0xf)", kNotSeccomp};
    default: return {};
  }
}

Line alu_line(const sock_filter& in) {
  const char* name = alu_name(BPF_OP(in.code));
  if (name == nullptr) return {};
  if (BPF_OP(in.code) == BPF_NEG) return BPF_SRC(in.code) == BPF_K ? Line{"neg", ""} : Line{};
  std::string text = std::string(name) + " " + (BPF_SRC(in.code) == BPF_X ? "x" : immediate(in.k));
  return {text, BPF_OP(in.code) == BPF_MOD ? kNotSeccomp : ""};
}

// The syscall name for `nr` on the arch this path has fixed, if any.
std::string syscall_comment(std::uint32_t audit, std::uint32_t nr) {
  std::optional<Arch> arch = arch_from_audit(audit);
  if (!arch) return {};
  if (*arch == Arch::X86_64 && (nr & kX32Bit) != 0) arch = Arch::X32;
  const SyscallTable* table = syscall_table(*arch);
  if (table == nullptr) return {};
  auto name = table->name(nr);
  return name ? std::string(*name) : std::string();
}

std::string compare_comment(const sock_filter& in, const std::optional<Flow>& flow) {
  if (!flow || BPF_SRC(in.code) != BPF_K) return {};
  if (flow->a == Reg::Arch) {
    const char* name = audit_name(in.k);
    return name ? name : "";
  }
  if (flow->a != Reg::Nr || flow->arch.kind != ArchFact::Kind::Known) return {};
  const bool x86_64 = flow->arch.audit == AUDIT_ARCH_X86_64;
  if (x86_64 && in.k == kX32Bit && BPF_OP(in.code) != BPF_JEQ) return "__X32_SYSCALL_BIT";
  if (BPF_OP(in.code) == BPF_JSET) return {};
  return syscall_comment(flow->arch.audit, in.k);
}

Line jump_line(const sock_filter& in, std::size_t pc, std::size_t size,
               const std::optional<Flow>& flow) {
  if (in.code == (BPF_JMP | BPF_JA)) {
    const std::size_t target = pc + 1 + in.k;
    return {"ja " + index4(target), target >= size ? "jump out of range" : ""};
  }
  const char* name = jump_name(BPF_OP(in.code));
  if (name == nullptr) return {};
  const std::size_t jt = pc + 1 + in.jt;
  const std::size_t jf = pc + 1 + in.jf;
  std::string text = std::string(name) + " " + (BPF_SRC(in.code) == BPF_X ? "x" : immediate(in.k)) +
                     "  jt " + index4(jt) + " jf " + index4(jf);
  if (jt >= size || jf >= size) return {text, "jump out of range"};
  return {text, compare_comment(in, flow)};
}

Line other_line(const sock_filter& in) {
  switch (in.code) {
    case BPF_RET | BPF_K: return {"ret " + immediate(in.k), describe_return(in.k)};
    case BPF_RET | BPF_A: return {"ret a", ""};
    case BPF_RET | BPF_X: return {"ret x", kNotClassic};
    case BPF_MISC | BPF_TAX: return {"tax", ""};
    case BPF_MISC | BPF_TXA: return {"txa", ""};
    case BPF_ST: return {"st M[" + std::to_string(in.k) + "]", ""};
    case BPF_STX: return {"stx M[" + std::to_string(in.k) + "]", ""};
    default: return {};
  }
}

Line describe(const sock_filter& in, std::size_t pc, std::size_t size,
              const std::optional<Flow>& flow) {
  Line line;
  switch (BPF_CLASS(in.code)) {
    case BPF_LD:
    case BPF_LDX: line = load_line(in); break;
    case BPF_ALU: line = alu_line(in); break;
    case BPF_JMP: line = jump_line(in, pc, size, flow); break;
    default: line = other_line(in);
  }
  if (line.text.empty()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, ".insn 0x%04x %u %u 0x%x", in.code, in.jt, in.jf, in.k);
    line = {buf, kNotClassic};
  }
  return line;
}

}  // namespace

std::string disassemble(const Program& program) {
  const auto insns = program.instructions();
  const auto flows = analyse(insns);
  std::string out;
  for (std::size_t pc = 0; pc < insns.size(); ++pc) {
    Line line = describe(insns[pc], pc, insns.size(), flows[pc]);
    out += " " + index4(pc) + ": " + line.text;
    if (!line.comment.empty()) {
      if (line.text.size() < kTextWidth) out.append(kTextWidth - line.text.size(), ' ');
      out += " ; " + line.comment;
    }
    out += '\n';
  }
  return out;
}

}  // namespace scc::bpf
