// The generator behind random_profile(): small name pools so that rules
// overlap on the same syscalls (conflicts, AND/OR mixes, most-restrictive
// ordering), sometimes one wide rule that pushes the compiler into its
// binary tree, and argument values clustered at the 32/64-bit edges.
#include "support/random_profile.hpp"

#include <array>
#include <random>
#include <string>
#include <vector>

#include "scc/syscall_table.hpp"

namespace scc::test {
namespace {

using Rng = std::mt19937_64;

std::uint64_t below(Rng& rng, std::uint64_t n) {
  return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng);
}
bool chance(Rng& rng, unsigned percent) { return below(rng, 100) < percent; }

constexpr std::array<std::uint64_t, 20> kEdges{
    0, 1, 2, 8, 38, 40, 0xff, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x100000000,
    0x100000001, 0x100000026, 0x7fffffffffffffff, 0x8000000000000000, 0xfffffffeffffffff,
    0xfffffffffffffffe, 0xffffffffffffffff, 0xffffffff00000000};

std::uint64_t random_value(Rng& rng) {
  switch (below(rng, 5)) {
    case 0: return kEdges[below(rng, kEdges.size())];
    case 1: return kEdges[below(rng, kEdges.size())] + below(rng, 3) - 1;  // a neighbour
    case 2: return below(rng, 64);
    case 3: return rng() & 0xffffffff;
    default: return rng();
  }
}

std::uint64_t random_errno(Rng& rng) {
  constexpr std::array<std::uint64_t, 5> common{1, 13, 38, 95, 4094};
  return chance(rng, 60) ? common[below(rng, common.size())] : 1 + below(rng, 4094);
}

// Ordered and NE comparisons on 32-bit arguments become sets of aligned
// MASKED_EQ blocks, and several of them on overlapping rules multiply: at
// most one per rule, with values that need few blocks more often than not,
// keeps programs under the kernel's 4096 instructions.
ArgCondition random_condition(Rng& rng, const std::string& rule_pointer, std::size_t k,
                              bool& range_used) {
  constexpr std::array<Operator, 5> ranges{Operator::Ne, Operator::Lt, Operator::Le,
                                           Operator::Ge, Operator::Gt};
  ArgCondition c;
  c.index = below(rng, 6);
  c.value = random_value(rng);
  if (!range_used && chance(rng, 35)) {
    range_used = true;
    c.op = ranges[below(rng, ranges.size())];
    if (chance(rng, 50)) c.value &= 0xffffffffffff0000;  // a round value: few blocks
  } else {
    c.op = chance(rng, 50) ? Operator::Eq : Operator::MaskedEq;
  }
  if (c.op == Operator::MaskedEq) {
    if (c.value == 0) c.value = 0xff;  // mask 0 matches everything: validate() rejects it
    if (!chance(rng, 10)) c.value_two = random_value(rng) & c.value;
  }
  c.pointer = rule_pointer + "/args/" + std::to_string(k);
  return c;
}

// Most names from the primary arch's table; a few that only other arches know.
std::vector<std::string> name_pool(Rng& rng, std::span<const Arch> arches, std::size_t n) {
  std::vector<std::string> pool;
  while (pool.size() < n) {
    const Arch arch = chance(rng, 85) ? arches.front() : arches[below(rng, arches.size())];
    auto entries = syscall_table(arch)->entries();
    pool.emplace_back(entries[below(rng, entries.size())].name);
  }
  return pool;
}

Action random_action(Rng& rng) {
  constexpr std::array<Action, 5> actions{Action::Errno, Action::Allow, Action::KillProcess,
                                          Action::Trap, Action::Log};
  return actions[below(rng, actions.size())];
}

SyscallRule random_rule(Rng& rng, const std::vector<std::string>& pool, std::size_t index,
                        std::size_t max_names) {
  SyscallRule r;
  r.pointer = "/syscalls/" + std::to_string(index);
  r.used_names_field = true;
  const std::size_t names = 1 + below(rng, max_names);
  for (std::size_t j = 0; j < names; ++j) {
    r.names.push_back(pool[below(rng, pool.size())]);
    r.name_pointers.push_back(r.pointer + "/names/" + std::to_string(j));
  }
  r.action = random_action(rng);
  if (r.action == Action::Errno) r.errno_ret = random_errno(rng);
  const std::uint64_t roll = below(rng, 100);
  const std::size_t conditions = roll < 40 ? 0 : roll < 80 ? 1 : roll < 95 ? 2 : 3;
  bool range_used = false;
  for (std::size_t k = 0; k < conditions; ++k)
    r.args.push_back(random_condition(rng, r.pointer, k, range_used));
  return r;
}

}  // namespace

Profile random_profile(std::uint64_t seed, std::span<const Arch> arches) {
  Rng rng(seed);
  Profile p;
  p.dialect = Dialect::Oci;
  p.has_architectures = true;
  p.architectures.assign(arches.begin(), arches.end());
  constexpr std::array<Action, 3> defaults{Action::Errno, Action::Allow, Action::KillProcess};
  p.default_action = defaults[below(rng, defaults.size())];
  if (p.default_action == Action::Errno) p.default_errno_ret = random_errno(rng);
  const std::vector<std::string> pool = name_pool(rng, arches, 4 + below(rng, 20));
  const std::size_t rules = 1 + below(rng, 20);
  for (std::size_t i = 0; i < rules; ++i) p.syscalls.push_back(random_rule(rng, pool, i, 3));
  if (chance(rng, 25)) {  // one wide rule: more than 32 names, the binary tree
    const std::vector<std::string> wide = name_pool(rng, arches, 40 + below(rng, 40));
    SyscallRule r = random_rule(rng, wide, p.syscalls.size(), 1);
    r.names = wide;
    r.name_pointers.clear();
    for (std::size_t j = 0; j < wide.size(); ++j)
      r.name_pointers.push_back(r.pointer + "/names/" + std::to_string(j));
    p.syscalls.push_back(std::move(r));
  }
  return p;
}

}  // namespace scc::test
