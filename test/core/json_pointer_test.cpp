#include <doctest/doctest.h>

#include "json_pointer.hpp"

using namespace scc;

TEST_CASE("json pointers escape ~ and / as RFC 6901 says") {
  CHECK(join_pointer("", "syscalls") == "/syscalls");
  CHECK(join_pointer("/syscalls", std::size_t{3}) == "/syscalls/3");
  CHECK(join_pointer("", "a/b") == "/a~1b");
  CHECK(join_pointer("", "m~n") == "/m~0n");
  CHECK(join_pointer("", "~/") == "/~0~1");
  CHECK(join_pointer("", "") == "/");
}

TEST_CASE("parent_pointer drops the last token") {
  CHECK(parent_pointer("/syscalls/0/names/1") == "/syscalls/0/names");
  CHECK(parent_pointer("/syscalls") == "");
  CHECK(parent_pointer("") == "");
}
