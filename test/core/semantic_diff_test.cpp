// The semantic diff on programs built by libseccomp, by scc::compile and by
// hand: exact verdicts and exact difference regions.
#include <doctest/doctest.h>

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "support/libseccomp_export.hpp"
#include "scc/compile.hpp"
#include "scc/read.hpp"
#include "scc/resolve.hpp"
#include "scc/semantic_diff.hpp"
#include "scc/syscall_table.hpp"
#include "support/support.hpp"

using namespace scc;

namespace {

constexpr std::uint32_t kMax32 = 0xffffffffu;

// A libseccomp filter for the native arch, exported as a Program.
class Seccomp {
 public:
  explicit Seccomp(std::uint32_t default_action) : ctx_(seccomp_init(default_action)) { REQUIRE(ctx_ != nullptr); }
  ~Seccomp() { seccomp_release(ctx_); }
  Seccomp(const Seccomp&) = delete;
  Seccomp& operator=(const Seccomp&) = delete;

  Seccomp& rule(std::uint32_t action, int nr, std::vector<scmp_arg_cmp> args = {}) {
    REQUIRE(seccomp_rule_add_array(ctx_, action, nr, static_cast<unsigned>(args.size()), args.data()) == 0);
    return *this;
  }
  scmp_filter_ctx ctx() const { return ctx_; }
  bpf::Program program() const { return test::libseccomp_export(ctx_); }

 private:
  scmp_filter_ctx ctx_;
};

sock_filter ld(std::uint32_t offset) { return BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset); }
sock_filter ret(std::uint32_t k) { return BPF_STMT(BPF_RET | BPF_K, k); }
sock_filter jump(std::uint16_t op, std::uint32_t k, std::uint8_t jt, std::uint8_t jf) {
  return BPF_JUMP(static_cast<std::uint16_t>(BPF_JMP | op | BPF_K), k, jt, jf);
}
sock_filter alu(std::uint16_t op, std::uint32_t k) { return BPF_STMT(static_cast<std::uint16_t>(BPF_ALU | op | BPF_K), k); }

constexpr std::uint32_t kArg0 = 16;  // offsetof(seccomp_data, args[0]), low half on little-endian

DiffOptions native_only() {
  DiffOptions o;
  o.arches = {native_arch()};
  return o;
}

DiffResult diff(const std::vector<bpf::Program>& a, const std::vector<bpf::Program>& b, const DiffOptions& o) {
  auto r = diff_programs(a, b, o);
  REQUIRE(r.ok());
  return *r.value;
}

std::uint32_t number_of(const char* name) {
  const int nr = seccomp_syscall_resolve_name(name);
  REQUIRE(nr >= 0);
  return static_cast<std::uint32_t>(nr);
}

CompiledFilter compiled(const std::string& text, CompileOptions options) {
  auto doc = read_document(text);
  REQUIRE(doc.ok());
  auto filter = compile(doc.value->profiles.at(0), options);
  REQUIRE(filter.ok());
  return *filter.value;
}

}  // namespace

TEST_CASE("semantic diff: identical programs are proven equivalent on every number") {
  Seccomp s(SCMP_ACT_ERRNO(EPERM));
  s.rule(SCMP_ACT_ALLOW, SCMP_SYS(read)).rule(SCMP_ACT_ALLOW, SCMP_SYS(write));
  s.rule(SCMP_ACT_ALLOW, SCMP_SYS(socket), {SCMP_A0(SCMP_CMP_EQ, 2)});
  const bpf::Program p = s.program();
  const DiffResult r = diff({p}, {p}, native_only());
  CHECK(r.equivalent);
  CHECK(r.proven);
  CHECK(r.differences.empty());
  CHECK(r.unproven.empty());
  CHECK(r.syscalls_compared == syscall_table(native_arch())->entries().size());
  CHECK(r.unknown_cells_compared > 0);
}

