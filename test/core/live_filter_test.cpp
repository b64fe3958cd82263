// dump_filters against the real kernel: children load known programs with the
// raw seccomp() call (not with load_filter, so that a fault there cannot hide
// here) and the test reads them back.
#include "scc/live_filter.hpp"

#include <doctest/doctest.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <string>

#include "support/live_process.hpp"

using namespace scc;
using scc::test::ChildProcess;

namespace {

// libseccomp's program for "allow everything, but `nr` fails with `error`".
bpf::Program errno_program(int nr, std::uint16_t error) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == nullptr || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(error), nr, 0) != 0)
    throw std::runtime_error("libseccomp refused the rule");
  int fd = memfd_create("bpf", MFD_CLOEXEC);
  if (fd < 0 || seccomp_export_bpf(ctx, fd) != 0) throw std::runtime_error("export failed");
  seccomp_release(ctx);
  const off_t size = lseek(fd, 0, SEEK_END);
  std::vector<sock_filter> insns(static_cast<std::size_t>(size) / sizeof(sock_filter));
  if (pread(fd, insns.data(), static_cast<std::size_t>(size), 0) != size)
    throw std::runtime_error("read back failed");
  close(fd);
  return bpf::Program(std::move(insns));
}

std::vector<std::uint8_t> bytes_of(const bpf::Program& program) {
  std::vector<std::uint8_t> bytes(program.size() * sizeof(sock_filter));
  std::memcpy(bytes.data(), program.instructions().data(), bytes.size());
  return bytes;
}

// In a child: load `program` as the kernel's own interface takes it.
bool load_raw(const bpf::Program& program) {
  std::vector<sock_filter> insns(program.instructions().begin(), program.instructions().end());
  sock_fprog fprog{static_cast<unsigned short>(insns.size()), insns.data()};
  return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) == 0;
}

// A child that loads `programs` in order, then sleeps in pause().
int load_and_pause(const std::vector<bpf::Program>& programs, const ChildProcess::Ready& ready) {
  for (const auto& program : programs)
    if (!load_raw(program)) return 3;
  ready();
  for (;;) pause();
}

const bpf::Program& program_a() {
  static const bpf::Program program = errno_program(SCMP_SYS(mincore), 42);
  return program;
}
const bpf::Program& program_b() {
  static const bpf::Program program = errno_program(SCMP_SYS(madvise), 43);
  return program;
}

}  // namespace

TEST_CASE("dump_filters returns the exact bytes a process loaded") {
  scc::test::skip_unless_live_seccomp();
  ChildProcess child([](const auto& ready) { return load_and_pause({program_a()}, ready); });
  REQUIRE(child.became_ready());
  auto result = dump_filters(child.pid());
  REQUIRE(result.ok());
  CHECK(result.diagnostics.empty());
  REQUIRE(result.value->size() == 1);
  CHECK(bytes_of(result.value->at(0)) == bytes_of(program_a()));
}

TEST_CASE("stacked filters come back newest first") {
  scc::test::skip_unless_live_seccomp();
  ChildProcess child([](const auto& ready) {
    return load_and_pause({program_a(), program_b()}, ready);
  });
  REQUIRE(child.became_ready());
  auto result = dump_filters(child.pid());
  REQUIRE(result.ok());
  REQUIRE(result.value->size() == 2);
  CHECK(bytes_of(result.value->at(0)) == bytes_of(program_b()));
  CHECK(bytes_of(result.value->at(1)) == bytes_of(program_a()));
}

TEST_CASE("a process without a filter has an empty list") {
  scc::test::skip_unless_live_seccomp();
  ChildProcess child([](const auto& ready) { return load_and_pause({}, ready); });
  REQUIRE(child.became_ready());
  auto result = dump_filters(child.pid());
  REQUIRE(result.ok());
  CHECK(result.value->empty());
  CHECK(result.diagnostics.empty());
}

