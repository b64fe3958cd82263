// UTF-8 validation of the raw input, before any parser sees it.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace scc {

// The byte offset of the first byte that does not start a well-formed UTF-8
// sequence (RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF), or nullopt when all of `text` is valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

}  // namespace scc
