#include <doctest/doctest.h>

#include <linux/seccomp.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "enosys_horizon.hpp"
#include "scc/bpf.hpp"

using namespace scc;
using namespace scc::horizon;

namespace {

constexpr std::uint32_t kEnosys = SECCOMP_RET_ERRNO | ENOSYS;
constexpr std::uint32_t kBody = SECCOMP_RET_TRACE | 0x1234;  // stands for "reached the body"

// ld [0]; the stub; ret kBody: run one number through it.
std::uint32_t run(const std::vector<sock_filter>& stub_code, std::uint32_t nr) {
  std::vector<sock_filter> code{BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0)};
  code.insert(code.end(), stub_code.begin(), stub_code.end());
  code.push_back(BPF_STMT(BPF_RET | BPF_K, kBody));
  bpf::SeccompData d;
  d.nr = static_cast<std::int32_t>(nr);
  auto e = bpf::evaluate(bpf::Program(code), d);
  REQUIRE(e.value);
  return e.value->ret;
}

bool in(const std::vector<Range>& ranges, std::uint32_t nr) {
  for (const Range& r : ranges)
    if (r.lo <= nr && nr <= r.hi) return true;
  return false;
}

}  // namespace

TEST_CASE("x86_64 plan: the long hole and the top go to the stub") {
  Plan p = plan(*syscall_table(Arch::X86_64), 16);
  REQUIRE(p.stub.size() == 2);
  CHECK(p.stub[0] == Range{337, 423});
  CHECK(p.stub[1] == Range{472, 0xffffffff});
  CHECK(p.body.empty());
  Plan all_stub = plan(*syscall_table(Arch::X86_64), 0);
  CHECK(all_stub.stub == p.stub);
  Plan all_body = plan(*syscall_table(Arch::X86_64), 100);
  CHECK(all_body.stub == std::vector<Range>{{472, 0xffffffff}});
  CHECK(all_body.body.size() == 87);
  CHECK(all_body.body.front() == 337);
}

TEST_CASE("x86 and arm plans: short holes to the body and ARM's private range kept known") {
  Plan x86 = plan(*syscall_table(Arch::X86), 16);
  CHECK(x86.body == std::vector<std::uint32_t>{222, 223, 251, 285, 387, 388, 389, 390, 391, 392, 415});
  CHECK(x86.stub == std::vector<Range>{{472, 0xffffffff}});
  Plan arm = plan(*syscall_table(Arch::Arm), 16);
  REQUIRE(arm.stub.size() == 2);
  CHECK(arm.stub[0] == Range{472, 0xf0000});
  CHECK(arm.stub[1] == Range{0xf0007, 0xffffffff});
  CHECK(std::find(arm.body.begin(), arm.body.end(), 17u) != arm.body.end());
}

TEST_CASE("x32 plan starts at the x32 bit") {
  CHECK(section_floor(Arch::X32) == kX32Bit);
  CHECK(section_floor(Arch::X86_64) == 0);
  Plan p = plan(*syscall_table(Arch::X32), 16);
  CHECK(p.stub.back() == Range{0x40000224, 0xffffffff});
  CHECK(p.stub.front() == Range{0x40000151, 0x400001a7});
  CHECK(std::find(p.body.begin(), p.body.end(), kX32Bit | 13) != p.body.end());  // 64-bit-only rt_sigaction
}

TEST_CASE("the stub sends exactly the unknown ranges to ENOSYS") {
  for (Arch arch : {Arch::X86_64, Arch::X86, Arch::X32, Arch::Aarch64, Arch::Arm}) {
    Plan p = plan(*syscall_table(arch), 0);
    auto code = stub(p.stub, section_floor(arch), kEnosys);
    INFO("arch ", static_cast<int>(arch));
    // Only JGE on the number before the decision: cacheable.
    for (std::size_t i = 0; i + 1 < code.size(); ++i) CHECK(code[i].code == (BPF_JMP | BPF_JGE | BPF_K));
    CHECK(code.back().code == (BPF_RET | BPF_K));
    const std::uint32_t floor = section_floor(arch);
    for (std::uint32_t n = 0; n < 2048; ++n) {
      const std::uint32_t nr = floor | n;
      CHECK(run(code, nr) == (in(p.stub, nr) ? kEnosys : kBody));
    }
    for (std::uint32_t nr : {0xf0000u, 0xf0001u, 0xf0006u, 0xf0007u, 0x7fffffffu, 0xfffffffeu, 0xffffffffu})
      if (nr >= floor) CHECK(run(code, nr) == (in(p.stub, nr) ? kEnosys : kBody));
  }
}

TEST_CASE("a balanced search: x86_64's four segments need two compares") {
  Plan p = plan(*syscall_table(Arch::X86_64), 0);
  auto code = stub(p.stub, 0, kEnosys);
  CHECK(code.size() == 4);  // three JGE and the return
  std::vector<sock_filter> counted{BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0)};
  counted.insert(counted.end(), code.begin(), code.end());
  counted.push_back(BPF_STMT(BPF_RET | BPF_K, kBody));
  for (std::uint32_t nr : {0u, 400u, 450u, 1000u}) {
    bpf::SeccompData d;
    d.nr = static_cast<std::int32_t>(nr);
    auto e = bpf::evaluate(bpf::Program(counted), d);
    REQUIRE(e.value);
    CHECK(e.value->instructions == 4);  // ld, two compares, ret
  }
}

TEST_CASE("stub edge cases: nothing unknown or everything unknown") {
  CHECK(stub({}, 0, kEnosys).empty());
  std::vector<Range> all{{0, 0xffffffff}};
  auto code = stub(all, 0, kEnosys);
  REQUIRE(code.size() == 1);
  CHECK(run(code, 5) == kEnosys);
}

TEST_CASE("the horizon applies only when the default would deny") {
  CHECK(applies(SECCOMP_RET_ERRNO | EPERM));
  CHECK(applies(SECCOMP_RET_KILL_PROCESS));
  CHECK(applies(SECCOMP_RET_KILL_THREAD));
  CHECK(applies(SECCOMP_RET_TRAP));
  CHECK(applies(SECCOMP_RET_USER_NOTIF));
  CHECK_FALSE(applies(SECCOMP_RET_ERRNO | ENOSYS));
  CHECK_FALSE(applies(SECCOMP_RET_ALLOW));
  CHECK_FALSE(applies(SECCOMP_RET_LOG));
  CHECK_FALSE(applies(SECCOMP_RET_TRACE | 7));
}
