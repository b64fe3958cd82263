#include <doctest/doctest.h>

#include "scc/recording.hpp"

using namespace scc;

TEST_CASE("merge adds counts and joins argument values per arch") {
  Recording a;
  a.syscalls[Arch::X86_64]["read"].count = 2;
  a.syscalls[Arch::X86_64]["socket"] = {1, {{0, {2}}}};
  Recording b;
  b.syscalls[Arch::X86_64]["read"].count = 3;
  b.syscalls[Arch::X86_64]["socket"] = {1, {{0, {10}}, {1, {1}}}};
  b.syscalls[Arch::X86]["socketcall"].count = 1;
  Recording m = merge(a, b);
  CHECK(m.syscalls.size() == 2);
  CHECK(m.syscalls[Arch::X86_64]["read"].count == 5);
  CHECK(m.syscalls[Arch::X86_64]["socket"].count == 2);
  CHECK(m.syscalls[Arch::X86_64]["socket"].args == std::map<unsigned, std::set<std::uint64_t>>{{0, {2, 10}}, {1, {1}}});
  CHECK(m.syscalls[Arch::X86]["socketcall"].count == 1);
}

TEST_CASE("merge with a side that did not record arguments is unconditional") {
  Recording a;
  a.syscalls[Arch::X86_64]["socket"] = {1, {{0, {2}}}};
  Recording b;
  b.syscalls[Arch::X86_64]["socket"].count = 4;
  CHECK(merge(a, b).syscalls[Arch::X86_64]["socket"].args.empty());
  CHECK(merge(b, a).syscalls[Arch::X86_64]["socket"].args.empty());
  CHECK(merge(b, a).syscalls[Arch::X86_64]["socket"].count == 5);
}
