#include <doctest/doctest.h>

#include "scc/read.hpp"

using namespace scc;

TEST_CASE("SourceMap finds what was set") {
  SourceMap map;
  map.set("/syscalls/0", {3, 5});
  REQUIRE(map.find("/syscalls/0"));
  CHECK(map.find("/syscalls/0")->line == 3);
  CHECK(map.find("/syscalls/0")->column == 5);
  CHECK_FALSE(map.find("/syscalls/1"));
}

TEST_CASE("locate fills the exact pointer - else the nearest mapped ancestor") {
  SourceMap map;
  map.set("", {1, 1});
  map.set("/syscalls", {2, 15});
  map.set("/syscalls/0/names/1", {4, 20});
  Diagnostics diagnostics;
  diagnostics.error(Code::UnknownSyscall, "/syscalls/0/names/1", "unknown syscall \"opne\"");
  diagnostics.error(Code::MissingField, "/syscalls/7/action", "missing");
  diagnostics.error(Code::NotAProfile, "", "whole document");
  Diagnostic placed;
  placed.pointer = "/syscalls/0/names/1";
  placed.line = 9;
  placed.column = 9;
  diagnostics.add(placed);
  map.locate(diagnostics);
  const auto& items = diagnostics.items();
  CHECK(items[0].line == 4);
  CHECK(items[0].column == 20);
  CHECK(items[1].line == 2);  // /syscalls/7 is not mapped; /syscalls is
  CHECK(items[1].column == 15);
  CHECK(items[2].line == 1);
  CHECK(items[3].line == 9);  // a position already known is kept
}

TEST_CASE("locate leaves line 0 when nothing on the path is mapped") {
  SourceMap map;
  map.set("/other", {2, 2});
  Diagnostics diagnostics;
  diagnostics.error(Code::MissingField, "/syscalls/0", "missing");
  map.locate(diagnostics);
  CHECK(diagnostics.items()[0].line == 0);
  CHECK(diagnostics.items()[0].column == 0);
}