TEST_CASE("the inspected process keeps running and is not left traced") {
  scc::test::skip_unless_live_seccomp();
  ChildProcess child([](const auto& ready) { return load_and_pause({program_a()}, ready); });
  REQUIRE(child.became_ready());
  REQUIRE(scc::test::wait_for_state(child.pid(), 'S'));
  REQUIRE(dump_filters(child.pid()).ok());
  CHECK(scc::test::wait_for_state(child.pid(), 'S'));
  CHECK(scc::test::process_status_field(child.pid(), "TracerPid") == "0");
  // A second dump works: nothing of the first attach is left behind.
  CHECK(dump_filters(child.pid()).ok());
}

TEST_CASE("a stopped process stays stopped after the dump") {
  scc::test::skip_unless_live_seccomp();
  ChildProcess child([](const auto& ready) { return load_and_pause({program_a()}, ready); });
  REQUIRE(child.became_ready());
  kill(child.pid(), SIGSTOP);
  REQUIRE(scc::test::wait_for_state(child.pid(), 'T'));
  auto result = dump_filters(child.pid());
  REQUIRE(result.ok());
  CHECK(result.value->size() == 1);
  CHECK(scc::test::wait_for_state(child.pid(), 'T'));
  CHECK(scc::test::process_status_field(child.pid(), "TracerPid") == "0");
  kill(child.pid(), SIGCONT);
  CHECK(scc::test::wait_for_state(child.pid(), 'S'));
}

TEST_CASE("a pid with no process is an error") {
  scc::test::skip_unless_live_seccomp();
  ChildProcess child([](const auto&) { return 0; });
  const pid_t pid = child.pid();
  child.wait();
  auto result = dump_filters(pid);
  CHECK_FALSE(result.value);
  REQUIRE(result.diagnostics.size() == 1);
  CHECK(result.diagnostics.items()[0].code == Code::ProcessNotFound);
  CHECK(result.diagnostics.items()[0].message == "no process with pid " + std::to_string(pid));

  auto zero = dump_filters(0);
  REQUIRE(zero.diagnostics.size() == 1);
  CHECK(zero.diagnostics.items()[0].message == "no process with pid 0");
}

TEST_CASE("a zombie is reported as exited") {
  scc::test::skip_unless_live_seccomp();
  ChildProcess child([](const auto&) { return 0; });
  REQUIRE(scc::test::wait_for_state(child.pid(), 'Z'));
  auto result = dump_filters(child.pid());
  REQUIRE(result.diagnostics.size() == 1);
  CHECK(result.diagnostics.items()[0].code == Code::ProcessNotFound);
  CHECK(result.diagnostics.items()[0].message ==
        "process " + std::to_string(child.pid()) + " has exited (it is a zombie)");
}

TEST_CASE("a process cannot inspect itself") {
  scc::test::skip_unless_live_seccomp();
  auto result = dump_filters(getpid());
  REQUIRE(result.diagnostics.size() == 1);
  CHECK(result.diagnostics.items()[0].code == Code::PermissionDenied);
  CHECK(result.diagnostics.items()[0].message ==
        "cannot attach to process " + std::to_string(getpid()) + ": it is this process");
}

TEST_CASE("a reader under a seccomp filter is refused and told why") {
  scc::test::skip_unless_live_seccomp();
  ChildProcess target([](const auto& ready) { return load_and_pause({program_a()}, ready); });
  REQUIRE(target.became_ready());
  const pid_t target_pid = target.pid();
  // The reader reports through its exit status: 0 only for the exact refusal.
  ChildProcess reader([target_pid](const auto&) {
    if (!load_raw(program_b())) return 3;
    auto result = dump_filters(target_pid);
    if (result.value || result.diagnostics.size() != 1) return 4;
    const Diagnostic& d = result.diagnostics.items()[0];
    if (d.code != Code::PermissionDenied) return 5;
    if (d.message != "cannot read the seccomp filters of process " + std::to_string(target_pid))
      return 6;
    return 0;
  });
  const int status = reader.wait();
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(scc::test::wait_for_state(target_pid, 'S'));
  CHECK(scc::test::process_status_field(target_pid, "TracerPid") == "0");
}
