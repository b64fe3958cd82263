// The strace log parser on real strace 6.1 output (test/core/strace_log/, made by
// capture.sh there) and on hand-made lines for the diagnostics.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "scc/strace_log.hpp"
#include "support/support.hpp"

using namespace scc;

namespace {

std::string fixture(const std::string& name) {
  return test::read_file(test::source_dir() / "test/core/strace_log" / name);
}

StraceResult parse_one(const std::string& text, std::optional<int> pid = std::nullopt) {
  std::vector<StraceLog> logs{StraceLog{text, pid}};
  return parse_strace_logs(logs, Arch::X86_64);
}

std::string names(const StraceResult& r, Arch arch) {
  std::string out;
  auto it = r.recording.syscalls.find(arch);
  if (it == r.recording.syscalls.end()) return out;
  for (const auto& [name, seen] : it->second) out += (out.empty() ? "" : " ") + name;
  return out;
}

// busybox sh forking busybox true and waiting for it
const std::string kShell =
    "arch_prctl brk clone close execve exit_group getpid getppid getrandom getuid mprotect newfstatat openat "
    "prctl prlimit64 readlink rseq rt_sigaction rt_sigprocmask rt_sigreturn rt_sigsuspend set_robust_list "
    "set_tid_address uname wait4";
// busybox true alone
const std::string kTrue =
    "arch_prctl brk execve exit_group getrandom getuid mprotect prctl prlimit64 readlink rseq set_robust_list "
    "set_tid_address";

void check_clean(const StraceResult& r) {
  CHECK(r.ok());
  for (const Diagnostics& d : r.diagnostics) CHECK(d.empty());
}

}  // namespace

TEST_CASE("strace -f -o with pid prefixes unfinished and resumed calls signals and exits") {
  auto r = parse_one(fixture("f.log"));
  check_clean(r);
  CHECK(r.recording.syscalls.size() == 1);
  CHECK(names(r, Arch::X86_64) == kShell);
  CHECK(r.calls == 57);  // one per call line; resumed halves are not counted again
  CHECK(r.recording.syscalls.at(Arch::X86_64).at("wait4").count == 3);
}

TEST_CASE("strace -ff -o per-process files share pids and give the same set") {
  std::vector<std::string> texts;
  std::vector<StraceLog> logs;
  for (const auto& entry : std::filesystem::directory_iterator(test::source_dir() / "test/core/strace_log")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("ff.", 0) == 0) texts.push_back(test::read_file(entry.path()));
  }
  REQUIRE(texts.size() == 2);
  std::size_t i = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test::source_dir() / "test/core/strace_log")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("ff.", 0) == 0) logs.push_back(StraceLog{texts[i++], strace_ff_pid(name)});
  }
  auto r = parse_strace_logs(logs, Arch::X86_64);
  check_clean(r);
  CHECK(names(r, Arch::X86_64) == kShell);
}

TEST_CASE("timestamps durations -y -n -X raw -i and raw=all do not change the names") {
  for (const char* file : {"tt_T_y.log", "all.log", "stderr_pid.log"}) {
    INFO(file);
    auto r = parse_one(fixture(file));
    check_clean(r);
    CHECK(names(r, Arch::X86_64) == kShell);
  }
  for (const char* file : {"t.log", "ttt.log", "r.log", "n.log", "x_raw.log", "raw_all.log", "i.log"}) {
    INFO(file);
    auto r = parse_one(fixture(file));
    check_clean(r);
    CHECK(names(r, Arch::X86_64) == kTrue);
  }
}

TEST_CASE("killed by a signal ends the process") {
  auto r = parse_one(fixture("killed.log"));
  check_clean(r);
  CHECK(r.recording.syscalls.at(Arch::X86_64).count("kill") == 1);
}

