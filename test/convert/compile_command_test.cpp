// seccomp-convert [compile] PROFILE, run as a program: every output format
// against the library's own compile(), the summary, the refusal to write
// binary to a terminal, and atomic -o.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <pty.h>
#include <seccomp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "scc/base64.hpp"
#include "scc/compile.hpp"
#include "scc/read.hpp"
#include "support/support.hpp"

using scc::test::run_convert;
using scc::test::TempDir;
namespace fs = std::filesystem;

namespace {

// A flat x86_64 profile whose program is small enough to read.
constexpr const char* kTiny = scc::test::kTinyProfile;

// The program the library compiles for kTiny on x86_64.
scc::CompiledFilter tiny_in_process() {
  auto doc = scc::read_document(kTiny);
  REQUIRE(doc.ok());
  scc::CompileOptions options;
  options.arches = {scc::Arch::X86_64};
  auto compiled = scc::compile(doc.value->profiles.front(), options);
  REQUIRE(compiled.ok());
  return *compiled.value;
}

std::string bytes_of(const scc::bpf::Program& program) {
  auto bytes = program.to_bytes();
  return {bytes.begin(), bytes.end()};
}

std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename());
  return out;
}

struct TtyRun {
  int exit_code = -1;
  std::string terminal;  // what reached the terminal (stdout)
  std::string err;
};

