// The semantic diff of two filter stacks (semantic_diff.hpp): per arch and
// syscall number, explore, partition each word, evaluate the cross product.
#include "scc/semantic_diff.hpp"

#include <linux/seccomp.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "arg_regions.hpp"
#include "bpf_paths.hpp"
#include "diff_regions.hpp"
#include "scc/names.hpp"
#include "scc/syscall_table.hpp"

namespace scc {
namespace {

constexpr std::uint32_t kX32Bit = 0x40000000u;
constexpr std::size_t kSampleValuesPerWord = 256;
constexpr std::size_t kMaxNumberCells = std::size_t{1} << 14;
constexpr std::size_t kMaxRawRegions = 20000;  // per number, before merging
constexpr std::uint32_t kMaxErrno = 4095;  // the kernel caps ERRNO data at MAX_ERRNO

// The region word (field * 2 + high half) that seccomp_data word w is, for
// the argument and instruction-pointer words 2-15.
unsigned region_index(unsigned word) {
  const unsigned field = word < 4 ? static_cast<unsigned>(kInstructionPointerField) : (word - 4) / 2;
  const bool second = word % 2 == 1;  // the word at the field's higher address
  const bool high = std::endian::native == std::endian::little ? second : !second;
  return field * 2 + (high ? 1 : 0);
}

bpf::SeccompData data_of(const std::array<std::uint32_t, bpf::kDataWords>& words) {
  std::array<std::uint8_t, 4 * bpf::kDataWords> bytes{};
  std::memcpy(bytes.data(), words.data(), bytes.size());
  bpf::SeccompData d;
  std::memcpy(&d.nr, bytes.data() + 0, 4);
  std::memcpy(&d.arch, bytes.data() + 4, 4);
  std::memcpy(&d.instruction_pointer, bytes.data() + 8, 8);
  std::memcpy(d.args.data(), bytes.data() + 16, 48);
  return d;
}

// Which words to vary for one (arch, nr), and how.
struct Plan {
  std::vector<unsigned> words;
  std::vector<WordPartition> parts;
  bool complete = true;
  std::string reason;
  void not_proven(const std::string& why) {
    complete = false;
    if (reason.empty()) reason = why;
  }
};

// Everything the regions of one number are built from: the varied words,
// their cells' sets and whether they are samples, and the differing cells.
std::vector<std::uint32_t> memo_key(const Plan& plan, const std::vector<DiffCell>& cells) {
  std::vector<std::uint32_t> key{static_cast<std::uint32_t>(plan.words.size())};
  for (std::size_t i = 0; i < plan.words.size(); ++i) {
    key.insert(key.end(), {plan.words[i], plan.parts[i].complete ? 1u : 0u,
                           static_cast<std::uint32_t>(plan.parts[i].cells.size())});
    for (const WordCell& cell : plan.parts[i].cells) {
      key.push_back(static_cast<std::uint32_t>(cell.sets.size()));
      for (const WordSet& s : cell.sets) key.insert(key.end(), {s.first, s.last, s.mask, s.bits});
    }
  }
  for (const DiffCell& cell : cells) {
    key.insert(key.end(), {cell.verdict_a, cell.verdict_b});
    for (std::int32_t i : cell.index) key.push_back(static_cast<std::uint32_t>(i));
  }
  return key;
}

// Numbers with equal keys get equal verdicts from every program for every
// argument (bpf_paths.hpp, nr_decisions); nullopt when a program uses the
// number's value otherwise.
std::optional<std::vector<std::uint8_t>> behaviour_key(std::uint32_t audit,
                                                       const std::vector<bpf::PathSummary>& summaries) {
  std::vector<std::uint8_t> key;
  for (unsigned shift = 0; shift < 32; shift += 8) key.push_back(static_cast<std::uint8_t>(audit >> shift));
  for (const auto& s : summaries) {
    if (s.nr_as_value) return std::nullopt;
    for (bool taken : s.nr_decisions) key.push_back(taken ? 1 : 0);
    key.push_back(2);
  }
  return key;
}

// What comparing one number found.
struct Outcome {
  std::vector<Region> regions;
  std::size_t regions_dropped = 0;  // raw regions past kMaxRawRegions, not reported
  bool proven = true;
  std::string reason;
  bool operator==(const Outcome&) const = default;
};

// The numbers of the requested tables of one AUDIT_ARCH: arch and name.
using NamedNumbers = std::map<std::uint32_t, std::pair<Arch, std::string_view>>;

std::string word_name(unsigned word) {
  const unsigned index = region_index(word);
  const std::string field =
      index / 2 == kInstructionPointerField ? "ip" : "arg" + std::to_string(index / 2);
  return field + (index % 2 == 1 ? " high" : " low") + " 32 bits";
}

class Differ {
 public:
  Differ(std::span<const bpf::Program> a, std::span<const bpf::Program> b, const DiffOptions& options)
      : a_(a), b_(b), options_(options) {}
  Result<DiffResult> run();