TEST_CASE("semantic diff: a 64-bit EQ and a 32-bit MASKED_EQ differ exactly where the high bits are set") {
  Seccomp wide(SCMP_ACT_ALLOW);
  wide.rule(SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), {SCMP_A0(SCMP_CMP_EQ, 38)});
  Seccomp exact(SCMP_ACT_ALLOW);
  exact.rule(SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), {SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffff, 38)});
  const DiffResult r = diff({wide.program()}, {exact.program()}, native_only());
  CHECK_FALSE(r.equivalent);
  CHECK(r.proven);
  REQUIRE(r.differences.size() == 1);
  const SyscallDifference& d = r.differences[0];
  CHECK(d.arch == native_arch());
  CHECK(d.name == "socket");
  CHECK(d.numbers == WordSet::single(number_of("socket")));
  CHECK(d.proven);
  REQUIRE(d.regions.size() == 1);
  const Region& region = d.regions[0];
  CHECK(region.verdict_a == SECCOMP_RET_ALLOW);
  CHECK(region.verdict_b == (SECCOMP_RET_ERRNO | EPERM));
  CHECK(region.fields[0].low == WordSet::single(38));
  CHECK(region.fields[0].high == (WordSet{1, kMax32, 0, 0}));
  for (std::size_t f = 1; f < kRegionFields; ++f) CHECK(region.fields[f].is_any());
  CHECK(region.fields[0].contains(0x100000026));
  CHECK_FALSE(region.fields[0].contains(38));
  CHECK(describe_region(region) == "arg0 high 32 bits in [1, 0xffffffff] and low 32 bits == 38");
}

TEST_CASE("semantic diff: moby-style LT and GT allow rules against an exact 32-bit deny") {
  // A allows socket unless arg0 == 38 as a 64-bit value; B denies every arg0
  // whose low 32 bits are 38 and, as the kernel reads an int, nothing else.
  Seccomp ranges(SCMP_ACT_ERRNO(EPERM));
  ranges.rule(SCMP_ACT_ALLOW, SCMP_SYS(socket), {SCMP_A0(SCMP_CMP_LT, 38)});
  ranges.rule(SCMP_ACT_ALLOW, SCMP_SYS(socket), {SCMP_A0(SCMP_CMP_GT, 38)});
  Seccomp exact(SCMP_ACT_ERRNO(EPERM));
  // Aligned blocks covering every low-32-bit value except 38, any high bits.
  exact.rule(SCMP_ACT_ALLOW, SCMP_SYS(socket), {SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffe0, 0)});   // 0-31
  exact.rule(SCMP_ACT_ALLOW, SCMP_SYS(socket), {SCMP_A0(SCMP_CMP_MASKED_EQ, 0xfffffffc, 32)});  // 32-35
  exact.rule(SCMP_ACT_ALLOW, SCMP_SYS(socket), {SCMP_A0(SCMP_CMP_MASKED_EQ, 0xfffffffe, 36)});  // 36-37
  exact.rule(SCMP_ACT_ALLOW, SCMP_SYS(socket), {SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffff, 39)});  // 39
  exact.rule(SCMP_ACT_ALLOW, SCMP_SYS(socket), {SCMP_A0(SCMP_CMP_MASKED_EQ, 0xfffffff8, 40)});  // 40-47
  exact.rule(SCMP_ACT_ALLOW, SCMP_SYS(socket), {SCMP_A0(SCMP_CMP_MASKED_EQ, 0xfffffff0, 48)});  // 48-63
  exact.rule(SCMP_ACT_ALLOW, SCMP_SYS(socket), {SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffc0, 64)});  // 64-127
  exact.rule(SCMP_ACT_ALLOW, SCMP_SYS(socket), {SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffff80, 128)});
  exact.rule(SCMP_ACT_ALLOW, SCMP_SYS(socket), {SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffff00, 256)});
  exact.rule(SCMP_ACT_ALLOW, SCMP_SYS(socket), {SCMP_A0(SCMP_CMP_MASKED_EQ, 0xfffffe00, 512)});
  for (std::uint32_t bit = 10; bit < 32; ++bit) {  // [2^bit, 2^(bit+1) - 1]
    const std::uint32_t size = 1u << bit;
    exact.rule(SCMP_ACT_ALLOW, SCMP_SYS(socket), {SCMP_A0(SCMP_CMP_MASKED_EQ, ~(size - 1), size)});
  }
  const DiffResult r = diff({ranges.program()}, {exact.program()}, native_only());
  CHECK_FALSE(r.equivalent);
  CHECK(r.proven);
  REQUIRE(r.differences.size() == 1);
  REQUIRE(r.differences[0].regions.size() == 1);
  const Region& region = r.differences[0].regions[0];
  CHECK(region.verdict_a == SECCOMP_RET_ALLOW);
  CHECK(region.verdict_b == (SECCOMP_RET_ERRNO | EPERM));
  CHECK(region.fields[0].low == WordSet::single(38));
  CHECK(region.fields[0].high == (WordSet{1, kMax32, 0, 0}));
}

