#include "scc/recording.hpp"

namespace scc {

void merge_into(Recording& into, const Recording& from) {
  for (const auto& [arch, names] : from.syscalls) {
    auto& target = into.syscalls[arch];
    for (const auto& [name, seen] : names) {
      auto [it, fresh] = target.try_emplace(name, seen);
      if (fresh) continue;
      RecordedSyscall& mine = it->second;
      mine.count += seen.count;
      // No values on one side means its arguments were not recorded: the
      // call was seen with any arguments, so the union is unconditional.
      if (mine.args.empty() || seen.args.empty()) {
        mine.args.clear();
        continue;
      }
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
