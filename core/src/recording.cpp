#include "scc/recording.hpp"

namespace scc {

void merge_into(Recording& into, const Recording& from) {
  for (const auto& [arch, names] : from.syscalls) {
    auto& target = into.syscalls[arch];
    for (const auto& [name, seen] : names) {
      RecordedSyscall& mine = target[name];
      mine.count += seen.count;
      for (const auto& [index, values] : seen.args) mine.args[index].insert(values.begin(), values.end());
    }
  }
}

Recording merge(const Recording& a, const Recording& b) {
  Recording out = a;
  merge_into(out, b);
  return out;
}

}  // namespace scc
