// seccomp-convert explain, run as a program: an allowed, a denied, an
// unknown-number and an argument-dependent call, a call from an arch the
// filter does not cover, a raw program, and usage errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/support.hpp"

using scc::test::run_convert;
using scc::test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr const char* kProfile = scc::test::kTinyProfile;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

struct Explained {
  std::vector<std::string> lines;
  std::string instructions;  // the last line
};

// Run explain; the instructions line is checked against the program: its
// size, and a ret instruction at the index it names.
Explained explain(const fs::path& input, std::vector<std::string> call) {
  std::vector<std::string> args{"explain", input.string()};
  args.insert(args.end(), call.begin(), call.end());
  if (std::find(args.begin(), args.end(), "--arch") == args.end())  // not the host's
    args.insert(args.end(), {"--arch", "x86_64"});
  auto r = run_convert(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  Explained e{lines_of(r.out), {}};
  REQUIRE_FALSE(e.lines.empty());
  e.instructions = e.lines.back();
  e.lines.pop_back();
  return e;
}

// The disassembly line of instruction `index` of the profile's program.
std::string disassembly_line(const fs::path& profile, const std::string& index) {
  auto r = run_convert({profile.string(), "--arch", "x86_64", "--format", "disasm"});
  REQUIRE(r.exit_code == 0);
  for (const std::string& line : lines_of(r.out))
    if (line.rfind(" " + index + ":", 0) == 0) return line;
  return {};
}

std::size_t program_size(const fs::path& profile) {
  auto r = run_convert({profile.string(), "--arch", "x86_64", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out)["instructions"].get<std::size_t>();
}

// "instructions: 7 executed of 23, returned at 0014": of the program's size,
// at a ret of `ret_constant`.
void check_instructions(const fs::path& profile, const std::string& line, const std::string& ret_constant) {
  const std::string of = " executed of " + std::to_string(program_size(profile)) + ", returned at ";
  REQUIRE(line.rfind("instructions: ", 0) == 0);
  const auto at = line.find(of);
  REQUIRE(at != std::string::npos);
  const std::string index = line.substr(at + of.size());
  CHECK(index.size() == 4);
  CHECK(disassembly_line(profile, index).find(": ret #" + ret_constant) != std::string::npos);
}

}  // namespace

TEST_CASE("explain: an allowed call names the rule that allows it") {
  TempDir dir;
  const fs::path p = dir.write("p.json", kProfile);
  Explained e = explain(p, {"read"});
  CHECK(e.lines == std::vector<std::string>{
                       "call:         x86_64 read (nr 0) args 0x0 0x0 0x0 0x0 0x0 0x0",
                       "action:       ALLOW",
                       "errno:        none",
                       "decided by:   /syscalls/0 (line 6; names: read, write; action: SCMP_ACT_ALLOW)"});
  check_instructions(p, e.instructions, "0x7fff0000");
}

TEST_CASE("explain: a denied call gets the default action and its errno") {
  TempDir dir;
  const fs::path p = dir.write("p.json", kProfile);
  Explained e = explain(p, {"getpid"});
  CHECK(e.lines == std::vector<std::string>{
                       "call:         x86_64 getpid (nr 39) args 0x0 0x0 0x0 0x0 0x0 0x0",
                       "action:       ERRNO(1) EPERM",
                       "errno:        EPERM (1): Operation not permitted",
                       "decided by:   default action (no rule matches getpid)"});
  check_instructions(p, e.instructions, "0x50001");
}

TEST_CASE("explain: an unknown syscall number meets the ENOSYS horizon") {
  TempDir dir;
  const fs::path p = dir.write("p.json", kProfile);
  Explained e = explain(p, {"1000"});
  CHECK(e.lines == std::vector<std::string>{
                       "call:         x86_64 unknown (nr 1000) args 0x0 0x0 0x0 0x0 0x0 0x0",
                       "action:       ERRNO(38) ENOSYS",
                       "errno:        ENOSYS (38): Function not implemented",
                       "decided by:   unknown syscall number: ENOSYS horizon"});
  check_instructions(p, e.instructions, "0x50026");
}

TEST_CASE("explain: an argument decides and its high half does not count") {
  TempDir dir;
  const fs::path p = dir.write("p.json", kProfile);
  Explained denied = explain(p, {"socket", "40", "1", "0"});
  CHECK(denied.lines == std::vector<std::string>{
                            "call:         x86_64 socket (nr 41) args 0x28 0x1 0x0 0x0 0x0 0x0",
                            "action:       ERRNO(1) EPERM",
                            "errno:        EPERM (1): Operation not permitted",
                            "decided by:   default action (no rule matches socket)"});
  check_instructions(p, denied.instructions, "0x50001");
  Explained high = explain(p, {"socket", "0x100000028"});
  CHECK(high.lines.at(1) == "action:       ERRNO(1) EPERM");
  Explained allowed = explain(p, {"socket", "0x100000026"});
  CHECK(allowed.lines == std::vector<std::string>{
                             "call:         x86_64 socket (nr 41) args 0x100000026 0x0 0x0 0x0 0x0 0x0",
                             "action:       ALLOW",
                             "errno:        none",
                             "decided by:   /syscalls/1 (line 7; names: socket; action: SCMP_ACT_ALLOW; "
                             "args: arg0 NE 0x28)"});
  check_instructions(p, allowed.instructions, "0x7fff0000");
}

TEST_CASE("explain: a call from an arch the filter does not cover meets the bad-arch action") {
  TempDir dir;
  const fs::path p = dir.write("p.json", kProfile);
  Explained e = explain(p, {"read", "--arch", "arm"});
  CHECK(e.lines == std::vector<std::string>{
                       "call:         arm read (nr 3) args 0x0 0x0 0x0 0x0 0x0 0x0",
                       "action:       KILL_PROCESS",
                       "errno:        none",
                       "decided by:   arch not targeted: bad-arch action"});
}

TEST_CASE("explain: a raw program is run in the emulator alone") {
  TempDir dir;
  const fs::path p = dir.write("p.json", kProfile);
  const fs::path bpf = dir.path() / "p.bpf";
  REQUIRE(run_convert({p.string(), "--arch", "x86_64", "-o", bpf.string()}).exit_code == 0);
  Explained e = explain(bpf, {"socket", "40", "--arch", "x86_64"});
  CHECK(e.lines == std::vector<std::string>{
                       "call:         x86_64 socket (nr 41) args 0x28 0x0 0x0 0x0 0x0 0x0",
                       "action:       ERRNO(1) EPERM",
                       "errno:        EPERM (1): Operation not permitted"});
  check_instructions(p, e.instructions, "0x50001");
  Explained x32 = explain(bpf, {"0x40000000", "--arch", "x86_64"});
  CHECK(x32.lines.at(1) == "action:       KILL_PROCESS");
}

TEST_CASE("explain: usage errors exit 2 with the reason") {
  TempDir dir;
  const fs::path p = dir.write("p.json", kProfile);
  auto name = run_convert({"explain", p.string(), "sockt", "--arch", "x86_64"});
  CHECK(name.exit_code == 2);
  CHECK(name.err == "seccomp-convert explain: error: no syscall \"sockt\" on x86_64 (did you mean \"socket\"?)\n");
  auto arg = run_convert({"explain", p.string(), "socket", "0x1g"});
  CHECK(arg.exit_code == 2);
  CHECK(arg.err == "seccomp-convert explain: error: argument 0 \"0x1g\" is not a number (decimal or 0x "
                   "hex, up to 64 bits)\n");
  auto big = run_convert({"explain", p.string(), "socket", "18446744073709551616"});
  CHECK(big.exit_code == 2);
  auto many = run_convert({"explain", p.string(), "socket", "1", "2", "3", "4", "5", "6", "7"});
  CHECK(many.exit_code == 2);
  CHECK(many.err == "seccomp-convert explain: error: at most 6 arguments\n");
}
