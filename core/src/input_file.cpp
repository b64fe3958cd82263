#include "scc/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace scc {
namespace {

Result<std::string> failure(Code code, std::string message) {
  Result<std::string> r;
  r.diagnostics.error(code, "", std::move(message));
  return r;
}

std::string too_large(std::size_t max_bytes) {
  return "input is larger than the limit of " + std::to_string(max_bytes) + " bytes";
}

}  // namespace

Result<std::string> read_input_file(const std::string& path, std::size_t max_bytes) {
  const bool is_stdin = path == "-";
  int fd = is_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return failure(Code::InputUnreadable, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int e = errno;
    if (!is_stdin) ::close(fd);
    return failure(Code::InputUnreadable, std::string("cannot stat: ") + std::strerror(e));
  }
  auto fail_closing = [&](Code code, std::string message) {
    if (!is_stdin) ::close(fd);
    return failure(code, std::move(message));
  };
  if (S_ISDIR(st.st_mode)) return fail_closing(Code::InputUnreadable, "is a directory");
  if (S_ISSOCK(st.st_mode)) return fail_closing(Code::InputUnreadable, "is a socket");
  if (S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) > max_bytes)
    return fail_closing(Code::InputTooLarge, too_large(max_bytes));
  // A FIFO opened non-blocking would return EAGAIN; read it blocking.
  if (!is_stdin) {
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  }
  std::string data;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_closing(Code::InputUnreadable, std::string("read failed: ") + std::strerror(errno));
    }
    if (n == 0) break;
    data.append(buf, static_cast<std::size_t>(n));
    if (data.size() > max_bytes) return fail_closing(Code::InputTooLarge, too_large(max_bytes));
  }
  if (!is_stdin) ::close(fd);
  Result<std::string> r;
  r.value = std::move(data);
  return r;
}

}  // namespace scc
