#include "scc/diagnostics.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace scc {
namespace {

constexpr std::array<std::pair<Code, std::string_view>, 82> kCodes{{
    {Code::InputEmpty, "input-empty"},
    {Code::InputTooLarge, "input-too-large"},
    {Code::InputNotUtf8, "input-not-utf8"},
    {Code::InputUnreadable, "input-unreadable"},
    {Code::JsonSyntax, "json-syntax"},
    {Code::YamlSyntax, "yaml-syntax"},
    {Code::NestingTooDeep, "nesting-too-deep"},
    {Code::NotAnObject, "not-an-object"},
    {Code::NotAProfile, "not-a-profile"},
    {Code::DuplicateKey, "duplicate-key"},
    {Code::TypeMismatch, "type-mismatch"},
    {Code::BadNumber, "bad-number"},
    {Code::MissingField, "missing-field"},
    {Code::UnknownField, "unknown-field"},
    {Code::DialectMismatch, "dialect-mismatch"},
    {Code::TooManyRules, "too-many-rules"},
    {Code::UnknownAction, "unknown-action"},
    {Code::UnknownOperator, "unknown-operator"},
    {Code::UnknownArch, "unknown-arch"},
    {Code::UnknownFlag, "unknown-flag"},
    {Code::UnknownErrno, "unknown-errno"},
    {Code::UnknownCapability, "unknown-capability"},
    {Code::ErrnoRange, "errno-range"},
    {Code::ErrnoOnNonErrnoAction, "errno-without-errno-action"},
    {Code::ErrnoMismatch, "errno-mismatch"},
    {Code::ArgIndexRange, "arg-index-range"},
    {Code::MaskedEqWithoutValue, "masked-eq-without-value"},
    {Code::MaskedEqUnreachable, "masked-eq-unreachable"},
    {Code::NameAndNames, "name-and-names"},
    {Code::ArchitecturesAndArchMap, "architectures-and-archmap"},
    {Code::EmptyNames, "empty-names"},
    {Code::EmptyName, "empty-name"},
    {Code::BadMinKernel, "bad-min-kernel"},
    {Code::MissingDefaultAction, "missing-default-action"},
    {Code::UnknownSyscall, "unknown-syscall"},
    {Code::SyscallMissingOnArch, "syscall-missing-on-arch"},
    {Code::SyscallUnknownToLibseccomp, "syscall-unknown-to-libseccomp"},
    {Code::NoSyscallTable, "no-syscall-table"},
    {Code::DuplicateRule, "duplicate-rule"},
    {Code::ConflictingRule, "conflicting-rule"},
    {Code::RuleEqualsDefault, "rule-equals-default"},
    {Code::RepeatedArgIndex, "repeated-arg-index"},
    {Code::WidthUnsafeComparison, "width-unsafe-comparison"},
    {Code::NotifyOnWrite, "notify-on-write"},
    {Code::NotifyDefault, "notify-default"},
    {Code::ListenerMetadataWithoutPath, "listener-metadata-without-path"},
    {Code::MultiplexedArgFilter, "multiplexed-arg-filter"},
    {Code::DangerousAllow, "dangerous-allow"},
    {Code::KillThreadOnly, "kill-thread-only"},
    {Code::EmptyProfile, "empty-profile"},
    {Code::ArchNotInArchMap, "arch-not-in-archmap"},
    {Code::OutputUnwritable, "output-unwritable"},
    {Code::BpfFraming, "bpf-framing"},
    {Code::BpfLength, "bpf-length"},
    {Code::BpfOpcode, "bpf-opcode"},
    {Code::BpfJumpRange, "bpf-jump-range"},
    {Code::BpfLoadOffset, "bpf-load-offset"},
    {Code::BpfScratchIndex, "bpf-scratch-index"},
    {Code::BpfScratchUninitialised, "bpf-scratch-uninitialised"},
    {Code::BpfDivisionByZero, "bpf-division-by-zero"},
    {Code::BpfShiftRange, "bpf-shift-range"},
    {Code::BpfNoReturn, "bpf-no-return"},
    {Code::ProcessNotFound, "process-not-found"},
    {Code::PermissionDenied, "permission-denied"},
    {Code::SeccompUnavailable, "seccomp-unavailable"},
    {Code::FilterRejected, "filter-rejected"},
    {Code::FilterStackFull, "filter-stack-full"},
    {Code::SystemError, "system-error"},
    {Code::ProfileNotFlat, "profile-not-flat"},
    {Code::LibseccompFailed, "libseccomp-failed"},
    {Code::RuleNeverMatches, "rule-never-matches"},
    {Code::RuleTooComplex, "rule-too-complex"},
    {Code::BadValue, "bad-value"},
    {Code::ProfileNameInvalid, "profile-name-invalid"},
    {Code::ProfileNotFound, "profile-not-found"},
    {Code::ProfileFileUnsafe, "profile-file-unsafe"},
    {Code::PolicyViolation, "policy-violation"},
    {Code::CacheUnusable, "cache-unusable"},
    {Code::CacheEntryInvalid, "cache-entry-invalid"},
    {Code::FilterMismatch, "filter-mismatch"},
    {Code::LogSyntax, "log-syntax"},
    {Code::MergeConflict, "merge-conflict"},
}};

Diagnostic make(Severity s, Code c, std::string p, std::string m, std::string h) {
  Diagnostic d;
  d.severity = s;
  d.code = c;
  d.pointer = std::move(p);
  d.message = std::move(m);
  d.hint = std::move(h);
  return d;
}

}  // namespace

std::string_view diagnostic_code_name(Code code) {
  for (const auto& [c, name] : kCodes)
    if (c == code) return name;
  return "unknown";
}

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Note:
      return "note";
  }
  return "error";
}

void Diagnostics::error(Code code, std::string pointer, std::string message, std::string hint) {
  add(make(Severity::Error, code, std::move(pointer), std::move(message), std::move(hint)));
}
void Diagnostics::warning(Code code, std::string pointer, std::string message, std::string hint) {
  add(make(Severity::Warning, code, std::move(pointer), std::move(message), std::move(hint)));
}
void Diagnostics::note(Code code, std::string pointer, std::string message, std::string hint) {
  add(make(Severity::Note, code, std::move(pointer), std::move(message), std::move(hint)));
}
void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}
bool Diagnostics::has_errors() const { return count(Severity::Error) > 0; }
std::size_t Diagnostics::count(Severity severity) const {
  return static_cast<std::size_t>(std::count_if(
      items_.begin(), items_.end(), [&](const Diagnostic& d) { return d.severity == severity; }));
}

}  // namespace scc