 private:
  void compare_group(std::uint32_t audit, const std::vector<Arch>& arches);
  void compare_unknown(std::uint32_t audit, const std::vector<Arch>& arches, const NamedNumbers& named);
  WordPartition number_partition(std::uint32_t audit, std::string& reason);
  Outcome compare_number(std::uint32_t audit, std::uint32_t nr);
  Outcome compare_fresh(std::uint32_t audit, std::uint32_t nr, const std::vector<bpf::PathSummary>& summaries);
  Plan plan(const std::vector<bpf::PathSummary>& summaries);
  std::vector<bpf::PathSummary> explore_all(const bpf::KnownWords& known) const;
  void evaluate_cell(const Plan& plan, std::span<const std::size_t> index,
                     std::array<std::uint32_t, bpf::kDataWords>& words, Outcome& out,
                     std::vector<DiffCell>& differing);
  void add_regions(const Plan& plan, const std::vector<DiffCell>& cells, Outcome& out);
  static void add_regions_uncached(const Plan& plan, const std::vector<DiffCell>& cells, Outcome& out);
  static void expand(const Plan& plan, const DiffCell& cell, std::size_t word, Region& region,
                     std::vector<Region>& out);
  void record(Arch arch, WordSet numbers, std::string_view name, Outcome outcome);
  Arch label(std::uint32_t audit, std::uint32_t nr, const std::vector<Arch>& arches) const;

