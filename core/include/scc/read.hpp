// Readers: text in any supported dialect -> the profile model.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"

namespace scc {

// Input limits; every reader enforces them with a clear error.
struct ReadLimits {
  std::size_t max_bytes = 4 * 1024 * 1024;  // 4 MiB
  std::size_t max_depth = 64;               // nesting of arrays and objects
  std::size_t max_rules = 1024;             // entries of syscalls[]
  std::size_t max_names = 16384;            // names over all rules
  std::size_t max_name_length = 64;         // bytes of one syscall name
  std::size_t max_values = 524288;          // JSON/YAML values (scalars and containers)
};

struct SourcePosition {
  std::size_t line = 0;    // 1-based
  std::size_t column = 0;  // 1-based, in bytes
};

// Where each value of the document starts, by JSON pointer.
class SourceMap {
 public:
  void set(std::string pointer, SourcePosition position);
  std::optional<SourcePosition> find(const std::string& pointer) const;
  // Fill line/column of every diagnostic whose pointer is mapped; a pointer
  // that is not mapped takes the position of its nearest mapped ancestor.
  void locate(Diagnostics& diagnostics) const;

 private:
  std::unordered_map<std::string, SourcePosition> positions_;
};

struct ReadOptions {
  std::optional<Dialect> dialect;  // force a dialect instead of detecting it
  ReadLimits limits;
};

// One input file. A YAML stream may hold several SPO objects, hence several
// profiles; every other input holds one.
struct Document {
  Dialect dialect = Dialect::Docker;
  std::vector<Profile> profiles;
  SourceMap positions;
};

// Read `text`. Diagnostics hold every syntax and shape problem found (not
// only the first); value is empty when no profile could be built.
Result<Document> read_document(std::string_view text, const ReadOptions& options = {});

}  // namespace scc
