#include <doctest/doctest.h>

#include "utf8.hpp"

using namespace scc;

TEST_CASE("valid UTF-8 passes - including 2- - 3- and 4-byte sequences") {
  CHECK_FALSE(find_invalid_utf8("plain ascii"));
  CHECK_FALSE(find_invalid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  CHECK_FALSE(find_invalid_utf8(""));
}

TEST_CASE("the offset of the first bad byte is returned") {
  CHECK(find_invalid_utf8("ab\xFF") == 2U);
  CHECK(find_invalid_utf8("\x80") == 0U);              // lone continuation byte
  CHECK(find_invalid_utf8("a\xC0\xAF") == 1U);         // overlong "/"
  CHECK(find_invalid_utf8("a\xE0\x80\xAF") == 1U);     // overlong, 3 bytes
  CHECK(find_invalid_utf8("ab\xED\xA0\x80") == 2U);    // UTF-16 surrogate U+D800
  CHECK(find_invalid_utf8("\xF4\x90\x80\x80") == 0U);  // above U+10FFFF
  CHECK(find_invalid_utf8("abc\xE2\x82") == 3U);       // truncated at the end
  CHECK(find_invalid_utf8("\xC3(") == 0U);             // bad continuation
}
