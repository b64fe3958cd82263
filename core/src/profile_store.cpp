#include "scc/profile_store.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "scc/sha256.hpp"
#include "unique_fd.hpp"

namespace scc {
namespace {

namespace fs = std::filesystem;

using Fd = UniqueFd;

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

bool has_control_character(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  return false;
}

// What is wrong with one component of a localhost/ path, or "".
std::string component_problem(std::string_view component) {
  if (component.empty()) return "an empty component";
  if (component == "." || component == "..") return "a " + in_quotes(component) + " component";
  if (component.front() == '.') return "a component starting with \".\"";
  if (component.size() > kMaxProfileNameBytes)
    return "a component longer than " + std::to_string(kMaxProfileNameBytes) + " bytes";
  return "";
}

std::string localhost_problem(std::string_view path) {
  if (path.empty()) return "the localhost/ path is empty";
  if (path.size() > kMaxLocalhostPathBytes)
    return "the localhost/ path is longer than " + std::to_string(kMaxLocalhostPathBytes) + " bytes";
  if (path.front() == '/') return "the localhost/ path is absolute; it must descend from the root";
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    const std::string_view component =
        path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (std::string problem = component_problem(component); !problem.empty())
      return "the localhost/ path has " + problem;
    if (slash == std::string_view::npos) return "";
    start = slash + 1;
  }
}

std::string plain_problem(std::string_view name) {
  if (name.size() > kMaxProfileNameBytes)
    return "it is longer than " + std::to_string(kMaxProfileNameBytes) + " bytes";
  if (name.find('/') != std::string_view::npos)
    return "it contains \"/\" (only localhost/<path> names may)";
  if (name.find("..") != std::string_view::npos) return "it contains \"..\"";
  if (name.front() == '.') return "it starts with \".\"";
  return "";
}

int openat2_beneath(int dirfd, const std::string& path) {
  open_how how{};
  how.flags = O_PATH | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
  for (int attempt = 0;; ++attempt) {
    long fd = ::syscall(SYS_openat2, dirfd, path.c_str(), &how, sizeof how);
    // EAGAIN: a concurrent rename raced the lookup; the kernel asks for a retry.
    if (fd < 0 && (errno == EAGAIN || errno == EINTR) && attempt < 8) continue;
    return static_cast<int>(fd);
  }
}

std::string fd_path(int fd) {
  char buf[4096];
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
  if (n <= 0) return "";
  return std::string(buf, static_cast<std::size_t>(n));
}

// Owned by root and not writable by group or others; `sticky_ok` also lets a
// group/world-writable directory pass when it is sticky (others cannot
// rename or remove what root owns in it).
std::string trust_problem(const struct stat& st, bool sticky_ok) {
  if (st.st_uid != 0) return "is owned by uid " + std::to_string(st.st_uid) + ", not root";
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && !(sticky_ok && (st.st_mode & S_ISVTX) != 0))
    return "is writable by group or others";
  return "";
}

struct Failure {
  Code code;
  std::string message;
};

// The configured directory's ancestors, from its parent up to "/".
std::optional<Failure> check_ancestors(const fs::path& real_dir) {
  for (fs::path p = real_dir.parent_path();; p = p.parent_path()) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0)
      return Failure{Code::InputUnreadable, "cannot stat " + p.string() + ": " + std::strerror(errno)};
    if (std::string problem = trust_problem(st, true); !problem.empty())
      return Failure{Code::ProfileFileUnsafe, "directory " + p.string() + " " + problem};
    if (p == p.parent_path()) return std::nullopt;
  }
}

// The configured directory itself and every directory below it on the way
// to the file.
std::optional<Failure> check_directories(const fs::path& real_dir, const fs::path& real_file) {
  const fs::path relative = real_file.parent_path().lexically_relative(real_dir);
  fs::path p = real_dir;
  for (auto it = relative.begin();; ++it) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0)
      return Failure{Code::InputUnreadable, "cannot stat " + p.string() + ": " + std::strerror(errno)};
    if (std::string problem = trust_problem(st, false); !problem.empty())
      return Failure{Code::ProfileFileUnsafe, "directory " + p.string() + " " + problem};
    if (it == relative.end() || *it == ".") return std::nullopt;
    p /= *it;
  }
}

std::optional<Failure> check_file(const struct stat& st, const fs::path& shown, std::size_t max_bytes) {
  if (!S_ISREG(st.st_mode))
    return Failure{Code::ProfileFileUnsafe, shown.string() + " is not a regular file"};
  if (std::string problem = trust_problem(st, false); !problem.empty())
    return Failure{Code::ProfileFileUnsafe, shown.string() + " " + problem};
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes)
    return Failure{Code::InputTooLarge, shown.string() + " is " + std::to_string(st.st_size) +
                                            " bytes; the limit is " + std::to_string(max_bytes)};
  return std::nullopt;
}

// Reopen the checked O_PATH descriptor for reading (the same inode: no second
// lookup by name) and read it whole, once.
std::optional<Failure> read_once(int path_fd, const fs::path& shown, std::size_t max_bytes,
                                 std::string& out) {
  const std::string self = "/proc/self/fd/" + std::to_string(path_fd);
  Fd fd(::open(self.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0)
    return Failure{Code::InputUnreadable, "cannot open " + shown.string() + ": " + std::strerror(errno)};
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return Failure{Code::InputUnreadable, "cannot read " + shown.string() + ": " + std::strerror(errno)};
    if (n == 0) return std::nullopt;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_bytes)
      return Failure{Code::InputTooLarge, shown.string() + " grew past the limit of " +
                                              std::to_string(max_bytes) + " bytes while being read"};
  }
}

