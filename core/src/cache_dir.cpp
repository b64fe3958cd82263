#include "cache_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ctime>

#include "scc/hex.hpp"

namespace scc::cache_dir {
namespace {

constexpr std::time_t kStaleTempSeconds = 60;

std::string errno_text(int e) { return std::strerror(e); }

// Temporary files of writers that died (SIGKILL between create and rename):
// removed once they are older than any live writer can be.
void sweep_stale_temporaries(int dirfd) {
  int copy = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (copy < 0) return;
  DIR* dir = ::fdopendir(copy);
  if (dir == nullptr) {
    ::close(copy);
    return;
  }
  const std::time_t now = std::time(nullptr);
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (!name.starts_with(".") || name.find(".tmp-") == std::string_view::npos) continue;
    struct stat st {};
    if (::fstatat(dirfd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && now - st.st_mtime > kStaleTempSeconds)
      ::unlinkat(dirfd, entry->d_name, 0);
  }
  ::closedir(dir);
}

std::string random_suffix() {
  std::uint8_t random[8] = {};
  if (::getrandom(random, sizeof random, 0) != static_cast<ssize_t>(sizeof random)) {
    const auto pid = static_cast<std::uint64_t>(::getpid());
    for (int i = 0; i < 8; ++i) random[i] = static_cast<std::uint8_t>(pid >> (8 * i));
  }
  return to_hex(random);
}

// "" on success, else the failing step and error.
std::string write_temporary(int fd, std::string_view content) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return "write: " + errno_text(errno);
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd) != 0) return "fsync: " + errno_text(errno);
  return "";
}

}  // namespace

int open(const std::filesystem::path& dir, std::string_view what, std::string_view fallback,
         Diagnostics& diagnostics) {
  auto unusable = [&](const std::string& why) {
    diagnostics.warning(Code::CacheUnusable, "",
                        std::string(what) + " " + dir.string() + " not used: " + why + "; " + std::string(fallback));
    return -1;
  };
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      return unusable("it is missing and cannot be created (" + errno_text(errno) + ")");
    fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  }
  if (fd < 0) return unusable("cannot open it (" + errno_text(errno) + ")");
  struct stat st {};
  std::string problem;
  if (::fstat(fd, &st) != 0)
    problem = "cannot stat it (" + errno_text(errno) + ")";
  else if (st.st_uid != 0)
    problem = "it is owned by uid " + std::to_string(st.st_uid) + ", not root";
  else if ((st.st_mode & 077) != 0)
    problem = "its mode is " + std::to_string((st.st_mode >> 6) & 7) + std::to_string((st.st_mode >> 3) & 7) +
              std::to_string(st.st_mode & 7) + ", not 700";
  if (problem.empty()) return fd;
  ::close(fd);
  return unusable(problem);
}

std::optional<std::string> read_entry(int dirfd, const std::string& name, std::size_t max_bytes,
                                      std::string* problem) {
  Fd fd(::openat(dirfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  auto invalid = [&](const std::string& why) -> std::optional<std::string> {
    *problem = why;
    return std::nullopt;
  };
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    return invalid("cannot be opened (" + errno_text(errno) + ")");
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return invalid("is not a regular file");
  if (st.st_uid != 0) return invalid("is not owned by root");
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) return invalid("is too large");
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < bytes.size()) {
    ssize_t n = ::read(fd.get(), bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return invalid("cannot be read");
    got += static_cast<std::size_t>(n);
  }
  return bytes;
}

std::string store_entry(int dirfd, const std::string& name, std::string_view content) {
  sweep_stale_temporaries(dirfd);
  const std::string stem = name.substr(0, name.rfind('.'));
  const std::string temp = "." + stem + ".tmp-" + random_suffix();
  int fd = ::openat(dirfd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return "create " + temp + ": " + errno_text(errno);
  std::string failed = write_temporary(fd, content);
  if (::close(fd) != 0 && failed.empty()) failed = "close: " + errno_text(errno);
  if (failed.empty() && ::renameat(dirfd, temp.c_str(), dirfd, name.c_str()) != 0)
    failed = "rename: " + errno_text(errno);
  if (!failed.empty()) {
    ::unlinkat(dirfd, temp.c_str(), 0);
    return failed;
  }
  if (::fsync(dirfd) != 0 && errno != EINVAL) return "fsync the directory: " + errno_text(errno);
  return "";
}

}  // namespace scc::cache_dir
