// Profiles by name from admin-installed directories, and nothing else: a name
// from an annotation can never reach a file outside them (reliability.md §4.2
// items 6 and 8, §5 rows 38-45).
//
// Names:
//  - a plain name ("web", "web.json") is looked up as <dir>/<name>, then
//    <dir>/<name>.json, in each profile directory in order;
//  - "localhost/<path>" is Kubernetes' Localhost form: <path> is a descending
//    relative path under the Kubernetes root, looked up exactly.
// Files are opened with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS |
// RESOLVE_NO_XDEV) from the directory, so a symlink may point anywhere inside
// the directory but never out of it. The file must be a regular file owned by
// root, not writable by group or others, at most the size limit, and it is
// read once from the one descriptor that was checked. Every directory from
// the configured one down to the file must be owned by root and not writable
// by group or others; the configured directory's ancestors must be owned by
// root and, when group or world writable, sticky (as /tmp is).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scc/diagnostics.hpp"

namespace scc {

inline constexpr std::string_view kLocalhostPrefix = "localhost/";
inline constexpr std::size_t kMaxProfileNameBytes = 255;
inline constexpr std::size_t kMaxLocalhostPathBytes = 4095;

struct ProfileStore {
  std::vector<std::filesystem::path> dirs;                // absolute, in order
  std::optional<std::filesystem::path> kubernetes_root;   // for localhost/ names
  std::size_t max_bytes = 4 * 1024 * 1024;                // the readers' limit
};

// ProfileNameInvalid errors for a name that may not be used: empty; longer
// than kMaxProfileNameBytes (a localhost/ path: kMaxLocalhostPathBytes); a
// NUL or another control character; a plain name with "/", starting with "."
// (hidden and temporary files, "." and ".."), or containing ".."; a
// localhost/ path that is absolute, has an empty, "." or ".." component, or
// a component starting with ".".
Diagnostics check_profile_name(std::string_view name);

struct StoredProfile {
  std::string name;             // as asked for
  std::filesystem::path path;   // the file found (for messages and logs)
  std::string text;             // its content, read once
  std::string sha256;           // of the content, for logs
};

// Find and read the profile `name`. Errors: ProfileNameInvalid,
// ProfileNotFound (listing the places looked at), ProfileFileUnsafe (a
// symlink out of the directory, a directory, FIFO or device, wrong owner or
// mode, too large), InputUnreadable (other system errors).
Result<StoredProfile> find_profile(const ProfileStore& store, std::string_view name);

}  // namespace scc
