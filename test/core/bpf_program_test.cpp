#include <doctest/doctest.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cstring>

#include "scc/bpf.hpp"

using namespace scc;
using scc::bpf::Program;

namespace {

Program two_insns() {
  return Program({BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
                  BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)});
}

}  // namespace

TEST_CASE("from_bytes reads 8-byte sock_filter records in host order") {
  const Program p = two_insns();
  const std::vector<std::uint8_t> bytes = p.to_bytes();
  REQUIRE(bytes.size() == 16);
  // The second record's k is SECCOMP_RET_ALLOW at bytes 12..15.
  std::uint32_t k = 0;
  std::memcpy(&k, bytes.data() + 12, 4);
  CHECK(k == SECCOMP_RET_ALLOW);
  std::uint16_t code = 0;
  std::memcpy(&code, bytes.data() + 8, 2);
  CHECK(code == (BPF_RET | BPF_K));

  auto back = Program::from_bytes(bytes);
  REQUIRE(back.ok());
  CHECK(*back.value == p);
  CHECK(back.value->size() == 2);
  CHECK(back.diagnostics.empty());
}

TEST_CASE("from_bytes rejects empty input") {
  auto r = Program::from_bytes({});
  CHECK_FALSE(r.value);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics.items()[0].code == Code::BpfFraming);
  CHECK(r.diagnostics.items()[0].message == "the BPF program is empty (0 bytes)");
}

TEST_CASE("from_bytes rejects a length that is not a multiple of 8") {
  std::vector<std::uint8_t> bytes = two_insns().to_bytes();
  bytes.pop_back();
  auto r = Program::from_bytes(bytes);
  CHECK_FALSE(r.value);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics.items()[0].code == Code::BpfFraming);
  CHECK(r.diagnostics.items()[0].message ==
        "the BPF program is 15 bytes, not a multiple of 8 (one sock_filter per 8 bytes)");
}

TEST_CASE("from_bytes takes BPF_MAXINSNS instructions and rejects one more") {
  std::vector<std::uint8_t> bytes(8 * 4096, 0);
  auto ok = Program::from_bytes(bytes);
  REQUIRE(ok.ok());
  CHECK(ok.value->size() == 4096);

  bytes.resize(8 * 4097, 0);
  auto r = Program::from_bytes(bytes);
  CHECK_FALSE(r.value);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics.items()[0].code == Code::BpfFraming);
  CHECK(r.diagnostics.items()[0].message ==
        "the BPF program has 4097 instructions; the kernel accepts at most 4096");
}

TEST_CASE("from_bytes does not need aligned input") {
  std::vector<std::uint8_t> buffer(17, 0);
  const auto bytes = two_insns().to_bytes();
  std::memcpy(buffer.data() + 1, bytes.data(), bytes.size());
  auto r = Program::from_bytes(std::span<const std::uint8_t>(buffer).subspan(1));
  REQUIRE(r.ok());
  CHECK(*r.value == two_insns());
}

TEST_CASE("to_bytes of an empty program is empty") {
  CHECK(Program().to_bytes().empty());
  CHECK(Program() == Program());
}

TEST_CASE("operator== compares every field of every instruction") {
  const Program p = two_insns();
  CHECK(p == two_insns());
  auto changed = [&](auto edit) {
    std::vector<sock_filter> insns(p.instructions().begin(), p.instructions().end());
    edit(insns[1]);
    return Program(insns);
  };
  CHECK_FALSE(p == changed([](sock_filter& f) { f.code = BPF_RET | BPF_A; }));
  CHECK_FALSE(p == changed([](sock_filter& f) { f.jt = 1; }));
  CHECK_FALSE(p == changed([](sock_filter& f) { f.jf = 1; }));
  CHECK_FALSE(p == changed([](sock_filter& f) { f.k = SECCOMP_RET_LOG; }));
  CHECK_FALSE(p == Program({BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0)}));
}
