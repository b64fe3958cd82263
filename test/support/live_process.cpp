#include "support/live_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/support.hpp"

namespace scc::test {
namespace {

// Block until the child writes its ready byte (true) or closes the pipe by
// exiting or exec'ing (false).
bool read_ready(int fd) {
  char byte = 0;
  ssize_t n;
  do {
    n = read(fd, &byte, 1);
  } while (n < 0 && errno == EINTR);
  close(fd);
  return n == 1;
}

void write_byte(int fd) {
  char byte = 1;
  while (write(fd, &byte, 1) < 0 && errno == EINTR) {
  }
}

}  // namespace

void skip_unless_live_seccomp() {
  if (geteuid() != 0) skip("needs root");
  if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0) skip("the kernel has no seccomp");
  if (process_status_field(getpid(), "Seccomp") != "0")
    skip("this test process runs under a seccomp filter");
}

ChildProcess::ChildProcess(const std::function<int(const Ready& ready)>& body) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    close(fds[0]);
    const int fd = fds[1];
    _exit(body([fd] { write_byte(fd); }));
  }
  close(fds[1]);
  ready_ = read_ready(fds[0]);
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
  // The pipe is close-on-exec: EOF means the exec happened; a byte, that it failed.
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    close(fds[0]);
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    write_byte(fds[1]);
    _exit(127);
  }
  close(fds[1]);
  ready_ = !read_ready(fds[0]);
}

ChildProcess::~ChildProcess() {
  if (pid_ <= 0 || reaped_) return;
  for (pid_t grandchild : child_pids(pid_)) ::kill(grandchild, SIGKILL);
  kill_and_wait(SIGKILL);
}

int ChildProcess::wait() {
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  return status;
}

int ChildProcess::kill_and_wait(int signal) {
  ::kill(pid_, signal);
  return wait();
}

char process_state(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // "PID (COMM) S ...": COMM may hold spaces and parentheses; the state
  // follows the last ')'.
  auto close_paren = text.rfind(')');
  if (close_paren == std::string::npos || close_paren + 2 >= text.size()) return '?';
  return text[close_paren + 2];
}

std::string process_status_field(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) != 0) continue;
    auto start = line.find_first_not_of(" \t", field.size() + 1);
    return start == std::string::npos ? std::string() : line.substr(start);
  }
  return {};
}

bool wait_for_state(pid_t pid, char state, double seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (process_state(pid) == state) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return process_state(pid) == state;
}

std::vector<pid_t> child_pids(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<pid_t> pids;
  long value = 0;
  while (in >> value) pids.push_back(static_cast<pid_t>(value));
  return pids;
}

pid_t wait_for_child(pid_t parent, const std::string& comm, double seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  do {
    for (pid_t child : child_pids(parent)) {
      std::ifstream in("/proc/" + std::to_string(child) + "/comm");
      std::string name;
      if (std::getline(in, name) && name == comm) return child;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  } while (std::chrono::steady_clock::now() < deadline);
  return 0;
}

}  // namespace scc::test
