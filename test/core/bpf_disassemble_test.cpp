#include <doctest/doctest.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <bit>
#include <string>

#include "scc/bpf.hpp"

using namespace scc::bpf;

namespace {

sock_filter ld_abs(std::uint32_t k) { return BPF_STMT(BPF_LD | BPF_W | BPF_ABS, k); }
sock_filter ret_k(std::uint32_t k) { return BPF_STMT(BPF_RET | BPF_K, k); }
sock_filter jeq(std::uint32_t k, std::uint8_t jt, std::uint8_t jf) {
  return BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, jt, jf);
}

}  // namespace

TEST_CASE("x86_64 and i386 paths: arch names - syscall names per arch - x32 names - fields") {
  const Program p({
      ld_abs(4),
      jeq(AUDIT_ARCH_X86_64, 0, 8),
      ld_abs(0),
      BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 2),
      jeq(0x40000001, 11, 0),
      ret_k(SECCOMP_RET_KILL_PROCESS),
      jeq(0, 9, 0),
      jeq(59, 0, 7),
      ld_abs(16),
      jeq(0, 5, 6),
      jeq(AUDIT_ARCH_I386, 0, 4),
      ld_abs(0),
      jeq(3, 3, 0),
      BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 59, 1, 0),
      ret_k(SECCOMP_RET_ERRNO | 38),
      ret_k(SECCOMP_RET_KILL_THREAD),
      ret_k(SECCOMP_RET_ALLOW),
  });
  CHECK(disassemble(p) ==
        " 0000: ld [4]                             ; arch\n"
        " 0001: jeq #0xc000003e  jt 0002 jf 0010   ; AUDIT_ARCH_X86_64\n"
        " 0002: ld [0]                             ; nr\n"
        " 0003: jge #0x40000000  jt 0004 jf 0006   ; __X32_SYSCALL_BIT\n"
        " 0004: jeq #0x40000001  jt 0016 jf 0005   ; write\n"
        " 0005: ret #0x80000000                    ; KILL_PROCESS\n"
        " 0006: jeq #0x0  jt 0016 jf 0007          ; read\n"
        " 0007: jeq #0x3b  jt 0008 jf 0015         ; execve\n"
        " 0008: ld [16]                            ; args[0] low\n"
        " 0009: jeq #0x0  jt 0015 jf 0016\n"
        " 0010: jeq #0x40000003  jt 0011 jf 0015   ; AUDIT_ARCH_I386\n"
        " 0011: ld [0]                             ; nr\n"
        " 0012: jeq #0x3  jt 0016 jf 0013          ; read\n"
        " 0013: jgt #0x3b  jt 0015 jf 0014         ; oldolduname\n"
        " 0014: ret #0x50026                       ; ERRNO(38) ENOSYS\n"
        " 0015: ret #0x0                           ; KILL_THREAD\n"
        " 0016: ret #0x7fff0000                    ; ALLOW\n");
}

TEST_CASE("where paths with different arches join - nr constants are not named") {
  const Program p({
      ld_abs(4),
      jeq(AUDIT_ARCH_AARCH64, 1, 0),
      jeq(AUDIT_ARCH_ARM, 0, 3),
      ld_abs(0),
      jeq(63, 0, 1),  // read on aarch64, dup2 on arm
      ret_k(SECCOMP_RET_ALLOW),
      ret_k(SECCOMP_RET_LOG),
  });
  CHECK(disassemble(p) ==
        " 0000: ld [4]                             ; arch\n"
        " 0001: jeq #0xc00000b7  jt 0003 jf 0002   ; AUDIT_ARCH_AARCH64\n"
        " 0002: jeq #0x40000028  jt 0003 jf 0006   ; AUDIT_ARCH_ARM\n"
        " 0003: ld [0]                             ; nr\n"
        " 0004: jeq #0x3f  jt 0005 jf 0006\n"
        " 0005: ret #0x7fff0000                    ; ALLOW\n"
        " 0006: ret #0x7ffc0000                    ; LOG\n");
}

TEST_CASE("paths that join with the same arch keep the names - no arch check means no names") {
  const Program same({
      ld_abs(4),
      jeq(AUDIT_ARCH_AARCH64, 0, 4),
      ld_abs(0),
      jeq(1, 0, 1),
      ld_abs(0),
      jeq(63, 0, 1),  // reached from 0003 and 0004, both on the aarch64 path
      ret_k(SECCOMP_RET_ALLOW),
      ret_k(SECCOMP_RET_KILL_PROCESS),
  });
  CHECK(disassemble(same) ==
        " 0000: ld [4]                             ; arch\n"
        " 0001: jeq #0xc00000b7  jt 0002 jf 0006   ; AUDIT_ARCH_AARCH64\n"
        " 0002: ld [0]                             ; nr\n"
        " 0003: jeq #0x1  jt 0004 jf 0005          ; io_destroy\n"
        " 0004: ld [0]                             ; nr\n"
        " 0005: jeq #0x3f  jt 0006 jf 0007         ; read\n"
        " 0006: ret #0x7fff0000                    ; ALLOW\n"
        " 0007: ret #0x80000000                    ; KILL_PROCESS\n");

  const Program none({ld_abs(0), jeq(0, 0, 1), ret_k(SECCOMP_RET_ALLOW),
                      ret_k(SECCOMP_RET_KILL_PROCESS)});
  CHECK(disassemble(none) ==
        " 0000: ld [0]                             ; nr\n"
        " 0001: jeq #0x0  jt 0002 jf 0003\n"
        " 0002: ret #0x7fff0000                    ; ALLOW\n"
        " 0003: ret #0x80000000                    ; KILL_PROCESS\n");
}

