// Printing a semantic diff (diff_report.hpp).
#include "diff_report.hpp"

#include <cstddef>

#include "diff_input.hpp"
#include "scc/bpf.hpp"
#include "scc/names.hpp"

namespace scc::convert {
namespace {

constexpr std::size_t kUnprovenShown = 10;

std::string where(Arch arch, const WordSet& numbers, const std::string& name) {
  std::string out(short_name(arch));
  if (name.empty()) return out + " " + describe_numbers(numbers, false);
  return out + " " + name + " (" + describe_numbers(numbers, true) + ")";
}

std::string plural(std::size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

void print_difference(std::ostream& out, const SyscallDifference& d, const DiffLabels& labels) {
  out << where(d.arch, d.numbers, d.name) << (d.proven ? ":" : " (tested, not proven):") << "\n";
  for (const Region& r : d.regions) {
    out << "  " << describe_region(r) << (r.sampled ? " (tested values)" : "") << ": " << labels.a << " "
        << bpf::describe_return(r.verdict_a) << ", " << labels.b << " " << bpf::describe_return(r.verdict_b)
        << "\n";
  }
  if (d.regions_omitted > 0) out << "  ... and " << plural(d.regions_omitted, "more region") << "\n";
  if (labels.notes)
    for (const std::string& note : labels.notes(d)) out << "  note: " << note << "\n";
}

void print_unproven(std::ostream& out, const DiffResult& result) {
  out << "not proven for:\n";
  for (std::size_t i = 0; i < result.unproven.size() && i < kUnprovenShown; ++i) {
    const Unproven& u = result.unproven[i];
    out << "  " << where(u.arch, u.numbers, u.name) << ": " << u.reason << "\n";
  }
  if (result.unproven.size() > kUnprovenShown)
    out << "  ... and " << (result.unproven.size() - kUnprovenShown) << " more\n";
}

nlohmann::ordered_json word_json(const WordSet& w) {
  nlohmann::ordered_json j;
  j["first"] = w.first;
  j["last"] = w.last;
  j["mask"] = w.mask;
  j["bits"] = w.bits;
  return j;
}

nlohmann::ordered_json region_json(const Region& r) {
  nlohmann::ordered_json j;
  j["where"] = describe_region(r);
  auto fields = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < kRegionFields; ++i) {
    if (r.fields[i].is_any()) continue;
    const std::string name = i == kInstructionPointerField ? "ip" : "arg" + std::to_string(i);
    fields[name] = {{"low", word_json(r.fields[i].low)}, {"high", word_json(r.fields[i].high)}};
  }
  j["fields"] = std::move(fields);
  j["a"] = bpf::describe_return(r.verdict_a);
  j["b"] = bpf::describe_return(r.verdict_b);
  j["a_ret"] = r.verdict_a;
  j["b_ret"] = r.verdict_b;
  j["sampled"] = r.sampled;
  return j;
}

nlohmann::ordered_json numbers_json(Arch arch, const WordSet& numbers, const std::string& name) {
  nlohmann::ordered_json j;
  j["arch"] = short_name(arch);
  j["syscall"] = name.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(name);
  j["numbers"] = word_json(numbers);
  return j;
}

}  // namespace

void print_diff_text(std::ostream& out, const DiffResult& result, const std::vector<Arch>& arches,
                     const DiffLabels& labels) {
  for (const SyscallDifference& d : result.differences) print_difference(out, d, labels);
  const std::string compared = plural(result.syscalls_compared, "syscall") + " and " +
                               plural(result.unknown_cells_compared, "range") + " of unknown numbers on " +
                               arch_list(arches) + ", " + plural(result.evaluations, "evaluation");
  if (!result.proven) print_unproven(out, result);
  if (!result.equivalent) {
    out << "different: " << plural(result.differences.size(), "difference")
        << (result.proven ? " (proven)" : " (tested; see not proven above)") << "; compared " << compared << "\n";
  } else if (result.proven) {
    out << "equivalent (proven): compared " << compared << "\n";
  } else {
    out << "equivalent on " << result.evaluations << " tested vectors (not proven for "
        << plural(result.unproven.size(), "syscall or range") << ", listed above); compared " << compared << "\n";
  }
}

nlohmann::ordered_json diff_json(const DiffResult& result, const std::vector<Arch>& arches) {
  nlohmann::ordered_json j;
  j["equivalent"] = result.equivalent;
  j["proven"] = result.proven;
  auto names = nlohmann::ordered_json::array();
  for (Arch a : arches) names.push_back(short_name(a));
  j["arches"] = std::move(names);
  j["syscalls_compared"] = result.syscalls_compared;
  j["unknown_ranges_compared"] = result.unknown_cells_compared;
  j["evaluations"] = result.evaluations;
  auto differences = nlohmann::ordered_json::array();
  for (const SyscallDifference& d : result.differences) {
    auto item = numbers_json(d.arch, d.numbers, d.name);
    item["proven"] = d.proven;
    auto regions = nlohmann::ordered_json::array();
    for (const Region& r : d.regions) regions.push_back(region_json(r));
    item["regions"] = std::move(regions);
    item["regions_omitted"] = d.regions_omitted;
    differences.push_back(std::move(item));
  }
  j["differences"] = std::move(differences);
  auto unproven = nlohmann::ordered_json::array();
  for (const Unproven& u : result.unproven) {
    auto item = numbers_json(u.arch, u.numbers, u.name);
    item["reason"] = u.reason;
    unproven.push_back(std::move(item));
  }
  j["not_proven"] = std::move(unproven);
  return j;
}

void merge_diff_results(DiffResult& into, DiffResult more) {
  into.equivalent = into.equivalent && more.equivalent;
  into.proven = into.proven && more.proven;
  for (auto& d : more.differences) into.differences.push_back(std::move(d));
  for (auto& u : more.unproven) into.unproven.push_back(std::move(u));
  into.syscalls_compared += more.syscalls_compared;
  into.unknown_cells_compared += more.unknown_cells_compared;
  into.evaluations += more.evaluations;
}

}  // namespace scc::convert
