#include "scc/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace scc {
namespace {

Diagnostics failure(const std::filesystem::path& path, const std::string& step, int error) {
  Diagnostics d;
  d.error(Code::OutputUnwritable, "",
          "cannot write " + path.string() + ": " + step + ": " + std::strerror(error));
  return d;
}

// Write all of `content`, retrying short writes and EINTR. Returns 0 or errno.
int write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

// Make the rename itself durable. Some filesystems cannot fsync a directory
// (EINVAL); the data is already safe there.
int sync_directory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  int rc = ::fsync(fd) == 0 || errno == EINVAL ? 0 : errno;
  ::close(fd);
  return rc;
}

// Fill the temporary file; returns the failing step's name and errno.
std::pair<const char*, int> fill(int fd, std::string_view content, mode_t mode) {
  if (int e = write_all(fd, content)) return {"write", e};
  if (::fchmod(fd, mode) != 0) return {"fchmod", errno};
  if (::fsync(fd) != 0) return {"fsync", errno};
  return {nullptr, 0};
}

}  // namespace

Diagnostics write_file_atomically(const std::filesystem::path& path, std::string_view content, mode_t mode) {
  if (path.filename().empty()) return failure(path, "not a file name", EISDIR);
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  std::string temp = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return failure(path, "create a temporary file in " + dir.string(), errno);
  auto [step, error] = fill(fd, content, mode);
  if (::close(fd) != 0 && step == nullptr) {
    step = "close";
    error = errno;
  }
  if (step == nullptr && ::rename(temp.c_str(), path.c_str()) != 0) {
    step = "rename";
    error = errno;
  }
  if (step != nullptr) {
    ::unlink(temp.c_str());
    return failure(path, step, error);
  }
  if (int e = sync_directory(dir)) return failure(path, "fsync the directory", e);
  return {};
}

}  // namespace scc