TEST_CASE("every instruction form - forbidden ones and out-of-range jumps included") {
  const Program p({
      ld_abs(8),
      ld_abs(12),
      ld_abs(60),
      ld_abs(2),
      ld_abs(64),
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0),
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 1),
      BPF_STMT(BPF_LD | BPF_W | BPF_IND, 4),
      BPF_STMT(BPF_LD | BPF_H | BPF_IND, 4),
      BPF_STMT(BPF_LD | BPF_B | BPF_IND, 4),
      BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
      BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0),
      BPF_STMT(BPF_LD | BPF_IMM, 0x2a),
      BPF_STMT(BPF_LDX | BPF_IMM, 0xffffffff),
      BPF_STMT(BPF_ST, 3),
      BPF_STMT(BPF_STX, 15),
      BPF_STMT(BPF_LD | BPF_MEM, 3),
      BPF_STMT(BPF_LDX | BPF_MEM, 15),
      BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14),
      BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
      BPF_STMT(BPF_ALU | BPF_SUB | BPF_X, 0),
      BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 2),
      BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
      BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
      BPF_STMT(BPF_ALU | BPF_OR | BPF_X, 0),
      BPF_STMT(BPF_ALU | BPF_XOR | BPF_K, 0x10),
      BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 4),
      BPF_STMT(BPF_ALU | BPF_RSH | BPF_X, 0),
      BPF_STMT(BPF_ALU | BPF_NEG, 0),
      BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 7),
      BPF_STMT(BPF_MISC | BPF_TAX, 0),
      BPF_STMT(BPF_MISC | BPF_TXA, 0),
      BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0),
      BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 1),
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 4, 0, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 200, 0),
      BPF_JUMP(BPF_JMP | BPF_JA, 100, 0, 0),
      BPF_STMT(0xff, 5),
      BPF_STMT(BPF_RET | BPF_X, 0),
      BPF_STMT(BPF_RET | BPF_A, 0),
      ret_k(SECCOMP_RET_TRAP | 3),
      ret_k(SECCOMP_RET_TRACE | 9),
      ret_k(SECCOMP_RET_USER_NOTIF),
      ret_k(0x12340000),
  });
  const bool le = std::endian::native == std::endian::little;
  const std::string ip8 = le ? "instruction_pointer low" : "instruction_pointer high";
  const std::string ip12 = le ? "instruction_pointer high" : "instruction_pointer low";
  const std::string arg60 = le ? "args[5] high" : "args[5] low";
  CHECK(disassemble(p) ==
        " 0000: ld [8]                             ; " + ip8 + "\n" +
        " 0001: ld [12]                            ; " + ip12 + "\n" +
        " 0002: ld [60]                            ; " + arg60 + "\n" +
        " 0003: ld [2]                             ; misaligned\n"
        " 0004: ld [64]                            ; outside seccomp_data\n"
        " 0005: ldh [0]                            ; not allowed in seccomp\n"
        " 0006: ldb [1]                            ; not allowed in seccomp\n"
        " 0007: ld [x+4]                           ; not allowed in seccomp\n"
        " 0008: ldh [x+4]                          ; not allowed in seccomp\n"
        " 0009: ldb [x+4]                          ; not allowed in seccomp\n"
        " 0010: ld len                             ; 64\n"
        " 0011: ldx len                            ; 64\n"
        " 0012: ld #0x2a\n"
        " 0013: ldx #0xffffffff\n"
        " 0014: st M[3]\n"
        " 0015: stx M[15]\n"
        " 0016: ld M[3]\n"
        " 0017: ldx M[15]\n"
        " 0018: ldx 4*([14]&0xf)                   ; not allowed in seccomp\n"
        " 0019: add #0x1\n"
        " 0020: sub x\n"
        " 0021: mul #0x2\n"
        " 0022: div x\n"
        " 0023: and #0xff\n"
        " 0024: or x\n"
        " 0025: xor #0x10\n"
        " 0026: lsh #0x4\n"
        " 0027: rsh x\n"
        " 0028: neg\n"
        " 0029: mod #0x7                           ; not allowed in seccomp\n"
        " 0030: tax\n"
        " 0031: txa\n"
        " 0032: ja 0034\n"
        " 0033: jgt x  jt 0034 jf 0035\n"
        " 0034: jset #0x4  jt 0035 jf 0035\n"
        " 0035: jeq #0x0  jt 0236 jf 0036          ; jump out of range\n"
        " 0036: ja 0137                            ; jump out of range\n"
        " 0037: .insn 0x00ff 0 0 0x5               ; not a classic BPF instruction\n"
        " 0038: ret x                              ; not a classic BPF instruction\n"
        " 0039: ret a\n"
        " 0040: ret #0x30003                       ; TRAP(3)\n"
        " 0041: ret #0x7ff00009                    ; TRACE(9)\n"
        " 0042: ret #0x7fc00000                    ; USER_NOTIF\n"
        " 0043: ret #0x12340000                    ; UNKNOWN(0x12340000) acts as KILL_PROCESS\n");
}

TEST_CASE("an empty program disassembles to nothing") { CHECK(disassemble(Program()).empty()); }
