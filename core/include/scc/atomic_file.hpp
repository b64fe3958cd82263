// Writing an output file atomically: readers (and a crash) see either the old
// file or the whole new one, never a part, and no temporary file outlives its
// writer for long.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string_view>

#include "scc/diagnostics.hpp"

namespace scc {

enum class Durability {
  // fsync the file before the rename and the directory after it: the new
  // content survives a crash (outputs a person asked for, cache entries).
  Durable,
  // Atomic only: readers never see a part, but a crash may lose the write.
  // For files that do not outlive the machine's uptime anyway (an OCI
  // bundle's config.json: the container dies with the machine); saves the
  // two fsyncs, which cost milliseconds each on a disk.
  Atomic,
};

// Write `content` with `mode` to `path`, replacing it by a rename. A symlink
// at `path` is replaced, not followed; a device, FIFO or socket there is
// refused (never renamed over). On failure `path` is untouched and the
// result holds an OutputUnwritable error naming the step and the system error.
//
// The content is written to an unnamed file (O_TMPFILE) that only gets a
// name, ".<file name>.tmp-<pid>-<random>", for the link-and-rename at the
// end, with every catchable signal blocked: a writer killed by a signal it
// can handle (a deadline's SIGALRM) leaves nothing behind, and one killed
// with SIGKILL leaves nothing unless it dies between those two system calls.
// Such a name, whose pid no longer runs, is removed by the next write of the
// same file (as are the older ".<file name>.tmp-XXXXXX" names once a minute
// old). Filesystems without O_TMPFILE get the named file from the start.
Diagnostics write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                  mode_t mode = 0644, Durability durability = Durability::Durable);

}  // namespace scc
