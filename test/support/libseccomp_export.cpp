#include "support/libseccomp_export.hpp"

#include <doctest/doctest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

namespace scc::test {

bpf::Program libseccomp_export(scmp_filter_ctx ctx) {
  const int fd = memfd_create("scc-test-bpf", 0);
  REQUIRE(fd >= 0);
  REQUIRE(seccomp_export_bpf(ctx, fd) == 0);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(lseek(fd, 0, SEEK_END)));
  REQUIRE(pread(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()));
  close(fd);
  auto program = bpf::Program::from_bytes(bytes);
  REQUIRE(program.ok());
  return *program.value;
}

}  // namespace scc::test