TEST_CASE("syscall_0x3e8 is kept as its number") {
  for (const char* file : {"unknown_nr.log", "unknown_nr_n.log"}) {
    auto r = parse_one(fixture(file));
    check_clean(r);
    CHECK(r.recording.syscalls.at(Arch::X86_64).at("__nr_1000").count == 1);
  }
  auto r = parse_one("syscall_0x27() = 5\n");
  CHECK(names(r, Arch::X86_64) == "getpid");  // a number the table knows gets its name
}

TEST_CASE("personality markers switch the pid to i386 and back") {
  auto r = parse_one(fixture("int80_markers.log"));
  check_clean(r);
  CHECK(names(r, Arch::X86) == "_llseek");
  CHECK(r.recording.syscalls.at(Arch::X86_64).count("_llseek") == 0);
  CHECK(r.recording.syscalls.at(Arch::X86_64).count("write") == 1);
}

TEST_CASE("an i386 name without markers is an error with the quiet=none hint") {
  auto r = parse_one(fixture("int80_no_markers.log"));
  CHECK_FALSE(r.ok());
  REQUIRE(r.diagnostics.at(0).size() == 1);
  const Diagnostic& d = r.diagnostics[0].items()[0];
  CHECK(d.code == Code::UnknownSyscall);
  CHECK(d.line == 15);
  CHECK(d.column == 7);
  CHECK(d.message == "unknown syscall \"_llseek\" on x86_64");
  CHECK(d.hint == "\"_llseek\" is x86's: the log lacks strace's personality markers; trace with `strace -e quiet=none`");
}

TEST_CASE("an unknown name is an error at its line and column with the nearest name") {
  auto r = parse_one("100 read(0, \"\", 1) = 0\n100 00:00:01.5 opne(\"/x\", O_RDONLY) = 3\n");
  CHECK_FALSE(r.ok());
  REQUIRE(r.diagnostics[0].size() == 1);
  const Diagnostic& d = r.diagnostics[0].items()[0];
  CHECK(d.line == 2);
  CHECK(d.column == 16);
  CHECK(d.message == "unknown syscall \"opne\" on x86_64");
  CHECK(d.hint == "did you mean \"open\"?");
}

TEST_CASE("a child inherits its parent's arch across -ff files in any order") {
  const std::string parent =
      "[ Process PID=10 runs in 32 bit mode. ]\n"
      "fork() = 11\n"
      "_llseek(0, 0, NULL, SEEK_SET) = 0\n";
  const std::string child = "mmap2(NULL, 4096, PROT_READ, MAP_PRIVATE, 3, 0) = 0\n+++ exited with 0 +++\n";
  std::vector<StraceLog> logs{StraceLog{child, 11}, StraceLog{parent, 10}};
  auto r = parse_strace_logs(logs, Arch::X86_64);
  check_clean(r);
  CHECK(names(r, Arch::X86) == "_llseek fork mmap2");
  CHECK(names(r, Arch::X86_64).empty());
}

TEST_CASE("a reused pid starts fresh after its exit") {
  auto r = parse_one(
      "5 [ Process PID=5 runs in 32 bit mode. ]\n5 getpid() = 5\n5 +++ exited with 0 +++\n5 getpid() = 5\n");
  check_clean(r);
  CHECK(names(r, Arch::X86) == "getpid");
  CHECK(names(r, Arch::X86_64) == "getpid");
}

TEST_CASE("unparsable lines are warnings with their position - the rest is counted") {
  auto r = parse_one("read(0, \"\", 1) = 0\nhello world\n[bogus] read(0) = 0\nwrite(1, \"x\"\n");
  CHECK(r.ok());
  REQUIRE(r.diagnostics[0].size() == 3);
  const auto& items = r.diagnostics[0].items();
  CHECK(items[0].severity == Severity::Warning);
  CHECK(items[0].code == Code::LogSyntax);
  CHECK(items[0].line == 2);
  CHECK(items[0].column == 1);
  CHECK(items[0].message == "cannot parse strace line \"hello world\"");
  CHECK(items[1].line == 3);
  CHECK(items[1].message == "cannot parse the bracketed field \"[bogus] read(0) = 0\"");
  CHECK(items[2].line == 4);
  CHECK(items[2].column == 13);
  CHECK(items[2].message == "the call to \"write\" has no result (a cut line?); it is counted");
  CHECK(names(r, Arch::X86_64) == "read write");
}

