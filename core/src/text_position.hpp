// Byte offsets in the input text -> 1-based line:column, as diagnostics show them.
#pragma once

#include <cstddef>
#include <string_view>

#include "scc/read.hpp"

namespace scc {

// The line and column (1-based, columns in bytes) of byte `offset` of `text`.
// An offset at or past the end names the position just after the last byte.
SourcePosition position_at(std::string_view text, std::size_t offset);

}  // namespace scc
