#include <doctest/doctest.h>

#include "scc/arch.hpp"

using namespace scc;

TEST_CASE("64-bit argument registers: x86_64 x32 aarch64 and other 64-bit ABIs - not x86 or arm") {
  CHECK(has_64bit_registers(Arch::X86_64));
  CHECK(has_64bit_registers(Arch::X32));
  CHECK(has_64bit_registers(Arch::Aarch64));
  CHECK(has_64bit_registers(Arch::Riscv64));
  CHECK(has_64bit_registers(Arch::S390X));
  CHECK_FALSE(has_64bit_registers(Arch::X86));
  CHECK_FALSE(has_64bit_registers(Arch::Arm));
  CHECK_FALSE(has_64bit_registers(Arch::S390));
  CHECK_FALSE(has_64bit_registers(Arch::Mipsel));
}
