#include "support/support.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace scc::test {

std::filesystem::path source_dir() { return SCC_SOURCE_DIR; }
std::filesystem::path shared_dir() { return std::filesystem::path(SCC_SHARED_DIR); }

void skip(const std::string& why) {
  std::cout << "SKIPPED: " << why << std::endl;
  std::_Exit(77);
}

void skip_unless_shared() {
  if (!std::filesystem::is_directory(shared_dir() / "corpus"))
    skip("../shared/corpus is absent (only CI and the developers' machines have it)");
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/scc-test-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& content) const {
  auto p = path_ / name;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << content;
  return p;
}

RunResult run_program(const std::vector<std::string>& argv, const std::string& input) {
  // A child that exits before reading all of its input must not kill the test
  // with SIGPIPE: the write then fails with EPIPE and input is done.
  std::signal(SIGPIPE, SIG_IGN);
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  RunResult r;
  std::size_t written = 0;
  if (input.empty()) close(in[1]);
  bool in_open = !input.empty();
  bool out_open = true, err_open = true;
  char buf[65536];
  while (out_open || err_open || in_open) {
    pollfd fds[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
    if (!out_open) fds[0].fd = -1;
    if (!err_open) fds[1].fd = -1;
    if (!in_open) fds[2].fd = -1;
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        (i == 0 ? out_open : err_open) = false;
        continue;
      }
      (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
    }
    if (in_open && fds[2].revents != 0) {
      ssize_t n = write(in[1], input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n <= 0 || written == input.size()) {
        close(in[1]);
        in_open = false;
      }
    }
  }
  close(out[0]);
  close(err[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

RunResult run_convert(const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> argv{SCC_CONVERT_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, input);
}

RunResult run_hook(const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> argv{SCC_HOOK_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, input);
}

std::string runc_spec_config() {
  TempDir dir;
  RunResult r = run_program({"runc", "spec", "--bundle", dir.path().string()});
  if (r.exit_code == 127) skip("runc is not installed");
  if (r.exit_code != 0) throw std::runtime_error("runc spec failed: " + r.err);
  return read_file(dir.path() / "config.json");
}

}  // namespace scc::test
