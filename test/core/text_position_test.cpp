#include <doctest/doctest.h>

#include "text_position.hpp"

using namespace scc;

TEST_CASE("byte offsets become 1-based line and column") {
  const std::string_view text = "ab\ncd\n\nef";
  CHECK(position_at(text, 0).line == 1);
  CHECK(position_at(text, 0).column == 1);
  CHECK(position_at(text, 4).line == 2);
  CHECK(position_at(text, 4).column == 2);
  CHECK(position_at(text, 7).line == 4);
  CHECK(position_at(text, 7).column == 1);
  // Past the end: just after the last byte.
  CHECK(position_at(text, 99).line == 4);
  CHECK(position_at(text, 99).column == 3);
}
