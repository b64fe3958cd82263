#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "scc/base64.hpp"

using namespace scc;

namespace {

std::string encode(std::string_view text) {
  return base64_encode(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string decode(std::string_view text) {
  auto bytes = base64_decode(text);
  REQUIRE(bytes.has_value());
  return std::string(bytes->begin(), bytes->end());
}

}  // namespace

TEST_CASE("RFC 4648 test vectors encode and decode") {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "Zg=="},     {"fo", "Zm8="},
                                                         {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (auto [plain, coded] : vectors) {
    CAPTURE(plain);
    CHECK(encode(plain) == coded);
    CHECK(decode(coded) == plain);
  }
  CHECK(encode(std::string_view("\xff\xfe\x00\x01", 4)) == "//4AAQ==");
}

TEST_CASE("malformed base64 is refused") {
  for (const char* bad : {"Zg=", "Zg", "Z===", "Zm9v\n", "Zm 9v", "Zm9v====", "Zh==", "Zm9=Zm9v", "Zm-v", "=Zm9"}) {
    CAPTURE(bad);
    CHECK_FALSE(base64_decode(bad).has_value());
  }
}