// Run seccomp-convert with its standard output on a pseudo-terminal.
TtyRun run_convert_on_tty(const std::vector<std::string>& args) {
  int master = -1, slave = -1;
  REQUIRE(openpty(&master, &slave, nullptr, nullptr, nullptr) == 0);
  int err_pipe[2];
  REQUIRE(pipe(err_pipe) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(slave, STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    std::vector<char*> argv{const_cast<char*>(SCC_CONVERT_BIN)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(SCC_CONVERT_BIN, argv.data());
    _exit(127);
  }
  close(slave);
  close(err_pipe[1]);
  TtyRun r;
  char buf[4096];
  for (ssize_t n; (n = read(err_pipe[0], buf, sizeof buf)) > 0;) r.err.append(buf, static_cast<std::size_t>(n));
  int status = 0;
  waitpid(pid, &status, 0);
  // The child has exited: whatever it wrote is in the master's buffer (EIO after).
  fcntl(master, F_SETFL, O_NONBLOCK);
  for (ssize_t n; (n = read(master, buf, sizeof buf)) > 0;) r.terminal.append(buf, static_cast<std::size_t>(n));
  close(master);
  close(err_pipe[0]);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string libseccomp_version() {
  const scmp_version* v = seccomp_version();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro);
}

}  // namespace

TEST_CASE("compile: the bpf file and the base64 line hold the bytes compile() gives") {
  TempDir dir;
  const fs::path profile = dir.write("tiny.json", kTiny);
  const fs::path out = dir.path() / "tiny.bpf";
  auto bpf = run_convert({"compile", profile.string(), "--arch", "x86_64", "-o", out.string()});
  INFO(bpf.err);
  REQUIRE(bpf.exit_code == 0);
  CHECK(bpf.out.empty());
  auto b64 = run_convert({"compile", profile.string(), "--arch", "x86_64", "--format", "base64"});
  REQUIRE(b64.exit_code == 0);
  REQUIRE(b64.out.size() > 1);
  CHECK(b64.out.back() == '\n');
  CHECK(b64.out.find('\n') == b64.out.size() - 1);  // one line
  auto decoded = scc::base64_decode(b64.out.substr(0, b64.out.size() - 1));
  REQUIRE(decoded.has_value());
  const std::string expected = bytes_of(tiny_in_process().program);
  CHECK(scc::test::read_file(out) == expected);
  CHECK(std::string(decoded->begin(), decoded->end()) == expected);
}

TEST_CASE("compile: a bare PROFILE argument runs the compile command") {
  TempDir dir;
  const fs::path profile = dir.write("tiny.json", kTiny);
  auto bare = run_convert({profile.string(), "--arch", "x86_64", "--format", "base64"});
  auto explicit_ = run_convert({"compile", profile.string(), "--arch", "x86_64", "--format", "base64"});
  REQUIRE(bare.exit_code == 0);
  CHECK(bare.out == explicit_.out);
  auto flag_first = run_convert({"--arch", "x86_64", profile.string(), "--format", "base64"});
  REQUIRE(flag_first.exit_code == 0);
  CHECK(flag_first.out == explicit_.out);
}

TEST_CASE("compile: the summary of a tiny profile") {
  TempDir dir;
  const fs::path profile = dir.write("tiny.json", kTiny);
  const scc::CompiledFilter f = tiny_in_process();
  auto r = run_convert({profile.string(), "--arch", "x86_64"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string n = std::to_string(f.program.size());
  CHECK(r.out == "profile:          " + profile.string() + " (oci)\n"
                 "arches:           x86_64\n"
                 "rules:            2 input, 2 compiled\n"
                 "program:          " + n + " instructions (" + std::to_string(f.program.size() * 8) + " bytes)\n"
                 "  x86_64:         " + std::to_string(f.per_arch.at(0).instructions) +
                 " instructions, 3 syscalls with rules, " + std::to_string(f.per_arch.at(0).libseccomp_rules) +
                 " libseccomp rules\n"
                 "default action:   ERRNO(1) EPERM\n"
                 "bad-arch action:  KILL_PROCESS\n"
                 "enosys horizon:   on\n"
                 "binary tree:      off\n"
                 "flags:            none\n"
                 "sha256:           " + f.sha256 + "\n"
                 "diagnostics:      0 errors, 0 warnings, 0 notes\n");
  CHECK(r.err.empty());
}

TEST_CASE("compile: pfc holds the rules of every syscall") {
  TempDir dir;
  const fs::path profile = dir.write("tiny.json", kTiny);
  auto r = run_convert({profile.string(), "--arch", "x86_64", "--format", "pfc"});
  REQUIRE(r.exit_code == 0);
  for (const char* line : {"# arch x86_64\n", "if ($arch == 3221225534)\n",
                           "  # filter for syscall \"read\" (0) [priority: 65535]\n",
                           "  if ($syscall == 0)\n    action ALLOW;\n",
                           "  if ($syscall == 1)\n    action ALLOW;\n",
                           "  # filter for syscall \"socket\" (41)", "  action ERRNO(1);\n",
                           "action KILL_PROCESS;\n"}) {
    INFO(line);
    CHECK(r.out.find(line) != std::string::npos);
  }
}

TEST_CASE("compile: disasm begins with the arch check of a one-arch program") {
  TempDir dir;
  const fs::path profile = dir.write("tiny.json", kTiny);
  auto r = run_convert({profile.string(), "--arch", "x86_64", "--format", "disasm"});
  REQUIRE(r.exit_code == 0);
  // Load the arch; x86_64 goes on, anything else meets the bad-arch action;
  // then the number is loaded.
  CHECK(r.out.rfind(" 0000: ld [4]                             ; arch\n"
                    " 0001: jeq #0xc000003e  jt 0003 jf 0002   ; AUDIT_ARCH_X86_64\n"
                    " 0002: ret #0x80000000                    ; KILL_PROCESS\n"
                    " 0003: ld [0]                             ; nr\n",
                    0) == 0);
  CHECK(r.out == scc::bpf::disassemble(tiny_in_process().program));
}

TEST_CASE("compile: the oci format is exactly what resolve prints") {
  const std::string profile = (scc::test::source_dir() / "profiles" / "runtime-default.json").string();
  auto compiled = run_convert({profile, "--arch", "aarch64", "--kernel", "6.18", "--format", "oci"});
  auto resolved = run_convert({"resolve", profile, "--arch", "aarch64", "--kernel", "6.18"});
  REQUIRE(compiled.exit_code == 0);
  REQUIRE(resolved.exit_code == 0);
  CHECK(compiled.out == resolved.out);
  auto j = nlohmann::json::parse(compiled.out);
  CHECK(j["architectures"] == nlohmann::json::array({"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"}));
}

TEST_CASE("compile: the json report") {
  TempDir dir;
  const fs::path profile = dir.write("p.json", R"({
  "defaultAction": "SCMP_ACT_ERRNO",
  "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [{"names": ["read", "ptrace"], "action": "SCMP_ACT_ALLOW"}]
}
)");
  const fs::path out = dir.path() / "p.bpf";
  REQUIRE(run_convert({profile.string(), "--arch", "x86_64", "-o", out.string()}).exit_code == 0);
  auto r = run_convert({profile.string(), "--arch", "x86_64", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  const std::string program = scc::test::read_file(out);
  CHECK(j["file"] == profile.string());
  CHECK(j["dialect"] == "oci");
  CHECK(j["resolved"] == false);
  CHECK(j["arches"] == nlohmann::json::array({"x86_64"}));
  CHECK(j["rules"] == nlohmann::json({{"input", 1}, {"compiled", 1}}));
  CHECK(j["instructions"] == program.size() / 8);
  CHECK(j["bytes"] == program.size());
  CHECK(j["per_arch"].size() == 1);
  CHECK(j["per_arch"][0]["arch"] == "x86_64");
  CHECK(j["per_arch"][0]["syscalls"] == 2);
  CHECK(j["default_action"] == "ERRNO(1) EPERM");
  CHECK(j["bad_arch_action"] == "KILL_PROCESS");
  CHECK(j["enosys_horizon"] == true);
  CHECK(j["binary_tree"] == false);
  CHECK(j["flags"] == nlohmann::json::array());
  CHECK(j["sha256"] == scc::program_sha256(*scc::bpf::Program::from_bytes(
                           {reinterpret_cast<const std::uint8_t*>(program.data()), program.size()}).value));
  CHECK(j["libseccomp"] == libseccomp_version());
  REQUIRE(j["diagnostics"].size() == 1);
  CHECK(j["diagnostics"][0]["pointer"] == "/syscalls/0/names/1");
  CHECK(j["diagnostics"][0]["severity"] == "warning");
  CHECK(j["diagnostics"][0]["code"] == "dangerous-allow");
  CHECK(j["diagnostics"][0]["line"] == 4);
  CHECK(j["diagnostics"][0]["column"] == 35);
}

// The compile command runs the validator first: its errors stop it, with
// their locations, before anything is written.
TEST_CASE("compile: a validator error (unknown syscall) refuses to compile and writes nothing") {
  TempDir dir;
  const fs::path profile = dir.write("typo.json", R"({
  "defaultAction": "SCMP_ACT_ERRNO",
  "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [{"names": ["read", "opne"], "action": "SCMP_ACT_ALLOW"}]
}
)");
  const fs::path out = dir.path() / "out.bpf";
  auto r = run_convert({profile.string(), "--arch", "x86_64", "-o", out.string()});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == profile.string() + ": /syscalls/0/names/1: error: unknown syscall \"opne\" (did you "
                 "mean \"open\"?) [unknown-syscall]\n"
                 "seccomp-convert: " + profile.string() + ": not compiled; nothing written\n");
  CHECK_FALSE(fs::exists(out));
  CHECK(entries(dir.path()) == std::set<std::string>{"typo.json"});
  auto summary = run_convert({profile.string(), "--arch", "x86_64"});
  CHECK(summary.exit_code == 1);
  CHECK(summary.out.empty());
}

TEST_CASE("compile: validator warnings stay in the summary with their locations") {
  TempDir dir;
  const fs::path profile = dir.write("warn.json", R"({
  "defaultAction": "SCMP_ACT_ERRNO",
  "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [{"names": ["read", "ptrace"], "action": "SCMP_ACT_ALLOW"}]
}
)");
  auto r = run_convert({profile.string(), "--arch", "x86_64"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("diagnostics:      0 errors, 1 warnings, 0 notes\n" + profile.string() +
                   ": /syscalls/0/names/1: warning: allowing \"ptrace\" lets a process read and "
                   "write the memory of others") != std::string::npos);
  CHECK(r.err.empty());
  // Other formats print the findings on standard error and still write.
  auto b64 = run_convert({profile.string(), "--arch", "x86_64", "--format", "base64"});
  CHECK(b64.exit_code == 0);
  CHECK(b64.err.find(profile.string() + ": /syscalls/0/names/1: warning: ") == 0);
  CHECK_FALSE(b64.out.empty());
}

// Errors of check that concern runtimes loading the profile as written, which
// the compiler builds exactly, are warnings here; compile's own notes on them
// are not repeated at the same place.
TEST_CASE("compile: a width-unsafe comparison is a warning and compiled exactly") {
  TempDir dir;
  const fs::path profile = dir.write("gt.json", R"({
  "defaultAction": "SCMP_ACT_ERRNO",
  "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [{"names": ["socket"], "action": "SCMP_ACT_ALLOW",
                "args": [{"index": 0, "value": 40, "op": "SCMP_CMP_GT"}]}]
}
)");
  auto check = run_convert({"check", profile.string()});
  CHECK(check.exit_code == 1);
  auto r = run_convert({profile.string(), "--arch", "x86_64", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["diagnostics"].size() == 1);
  CHECK(j["diagnostics"][0]["pointer"] == "/syscalls/0/args/0");
  CHECK(j["diagnostics"][0]["severity"] == "warning");
  CHECK(j["diagnostics"][0]["code"] == "width-unsafe-comparison");
  const std::string message = j["diagnostics"][0]["message"];
  CHECK(message.find("(an error for runtimes that load the profile as written; seccomp-convert "
                     "compiles it exactly)") != std::string::npos);
}