  std::span<const bpf::Program> a_;
  std::span<const bpf::Program> b_;
  DiffOptions options_;
  DiffResult result_;
  // Outcomes by behaviour_key(): numbers the programs cannot tell apart.
  std::map<std::vector<std::uint8_t>, Outcome> outcomes_;
  // Merged regions by memo_key(): many numbers of a filter differ the same way.
  std::map<std::vector<std::uint32_t>, std::pair<std::vector<Region>, std::size_t>> merged_;
};

std::vector<bpf::PathSummary> Differ::explore_all(const bpf::KnownWords& known) const {
  std::vector<bpf::PathSummary> out;
  for (const auto& p : a_) out.push_back(bpf::explore_paths(p, known));
  for (const auto& p : b_) out.push_back(bpf::explore_paths(p, known));
  return out;
}

Plan Differ::plan(const std::vector<bpf::PathSummary>& summaries) {
  std::array<std::vector<bpf::WordPredicate>, bpf::kDataWords> by_word;
  std::uint32_t touched = 0;
  std::set<std::uint32_t> constants;
  Plan plan;
  for (const auto& s : summaries) {
    for (const auto& p : s.predicates) by_word[p.word].push_back(p);
    touched |= s.opaque_words | s.loaded_words;
    constants.insert(s.constants.begin(), s.constants.end());
    if (!s.analysable()) plan.not_proven("not analysable: " + s.reason);
  }
  const bool analysable = plan.complete;
  const std::vector<std::uint32_t> seeds(constants.begin(), constants.end());
  for (unsigned w = 2; w < bpf::kDataWords; ++w) {
    if (analysable && by_word[w].empty()) continue;
    if (!analysable && by_word[w].empty() && (touched & (1u << w)) == 0) continue;
    WordPartition part = analysable ? partition_word(by_word[w], options_.max_cells_per_word)
                                    : sample_word(by_word[w], seeds, kSampleValuesPerWord);
    if (analysable && !part.complete)
      plan.not_proven("too many distinct mask bits or cells on " + word_name(w) + "; tested " +
                      std::to_string(part.cells.size()) + " values");
    plan.words.push_back(w);
    plan.parts.push_back(std::move(part));
  }
  return plan;
}

void Differ::evaluate_cell(const Plan& plan, std::span<const std::size_t> index,
                           std::array<std::uint32_t, bpf::kDataWords>& words, Outcome& out,
                           std::vector<DiffCell>& differing) {
  for (std::size_t i = 0; i < plan.words.size(); ++i) words[plan.words[i]] = plan.parts[i].cells[index[i]].value;
  const bpf::SeccompData data = data_of(words);
  auto va = stack_verdict(a_, data);
  auto vb = stack_verdict(b_, data);
  result_.evaluations += a_.size() + b_.size();
  if (!va.ok() || !vb.ok()) {
    const auto& d = va.ok() ? vb.diagnostics : va.diagnostics;
    out.proven = false;
    if (out.reason.empty())
      out.reason = "a program faults: " + (d.items().empty() ? std::string("?") : d.items().front().message);
    return;
  }
  if (*va.value == *vb.value) return;
  DiffCell cell{{}, *va.value, *vb.value};
  for (std::size_t i : index) cell.index.push_back(static_cast<std::int32_t>(i));
  differing.push_back(std::move(cell));
}

// The regions of the differing cells: one per combination of the cells'
// sets (a cell is a union of sets), at most kMaxRawRegions before merging.
void Differ::add_regions(const Plan& plan, const std::vector<DiffCell>& cells, Outcome& out) {
  std::vector<std::uint32_t> key = memo_key(plan, cells);
  if (auto it = merged_.find(key); it != merged_.end()) {
    out.regions = it->second.first;
    out.regions_dropped = it->second.second;
    return;
  }
  add_regions_uncached(plan, cells, out);
  merged_.emplace(std::move(key), std::make_pair(out.regions, out.regions_dropped));
}

void Differ::add_regions_uncached(const Plan& plan, const std::vector<DiffCell>& cells, Outcome& out) {
  bool sampled = false;
  for (const auto& part : plan.parts) sampled = sampled || !part.complete;
  std::vector<Region> regions;
  for (const DiffCell& cell : cells) {
    Region region;
    region.verdict_a = cell.verdict_a;
    region.verdict_b = cell.verdict_b;
    region.sampled = sampled;
    expand(plan, cell, 0, region, regions);
    if (regions.size() > kMaxRawRegions) {
      out.regions_dropped = regions.size() - kMaxRawRegions;
      regions.resize(kMaxRawRegions);
    }
  }
  out.regions = merge_regions(std::move(regions));
}

void Differ::expand(const Plan& plan, const DiffCell& cell, std::size_t word, Region& region,
                    std::vector<Region>& out) {
  if (out.size() > kMaxRawRegions) return;
  if (word == plan.words.size()) {
    out.push_back(region);
    return;
  }
  WordSet& slot = region_word(region, region_index(plan.words[word]));
  if (cell.index[word] == kAnyCell) {
    slot = WordSet{};
    expand(plan, cell, word + 1, region, out);
    return;
  }
  for (const WordSet& set : plan.parts[word].cells[static_cast<std::size_t>(cell.index[word])].sets) {
    slot = set;
    expand(plan, cell, word + 1, region, out);
  }
}

Outcome Differ::compare_number(std::uint32_t audit, std::uint32_t nr) {
  bpf::KnownWords known{};
  known[bpf::kNrWord] = nr;
  known[bpf::kArchWord] = audit;
  const auto summaries = explore_all(known);
  const auto key = behaviour_key(audit, summaries);
  if (key)
    if (auto it = outcomes_.find(*key); it != outcomes_.end()) return it->second;
  Outcome out = compare_fresh(audit, nr, summaries);
  if (key) outcomes_.emplace(*key, out);
  return out;
}

Outcome Differ::compare_fresh(std::uint32_t audit, std::uint32_t nr, const std::vector<bpf::PathSummary>& summaries) {
  Plan p = plan(summaries);
  const std::size_t cap = options_.max_evaluations_per_syscall;
  std::size_t total = 1;  // saturates at cap + 1
  for (const auto& part : p.parts)
    total = total > cap / part.cells.size() ? cap + 1 : total * part.cells.size();
  Outcome out;
  std::array<std::uint32_t, bpf::kDataWords> words{};
  words[bpf::kNrWord] = nr;
  words[bpf::kArchWord] = audit;
  std::vector<std::size_t> index(p.words.size(), 0);
  std::vector<DiffCell> differing;
  if (total <= cap) {
    for (std::size_t n = 0; n < total; ++n) {
      evaluate_cell(p, index, words, out, differing);
      for (std::size_t i = 0; i < index.size() && ++index[i] == p.parts[i].cells.size(); ++i) index[i] = 0;
    }
  } else {
    p.not_proven("more than " + std::to_string(cap) + " value combinations; tested that many at random");
    std::mt19937_64 rng(options_.seed ^ (std::uint64_t{audit} << 32) ^ nr);
    for (std::size_t n = 0; n < cap; ++n) {
      for (std::size_t i = 0; i < index.size(); ++i) index[i] = rng() % p.parts[i].cells.size();
      evaluate_cell(p, index, words, out, differing);
    }
    std::sort(differing.begin(), differing.end());
    differing.erase(std::unique(differing.begin(), differing.end()), differing.end());
  }
  std::vector<std::size_t> sizes;
  for (const auto& part : p.parts) sizes.push_back(part.cells.size());
  collapse_full_words(differing, sizes);
  add_regions(p, differing, out);
  if (!p.complete) {
    out.proven = false;
    if (out.reason.empty()) out.reason = p.reason;
  }
  return out;
}

Arch Differ::label(std::uint32_t audit, std::uint32_t nr, const std::vector<Arch>& arches) const {
  if (audit != scc::audit_arch(Arch::X86_64)) return arches.front();
  const bool has64 = std::find(arches.begin(), arches.end(), Arch::X86_64) != arches.end();
  const bool has32 = std::find(arches.begin(), arches.end(), Arch::X32) != arches.end();
  if ((nr & kX32Bit) != 0 && has32) return Arch::X32;
  return has64 ? Arch::X86_64 : Arch::X32;
}

void Differ::record(Arch arch, WordSet numbers, std::string_view name, Outcome outcome) {
  if (!outcome.proven)
    result_.unproven.push_back(Unproven{arch, numbers, std::string(name), outcome.reason});
  if (outcome.regions.empty()) return;
  SyscallDifference d;
  d.arch = arch;
  d.numbers = numbers;
  d.name = std::string(name);
  d.proven = outcome.proven;
  d.regions_omitted = outcome.regions_dropped;
  if (outcome.regions.size() > options_.max_regions) {
    d.regions_omitted += outcome.regions.size() - options_.max_regions;
    outcome.regions.resize(options_.max_regions);
  }
  d.regions = std::move(outcome.regions);
  result_.differences.push_back(std::move(d));
}

// The cells of the number word for one AUDIT_ARCH: complete when no program
// computes with nr. x86_64's x32 bit and sign bit always cut, so that a cell
// never mixes x86_64 and x32 numbers.
WordPartition Differ::number_partition(std::uint32_t audit, std::string& reason) {
  bpf::KnownWords known{};
  known[bpf::kArchWord] = audit;
  std::vector<bpf::WordPredicate> predicates;
  std::set<std::uint32_t> constants;
  for (const auto& s : explore_all(known)) {
    for (const auto& p : s.predicates)
      if (p.word == bpf::kNrWord) predicates.push_back(p);
    constants.insert(s.constants.begin(), s.constants.end());
    const bool global = !s.analysable() && s.opaque_words == 0;  // e.g. too many paths
    if (reason.empty() && ((s.opaque_words & 1u) != 0 || global)) reason = s.reason;
  }
  for (std::uint32_t k : {kX32Bit, 0x80000000u, 0xc0000000u})
    predicates.push_back(bpf::WordPredicate{bpf::kNrWord, bpf::WordPredicate::Kind::Order, 0xffffffffu, k});
  if (reason.empty()) return partition_word(predicates, kMaxNumberCells);
  for (std::uint32_t nr = 0; nr < 1024; ++nr) {
    constants.insert(nr);
    if (audit == scc::audit_arch(Arch::X86_64)) constants.insert(nr | kX32Bit);
  }
  const std::vector<std::uint32_t> seeds(constants.begin(), constants.end());
  return sample_word(predicates, seeds, constants.size() * 3 + 16);
}

// The smallest number of `s` that no table of the group names.
std::optional<std::uint32_t> unnamed_member(const WordSet& s, const NamedNumbers& named) {
  std::optional<std::uint32_t> v = next_matching(s.first, s.mask, s.bits);
  while (v && *v <= s.last && named.count(*v) != 0)
    v = *v == 0xffffffffu ? std::nullopt : next_matching(*v + 1, s.mask, s.bits);
  if (v && *v > s.last) return std::nullopt;
  return v;
}

void Differ::compare_unknown(std::uint32_t audit, const std::vector<Arch>& arches, const NamedNumbers& named) {
  std::string reason;
  const WordPartition part = number_partition(audit, reason);
  if (!part.complete && reason.empty()) reason = "too many distinct comparisons on nr";
  std::optional<std::pair<WordSet, Outcome>> pending;
  auto flush = [&] {
    if (pending) record(label(audit, pending->first.first, arches), pending->first, "", std::move(pending->second));
    pending.reset();
  };
  for (const WordCell& cell : part.cells) {
    std::optional<std::uint32_t> rep;
    for (const WordSet& s : cell.sets)
      if ((rep = unnamed_member(s, named))) break;
    if (!rep) continue;  // every number of the cell is named
    Outcome outcome = compare_number(audit, *rep);
    ++result_.unknown_cells_compared;
    if (!part.complete) {
      outcome.proven = false;
      if (outcome.reason.empty()) outcome.reason = "unknown numbers: " + reason + "; tested numbers only";
    }
    for (const WordSet& s : cell.sets) {
      const bool joins = pending && s.mask == 0 && pending->first.mask == 0 && part.complete &&
                         pending->first.last + 1 == s.first && pending->second == outcome &&
                         label(audit, s.first, arches) == label(audit, pending->first.first, arches);
      if (joins) {
        pending->first.last = s.last;
        continue;
      }
      flush();
      pending = std::make_pair(s, outcome);
    }
  }
  flush();
}

void Differ::compare_group(std::uint32_t audit, const std::vector<Arch>& arches) {
  NamedNumbers named;
  for (Arch arch : arches)
    for (const SyscallEntry& e : syscall_table(arch)->entries()) named.emplace(e.number, std::make_pair(arch, e.name));
  for (const auto& [nr, entry] : named) {
    record(entry.first, WordSet::single(nr), entry.second, compare_number(audit, nr));
    ++result_.syscalls_compared;
  }
  if (!options_.known_numbers_only) compare_unknown(audit, arches, named);
}

Result<DiffResult> Differ::run() {
  Result<DiffResult> out;
  if (options_.arches.empty()) out.diagnostics.error(Code::NoSyscallTable, "", "no architecture to compare");
  for (Arch arch : options_.arches)
    if (!has_table(arch))
      out.diagnostics.error(Code::NoSyscallTable, "",
                            "no syscall table for " + std::string(short_name(arch)) + ": cannot compare on it");
  for (auto stack : {a_, b_})
    for (const auto& program : stack) out.diagnostics.append(bpf::check(program));
  if (out.diagnostics.has_errors()) return out;
  std::vector<std::pair<std::uint32_t, std::vector<Arch>>> groups;
  for (Arch arch : options_.arches) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == audit_arch(arch); });
    if (it == groups.end()) groups.emplace_back(audit_arch(arch), std::vector<Arch>{arch});
    else if (std::find(it->second.begin(), it->second.end(), arch) == it->second.end()) it->second.push_back(arch);
  }
  for (const auto& [audit, arches] : groups) compare_group(audit, arches);
  auto rank = [&](Arch a) { return std::find(options_.arches.begin(), options_.arches.end(), a) - options_.arches.begin(); };
  std::stable_sort(result_.differences.begin(), result_.differences.end(), [&](const auto& x, const auto& y) {
    return std::make_pair(rank(x.arch), x.numbers) < std::make_pair(rank(y.arch), y.numbers);
  });
  std::stable_sort(result_.unproven.begin(), result_.unproven.end(), [&](const auto& x, const auto& y) {
    return std::make_pair(rank(x.arch), x.numbers) < std::make_pair(rank(y.arch), y.numbers);
  });
  result_.equivalent = result_.differences.empty();
  result_.proven = result_.unproven.empty();
  out.value = std::move(result_);
  return out;
}

}  // namespace

