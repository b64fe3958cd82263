// Printing a semantic diff (scc::DiffResult) as text or JSON, for `diff` and
// `inspect --against`.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "scc/semantic_diff.hpp"

namespace scc::convert {

// What the two sides are called in verdicts: "A"/"B", "live"/"profile".
struct DiffLabels {
  std::string a = "A";
  std::string b = "B";
  // Lines printed as "  note: ..." under a difference: known causes.
  std::function<std::vector<std::string>(const SyscallDifference&)> notes;
};

// One block per difference, then a summary line:
//   x86_64 socket (41):
//     arg0 high 32 bits in [1, 0xffffffff] and low 32 bits == 38: A ALLOW, B ERRNO(1) EPERM
//   different: 1 syscall (proven)
// or "equivalent (proven): ..." / "equivalent on N tested vectors (not proven for: ...)".
void print_diff_text(std::ostream& out, const DiffResult& result, const std::vector<Arch>& arches,
                     const DiffLabels& labels);

nlohmann::ordered_json diff_json(const DiffResult& result, const std::vector<Arch>& arches);

// Append `more` (another arch's run) to `into`.
void merge_diff_results(DiffResult& into, DiffResult more);

}  // namespace scc::convert