// The errno range is the validator's: check and compile agree at 4094/4095.
TEST_CASE("compile and check: errnoRet 4094 is accepted and 4095 is an errno-range error") {
  TempDir dir;
  auto profile_with = [&](const std::string& name, const std::string& errno_ret) {
    return dir.write(name, R"({
  "defaultAction": "SCMP_ACT_ALLOW",
  "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": )" + errno_ret + R"(}]
}
)").string();
  };
  const std::string ok = profile_with("ok.json", "4094");
  CHECK(run_convert({"check", ok}).exit_code == 0);
  auto compiled = run_convert({ok, "--arch", "x86_64", "--format", "base64"});
  CHECK(compiled.exit_code == 0);
  CHECK(compiled.err.empty());
  auto explained = run_convert({"explain", ok, "mkdir", "--arch", "x86_64"});
  CHECK(explained.out.find("ERRNO(4094)") != std::string::npos);

  const std::string message =
      "/syscalls/0/errnoRet: error: errnoRet 4095 is out of range 0-4094: libseccomp (so runc, "
      "crun and podman) refuses errno 4095 and above; the kernel caps errno at 4095 [errno-range]\n";
  const std::string bad = profile_with("bad.json", "4095");
  auto checked = run_convert({"check", bad});
  CHECK(checked.exit_code == 1);
  CHECK(checked.out == bad + ": " + message);
  auto refused = run_convert({bad, "--arch", "x86_64", "--format", "base64"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.out.empty());
  CHECK(refused.err == bad + ": " + message + "seccomp-convert: " + bad +
                           ": not compiled; nothing written\n");
}