std::uint32_t normalise_verdict(std::uint32_t ret) {
  const std::uint32_t action = ret & SECCOMP_RET_ACTION_FULL;
  const std::uint32_t data = ret & SECCOMP_RET_DATA;
  switch (action) {
    case SECCOMP_RET_ERRNO: return action | std::min(data, kMaxErrno);
    case SECCOMP_RET_TRAP:
    case SECCOMP_RET_TRACE: return ret;
    case SECCOMP_RET_KILL_THREAD:
    case SECCOMP_RET_USER_NOTIF:
    case SECCOMP_RET_LOG:
    case SECCOMP_RET_ALLOW: return action;
    default: return SECCOMP_RET_KILL_PROCESS;  // the kernel treats unknown actions so
  }
}

Result<std::uint32_t> stack_verdict(std::span<const bpf::Program> stack, const bpf::SeccompData& data) {
  Result<std::uint32_t> out;
  std::uint32_t ret = SECCOMP_RET_ALLOW;
  // kernel/seccomp.c seccomp_run_filters: newest first, a strictly stronger
  // action (lower as a signed value) replaces the current one.
  auto rank = [](std::uint32_t r) { return static_cast<std::int32_t>(r & SECCOMP_RET_ACTION_FULL); };
  for (const auto& program : stack) {
    auto ev = bpf::evaluate_prechecked(program, data);
    if (!ev.ok()) {
      out.diagnostics = std::move(ev.diagnostics);
      return out;
    }
    if (rank(ev.value->ret) < rank(ret)) ret = ev.value->ret;
  }
  out.value = normalise_verdict(ret);
  return out;
}

Result<DiffResult> diff_programs(std::span<const bpf::Program> a, std::span<const bpf::Program> b,
                                 const DiffOptions& options) {
  return Differ(a, b, options).run();
}

}  // namespace scc
