// Diagnostics: what every stage of the library returns instead of printing.
// Each has a severity, a stable code (for scripts and tests), the JSON pointer
// of the offending value, a message that quotes it, and an optional hint.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace scc {

enum class Severity { Error, Warning, Note };

// Stable codes. Their wire names (diagnostic_code_name) never change once
// released; add new ones, never rename.
enum class Code {
  // input and syntax
  InputEmpty,           // "input-empty"
  InputTooLarge,        // "input-too-large"
  InputNotUtf8,         // "input-not-utf8"
  InputUnreadable,      // "input-unreadable"
  JsonSyntax,           // "json-syntax"
  YamlSyntax,           // "yaml-syntax"
  NestingTooDeep,       // "nesting-too-deep"
  NotAnObject,          // "not-an-object"
  NotAProfile,          // "not-a-profile"
  DuplicateKey,         // "duplicate-key"
  TypeMismatch,         // "type-mismatch"
  BadNumber,            // "bad-number"
  MissingField,         // "missing-field"
  UnknownField,         // "unknown-field"
  DialectMismatch,      // "dialect-mismatch"
  TooManyRules,         // "too-many-rules"
  // names and values
  UnknownAction,        // "unknown-action"
  UnknownOperator,      // "unknown-operator"
  UnknownArch,          // "unknown-arch"
  UnknownFlag,          // "unknown-flag"
  UnknownErrno,         // "unknown-errno"
  UnknownCapability,    // "unknown-capability"
  ErrnoRange,           // "errno-range"
  ErrnoOnNonErrnoAction,  // "errno-without-errno-action"
  ErrnoMismatch,        // "errno-mismatch": errno name and errnoRet disagree
  ArgIndexRange,        // "arg-index-range"
  MaskedEqWithoutValue,   // "masked-eq-without-value"
  MaskedEqUnreachable,    // "masked-eq-unreachable": valueTwo has bits outside the mask
  NameAndNames,         // "name-and-names"
  ArchitecturesAndArchMap,  // "architectures-and-archmap"
  EmptyNames,           // "empty-names"
  EmptyName,            // "empty-name"
  BadMinKernel,         // "bad-min-kernel"
  MissingDefaultAction,   // "missing-default-action"
  // syscall names against the tables
  UnknownSyscall,       // "unknown-syscall"
  SyscallMissingOnArch,   // "syscall-missing-on-arch"
  SyscallUnknownToLibseccomp,  // "syscall-unknown-to-libseccomp"
  NoSyscallTable,       // "no-syscall-table"
  // rule semantics
  DuplicateRule,        // "duplicate-rule"
  ConflictingRule,      // "conflicting-rule"
  RuleEqualsDefault,    // "rule-equals-default"
  RepeatedArgIndex,     // "repeated-arg-index"
  WidthUnsafeComparison,  // "width-unsafe-comparison"
  NotifyOnWrite,        // "notify-on-write"
  NotifyDefault,        // "notify-default"
  ListenerMetadataWithoutPath,  // "listener-metadata-without-path"
  MultiplexedArgFilter,   // "multiplexed-arg-filter"
  DangerousAllow,       // "dangerous-allow"
  KillThreadOnly,       // "kill-thread-only"
  EmptyProfile,         // "empty-profile": no rules; allow-all or kill-all
  // resolution and output
  ArchNotInArchMap,     // "arch-not-in-archmap": the target arch has no archMap entry
  OutputUnwritable,     // "output-unwritable"
  // seccomp-BPF programs (bpf.hpp); the pointer is "/<instruction index>"
  BpfFraming,           // "bpf-framing": raw bytes are empty, not 8-byte records, or too many
  BpfLength,            // "bpf-length": 0 or more than BPF_MAXINSNS instructions
  BpfOpcode,            // "bpf-opcode": not allowed in classic BPF or in seccomp
  BpfJumpRange,         // "bpf-jump-range": a jump leaves the program
  BpfLoadOffset,        // "bpf-load-offset": seccomp_data load misaligned or past 64 bytes
  BpfScratchIndex,      // "bpf-scratch-index": M[k] with k >= 16
  BpfScratchUninitialised,  // "bpf-scratch-uninitialised": M[k] read before any store
  BpfDivisionByZero,    // "bpf-division-by-zero": div #0
  BpfShiftRange,        // "bpf-shift-range": shift by 32 or more
  BpfNoReturn,          // "bpf-no-return": the last instruction is not a RET
  // live processes and loading filters (live_filter.hpp, filter_load.hpp)
  ProcessNotFound,      // "process-not-found": no such process, or it has exited
  PermissionDenied,     // "permission-denied": ptrace or seccomp refused (EPERM, EACCES)
  SeccompUnavailable,   // "seccomp-unavailable": the kernel lacks seccomp filters or filter dumps
  FilterRejected,       // "filter-rejected": the kernel refused the program or its flags
  FilterStackFull,      // "filter-stack-full": the thread's filters would pass 32768 instructions
  SystemError,          // "system-error": any other failing system call, with its errno
  // compiling
  ProfileNotFlat,       // "profile-not-flat": compile() needs a resolved profile
  LibseccompFailed,     // "libseccomp-failed": libseccomp refused a call, or its output was unexpected
  RuleNeverMatches,     // "rule-never-matches": a rule's conditions can never all hold
  RuleTooComplex,       // "rule-too-complex": its exact rewrite needs more rules than the limit
  // the hook: its config, profile store, OCI state, policy, cache and attestation
  BadValue,             // "bad-value": a value of the right type that the format does not allow
  ProfileNameInvalid,   // "profile-name-invalid": empty, too long, "/", "..", NUL, absolute
  ProfileNotFound,      // "profile-not-found": no such profile in the configured directories
  ProfileFileUnsafe,    // "profile-file-unsafe": not a regular file, not root's, group/world writable, escapes
  PolicyViolation,      // "policy-violation": the container's profile breaks the node policy
  CacheUnusable,        // "cache-unusable": the program cache is skipped (missing, read-only, unsafe)
  CacheEntryInvalid,    // "cache-entry-invalid": a cache entry failed verification
  FilterMismatch,       // "filter-mismatch": a live filter does not do what the profile says
  // recording (strace logs, merge)
  LogSyntax,            // "log-syntax": a line of a recorder's log that does not parse
  MergeConflict,        // "merge-conflict": the same syscall gets different actions from two profiles
};

