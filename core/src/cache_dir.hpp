// The directory and file handling the hook's caches share (program_cache.hpp,
// decision_cache.hpp): a root-owned 0700 directory, entries opened without
// following symlinks and size-bounded, and atomic stores (O_EXCL temporary,
// fsync, rename, directory fsync) that sweep temporaries of dead writers.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "scc/diagnostics.hpp"
#include "unique_fd.hpp"

namespace scc::cache_dir {

using Fd = UniqueFd;

// `dir`, opened and checked (owned by root, mode 0700 exactly, no symlink),
// created 0700 when missing and its parent exists. -1 with a CacheUnusable
// warning "<what> <dir> not used: <why>; <fallback>" when it may not be used.
int open(const std::filesystem::path& dir, std::string_view what, std::string_view fallback,
         Diagnostics& diagnostics);

// The bytes of entry `name` in `dirfd`: nullopt when it does not exist, or
// (with *problem set) when it is not a regular root-owned file of at most
// `max_bytes` or cannot be read.
std::optional<std::string> read_entry(int dirfd, const std::string& name, std::size_t max_bytes,
                                      std::string* problem);

// Store `content` as entry `name`: "" on success, else the failing step and
// its error ("create .K.tmp-R: Read-only file system").
std::string store_entry(int dirfd, const std::string& name, std::string_view content);

}  // namespace scc::cache_dir
