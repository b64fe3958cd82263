#include "deadline.hpp"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

namespace scc::hook {
namespace {

// Everything the signal handler touches: fixed buffers, written only with
// SIGALRM blocked.
char g_message[2048];
std::size_t g_message_length = 0;
int g_log_fd = -1;
int g_victim_pidfd = -1;
std::uint64_t g_deadline_ms = 0;

std::uint64_t now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000 + static_cast<std::uint64_t>(ts.tv_nsec) / 1000000;
}

const std::uint64_t g_start_ms = now_ms();

class AlarmBlocked {
 public:
  AlarmBlocked() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGALRM);
    sigprocmask(SIG_BLOCK, &set, &old_);
  }
  ~AlarmBlocked() { sigprocmask(SIG_SETMASK, &old_, nullptr); }
  AlarmBlocked(const AlarmBlocked&) = delete;
  AlarmBlocked& operator=(const AlarmBlocked&) = delete;

 private:
  sigset_t old_{};
};

void write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n <= 0) return;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

void on_alarm(int) {
  if (g_victim_pidfd >= 0) ::syscall(SYS_pidfd_send_signal, g_victim_pidfd, SIGKILL, nullptr, 0);
  write_all(STDERR_FILENO, g_message, g_message_length);
  if (g_log_fd >= 0) write_all(g_log_fd, g_message, g_message_length);
  ::_exit(kExitDeadline);
}

// Rebuild the message from the prefix and the deadline; SIGALRM is blocked.
void compose(std::string_view prefix) {
  char tail[96];
  const int n = std::snprintf(tail, sizeof tail, ": deadline of %llu ms passed; refused%s\n",
                              static_cast<unsigned long long>(g_deadline_ms),
                              g_victim_pidfd >= 0 ? "; container process killed" : "");
  const std::size_t tail_length = n > 0 ? static_cast<std::size_t>(n) : 0;
  const std::size_t keep = std::min(prefix.size(), sizeof g_message - tail_length);
  std::memcpy(g_message, prefix.data(), keep);
  std::memcpy(g_message + keep, tail, tail_length);
  g_message_length = keep + tail_length;
}

std::string g_prefix = "seccomp-hook";

}  // namespace

void arm_deadline(std::uint64_t ms) {
  AlarmBlocked blocked;
  g_deadline_ms = ms;
  compose(g_prefix);
  struct sigaction sa {};
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGALRM, &sa, nullptr);
  const std::uint64_t elapsed = now_ms() - g_start_ms;
  if (elapsed >= ms) on_alarm(SIGALRM);  // already passed
  const std::uint64_t left = ms - elapsed;
  itimerval timer{};
  timer.it_value.tv_sec = static_cast<time_t>(left / 1000);
  timer.it_value.tv_usec = static_cast<suseconds_t>((left % 1000) * 1000);
  setitimer(ITIMER_REAL, &timer, nullptr);
}

void set_deadline_prefix(std::string_view prefix) {
  AlarmBlocked blocked;
  g_prefix = std::string(prefix);
  compose(g_prefix);
}

void set_deadline_log(int fd) {
  AlarmBlocked blocked;
  g_log_fd = fd;
}

void set_deadline_victim(int pidfd) {
  AlarmBlocked blocked;
  g_victim_pidfd = pidfd;
  compose(g_prefix);
}

void cancel_deadline() {
  itimerval off{};
  setitimer(ITIMER_REAL, &off, nullptr);
  signal(SIGALRM, SIG_DFL);
}

std::uint64_t elapsed_ms() { return now_ms() - g_start_ms; }

}  // namespace scc::hook