struct Lookup {
  const ProfileStore& store;
  std::string_view name;
  std::vector<std::string> looked_at;
};

// One candidate file under one directory: nullopt when it does not exist.
std::optional<Result<StoredProfile>> try_candidate(Lookup& lookup, int dirfd, const fs::path& real_dir,
                                                   const fs::path& dir, const std::string& relative) {
  const fs::path shown = dir / relative;
  Result<StoredProfile> result;
  auto fail = [&](const Failure& f) {
    result.diagnostics.error(f.code, "", "profile " + in_quotes(lookup.name) + ": " + f.message);
    return std::optional<Result<StoredProfile>>(std::move(result));
  };
  Fd fd(openat2_beneath(dirfd, relative));
  if (fd.get() < 0) {
    const int e = errno;
    if (e == ENOENT || e == ENOTDIR) {
      lookup.looked_at.push_back(shown.string());
      return std::nullopt;
    }
    if (e == EXDEV || e == ELOOP)
      return fail({Code::ProfileFileUnsafe, shown.string() + " resolves outside " + dir.string() +
                                                " (a symlink or mount point leaves the directory)"});
    if (e == ENOSYS)
      return fail({Code::SystemError, "openat2 is not available (Linux 5.6 or later is needed)"});
    return fail({Code::InputUnreadable, "cannot open " + shown.string() + ": " + std::strerror(e)});
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return fail({Code::InputUnreadable, "cannot stat " + shown.string() + ": " + std::strerror(errno)});
  if (auto f = check_file(st, shown, lookup.store.max_bytes)) return fail(*f);
  if (auto f = check_directories(real_dir, fd_path(fd.get()))) return fail(*f);
  StoredProfile stored{std::string(lookup.name), shown, {}, {}};
  if (auto f = read_once(fd.get(), shown, lookup.store.max_bytes, stored.text)) return fail(*f);
  stored.sha256 = to_hex(sha256(stored.text));
  result.value = std::move(stored);
  return result;
}

// Every candidate name under one directory, in order.
std::optional<Result<StoredProfile>> search_dir(Lookup& lookup, const fs::path& dir,
                                                const std::vector<std::string>& candidates) {
  Fd dirfd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (dirfd.get() < 0 && errno == ENOENT) {
    lookup.looked_at.push_back(dir.string() + " (no such directory)");
    return std::nullopt;
  }
  Result<StoredProfile> result;
  if (dirfd.get() < 0) {
    result.diagnostics.error(Code::InputUnreadable, "",
                             "cannot open profile directory " + dir.string() + ": " + std::strerror(errno));
    return result;
  }
  const fs::path real_dir = fd_path(dirfd.get());
  if (auto f = check_ancestors(real_dir)) {
    result.diagnostics.error(f->code, "", "profile directory " + dir.string() + ": " + f->message);
    return result;
  }
  for (const std::string& candidate : candidates)
    if (auto found = try_candidate(lookup, dirfd.get(), real_dir, dir, candidate)) return found;
  return std::nullopt;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

Diagnostics check_profile_name(std::string_view name) {
  Diagnostics d;
  std::string problem;
  if (name.empty())
    problem = "it is empty";
  else if (name.find('\0') != std::string_view::npos)
    problem = "it contains a NUL byte";
  else if (has_control_character(name))
    problem = "it contains a control character";
  else if (name.starts_with(kLocalhostPrefix))
    problem = localhost_problem(name.substr(kLocalhostPrefix.size()));
  else
    problem = plain_problem(name);
  if (!problem.empty()) {
    // Quote at most 64 bytes of a hostile name, with its control bytes escaped.
    std::string shown;
    for (char c : name.substr(0, 64))
      shown += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    d.error(Code::ProfileNameInvalid, "",
            "profile name " + in_quotes(shown) + (name.size() > 64 ? "..." : "") + " is not allowed: " + problem);
  }
  return d;
}

Result<StoredProfile> find_profile(const ProfileStore& store, std::string_view name) {
  Result<StoredProfile> result;
  result.diagnostics = check_profile_name(name);
  if (result.diagnostics.has_errors()) return result;
  Lookup lookup{store, name, {}};
  if (name.starts_with(kLocalhostPrefix)) {
    if (!store.kubernetes_root) {
      result.diagnostics.error(Code::ProfileNotFound, "",
                               "profile " + in_quotes(name) + ": localhost/ names need kubernetesRoot in the hook config");
      return result;
    }
    const std::string relative(name.substr(kLocalhostPrefix.size()));
    if (auto found = search_dir(lookup, *store.kubernetes_root, {relative})) return std::move(*found);
  } else {
    const std::string plain(name);
    for (const fs::path& dir : store.dirs)
      if (auto found = search_dir(lookup, dir, {plain, plain + ".json"})) return std::move(*found);
  }
  result.diagnostics.error(Code::ProfileNotFound, "",
                           "profile " + in_quotes(name) + " not found (looked at: " +
                               (lookup.looked_at.empty() ? "no profile directories configured" : join(lookup.looked_at)) +
                               ")");
  return result;
}

}  // namespace scc