TEST_CASE("compile: a Docker profile is resolved for the first --arch and covers its archMap entry") {
  const std::string profile = (scc::test::source_dir() / "profiles" / "runtime-default.json").string();
  auto r = run_convert({profile, "--arch", "aarch64", "--kernel", "6.18", "--caps", "CAP_CHOWN", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["dialect"] == "docker");
  CHECK(j["resolved"] == true);
  CHECK(j["target"] == nlohmann::json({{"arch", "aarch64"}, {"caps", {"CAP_CHOWN"}}, {"kernel", "6.18"}}));
  CHECK(j["arches"] == nlohmann::json::array({"aarch64", "arm"}));
  auto two = run_convert({profile, "--arch", "aarch64", "--arch", "x86_64", "--kernel", "6.18", "--format", "json"});
  REQUIRE(two.exit_code == 0);
  CHECK(nlohmann::json::parse(two.out)["arches"] == nlohmann::json::array({"x86_64", "aarch64"}));
}

TEST_CASE("compile: binary output to a terminal is refused") {
  TempDir dir;
  const fs::path profile = dir.write("tiny.json", kTiny);
  TtyRun r = run_convert_on_tty({profile.string(), "--arch", "x86_64", "--format", "bpf"});
  CHECK(r.exit_code == 2);
  CHECK(r.terminal.empty());
  CHECK(r.err ==
        "seccomp-convert: error: refusing to write a binary BPF program to a terminal; write it to "
        "a file with -o FILE, or print it as text with --format base64 (or disasm)\n");
  // Text formats still go to a terminal.
  TtyRun text = run_convert_on_tty({profile.string(), "--arch", "x86_64", "--format", "base64"});
  CHECK(text.exit_code == 0);
  CHECK(text.terminal.size() > 8);
}

TEST_CASE("compile: -o writes atomically and leaves no temporary file") {
  TempDir dir;
  const fs::path profile = dir.write("tiny.json", kTiny);
  const fs::path out = dir.path() / "out.bpf";
  dir.write("out.bpf", "old content");
  auto r = run_convert({profile.string(), "--arch", "x86_64", "-o", out.string()});
  REQUIRE(r.exit_code == 0);
  CHECK(scc::test::read_file(out) == bytes_of(tiny_in_process().program));
  CHECK(entries(dir.path()) == std::set<std::string>{"out.bpf", "tiny.json"});
}

TEST_CASE("compile: -o into a missing directory fails and creates nothing") {
  TempDir dir;
  const fs::path profile = dir.write("tiny.json", kTiny);
  const fs::path out = dir.path() / "missing" / "out.bpf";
  auto r = run_convert({profile.string(), "--arch", "x86_64", "-o", out.string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("[output-unwritable]") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
  CHECK(entries(dir.path()) == std::set<std::string>{"tiny.json"});
}

TEST_CASE("compile: a profile with errors writes nothing and keeps the old output") {
  TempDir dir;
  const fs::path profile = dir.write("bad.json", R"({
  "defaultAction": "SCMP_ACT_ERRNO",
  "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOWED"}]
}
)");
  const fs::path out = dir.write("out.bpf", "old content");
  auto r = run_convert({profile.string(), "--arch", "x86_64", "-o", out.string()});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find(profile.string() + ": /syscalls/0/action: error: ") == 0);
  CHECK(r.err.find("[unknown-action]") != std::string::npos);
  CHECK(scc::test::read_file(out) == "old content");
  CHECK(entries(dir.path()) == std::set<std::string>{"bad.json", "out.bpf"});
}

