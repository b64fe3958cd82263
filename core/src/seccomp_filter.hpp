// The compiler's only contact with libseccomp: an RAII owner of one
// scmp_filter_ctx that builds the rule body of one target arch, and the one
// function that turns a libseccomp error into a Diagnostic.
//
// Why one context per arch, always of the native arch. libseccomp reads the
// syscall number of a rule "in the context of the native architecture": in a
// context of another arch it resolves the number to a native name and back
// (arch_syscall_translate), so it cannot take a raw number it has no name for
// (x86 mseal 462 fails with EFAULT) and silently renumbers any other (x86 102
// becomes getuid's 24). A context of the native arch takes every number as is.
// So each target arch's rules are added, by our tables' numbers, to a context
// of the native arch; the exported program's arch prologue (which checks the
// native AUDIT_ARCH and, on x86_64, rejects the x32 bit) is cut off, and what
// remains is the rule body: code that expects the syscall number in A and
// ends in the rule and default returns. The compiler puts its own arch
// dispatch in front (filter_layout.hpp). The native arch must be 64-bit
// (x86_64 or aarch64), so that argument comparisons stay 64-bit.
#pragma once

#include <linux/filter.h>
#include <seccomp.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scc/arch.hpp"
#include "scc/diagnostics.hpp"

namespace scc::seccomp {

// Where a libseccomp call came from, for its diagnostic.
struct RuleSite {
  Arch arch = Arch::X86_64;
  std::string_view syscall;  // name, or empty for a number-only rule (ENOSYS holes)
  std::uint32_t nr = 0;
  std::string_view pointer;  // JSON pointer of the profile rule, or empty
};

// The one mapping from a libseccomp return code (-errno) to a diagnostic:
// code LibseccompFailed, the rule's pointer, and a message naming the call,
// the syscall and what the errno means to libseccomp.
Diagnostic libseccomp_diagnostic(int rc, std::string_view call, const RuleSite& site);

class Filter {
 public:
  struct Options {
    std::uint32_t default_action = 0;   // SECCOMP_RET_* value
    std::uint32_t bad_arch_action = 0;  // unreachable in the body; set for a coherent context
    bool binary_tree = false;           // SCMP_FLTATR_CTL_OPTIMIZE 2 (else 1)
  };

  // A fresh context of the native arch with SCMP_FLTATR_API_SYSRAWRC set.
  // Errors: the native arch is not a 64-bit one this scheme supports, or
  // libseccomp refuses the context or an attribute.
  static Result<Filter> create(const Options& options);

  Filter(Filter&& other) noexcept;
  Filter& operator=(Filter&& other) noexcept;
  Filter(const Filter&) = delete;
  Filter& operator=(const Filter&) = delete;
  ~Filter();

  // seccomp_rule_add_exact_array with `nr` taken as is (see above).
  Diagnostics add_rule(std::uint32_t action, std::span<const scmp_arg_cmp> comparisons,
                       const RuleSite& site);
  std::size_t rule_count() const { return rules_; }

  // The exported program without its native-arch prologue (see above).
  // Errors when libseccomp fails or its output has an unexpected shape.
  Result<std::vector<sock_filter>> export_body() const;
  // libseccomp's PFC text of the context (it names the native arch).
  Result<std::string> export_pfc() const;

 private:
  explicit Filter(scmp_filter_ctx ctx) : ctx_(ctx) {}
  scmp_filter_ctx ctx_ = nullptr;
  std::size_t rules_ = 0;
};

// The instructions of libseccomp's prologue for a context of the native arch,
// checked and cut by export_body; exposed for tests.
Result<std::vector<sock_filter>> strip_native_prologue(std::span<const sock_filter> program,
                                                       std::uint32_t native_token);

}  // namespace scc::seccomp
