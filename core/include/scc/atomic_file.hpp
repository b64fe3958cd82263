// Writing an output file atomically: readers (and a crash) see either the old
// file or the whole new one, never a part.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string_view>

#include "scc/diagnostics.hpp"

namespace scc {

// Write `content` to a temporary file in the directory of `path`, fsync it,
// give it `mode`, rename it over `path` and fsync the directory. A symlink at
// `path` is replaced, not followed. On failure the temporary file is removed,
// `path` is untouched and the result holds an OutputUnwritable error naming
// the step and the system error.
Diagnostics write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                  mode_t mode = 0644);

}  // namespace scc
