#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "scc/runtime_baseline.hpp"
#include "scc/syscall_table.hpp"

using namespace scc;

TEST_CASE("the baseline is sorted and every name exists on its arch") {
  for (Arch arch : {Arch::X86_64, Arch::Aarch64}) {
    auto names = runtime_baseline(arch);
    CHECK(names.size() == 34);
    CHECK(std::is_sorted(names.begin(), names.end()));
    CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
    for (std::string_view name : names) {
      INFO(std::string(name));
      CHECK(syscall_table(arch)->number(name).has_value());
    }
  }
}

TEST_CASE("the baseline holds what runc and crun were measured to call after the filter") {
  auto names = runtime_baseline(Arch::X86_64);
  for (std::string_view name : {"execve", "close", "capset", "setresuid", "setgroups", "futex", "rt_sigreturn"})
    CHECK(std::find(names.begin(), names.end(), name) != names.end());
  CHECK(runtime_baseline(Arch::X86).empty());
  CHECK(runtime_baseline(Arch::Arm).empty());
}
