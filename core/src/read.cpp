// SCAFFOLD: replaced by the readers.
#include "scc/read.hpp"
namespace scc {
void SourceMap::set(std::string pointer, SourcePosition position) { positions_[std::move(pointer)] = position; }
std::optional<SourcePosition> SourceMap::find(const std::string& pointer) const {
  auto it = positions_.find(pointer);
  if (it == positions_.end()) return std::nullopt;
  return it->second;
}
void SourceMap::locate(Diagnostics&) const {}
Result<Document> read_document(std::string_view, const ReadOptions&) {
  Result<Document> r;
  r.diagnostics.error(Code::JsonSyntax, "", "reader not implemented yet");
  return r;
}
}  // namespace scc
