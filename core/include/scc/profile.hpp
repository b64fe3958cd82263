// The profile model: one value type that holds everything the Docker dialect
// can say (DESIGN.md section 3). Every reader produces it; the resolver turns
// a conditional profile into a flat one; the compiler consumes flat ones.
//
// Every element keeps the JSON pointer it was read from, relative to the root
// of the document (so "/linux/seccomp/syscalls/0" for a whole config.json and
// "/spec/syscalls/0" for an SPO object), so that later stages can report
// problems at the right place.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scc/arch.hpp"

namespace scc {

enum class Action {
  Kill,  // SCMP_ACT_KILL: the kernel's KILL_THREAD, kept apart to round-trip the name
  KillThread,
  KillProcess,
  Trap,
  Errno,
  Trace,
  Allow,
  Log,
  Notify,
};

enum class Operator { Ne, Lt, Le, Eq, Ge, Gt, MaskedEq };

enum class Flag { Tsync, Log, SpecAllow, WaitKillableRecv };

// The input formats the readers understand.
enum class Dialect {
  Docker,            // moby: archMap, includes/excludes, name
  ContainersCommon,  // Docker plus defaultErrno / errno as names
  Oci,               // a bare OCI linux.seccomp object
  OciConfig,         // a whole OCI config.json; the profile is /linux/seccomp
  Spo,               // a Security Profiles Operator SeccompProfile object (JSON or YAML)
};

// A kernel version as moby compares it: major.minor only.
struct KernelVersion {
  unsigned major = 0;
  unsigned minor = 0;
  friend auto operator<=>(const KernelVersion&, const KernelVersion&) = default;
};

struct ArgCondition {
  std::uint64_t index = 0;  // kept wide so an out-of-range index can be reported
  std::uint64_t value = 0;
  std::optional<std::uint64_t> value_two;
  Operator op = Operator::Eq;
  bool has_value = true;  // false when "value" was absent (MASKED_EQ then means mask 0)
  std::string pointer;
};

// Docker's includes / excludes conditions.
struct RuleFilter {
  std::vector<std::string> caps;    // "CAP_SYS_ADMIN", as written
  std::vector<std::string> arches;  // Docker native names: "amd64", "arm64", "x32", ...
  std::optional<KernelVersion> min_kernel;
  std::string pointer;
  bool empty() const { return caps.empty() && arches.empty() && !min_kernel; }
};

struct SyscallRule {
  std::vector<std::string> names;
  std::vector<std::string> name_pointers;  // one per name: ".../names/1" or ".../name"
  bool used_name_field = false;            // the deprecated single "name" was given
  bool used_names_field = false;
  Action action = Action::Errno;
  std::optional<std::uint64_t> errno_ret;  // raw: the validator checks the range
  std::string errno_name;                  // containers/common "errno": "ENOSYS"
  std::vector<ArgCondition> args;
  std::string comment;
  RuleFilter includes;
  RuleFilter excludes;
  std::string pointer;  // "/syscalls/3"
};

struct ArchMapEntry {
  Arch architecture = Arch::X86_64;
  std::vector<Arch> sub_architectures;
  std::string pointer;
};

struct Profile {
  Dialect dialect = Dialect::Docker;
  std::string name;     // SPO metadata.name, empty otherwise
  std::string pointer;  // where the profile object sits: "", "/linux/seccomp", "/spec"
  std::optional<Action> default_action;
  std::optional<std::uint64_t> default_errno_ret;
  std::string default_errno_name;  // containers/common "defaultErrno"
  std::vector<Arch> architectures;
  bool has_architectures = false;  // the key was present (even if empty)
  std::vector<ArchMapEntry> arch_map;
  bool has_arch_map = false;
  std::vector<Flag> flags;
  std::optional<std::string> listener_path;
  std::optional<std::string> listener_metadata;
  std::vector<SyscallRule> syscalls;

  // A flat profile has no archMap and no includes/excludes: it is what the
  // OCI runtime-spec can say, and what compile() accepts.
  bool is_flat() const;
};

// Whether `action` takes an errno (SCMP_ACT_ERRNO) or a trace value (SCMP_ACT_TRACE).
bool action_takes_errno(Action action);

// The largest errnoRet / defaultErrnoRet an action takes, the one range the
// validator and the compiler enforce. ERRNO: 4094. libseccomp 2.5.4 accepts
// SCMP_ACT_ERRNO(x) only for x < MAX_ERRNO (4095), as a rule action and as
// the default (sys_chk_seccomp_action), so runc, crun and podman cannot load
// 4095 or more; the kernel itself takes the 16 bits of SECCOMP_RET_DATA and
// caps the errno at 4095. TRACE: 0xFFFF, the 16 bits the tracer receives.
// Others: 0 (they take no value).
std::uint64_t max_action_data(Action action);

// The one message for `value` above max_action_data(action), given as `key`
// ("errnoRet 4095 is out of range 0-4094: ...").
std::string action_data_range_message(Action action, std::string_view key, std::uint64_t value);

}  // namespace scc
