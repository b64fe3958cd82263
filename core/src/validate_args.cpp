// Checks on argument conditions: index range, SCMP_CMP_MASKED_EQ operands,
// repeated indexes, comparisons that differ from what the kernel reads on a
// 32-bit argument, and filters that multiplexing syscalls bypass.
#include <algorithm>
#include <array>
#include <limits>
#include <string_view>

#include "arg_regions.hpp"
#include "scc/hex.hpp"
#include "scc/names.hpp"
#include "scc/syscall_table.hpp"
#include "validate_checks.hpp"

namespace scc::validate_detail {
namespace {

constexpr std::uint64_t kMaxIndex = 5;  // seccomp_data.args[6]
constexpr std::uint64_t kLow32 = 0xFFFFFFFFu;
constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();

// The calls 32-bit ABIs reach through socketcall(2) or ipc(2) as well as
// directly; seccomp sees only the multiplexer and its (pointer) arguments.
constexpr std::array<std::string_view, 32> kMultiplexedCalls{
    "socket",     "bind",        "connect",    "listen",      "accept",     "accept4",
    "getsockname", "getpeername", "socketpair", "send",       "recv",       "sendto",
    "recvfrom",   "shutdown",    "setsockopt", "getsockopt",  "sendmsg",    "recvmsg",
    "recvmmsg",   "sendmmsg",    "semop",      "semget",      "semctl",     "semtimedop",
    "msgsnd",     "msgrcv",      "msgget",     "msgctl",      "shmat",      "shmdt",
    "shmget",     "shmctl"};
// The ABIs with socketcall(2) and ipc(2): i386, s390, ppc and mips o32.
constexpr std::array<Arch, 8> kMultiplexingArches{Arch::X86,   Arch::S390,  Arch::S390X,
                                                  Arch::Ppc,   Arch::Ppc64, Arch::Ppc64Le,
                                                  Arch::Mips,  Arch::Mipsel};

bool matches(const ArgCondition& c, std::uint64_t x) {
  const std::uint64_t v = c.has_value ? c.value : 0;
  switch (c.op) {
    case Operator::Ne: return x != v;
    case Operator::Lt: return x < v;
    case Operator::Le: return x <= v;
    case Operator::Eq: return x == v;
    case Operator::Ge: return x >= v;
    case Operator::Gt: return x > v;
    case Operator::MaskedEq: return (x & v) == c.value_two.value_or(0);
  }
  return false;
}

// THE WIDTH RULE. On an argument the kernel reads as 32 bits, the kernel acts
// on low32(x) while seccomp_data carries all 64 bits of the register. A
// condition has two readings: the 64-bit comparison that runc, crun and
// libseccomp load as written, and the comparison of what the kernel reads
// (low32(x), zero-extended), which is what seccomp-convert compiles
// (width_rewrite.hpp). A condition is width-unsafe (an error) when these
// readings differ in a way a profile author cannot have meant:
// - SCMP_CMP_LT, _LE, _GT, _GE: always, except the trivial GE 0, LT 0,
//   LE 2^64-1 and GT 2^64-1 (always or never true on both readings). GT 40
//   lets 0x100000028 through although the kernel reads 40: moby's socket rule
//   allows AF_VSOCK this way under runc.
// - SCMP_CMP_EQ, _NE, and _MASKED_EQ's valueTwo: when the constant needs more
//   than 32 bits, as the kernel never sees such a value. With a 32-bit
//   constant they are the normal way to name a 32-bit value; the readings
//   then differ only for calls with bits in the high half, and seccomp-convert
//   compiles them exactly (its mask bits above 31 meet zeros), so they are
//   not reported.
// Returns an x on which the two readings differ, or nothing when the
// condition is width-safe.
std::optional<std::uint64_t> width_counterexample(const ArgCondition& c) {
  const std::uint64_t v = c.value;
  const std::uint64_t high = kLow32 + 1;  // 2^32: the kernel reads it as 0
  switch (c.op) {
    case Operator::Eq:
    case Operator::Ne:
      return v > kLow32 ? std::optional(v) : std::nullopt;
    case Operator::MaskedEq: {
      const std::uint64_t want = c.value_two.value_or(0);
      return want > kLow32 ? std::optional(want) : std::nullopt;
    }
    case Operator::Gt:
      if (v == kMax64) return std::nullopt;
      return v <= kLow32 ? high + v : kMax64;
    case Operator::Ge:
      if (v == 0) return std::nullopt;
      return v <= kLow32 ? high + (v - 1) : kMax64;
    case Operator::Lt:
      if (v == 0) return std::nullopt;
      return v <= kLow32 ? high + (v - 1) : kMax64;
    case Operator::Le:
      if (v == kMax64) return std::nullopt;
      return v <= kLow32 ? high + v : kMax64;
  }
  return std::nullopt;
}

std::string describe_condition(const ArgCondition& c) {
  std::string out = '"' + std::string(to_string(c.op)) + "\" " + std::to_string(c.value);
  if (c.op == Operator::MaskedEq) out += " (value " + std::to_string(c.value_two.value_or(0)) + ")";
  return out;
}

void check_width(const Context& ctx, const SyscallRule& r, const ArgCondition& c,
                 Diagnostics& out) {
  auto x = width_counterexample(c);
  if (!x) return;
  const std::uint64_t seen = *x & kLow32;
  const bool m64 = matches(c, *x), m32 = matches(c, seen);
  if (m64 == m32) return;  // cannot happen: the witness is built to differ
  std::vector<std::string> names;
  std::vector<Arch> arches;
  const auto index = static_cast<unsigned>(c.index);
  for (const TargetGroup* g : applicable_groups(ctx, r))
    for (Arch a : g->table_arches) {
      if (!has_64bit_registers(a)) continue;
      for (const std::string& n : r.names) {
        if (arg_width(a, n, index) != ArgWidth::Bits32) continue;
        if (std::find(names.begin(), names.end(), '"' + n + '"') == names.end())
          names.push_back('"' + n + '"');
        if (std::find(arches.begin(), arches.end(), a) == arches.end()) arches.push_back(a);
      }
    }
  if (names.empty()) return;
  const std::string w = hex_literal(*x), s = hex_literal(seen);
  std::string msg = "comparison " + describe_condition(c) + " on argument " +
                    std::to_string(c.index) + " of " + join_words(names) +
                    " is not width-safe: the kernel reads this argument as 32 bits on " +
                    arch_list(arches) + ", but compared on 64 bits (as runc, crun and " +
                    "libseccomp load it) " + w + ", which the kernel reads as " + s +
                    (m64 ? ", matches although " + s + " does not"
                         : ", does not match although " + s + " does");
  std::string hint = c.op == Operator::Eq || c.op == Operator::Ne || c.op == Operator::MaskedEq
                         ? "the kernel never sees a value above 0xffffffff in this argument"
                         : "seccomp-convert compiles it on the 32 bits the kernel reads; for "
                           "runtimes that load the profile as written, use SCMP_CMP_EQ or "
                           "SCMP_CMP_MASKED_EQ with values below 2^32";
  out.error(Code::WidthUnsafeComparison, c.pointer, msg, hint);
}

// Returns false when the condition is malformed and further checks on it
// would only repeat the problem.
bool check_masked_eq(const ArgCondition& c, Diagnostics& out) {
  if (c.op != Operator::MaskedEq) return true;
  const std::uint64_t want = c.value_two.value_or(0);
  if (!c.has_value) {
    out.error(Code::MaskedEqWithoutValue, c.pointer,
              "\"SCMP_CMP_MASKED_EQ\" without \"value\" (the mask): mask 0 " +
                  std::string(want == 0 ? "matches every value, which makes the rule "
                                          "unconditional"
                                        : "matches no value"));
    return false;
  }
  if (c.value == 0 && want == 0) {
    out.warning(Code::MaskedEqWithoutValue, c.pointer + "/value",
                "\"SCMP_CMP_MASKED_EQ\" with mask 0 matches every value: the condition is "
                "always true");
    return false;
  }
  if ((want & ~c.value) != 0) {
    bool swapped_fits = (c.value & ~want) == 0;
    out.error(Code::MaskedEqUnreachable, c.pointer + "/valueTwo",
              "\"SCMP_CMP_MASKED_EQ\" never matches: valueTwo " + std::to_string(want) + " (" +
                  hex_literal(want) + ") has bits outside the mask " + std::to_string(c.value) + " (" +
                  hex_literal(c.value) + ")",
              swapped_fits ? "\"value\" is the mask and \"valueTwo\" the bits to expect; "
                             "they look swapped"
                           : "");
    return false;
  }
  return true;
}

void check_repeated(const SyscallRule& r, Diagnostics& out) {
  for (std::size_t i = 0; i < r.args.size(); ++i) {
    const ArgCondition& c = r.args[i];
    std::size_t first = 0;
    while (first < i && r.args[first].index != c.index) ++first;
    if (first == i) continue;
    // Report each repeated index once, at its second condition.
    auto seen = std::count_if(r.args.begin(), r.args.begin() + static_cast<std::ptrdiff_t>(i),
                              [&](const ArgCondition& d) { return d.index == c.index; });
    if (seen != 1) continue;
    out.warning(Code::RepeatedArgIndex, c.pointer,
                "argument " + std::to_string(c.index) + " is compared more than once in this "
                "rule (also at " + r.args[first].pointer + "): runc and crun turn every "
                "condition of this rule into its own rule (OR), while the profile reads as "
                "all conditions at once (AND); libseccomp allows one comparison per argument");
  }
}

void check_multiplexed(const Context& ctx, const SyscallRule& r, Diagnostics& out) {
  if (r.args.empty()) return;
  std::vector<Arch> arches;
  for (const TargetGroup* g : applicable_groups(ctx, r))
    for (Arch a : g->arches)
      if (multiplexes_calls(a) && std::find(arches.begin(), arches.end(), a) == arches.end())
        arches.push_back(a);
  if (arches.empty()) return;
  for (std::size_t i = 0; i < r.names.size(); ++i) {
    const std::string& n = r.names[i];
    if (!is_multiplexed_call(n)) continue;
    bool ipc = n.rfind("sem", 0) == 0 || n.rfind("msg", 0) == 0 || n.rfind("shm", 0) == 0;
    out.warning(Code::MultiplexedArgFilter, r.name_pointers[i],
                "the argument filter on \"" + n + "\" cannot be enforced on " + arch_list(arches) +
                    ": programs there can call it through " + (ipc ? "ipc(2)" : "socketcall(2)") +
                    ", whose arguments sit in memory that seccomp cannot read");
  }
}

}  // namespace

bool is_multiplexed_call(std::string_view name) {
  return std::find(kMultiplexedCalls.begin(), kMultiplexedCalls.end(), name) !=
         kMultiplexedCalls.end();
}

bool multiplexes_calls(Arch arch) {
  return std::find(kMultiplexingArches.begin(), kMultiplexingArches.end(), arch) !=
         kMultiplexingArches.end();
}

void check_args(const Context& ctx, Diagnostics& out) {
  for (const SyscallRule& r : ctx.profile.syscalls) {
    for (const ArgCondition& c : r.args) {
      if (c.index > kMaxIndex) {
        out.error(Code::ArgIndexRange, c.pointer + "/index",
                  "argument index " + std::to_string(c.index) +
                      " is out of range 0-5: seccomp sees six arguments");
        continue;
      }
      if (check_masked_eq(c, out)) check_width(ctx, r, c, out);
    }
    check_repeated(r, out);
    check_multiplexed(ctx, r, out);
  }
}

bool satisfiable(const std::vector<const ArgCondition*>& conditions, std::uint64_t required_bits) {
  std::uint64_t lo = 0, hi = kMax64, mask = required_bits, bits = required_bits;
  std::vector<std::uint64_t> excluded;
  for (const ArgCondition* c : conditions) {
    const std::uint64_t v = c->has_value ? c->value : 0;
    switch (c->op) {
      case Operator::Eq: lo = std::max(lo, v); hi = std::min(hi, v); break;
      case Operator::Ne: excluded.push_back(v); break;
      case Operator::Lt: if (v == 0) return false; hi = std::min(hi, v - 1); break;
      case Operator::Le: hi = std::min(hi, v); break;
      case Operator::Gt: if (v == kMax64) return false; lo = std::max(lo, v + 1); break;
      case Operator::Ge: lo = std::max(lo, v); break;
      case Operator::MaskedEq: {
        const std::uint64_t want = c->value_two.value_or(0);
        if ((want & ~v) != 0 || ((bits ^ want) & mask & v) != 0) return false;
        bits |= want;
        mask |= v;
        break;
      }
    }
  }
  // Walk the values with the required bits upwards, past excluded ones.
  for (std::uint64_t from = lo; from <= hi;) {
    auto x = next_matching64(from, mask, bits);
    if (!x || *x > hi) return false;
    if (std::find(excluded.begin(), excluded.end(), *x) == excluded.end()) return true;
    if (*x == kMax64) return false;
    from = *x + 1;
  }
  return false;
}

}  // namespace scc::validate_detail
