// Reading an input file (or standard input) with a size limit, without
// hanging on FIFOs and without reading a huge file whole.
#pragma once

#include <cstddef>
#include <string>

#include "scc/diagnostics.hpp"

namespace scc {

// Read `path` ("-" is standard input) into memory, at most `max_bytes`.
// Directories, sockets and unreadable files are errors; a regular file larger
// than the limit is refused before it is read; a stream that goes past the
// limit is refused as soon as it does.
Result<std::string> read_input_file(const std::string& path, std::size_t max_bytes);

}  // namespace scc