TEST_CASE("semantic diff: an errno changed in one rule names exactly that syscall with both verdicts") {
  Seccomp a(SCMP_ACT_ERRNO(EPERM));
  a.rule(SCMP_ACT_ALLOW, SCMP_SYS(read)).rule(SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3));
  Seccomp b(SCMP_ACT_ERRNO(EPERM));
  b.rule(SCMP_ACT_ALLOW, SCMP_SYS(read)).rule(SCMP_ACT_ERRNO(EACCES), SCMP_SYS(clone3));
  const DiffResult r = diff({a.program()}, {b.program()}, native_only());
  CHECK_FALSE(r.equivalent);
  CHECK(r.proven);
  REQUIRE(r.differences.size() == 1);
  const SyscallDifference& d = r.differences[0];
  CHECK(d.name == "clone3");
  CHECK(d.numbers == WordSet::single(number_of("clone3")));
  REQUIRE(d.regions.size() == 1);
  CHECK(d.regions[0].verdict_a == (SECCOMP_RET_ERRNO | ENOSYS));
  CHECK(d.regions[0].verdict_b == (SECCOMP_RET_ERRNO | EACCES));
  CHECK(describe_region(d.regions[0]) == "any arguments");
}

TEST_CASE("semantic diff: linear and binary-tree compilations of one profile are proven equivalent") {
  std::string rules;
  const char* names[] = {"read", "write", "openat", "close", "fstat", "mmap", "mprotect", "munmap",
                         "brk", "rt_sigaction", "rt_sigprocmask", "ioctl", "pread64", "pwrite64",
                         "readv", "writev", "pipe2", "dup", "dup3", "nanosleep", "getpid", "sendfile",
                         "connect", "accept4", "sendto", "recvfrom", "bind", "listen", "getsockname",
                         "getpeername", "socketpair", "setsockopt", "getsockopt", "exit", "wait4",
                         "kill", "uname", "fcntl", "flock", "fsync"};
  for (const char* n : names) rules += std::string(rules.empty() ? "" : ",") + "\"" + n + "\"";
  const std::string profile =
      R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],)"
      R"("syscalls":[{"names":[)" + rules + R"(],"action":"SCMP_ACT_ALLOW"},)"
      R"({"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":40,"op":"SCMP_CMP_NE"}]},)"
      R"({"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2114060288,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"}]},)"
      R"({"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"op":"SCMP_CMP_LE"}]}]})";
  CompileOptions linear;
  linear.arches = {Arch::X86_64, Arch::X86};
  linear.tree = CompileOptions::Tree::Linear;
  CompileOptions tree = linear;
  tree.tree = CompileOptions::Tree::Binary;
  const CompiledFilter l = compiled(profile, linear);
  const CompiledFilter t = compiled(profile, tree);
  REQUIRE_FALSE(l.program == t.program);
  DiffOptions o;
  o.arches = {Arch::X86_64, Arch::X86, Arch::X32};
  const DiffResult r = diff({l.program}, {t.program}, o);
  CHECK(r.equivalent);
  CHECK(r.proven);
  CHECK(r.unproven.empty());
}

