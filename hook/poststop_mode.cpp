// seccomp-hook poststop: finishes a container recording (record_mode.cpp).
// Waits, bounded by the hook's deadline, until the recorder has written the
// profile and released its lock file, then reports what it wrote (exit 0) or
// why it could not (exit 1), and removes the lock file. A container without
// the recording annotation has nothing to finish.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "deadline.hpp"
#include "modes.hpp"
#include "record_target.hpp"

namespace scc::hook {

int run_poststop(const CommonOptions& common) {
  EventLog log("poststop");
  std::optional<RecordingRequest> request = read_recording_request(common, log, false);
  if (!request) return kExitRefused;
  if (!request->target) {
    log.info("no recording to finish");
    return kExitOk;
  }
  const RecordTarget& where = *request->target;
  const int fd = ::open(where.lock.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    log.refuse("no recorder ran for this container (" + where.lock.string() + ": " + std::strerror(errno) +
               "); is `seccomp-hook record` registered at createRuntime?");
    return kExitRefused;
  }
  // The recorder holds the lock until the profile is written.
  const std::uint64_t until = request->config.deadline_ms * 9 / 10;
  bool finished = false;
  while (!(finished = ::flock(fd, LOCK_SH | LOCK_NB) == 0) && elapsed_ms() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (!finished) {
    ::close(fd);
    log.refuse("the recorder of " + where.output.string() + " has not finished within " + std::to_string(until) +
               " ms");
    return kExitRefused;
  }
  std::string status;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) status.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  ::unlink(where.lock.c_str());
  while (!status.empty() && status.back() == '\n') status.pop_back();
  if (status != "ok") {
    log.refuse("recording " + where.output.string() + " failed: " +
               (status.empty() ? std::string("the recorder ended without writing it") : status));
    return kExitRefused;
  }
  log.info("recording written to " + where.output.string());
  return kExitOk;
}

}  // namespace scc::hook