TEST_CASE("compile: usage errors exit 2") {
  TempDir dir;
  const fs::path profile = dir.write("tiny.json", kTiny);
  CHECK(run_convert({profile.string(), "--format", "elf"}).exit_code == 2);
  CHECK(run_convert({profile.string(), "--arch", "vax"}).exit_code == 2);
  auto kernel = run_convert({profile.string(), "--kernel", "six"});
  CHECK(kernel.exit_code == 2);
  CHECK(kernel.err == "seccomp-convert compile: error: bad kernel version \"six\" (expected X.Y, or a "
                      "release like 6.1.0-18-amd64)\n");
}

TEST_CASE("compile: the summary of a binary-tree program names its range search") {
  TempDir dir;
  std::string names;
  for (const char* n : {"read", "write", "close", "fstat", "lseek", "mmap", "mprotect", "munmap", "brk",
                        "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "ioctl", "pread64", "pwrite64",
                        "readv", "writev", "access", "pipe", "select", "sched_yield", "mremap", "msync",
                        "mincore", "madvise", "dup", "dup2", "pause", "nanosleep", "getitimer", "alarm",
                        "setitimer", "getpid", "exit", "exit_group"})
    names += std::string(names.empty() ? "" : ", ") + "\"" + n + "\"";
  const fs::path profile = dir.write("big.json", R"({"defaultAction": "SCMP_ACT_ERRNO",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
  "syscalls": [{"names": [)" + names + R"(], "action": "SCMP_ACT_ALLOW"}]})");
  auto r = run_convert({profile.string(), "--arch", "x86_64", "--arch", "x86"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("instructions (the AUDIT_ARCH_X86_64 group), 35 syscalls with rules, range search\n") !=
        std::string::npos);
  CHECK(r.out.find("\n  x86:  ") != std::string::npos);
  CHECK(r.out.find("binary tree:      on\n") != std::string::npos);
}