TEST_CASE("semantic diff: moby's default profile compiled linear and as a tree is proven equivalent") {
  scc::test::skip_unless_shared();
  const std::string text = scc::test::read_file(scc::test::shared_dir() / "corpus" / "moby-default.json");
  auto doc = read_document(text);
  REQUIRE(doc.ok());
  for (Arch native : {Arch::X86_64, Arch::Aarch64}) {
    Target target = default_target();
    target.arch = native;
    auto flat = resolve(doc.value->profiles.at(0), target);
    REQUIRE(flat.ok());
    CompileOptions linear;
    linear.tree = CompileOptions::Tree::Linear;
    linear.arches = {native};
    for (Arch sub : default_sub_arches(native)) linear.arches.push_back(sub);
    CompileOptions tree = linear;
    tree.tree = CompileOptions::Tree::Binary;
    auto l = compile(*flat.value, linear);
    auto t = compile(*flat.value, tree);
    REQUIRE(l.ok());
    REQUIRE(t.ok());
    DiffOptions o;
    o.arches = linear.arches;
    const DiffResult r = diff({l.value->program}, {t.value->program}, o);
    CHECK(r.equivalent);
    CHECK(r.proven);
    std::size_t named = 0;
    for (Arch arch : o.arches) named += syscall_table(arch)->entries().size();
    CHECK(r.syscalls_compared == named);
  }
}

TEST_CASE("semantic diff: a stack of two filters against the one filter that does both") {
  Seccomp deny_read(SCMP_ACT_ALLOW);
  deny_read.rule(SCMP_ACT_ERRNO(EPERM), SCMP_SYS(read));
  Seccomp deny_write(SCMP_ACT_ALLOW);
  deny_write.rule(SCMP_ACT_ERRNO(EACCES), SCMP_SYS(write));
  Seccomp both(SCMP_ACT_ALLOW);
  both.rule(SCMP_ACT_ERRNO(EPERM), SCMP_SYS(read)).rule(SCMP_ACT_ERRNO(EACCES), SCMP_SYS(write));
  const auto stack = std::vector<bpf::Program>{deny_write.program(), deny_read.program()};
  const DiffResult same = diff(stack, {both.program()}, native_only());
  CHECK(same.equivalent);
  CHECK(same.proven);

  // Precedence: an older KILL_PROCESS beats a newer ERRNO; between two ERRNO
  // verdicts the newest filter's errno wins.
  Seccomp kill_read(SCMP_ACT_ALLOW);
  kill_read.rule(SCMP_ACT_KILL_PROCESS, SCMP_SYS(read));
  Seccomp eacces_read(SCMP_ACT_ALLOW);
  eacces_read.rule(SCMP_ACT_ERRNO(EACCES), SCMP_SYS(read));
  const DiffResult kill = diff({deny_read.program(), kill_read.program()}, {deny_read.program()}, native_only());
  REQUIRE(kill.differences.size() == 1);
  CHECK(kill.differences[0].name == "read");
  REQUIRE(kill.differences[0].regions.size() == 1);
  CHECK(kill.differences[0].regions[0].verdict_a == SECCOMP_RET_KILL_PROCESS);
  CHECK(kill.differences[0].regions[0].verdict_b == (SECCOMP_RET_ERRNO | EPERM));
  const DiffResult newest = diff({deny_read.program(), eacces_read.program()}, {deny_read.program()}, native_only());
  CHECK(newest.equivalent);
  CHECK(newest.proven);
}

