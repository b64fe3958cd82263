// SourceMap: JSON pointer -> where the value starts in the input text.
#include "json_pointer.hpp"
#include "scc/read.hpp"

namespace scc {

void SourceMap::set(std::string pointer, SourcePosition position) {
  positions_[std::move(pointer)] = position;
}

std::optional<SourcePosition> SourceMap::find(const std::string& pointer) const {
  auto it = positions_.find(pointer);
  if (it == positions_.end()) return std::nullopt;
  return it->second;
}

// Diagnostics that already carry a position (syntax errors, duplicate keys)
// keep it; the others take their value's position, or the nearest ancestor's
// when the value itself is not mapped (a missing field is reported at the
// object that lacks it).
void SourceMap::locate(Diagnostics& diagnostics) const {
  for (Diagnostic& d : diagnostics.items()) {
    if (d.line != 0) continue;
    std::string pointer = d.pointer;
    while (true) {
      if (auto position = find(pointer)) {
        d.line = position->line;
        d.column = position->column;
        break;
      }
      if (pointer.empty()) break;
      pointer = std::string(parent_pointer(pointer));
    }
  }
}

}  // namespace scc