std::string_view diagnostic_code_name(Code code);
std::string_view to_string(Severity severity);  // "error", "warning", "note"

struct Diagnostic {
  Severity severity = Severity::Error;
  Code code = Code::JsonSyntax;
  std::string pointer;  // JSON pointer, "" for the whole document
  std::string message;  // quotes the offending value: unknown syscall "opne"
  std::string hint;     // optional: did you mean "open"?
  // 1-based source position where known (syntax errors; values located
  // through a SourceMap). 0 means unknown.
  std::size_t line = 0;
  std::size_t column = 0;
};

class Diagnostics {
 public:
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  void error(Code code, std::string pointer, std::string message, std::string hint = {});
  void warning(Code code, std::string pointer, std::string message, std::string hint = {});
  void note(Code code, std::string pointer, std::string message, std::string hint = {});
  void append(const Diagnostics& other);

  bool has_errors() const;
  std::size_t count(Severity severity) const;
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  std::vector<Diagnostic>& items() { return items_; }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

 private:
  std::vector<Diagnostic> items_;
};

// A value or the diagnostics that explain why there is none. Diagnostics may
// be present alongside a value (warnings).
template <class T>
struct Result {
  std::optional<T> value;
  Diagnostics diagnostics;
  bool ok() const { return value.has_value() && !diagnostics.has_errors(); }
};

}  // namespace scc
