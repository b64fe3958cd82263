#include "scc/recorded_args.hpp"

#include <array>

namespace scc {
namespace {

struct RecordedArgs {
  std::string_view syscall;
  std::span<const unsigned> indices;
};

constexpr std::array<unsigned, 1> kFirst{0};
constexpr std::array<unsigned, 2> kFirstTwo{0, 1};
constexpr std::array<unsigned, 1> kSecond{1};

// clone's flags are its first argument on every arch with a table here (the
// order of the later arguments differs, s390 swaps the first two; it has no
// table). socketcall(2) on x86 passes socket's arguments in memory: the
// number alone is recorded.
constexpr std::array<RecordedArgs, 5> kRecordedArgs{{
    {"clone", kFirst},
    {"socket", kFirstTwo},
    {"personality", kFirst},
    {"prctl", kFirst},
    {"ioctl", kSecond},
}};

}  // namespace

std::span<const unsigned> recorded_arg_indices(Arch arch, std::string_view syscall) {
  if (!has_table(arch)) return {};
  for (const RecordedArgs& entry : kRecordedArgs)
    if (entry.syscall == syscall) return entry.indices;
  return {};
}

}  // namespace scc
