// JSON pointers (RFC 6901) as the readers build them: "/syscalls/0/names/1".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace scc {

// `base` + "/" + `key` with "~" escaped as "~0" and "/" as "~1".
std::string join_pointer(std::string_view base, std::string_view key);
// `base` + "/" + the decimal index.
std::string join_pointer(std::string_view base, std::size_t index);
// Append one escaped reference token to `pointer` in place (no allocation
// when the capacity suffices; the scanner uses it for every value).
void append_pointer_token(std::string& pointer, std::string_view key);
// The pointer without its last token; "" for "" and for a one-token pointer.
std::string_view parent_pointer(std::string_view pointer);

}  // namespace scc
