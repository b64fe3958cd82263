#include "seccomp_filter.hpp"

#include <linux/audit.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "scc/hex.hpp"
#include "scc/names.hpp"

namespace scc::seccomp {
namespace {

constexpr std::uint16_t kLdAbs = BPF_LD | BPF_W | BPF_ABS;
constexpr std::uint16_t kJeqK = BPF_JMP | BPF_JEQ | BPF_K;
constexpr std::uint16_t kJgeK = BPF_JMP | BPF_JGE | BPF_K;
constexpr std::uint32_t kX32Bit = 0x40000000;

// What each errno means when libseccomp returns it (seccomp_rule_add(3),
// seccomp_init(3), seccomp_export_bpf(3)).
std::string errno_meaning(int err) {
  switch (err) {
    case EACCES:
      return "the rule's action equals the filter's default action";
    case EDOM:
      return "the syscall or argument is not valid on the filter's architecture";
    case EEXIST:
      return "an identical or conflicting rule already exists";
    case EFAULT:
      return "libseccomp could not translate the syscall number";
    case EINVAL:
      return "invalid action, syscall number, comparison or attribute";
    case ENOMEM:
      return "out of memory";
    case EOPNOTSUPP:
      return "the rule cannot be added exactly as given";
    case ECANCELED:
      return "a system call inside libseccomp failed";
    case EBADF:
      return "bad file descriptor";
    default:
      return std::strerror(err);
  }
}

bool is(const sock_filter& insn, std::uint16_t code, std::uint32_t k) {
  return insn.code == code && insn.k == k;
}

Result<std::vector<std::uint8_t>> read_all(int fd) {
  Result<std::vector<std::uint8_t>> result;
  off_t size = lseek(fd, 0, SEEK_END);
  if (size < 0 || lseek(fd, 0, SEEK_SET) < 0) {
    result.diagnostics.error(Code::LibseccompFailed, "",
                             std::string("reading the exported program: ") + std::strerror(errno));
    return result;
  }
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      result.diagnostics.error(Code::LibseccompFailed, "",
                               "reading the exported program: short read");
      return result;
    }
    done += static_cast<std::size_t>(n);
  }
  result.value = std::move(bytes);
  return result;
}

}  // namespace

Diagnostic libseccomp_diagnostic(int rc, std::string_view call, const RuleSite& site) {
  const int err = rc < 0 ? -rc : rc;
  std::string what = std::string(call);
  if (!site.syscall.empty() || site.nr != 0) {
    what += " for syscall ";
    what += site.syscall.empty() ? std::string("number ") + hex_literal(site.nr)
                                 : "\"" + std::string(site.syscall) + "\" (" + hex_literal(site.nr) + ")";
    what += " on " + std::string(short_name(site.arch));
  }
  Diagnostic d;
  d.severity = Severity::Error;
  d.code = Code::LibseccompFailed;
  d.pointer = std::string(site.pointer);
  d.message = "libseccomp " + what + " failed: " + errno_meaning(err) + " (errno " +
              std::to_string(err) + ")";
  return d;
}

Result<Filter> Filter::create(const Options& options) {
  Result<Filter> result;
  const std::uint32_t native = seccomp_arch_native();
  if (native != SCMP_ARCH_X86_64 && native != SCMP_ARCH_AARCH64) {
    result.diagnostics.error(Code::LibseccompFailed, "",
                             "compiling needs a 64-bit native libseccomp arch (x86_64 or "
                             "aarch64); this one is " + hex_literal(native));
    return result;
  }
  scmp_filter_ctx ctx = seccomp_init(options.default_action);
  if (ctx == nullptr) {
    result.diagnostics.error(Code::LibseccompFailed, "",
                             "libseccomp seccomp_init refused default action " +
                                 hex_literal(options.default_action));
    return result;
  }
  Filter filter(ctx);
  const std::pair<scmp_filter_attr, std::uint32_t> attrs[] = {
      {SCMP_FLTATR_ACT_BADARCH, options.bad_arch_action},
      {SCMP_FLTATR_CTL_NNP, 0},  // loading is not libseccomp's job here
      {SCMP_FLTATR_API_SYSRAWRC, 1},
      {SCMP_FLTATR_CTL_OPTIMIZE, options.binary_tree ? 2u : 1u},
  };
  for (const auto& [attr, value] : attrs) {
    int rc = seccomp_attr_set(ctx, attr, value);
    if (rc != 0) {
      result.diagnostics.add(libseccomp_diagnostic(
          rc, "seccomp_attr_set(" + std::to_string(static_cast<int>(attr)) + ")", {}));
      return result;
    }
  }
  result.value = std::move(filter);
  return result;
}

Filter::Filter(Filter&& other) noexcept : ctx_(other.ctx_), rules_(other.rules_) {
  other.ctx_ = nullptr;
}

