// load_filter and the stack limit: unit checks of what needs no kernel, and
// live loads in forked children (the filter must never reach the test
// process itself).
#include "scc/filter_load.hpp"

#include <doctest/doctest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "support/libseccomp_export.hpp"
#include "support/live_process.hpp"

using namespace scc;
using scc::test::ChildProcess;

namespace {

constexpr std::uint32_t kAllow = SECCOMP_RET_ALLOW;

sock_filter stmt(std::uint16_t code, std::uint32_t k) { return sock_filter{code, 0, 0, k}; }
sock_filter jump(std::uint16_t code, std::uint32_t k, std::uint8_t jt, std::uint8_t jf) {
  return sock_filter{code, jt, jf, k};
}

// "nr == `nr` -> ERRNO(`error`), else ALLOW", written by hand: not the
// compiler's output, so these tests depend on nothing but the kernel.
bpf::Program deny_program(std::uint32_t nr, std::uint32_t error) {
  return bpf::Program({
      stmt(BPF_LD | BPF_W | BPF_ABS, 0),
      jump(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
      stmt(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | error),
      stmt(BPF_RET | BPF_K, kAllow),
  });
}

// Every shape of bpf_convert_filter's translation, and an ALLOW on every
// path. Costs (eBPF instructions) on the right; the prologue adds 3.
bpf::Program every_shape_program() {
  return bpf::Program({
      stmt(BPF_LD | BPF_W | BPF_ABS, 0),                    // 0: 1
      jump(BPF_JMP | BPF_JSET | BPF_K, 0x80000000U, 1, 2),  // 1: 1 + 2 (wide k, Jxx + JA)
      stmt(BPF_RET | BPF_K, kAllow),                        // 2: 2
      jump(BPF_JMP | BPF_JGT | BPF_K, 5, 0, 1),             // 3: 1 (JLE)
      jump(BPF_JMP | BPF_JGE | BPF_K, 0x90000000U, 0, 1),   // 4: 1 + 1 (wide k, JLT)
      jump(BPF_JMP | BPF_JEQ | BPF_K, 7, 1, 0),             // 5: 1
      jump(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 1),            // 6: 2 (no inverse of JSET)
      stmt(BPF_LDX | BPF_IMM, 2),                           // 7: 1
      stmt(BPF_LDX | BPF_IMM, 3),                           // 8: 1
      stmt(BPF_ALU | BPF_DIV | BPF_X, 0),                   // 9: 5 (zero guard)
      stmt(BPF_ST, 0),                                      // 10: 1
      stmt(BPF_LD | BPF_MEM, 0),                            // 11: 1
      stmt(BPF_MISC | BPF_TAX, 0),                          // 12: 1
      stmt(BPF_LD | BPF_IMM, kAllow),                       // 13: 1
      stmt(BPF_JMP | BPF_JA, 1),                            // 14: 1
      stmt(BPF_RET | BPF_K, 0),                             // 15: 2
      stmt(BPF_RET | BPF_A, 0),                             // 16: 1
  });
}

// libseccomp's program for a few rules, arch checks included.
bpf::Program libseccomp_program() {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == nullptr) throw std::runtime_error("seccomp_init failed");
  seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1), SCMP_SYS(mincore), 0);
  seccomp_rule_add(ctx, SCMP_ACT_ERRNO(2), SCMP_SYS(personality), 1, SCMP_A0(SCMP_CMP_GT, 0x10));
  seccomp_rule_add(ctx, SCMP_ACT_ERRNO(3), SCMP_SYS(socket), 1,
                   SCMP_A0(SCMP_CMP_MASKED_EQ, 0xff, 0x10));
  bpf::Program program = scc::test::libseccomp_export(ctx);
  seccomp_release(ctx);
  return program;
}

