#include "scc/atomic_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <string>

#include "scc/hex.hpp"
#include "unique_fd.hpp"

namespace scc {
namespace {

constexpr std::time_t kStaleUnownedSeconds = 60;

Diagnostics failure(const std::filesystem::path& path, const std::string& step, int error) {
  Diagnostics d;
  d.error(Code::OutputUnwritable, "",
          "cannot write " + path.string() + ": " + step + ": " + std::strerror(error));
  return d;
}

// Every catchable signal blocked for the lifetime of the object.
class SignalsBlocked {
 public:
  SignalsBlocked() {
    sigset_t all;
    sigfillset(&all);
    ::sigprocmask(SIG_BLOCK, &all, &old_);
  }
  ~SignalsBlocked() { ::sigprocmask(SIG_SETMASK, &old_, nullptr); }
  SignalsBlocked(const SignalsBlocked&) = delete;
  SignalsBlocked& operator=(const SignalsBlocked&) = delete;

 private:
  sigset_t old_{};
};

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

// Fill the temporary file; returns the failing step's name and errno.
std::pair<const char*, int> fill(int fd, std::string_view content, mode_t mode, Durability durability) {
  if (int e = write_all(fd, content)) return {"write", e};
  if (::fchmod(fd, mode) != 0) return {"fchmod", errno};
  if (durability == Durability::Durable && ::fsync(fd) != 0) return {"fsync", errno};
  return {nullptr, 0};
}

std::string temp_prefix(const std::string& file_name) { return "." + file_name + ".tmp-"; }

std::string temp_name(const std::string& file_name) {
  std::uint8_t random[3] = {};
  // Unique among this pid's names; a failed getrandom leaves zeros (O_EXCL
  // and linkat then fail rather than share a name).
  (void)::getrandom(random, sizeof random, GRND_NONBLOCK);
  return temp_prefix(file_name) + std::to_string(::getpid()) + "-" + to_hex(random);
}

// Temporary names of `file_name` left by writers that died: "<pid>-..." whose
// pid no longer runs, and names without a pid once they are a minute old.
void sweep_dead_temporaries(int dirfd, const std::string& file_name) {
  const int copy = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (copy < 0) return;
  DIR* dir = ::fdopendir(copy);
  if (dir == nullptr) {
    ::close(copy);
    return;
  }
  const std::string prefix = temp_prefix(file_name);
  const std::time_t now = std::time(nullptr);
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (!name.starts_with(prefix)) continue;
    const std::string_view rest = name.substr(prefix.size());
    pid_t pid = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
    const bool owned = ec == std::errc() && pid > 0 && end != rest.data() + rest.size() && *end == '-';
    bool dead = false;
    if (owned) {
      dead = pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH;
    } else {
      struct stat st {};
      dead = ::fstatat(dirfd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && now - st.st_mtime > kStaleUnownedSeconds;
    }
    if (dead) ::unlinkat(dirfd, entry->d_name, 0);
  }
  ::closedir(dir);
}

// Give the unnamed file `fd` the name `temp` in `dirfd`. Returns 0 or errno.
int link_unnamed(int fd, int dirfd, const std::string& temp) {
  if (::linkat(fd, "", dirfd, temp.c_str(), AT_EMPTY_PATH) == 0) return 0;
  // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; the /proc link does not.
  const std::string proc = "/proc/self/fd/" + std::to_string(fd);
  if (::linkat(AT_FDCWD, proc.c_str(), dirfd, temp.c_str(), AT_SYMLINK_FOLLOW) == 0) return 0;
  return errno;
}

// Put `temp` in place of `file_name`. Returns 0 or errno. Over an existing
// file or symlink the two names are exchanged and the old file (now under
// `temp`) unlinked: ext4 flushes the new file's data on a rename over an
// existing file (auto_da_alloc), which costs milliseconds, but not on an
// exchange. Elsewhere, and where exchanging is not supported, a rename.
int replace(int dirfd, const std::string& temp, const std::string& file_name) {
  struct stat st {};
  if (::fstatat(dirfd, file_name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))) {
    if (::renameat2(dirfd, temp.c_str(), dirfd, file_name.c_str(), RENAME_EXCHANGE) == 0) {
      ::unlinkat(dirfd, temp.c_str(), 0);
      return 0;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != ENOENT) return errno;
  }
  return ::renameat(dirfd, temp.c_str(), dirfd, file_name.c_str()) == 0 ? 0 : errno;
}

}  // namespace

Diagnostics write_file_atomically(const std::filesystem::path& path, std::string_view content, mode_t mode,
                                  Durability durability) {
  if (path.filename().empty()) return failure(path, "not a file name", EISDIR);
  // A device, FIFO or socket there is never renamed over: `-o /dev/null` as
  // root would otherwise replace the machine's /dev/null with a regular file.
  if (struct stat there {}; ::lstat(path.c_str(), &there) == 0 && !S_ISREG(there.st_mode) &&
                            !S_ISLNK(there.st_mode) && !S_ISDIR(there.st_mode))
    return failure(path, "it is a device, FIFO or socket, not a file (write to standard output instead)", EINVAL);
  std::filesystem::path dir_path = path.parent_path();
  if (dir_path.empty()) dir_path = ".";
  const std::string file_name = path.filename().string();
  const std::string create_step = "create a temporary file in " + dir_path.string();
  UniqueFd dir(::open(dir_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return failure(path, create_step, errno);
  sweep_dead_temporaries(dir.get(), file_name);

  const std::string temp = temp_name(file_name);
  bool named = false;
  UniqueFd file(::openat(dir.get(), ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600));
  if (file.get() < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    named = true;
    file.reset(::openat(dir.get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  }
  if (file.get() < 0) return failure(path, create_step, errno);
  auto [step, error] = fill(file.get(), content, mode, durability);
  if (step == nullptr) {
    SignalsBlocked blocked;
    if (!named) {
      if (int e = link_unnamed(file.get(), dir.get(), temp)) {
        step = "link the temporary file";
        error = e;
      } else {
        named = true;
      }
    }
    if (step == nullptr) {
      if (int e = replace(dir.get(), temp, file_name)) {
        step = "rename";
        error = e;
      } else {
        named = false;
      }
    }
    if (named) ::unlinkat(dir.get(), temp.c_str(), 0);
  } else if (named) {
    ::unlinkat(dir.get(), temp.c_str(), 0);
  }
  if (::close(file.release()) != 0 && step == nullptr) {
    step = "close";
    error = errno;
  }
  if (step != nullptr) return failure(path, step, error);
  if (durability == Durability::Durable && ::fsync(dir.get()) != 0 && errno != EINVAL)
    return failure(path, "fsync the directory", errno);
  return {};
}

}  // namespace scc