Filter& Filter::operator=(Filter&& other) noexcept {
  if (this != &other) {
    if (ctx_ != nullptr) seccomp_release(ctx_);
    ctx_ = other.ctx_;
    rules_ = other.rules_;
    other.ctx_ = nullptr;
  }
  return *this;
}

Filter::~Filter() {
  if (ctx_ != nullptr) seccomp_release(ctx_);
}

Diagnostics Filter::add_rule(std::uint32_t action, std::span<const scmp_arg_cmp> comparisons,
                             const RuleSite& site) {
  Diagnostics diags;
  int rc = seccomp_rule_add_exact_array(ctx_, action, static_cast<int>(site.nr),
                                        static_cast<unsigned>(comparisons.size()),
                                        comparisons.data());
  if (rc != 0)
    diags.add(libseccomp_diagnostic(rc, "seccomp_rule_add_exact_array", site));
  else
    ++rules_;
  return diags;
}

Result<std::vector<sock_filter>> Filter::export_body() const {
  Result<std::vector<sock_filter>> result;
  int fd = memfd_create("scc-bpf", MFD_CLOEXEC);
  if (fd < 0) {
    result.diagnostics.error(Code::LibseccompFailed, "",
                             std::string("memfd_create: ") + std::strerror(errno));
    return result;
  }
  int rc = seccomp_export_bpf(ctx_, fd);
  if (rc != 0) {
    close(fd);
    result.diagnostics.add(libseccomp_diagnostic(rc, "seccomp_export_bpf", {}));
    return result;
  }
  auto bytes = read_all(fd);
  close(fd);
  if (!bytes.ok() || bytes.value->size() % sizeof(sock_filter) != 0) {
    result.diagnostics.append(bytes.diagnostics);
    if (bytes.value) result.diagnostics.error(Code::LibseccompFailed, "", "exported program is not a whole number of instructions");
    return result;
  }
  std::vector<sock_filter> program(bytes.value->size() / sizeof(sock_filter));
  std::memcpy(program.data(), bytes.value->data(), bytes.value->size());
  return strip_native_prologue(program, seccomp_arch_native());
}

Result<std::string> Filter::export_pfc() const {
  Result<std::string> result;
  int fd = memfd_create("scc-pfc", MFD_CLOEXEC);
  if (fd < 0) {
    result.diagnostics.error(Code::LibseccompFailed, "",
                             std::string("memfd_create: ") + std::strerror(errno));
    return result;
  }
  int rc = seccomp_export_pfc(ctx_, fd);
  if (rc != 0) {
    close(fd);
    result.diagnostics.add(libseccomp_diagnostic(rc, "seccomp_export_pfc", {}));
    return result;
  }
  auto bytes = read_all(fd);
  close(fd);
  if (!bytes.ok()) {
    result.diagnostics.append(bytes.diagnostics);
    return result;
  }
  result.value = std::string(bytes.value->begin(), bytes.value->end());
  return result;
}

Result<std::vector<sock_filter>> strip_native_prologue(std::span<const sock_filter> program,
                                                       std::uint32_t native_token) {
  Result<std::vector<sock_filter>> result;
  // libseccomp 2.5.4, one arch: ld [4]; jeq #ARCH; ld [0]; on x86_64 also the
  // x32 guard "jge #0x40000000; jeq #-1"; when the bad-arch return is far,
  // a copy of it sits inline. Follow the path of (ARCH, nr 0) through those
  // instructions: the first other one is the body. The tree layout's own
  // reload of the number (ld [0]) is cut too: A already holds it.
  const bool x32_guard = native_token == SCMP_ARCH_X86_64;
  bool saw_arch = false, saw_nr = false, saw_guard = !x32_guard;
  std::size_t pc = 0;
  while (pc < program.size()) {
    const sock_filter& insn = program[pc];
    if (is(insn, kLdAbs, 4) || is(insn, kLdAbs, 0)) {
      (insn.k == 4 ? saw_arch : saw_nr) = true;
      ++pc;
    } else if (is(insn, kJeqK, native_token) && saw_arch && !saw_nr) {
      pc += 1 + insn.jt;  // the arch matches
    } else if (x32_guard && is(insn, kJgeK, kX32Bit) && saw_nr && !saw_guard) {
      saw_guard = true;
      pc += 1 + insn.jf;  // nr 0 is below the x32 bit
    } else if (x32_guard && is(insn, kJeqK, 0xffffffffu) && saw_guard) {
      pc += 1 + insn.jf;
    } else {
      break;
    }
  }
  if (!saw_arch || !saw_nr || !saw_guard || pc >= program.size()) {
    result.diagnostics.error(Code::LibseccompFailed, "",
                             "libseccomp's program does not start with the expected "
                             "single-arch prologue; this libseccomp version is not supported");
    return result;
  }
  result.value = std::vector<sock_filter>(program.begin() + static_cast<std::ptrdiff_t>(pc),
                                          program.end());
  return result;
}

}  // namespace scc::seccomp