TEST_CASE("semantic diff: an add on an argument falls back to tested values and is not proven") {
  // A: arg0 + 1 == 39 -> ERRNO; B: arg0 == 38 -> ERRNO (low 32 bits): the same
  // function, which only testing can see here.
  const bpf::Program shifted({ld(kArg0), alu(BPF_ADD, 1), jump(BPF_JEQ, 39, 0, 1),
                              ret(SECCOMP_RET_ERRNO | EPERM), ret(SECCOMP_RET_ALLOW)});
  const bpf::Program plain({ld(kArg0), jump(BPF_JEQ, 38, 0, 1), ret(SECCOMP_RET_ERRNO | EPERM),
                            ret(SECCOMP_RET_ALLOW)});
  DiffOptions o;
  o.arches = {Arch::X86_64};
  o.known_numbers_only = true;
  const DiffResult same = diff({shifted}, {plain}, o);
  CHECK(same.equivalent);
  CHECK_FALSE(same.proven);
  REQUIRE(same.unproven.size() == syscall_table(Arch::X86_64)->entries().size());
  CHECK(same.unproven[0].name == "read");
  CHECK(same.unproven[0].reason == "not analysable: instruction 2: a jump compares values computed from seccomp_data");

  // arg0 + 2 == 39 holds for 37: the tested neighbours of the constants find it.
  const bpf::Program off_by_one({ld(kArg0), alu(BPF_ADD, 2), jump(BPF_JEQ, 39, 0, 1),
                                 ret(SECCOMP_RET_ERRNO | EPERM), ret(SECCOMP_RET_ALLOW)});
  const DiffResult differ = diff({off_by_one}, {plain}, o);
  CHECK_FALSE(differ.equivalent);
  REQUIRE(differ.differences.size() == syscall_table(Arch::X86_64)->entries().size());
  const SyscallDifference& d = differ.differences[0];
  CHECK_FALSE(d.proven);
  REQUIRE(d.regions.size() == 2);
  CHECK(d.regions[0].sampled);
  CHECK(d.regions[0].fields[0].low == WordSet::single(37));
  CHECK(d.regions[0].verdict_a == (SECCOMP_RET_ERRNO | EPERM));
  CHECK(d.regions[0].verdict_b == SECCOMP_RET_ALLOW);
  CHECK(d.regions[1].fields[0].low == WordSet::single(38));
  CHECK(d.regions[1].verdict_a == SECCOMP_RET_ALLOW);
  CHECK(d.regions[1].verdict_b == (SECCOMP_RET_ERRNO | EPERM));
}

TEST_CASE("semantic diff: masked bits are enumerated and the differing pattern is exact") {
  // clone's flags test with and without CLONE_NEWNS (0x20000) in the mask.
  auto clone_rule = [](std::uint32_t mask) {
    return bpf::Program({ld(kArg0), alu(BPF_AND, mask), jump(BPF_JEQ, 0, 0, 1), ret(SECCOMP_RET_ALLOW),
                         ret(SECCOMP_RET_ERRNO | EPERM)});
  };
  DiffOptions o;
  o.arches = {Arch::X86_64};
  o.known_numbers_only = true;
  const DiffResult r = diff({clone_rule(0x7e020000)}, {clone_rule(0x7e000000)}, o);
  CHECK(r.proven);
  REQUIRE_FALSE(r.differences.empty());
  REQUIRE(r.differences[0].regions.size() == 1);
  const Region& region = r.differences[0].regions[0];
  CHECK(region.fields[0].low == (WordSet{0, kMax32, 0x7e020000, 0x20000}));
  CHECK(region.fields[0].high.is_any());
  CHECK(region.verdict_a == (SECCOMP_RET_ERRNO | EPERM));
  CHECK(region.verdict_b == SECCOMP_RET_ALLOW);
  CHECK(describe_region(region) ==
        "arg0 low 32 bits & 0x7e020000 == 0x20000 (high 32 bits any)");
}

