// Helpers shared by the tests: paths to the repo and to ../shared, skipping
// loudly when an input is absent, temporary directories, running the CLI.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scc/profile.hpp"

namespace scc::test {

std::filesystem::path source_dir();  // the repository
std::filesystem::path shared_dir();  // ../shared beside the repository (CI has it)

// Exit the test process with 77 (CTest: skipped) after printing why, unless
// ../shared exists. Tests read the real-world corpus from there.
void skip_unless_shared();
// The same for any condition: print "SKIPPED: <why>" and exit 77.
[[noreturn]] void skip(const std::string& why);

std::string read_file(const std::filesystem::path& path);

// A Docker profile text, default SCMP_ACT_ERRNO, whose syscalls array holds
// `rules` (JSON objects, comma-separated, without the brackets).
inline std::string profile_with_rules(const std::string& rules) {
  return R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[)" + rules + "]}";
}

// One argument condition for profiles built in code: `value` is the mask and
// `two` the datum for MaskedEq, as in the profile formats.
inline ArgCondition arg_condition(std::uint64_t index, Operator op, std::uint64_t value,
                                  std::optional<std::uint64_t> two = std::nullopt) {
  ArgCondition c;
  c.index = index;
  c.op = op;
  c.value = value;
  c.value_two = two;
  return c;
}

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

// Run seccomp-convert with `args`, feeding `input` on stdin.
RunResult run_convert(const std::vector<std::string>& args, const std::string& input = {});
// Run any program (argv[0] is looked up in PATH).
RunResult run_program(const std::vector<std::string>& argv, const std::string& input = {});
// Run seccomp-hook with `args`, feeding `input` on stdin.
RunResult run_hook(const std::vector<std::string>& args, const std::string& input = {});

// The config.json `runc spec` writes (skips the test when runc is absent).
std::string runc_spec_config();

// A flat x86_64 profile whose program is small enough to read: read and write
// allowed, socket allowed unless the family is 40, everything else EPERM.
inline constexpr const char* kTinyProfile = R"({
  "defaultAction": "SCMP_ACT_ERRNO",
  "defaultErrnoRet": 1,
  "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [
    {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["socket"], "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": 40, "op": "SCMP_CMP_NE"}]}
  ]
}
)";

}  // namespace scc::test