TEST_CASE("a log with nothing strace wrote is an error") {
  auto r = parse_one("hello\n");
  CHECK_FALSE(r.ok());
  const auto& items = r.diagnostics[0].items();
  REQUIRE(items.size() == 2);
  CHECK(items[0].code == Code::InputEmpty);  // no position: sorts first
  CHECK(items[0].message == "no strace output found (no syscall, signal or exit line)");
  CHECK(items[1].code == Code::LogSyntax);
  CHECK(items[1].line == 1);
}

TEST_CASE("the pid of a -ff file name") {
  CHECK(strace_ff_pid("trace.1234") == 1234);
  CHECK(strace_ff_pid("dir.d/trace.77") == 77);
  CHECK(strace_ff_pid("trace.log") == std::nullopt);
  CHECK(strace_ff_pid("trace") == std::nullopt);
  CHECK(strace_ff_pid("trace.0") == std::nullopt);
}

TEST_CASE("aarch64 traces switch between AArch64 and 32-bit mode - x86_64 traces know x32") {
  const std::string arm = "[ Process PID=3 runs in 32-bit mode. ]\n3 _llseek(0, 0, NULL, SEEK_SET) = 0\n"
                          "[ Process PID=3 runs in AArch64 mode. ]\n3 openat(AT_FDCWD, \"/\", O_RDONLY) = 3\n";
  std::vector<StraceLog> logs{StraceLog{arm, std::nullopt}};
  auto r = parse_strace_logs(logs, Arch::Aarch64);
  check_clean(r);
  CHECK(names(r, Arch::Arm) == "_llseek");
  CHECK(names(r, Arch::Aarch64) == "openat");
  auto x32 = parse_one("[ Process PID=4 runs in x32 mode. ]\n4 read(0, \"\", 1) = 0\n");
  check_clean(x32);
  CHECK(names(x32, Arch::X32) == "read");
  auto bad = parse_one("[ Process PID=4 runs in 16 bit mode. ]\n4 read(0, \"\", 1) = 0\n");
  REQUIRE(bad.diagnostics[0].size() == 1);
  CHECK(bad.diagnostics[0].items()[0].message == "unknown personality \"16 bit\" for a x86_64 trace");
  CHECK(bad.diagnostics[0].items()[0].column == 25);  // where "16 bit" starts
}

TEST_CASE("mutated logs never crash and every diagnostic points into its log") {
  const std::string base = fixture("all.log") + fixture("int80_markers.log") + fixture("stderr_pid.log");
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;  // fixed seed: the same inputs every run
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const std::string alphabet = "()<>[]{}.,:=+-? \n0123456789abcxyz_\"\\";
  for (int round = 0; round < 300; ++round) {
    std::string text = base;
    const int edits = 1 + static_cast<int>(next() % 40);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = next() % text.size();
      const char c = alphabet[next() % alphabet.size()];
      switch (next() % 4) {
        case 0: text[at] = c; break;
        case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        case 2: text.erase(at, 1 + next() % 20); break;
        default: text.resize(at); break;
      }
    }
    const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    auto r = parse_one(text);
    std::uint64_t counted = 0;
    for (const auto& [arch, names] : r.recording.syscalls)
      for (const auto& [name, seen] : names) counted += seen.count;
    INFO("round " << round);
    CHECK(counted == r.calls);
    for (const Diagnostic& d : r.diagnostics.at(0)) {
      CHECK(d.line <= lines);
      if (d.line == 0) CHECK(d.code == Code::InputEmpty);
    }
  }
}