TEST_CASE("semantic diff: unknown numbers are compared over the whole 32-bit range") {
  // A returns ENOSYS above 500, B allows everything: on x86_64 (without x32)
  // every number above 500 differs, as one range, proven.
  const bpf::Program horizon({ld(0), jump(BPF_JGT, 500, 0, 1), ret(SECCOMP_RET_ERRNO | ENOSYS),
                              ret(SECCOMP_RET_ALLOW)});
  const bpf::Program allow({ret(SECCOMP_RET_ALLOW)});
  DiffOptions o;
  o.arches = {Arch::X86_64};
  const DiffResult r = diff({horizon}, {allow}, o);
  CHECK(r.proven);
  REQUIRE(r.differences.size() == 1);
  const SyscallDifference& d = r.differences[0];
  CHECK(d.name.empty());
  CHECK(d.numbers == (WordSet{501, kMax32, 0, 0}));
  REQUIRE(d.regions.size() == 1);
  CHECK(d.regions[0].verdict_a == (SECCOMP_RET_ERRNO | ENOSYS));
  CHECK(d.regions[0].verdict_b == SECCOMP_RET_ALLOW);
  CHECK(describe_numbers(d.numbers, false) == "unknown numbers in [501, 0xffffffff]");

  o.known_numbers_only = true;
  const DiffResult known = diff({horizon}, {allow}, o);
  CHECK(known.equivalent);
  CHECK(known.proven);
  CHECK(known.unknown_cells_compared == 0);
}

TEST_CASE("semantic diff: a program the kernel would reject is an error") {
  const bpf::Program bad({ld(3), ret(SECCOMP_RET_ALLOW)});
  auto r = diff_programs(std::vector<bpf::Program>{bad}, std::vector<bpf::Program>{bad}, native_only());
  CHECK_FALSE(r.ok());
  REQUIRE_FALSE(r.diagnostics.items().empty());
  CHECK(r.diagnostics.items()[0].code == Code::BpfLoadOffset);
  DiffOptions none;
  auto no_arch = diff_programs(std::vector<bpf::Program>{}, std::vector<bpf::Program>{}, none);
  CHECK_FALSE(no_arch.ok());
}

TEST_CASE("semantic diff: stack verdicts normalise data bits the kernel ignores") {
  CHECK(normalise_verdict(SECCOMP_RET_ALLOW | 5) == SECCOMP_RET_ALLOW);
  CHECK(normalise_verdict(SECCOMP_RET_ERRNO | 0xffff) == (SECCOMP_RET_ERRNO | 4095));
  CHECK(normalise_verdict(SECCOMP_RET_TRACE | 7) == (SECCOMP_RET_TRACE | 7));
  CHECK(normalise_verdict(0x00010000) == SECCOMP_RET_KILL_PROCESS);
  const bpf::SeccompData data;
  auto empty = stack_verdict({}, data);
  REQUIRE(empty.ok());
  CHECK(*empty.value == SECCOMP_RET_ALLOW);
}