// Exit status of a child that runs `body`; 0 means every check in it held.
int child_status(const std::function<int()>& body) {
  ChildProcess child([&body](const auto&) { return body(); });
  const int status = child.wait();
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The one error of `d` has `code` and `message`.
bool is_error(const Diagnostics& d, Code code, const std::string& message) {
  return d.size() == 1 && d.items()[0].severity == Severity::Error && d.items()[0].code == code &&
         d.items()[0].message == message;
}

// How many copies of `program` the kernel stacks on a fresh thread before
// it says ENOMEM (-1 for any other failure).
int copies_until_enomem(const bpf::Program& program) {
  std::vector<sock_filter> insns(program.instructions().begin(), program.instructions().end());
  sock_fprog fprog{static_cast<unsigned short>(insns.size()), insns.data()};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
  int copies = 0;
  while (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) == 0) ++copies;
  return errno == ENOMEM ? copies : -1;
}

// The largest number of copies check_stack_limit allows.
int predicted_copies(const bpf::Program& program) {
  std::vector<bpf::Program> stack;
  while (check_stack_limit(stack, program).empty()) stack.push_back(program);
  return static_cast<int>(stack.size());
}

}  // namespace

TEST_CASE("flags map to the kernel's SECCOMP_FILTER_FLAG bits") {
  CHECK(filter_flag_bits(Flag::Tsync) == 1U);
  CHECK(filter_flag_bits(Flag::Log) == 2U);
  CHECK(filter_flag_bits(Flag::SpecAllow) == 4U);
  CHECK(filter_flag_bits(Flag::WaitKillableRecv) == std::nullopt);
}

TEST_CASE("kernel_cost counts the eBPF translation") {
  CHECK(kernel_cost(bpf::Program({stmt(BPF_RET | BPF_K, kAllow)})) == 5);
  CHECK(kernel_cost(deny_program(39, 1)) == 3 + 1 + 1 + 2 + 2);
  CHECK(kernel_cost(every_shape_program()) == 3 + 27);
}

TEST_CASE("check_stack_limit applies the 32768-instruction limit with a penalty of 4") {
  const bpf::Program ret({stmt(BPF_RET | BPF_K, kAllow)});  // cost 5
  // n copies cost 5 + (n - 1) * 9: 3641 fit, 3642 do not.
  std::vector<bpf::Program> stack(3640, ret);
  CHECK(check_stack_limit(stack, ret).empty());
  stack.push_back(ret);
  const Diagnostics d = check_stack_limit(stack, ret);
  CHECK(is_error(d, Code::FilterStackFull,
                 "a filter of kernel cost 5 on 3641 stacked filters costs 32774 instructions; "
                 "the kernel allows 32768"));
}

TEST_CASE("programs the kernel cannot take are refused before loading") {
  // Nothing reaches the kernel here, so this runs in the test process itself.
  CHECK(is_error(load_filter(bpf::Program()), Code::BpfLength,
                 "the filter has 0 instructions; the kernel loads 1 to 4096"));
  const bpf::Program huge(std::vector<sock_filter>(4097, stmt(BPF_RET | BPF_K, kAllow)));
  CHECK(is_error(load_filter(huge), Code::BpfLength,
                 "the filter has 4097 instructions; the kernel loads 1 to 4096"));
  LoadOptions options;
  options.flags = {Flag::WaitKillableRecv};
  CHECK(is_error(load_filter(deny_program(39, 1), options), Code::FilterRejected,
                 "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV applies only to a filter with a "
                 "user-notification listener, and none is created here"));
  CHECK(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0);  // this process is still unfiltered
}

TEST_CASE("a loaded filter makes the denied syscall fail with its errno") {
  scc::test::skip_unless_live_seccomp();
  const int status = child_status([] {
    if (!load_filter(deny_program(SYS_getppid, ENOMSG)).empty()) return 2;
    if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) return 3;
    errno = 0;
    if (syscall(SYS_getppid) != -1 || errno != ENOMSG) return 4;
    if (syscall(SYS_getpid) != getpid()) return 5;  // allowed ones still work
    return 0;
  });
  CHECK(status == 0);
}

