#include "text_position.hpp"

namespace scc {

SourcePosition position_at(std::string_view text, std::size_t offset) {
  if (offset > text.size()) offset = text.size();
  SourcePosition position{1, 1};
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++position.line;
      line_start = i + 1;
    }
  }
  position.column = offset - line_start + 1;
  return position;
}

}  // namespace scc