namespace {

// A random libseccomp filter over three syscalls with conditions on two
// arguments drawn from a small pool of constants, so that rules overlap.
bpf::Program random_program(std::mt19937_64& rng) {
  static const std::uint64_t pool[] = {0, 1, 7, 38, 0xff, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000026};
  static const scmp_compare ops[] = {SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ,
                                     SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ};
  static const std::uint32_t actions[] = {SCMP_ACT_ALLOW, SCMP_ACT_ERRNO(1), SCMP_ACT_ERRNO(2), SCMP_ACT_KILL_PROCESS,
                                          SCMP_ACT_TRAP};
  Seccomp s(SCMP_ACT_ERRNO(EPERM));
  const int syscalls[] = {SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(socket)};
  auto pick = [&rng](auto& array) { return array[rng() % std::size(array)]; };
  for (int rule = 0; rule < 6; ++rule) {
    std::vector<scmp_arg_cmp> args;
    const unsigned count = static_cast<unsigned>(rng() % 3);
    for (unsigned i = 0; i < count; ++i) {
      const scmp_compare op = pick(ops);
      const std::uint64_t v = pick(pool);
      args.push_back(op == SCMP_CMP_MASKED_EQ ? scmp_arg_cmp{i, op, v | 0xf0, v & 0xf0}
                                              : scmp_arg_cmp{i, op, v, 0});
    }
    std::uint32_t action = pick(actions);
    // libseccomp refuses a rule that equals the default action.
    if (action == SCMP_ACT_ERRNO(EPERM)) action = SCMP_ACT_ALLOW;
    seccomp_rule_add_array(s.ctx(), action, pick(syscalls), count, args.data());
  }
  return s.program();
}

std::uint64_t random_value(std::mt19937_64& rng) {
  static const std::uint64_t near[] = {0, 1, 7, 38, 0xf0, 0xff, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000026};
  std::uint64_t v = near[rng() % std::size(near)] + (rng() % 3) - 1;
  if (rng() % 4 == 0) v ^= rng() << 32;
  if (rng() % 8 == 0) v = rng();
  return v;
}

}  // namespace

TEST_CASE("semantic diff: proven regions are exactly where random libseccomp programs differ") {
  std::mt19937_64 rng(20240601);
  DiffOptions o = native_only();
  o.known_numbers_only = true;
  o.max_regions = 1000000;
  const std::uint32_t audit = audit_arch(native_arch());
  for (int round = 0; round < 40; ++round) {
    const bpf::Program a = random_program(rng);
    const bpf::Program b = random_program(rng);
    const DiffResult r = diff({a}, {b}, o);
    INFO(bpf::disassemble(a) << "\n" << bpf::disassemble(b));
    REQUIRE(r.proven);
    for (const char* name : {"read", "write", "socket"}) {
      const std::uint32_t nr = number_of(name);
      const SyscallDifference* d = nullptr;
      for (const auto& x : r.differences)
        if (x.numbers.first == nr) d = &x;
      for (int trial = 0; trial < 400; ++trial) {
        bpf::SeccompData data;
        data.nr = static_cast<std::int32_t>(nr);
        data.arch = audit;
        data.args[0] = random_value(rng);
        data.args[1] = random_value(rng);
        const std::uint32_t va = *stack_verdict(std::vector<bpf::Program>{a}, data).value;
        const std::uint32_t vb = *stack_verdict(std::vector<bpf::Program>{b}, data).value;
        const Region* hit = nullptr;
        if (d != nullptr)
          for (const Region& region : d->regions)
            if (region.fields[0].contains(data.args[0]) && region.fields[1].contains(data.args[1])) hit = &region;
        INFO("round " << round << " " << name << " arg0 " << data.args[0] << " arg1 " << data.args[1]);
        CHECK((va != vb) == (hit != nullptr));
        if (hit != nullptr) {
          CHECK(hit->verdict_a == va);
          CHECK(hit->verdict_b == vb);
        }
      }
    }
  }
}