TEST_CASE("TSYNC puts the filter on every thread") {
  scc::test::skip_unless_live_seccomp();
  const int status = child_status([] {
    long seen = 0;
    int seen_errno = 0;
    bool go = false;
    std::mutex mutex;
    std::condition_variable cv;
    std::thread other([&] {
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return go; });
      seen = syscall(SYS_getppid);
      seen_errno = errno;
    });
    LoadOptions options;
    options.flags = {Flag::Tsync, Flag::Log};
    const bool loaded = load_filter(deny_program(SYS_getppid, EREMOTE), options).empty();
    {
      std::lock_guard lock(mutex);
      go = true;
    }
    cv.notify_one();
    other.join();
    if (!loaded) return 2;
    return seen == -1 && seen_errno == EREMOTE ? 0 : 3;
  });
  CHECK(status == 0);
}

TEST_CASE("no_new_privs stays off only with CAP_SYS_ADMIN") {
  scc::test::skip_unless_live_seccomp();
  LoadOptions options;
  options.no_new_privs = false;
  const int with_cap = child_status([&options] {
    if (!has_effective_sys_admin()) return 2;
    if (!load_filter(deny_program(SYS_getppid, ENOMSG), options).empty()) return 3;
    return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0 ? 0 : 4;
  });
  CHECK(with_cap == 0);

  const int without_cap = child_status([&options] {
    cap_t caps = cap_get_proc();
    const cap_value_t admin = CAP_SYS_ADMIN;
    cap_set_flag(caps, CAP_EFFECTIVE, 1, &admin, CAP_CLEAR);
    if (cap_set_proc(caps) != 0) return 2;
    cap_free(caps);
    if (has_effective_sys_admin()) return 3;
    const Diagnostics d = load_filter(deny_program(SYS_getppid, ENOMSG), options);
    if (!is_error(d, Code::PermissionDenied,
                  "loading a filter without no_new_privs needs CAP_SYS_ADMIN in the effective "
                  "set"))
      return 4;
    // The kernel agrees: the same load without the pre-check is EACCES.
    std::vector<sock_filter> insns(2, stmt(BPF_RET | BPF_K, kAllow));
    sock_fprog fprog{1, insns.data()};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != -1 || errno != EACCES) return 5;
    return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0 ? 0 : 6;  // nothing was loaded
  });
  CHECK(without_cap == 0);
}

TEST_CASE("a program the kernel rejects is explained") {
  scc::test::skip_unless_live_seccomp();
  const int status = child_status([] {
    // A load from offset 64 is past struct seccomp_data.
    const bpf::Program bad({stmt(BPF_LD | BPF_W | BPF_ABS, 64), stmt(BPF_RET | BPF_K, kAllow)});
    const Diagnostics d = load_filter(bad);
    if (d.empty() || d.items()[0].code != Code::FilterRejected) return 2;
    if (d.items()[0].message != "the kernel refused the filter (EINVAL)") return 3;
    // check() says which instruction the kernel objected to.
    if (d.size() != 2 || d.items()[1].code != Code::BpfLoadOffset || d.items()[1].pointer != "/0")
      return 5;
    LoadOptions options;
    options.flags = {Flag::Log};
    const Diagnostics with_flag = load_filter(bad, options);
    if (with_flag.empty() ||
        with_flag.items()[0].message !=
            "the kernel refused the filter or its flags (SECCOMP_FILTER_FLAG_LOG): EINVAL")
      return 6;
    return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0 ? 0 : 4;
  });
  CHECK(status == 0);
}

TEST_CASE("a full filter stack is reported and check_stack_limit predicts it") {
  scc::test::skip_unless_live_seccomp();
  for (const bpf::Program& program : {every_shape_program(), libseccomp_program()}) {
    CAPTURE(program.size());
    const int predicted = predicted_copies(program);
    CAPTURE(predicted);
    CHECK(child_status([&program, predicted] {
            return copies_until_enomem(program) == predicted ? 0 : 1;
          }) == 0);
  }
  const int status = child_status([] {
    const bpf::Program ret({stmt(BPF_RET | BPF_K, kAllow)});
    for (int i = 0; i < 3641; ++i)
      if (!load_filter(ret).empty()) return 2;
    const Diagnostics d = load_filter(ret);
    return is_error(d, Code::FilterStackFull,
                    "the filters of this thread with this one (kernel cost 5) would pass the "
                    "kernel's limit of 32768 instructions (ENOMEM)")
               ? 0
               : 3;
  });
  CHECK(status == 0);
}