namespace {

// A random forward-jumping program over nr, the instruction pointer and two
// arguments: loads, masks, the four jumps against pool constants, and a
// spill through scratch memory and X now and then.
bpf::Program random_bpf(std::mt19937_64& rng) {
  static const std::uint32_t offsets[] = {0, 8, 12, 16, 20, 24, 28};
  static const std::uint32_t masks[] = {0xffffffff, 0xff, 0xf0f0, 0x7e020000, 0xffff0000, 0x80000001, 0x40000000};
  static const std::uint32_t ks[] = {0, 1, 2, 38, 0xf0, 0x100, 0x7fffffff, 0x80000000, 0xffffffff, 0x40000000};
  static const std::uint32_t rets[] = {SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | 1, SECCOMP_RET_ERRNO | 2,
                                       SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_TRAP | 3, SECCOMP_RET_LOG};
  static const std::uint16_t jumps[] = {BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET};
  auto pick = [&rng](auto& array) { return array[rng() % std::size(array)]; };
  const std::size_t length = 8 + rng() % 16;
  std::vector<sock_filter> insns;
  bool stored = false;
  for (std::size_t i = 0; i + 1 < length; ++i) {
    const std::size_t room = length - 2 - i;  // instructions between the next one and the last
    switch (rng() % 8) {
      case 0: case 1: insns.push_back(ld(pick(offsets))); break;
      case 2: insns.push_back(alu(BPF_AND, pick(masks))); break;
      case 3:
        if (stored && rng() % 2 != 0)
          insns.push_back(BPF_STMT(BPF_LD | BPF_MEM, 0));
        else
          insns.push_back(BPF_STMT(BPF_ST, 0));
        stored = true;
        break;
      case 4: insns.push_back(ret(pick(rets))); break;
      default: {
        auto off = [&] { return static_cast<std::uint8_t>(room == 0 ? 0 : rng() % std::min<std::size_t>(room + 1, 6)); };
        insns.push_back(jump(pick(jumps), pick(ks), off(), off()));
      }
    }
  }
  insns.push_back(ret(pick(rets)));
  return bpf::Program(insns);
}

}  // namespace

TEST_CASE("semantic diff: proven regions are exactly where random hand-made programs differ") {
  std::mt19937_64 rng(977);
  DiffOptions o;
  o.arches = {Arch::X86_64};
  o.max_regions = 1000000;
  const std::uint32_t audit = audit_arch(Arch::X86_64);
  static const std::uint64_t near[] = {0, 1, 2, 38, 0xf0, 0xff, 0x100, 0x7fffffff, 0x80000000, 0xffffffff,
                                       0x40000000, 0x7e020000};
  auto value = [&] {
    std::uint64_t v = near[rng() % std::size(near)] + (rng() % 3) - 1;
    if (rng() % 3 == 0) v ^= rng() << 32;
    if (rng() % 6 == 0) v = rng();
    return v;
  };
  int proven = 0;
  for (int round = 0; round < 200; ++round) {
    const bpf::Program a = random_bpf(rng);
    const bpf::Program b = random_bpf(rng);
    if (bpf::check(a).has_errors() || bpf::check(b).has_errors()) continue;
    const DiffResult r = diff({a}, {b}, o);
    if (!r.proven) continue;
    ++proven;
    INFO("round " << round << "\n" << bpf::disassemble(a) << "\n" << bpf::disassemble(b));
    for (int trial = 0; trial < 300; ++trial) {
      bpf::SeccompData data;
      const std::uint32_t nr = static_cast<std::uint32_t>(value());
      data.nr = static_cast<std::int32_t>(nr);
      data.arch = audit;
      data.instruction_pointer = value();
      data.args[0] = value();
      data.args[1] = value();
      const std::uint32_t va = *stack_verdict(std::vector<bpf::Program>{a}, data).value;
      const std::uint32_t vb = *stack_verdict(std::vector<bpf::Program>{b}, data).value;
      const bool named = syscall_table(Arch::X86_64)->name(nr).has_value();
      const Region* hit = nullptr;
      for (const auto& d : r.differences) {
        if (named ? d.numbers != WordSet::single(nr) : (!d.name.empty() || !d.numbers.contains(nr))) continue;
        for (const Region& region : d.regions)
          if (region.fields[0].contains(data.args[0]) && region.fields[1].contains(data.args[1]) &&
              region.fields[kInstructionPointerField].contains(data.instruction_pointer))
            hit = &region;
      }
      INFO("nr " << nr << " ip " << data.instruction_pointer << " arg0 " << data.args[0] << " arg1 " << data.args[1]);
      REQUIRE((va != vb) == (hit != nullptr));
      if (hit != nullptr) {
        CHECK(hit->verdict_a == va);
        CHECK(hit->verdict_b == vb);
      }
    }
  }
  CHECK(proven > 120);  // the rest have arithmetic or over-limit words: tested, not proven
}
