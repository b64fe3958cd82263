// The strace log parser (seccomp-convert from-strace): parse_strace_logs() on arbitrary
// text. The first byte picks the variant: bit 0 the arch strace ran on (x86_64 or
// aarch64), bit 1 one -f log or several -ff logs (the text split at each 0x01 byte into
// files of pids 1000, 1001, ...).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_input.hpp"
#include "scc/strace_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  scc::fuzz::Input input{data, size};
  const std::size_t choice = input.take_choice(4);
  const scc::Arch native = (choice & 1) ? scc::Arch::Aarch64 : scc::Arch::X86_64;
  std::vector<scc::StraceLog> logs;
  const std::string_view text = input.text();
  if (choice & 2) {
    std::size_t start = 0;
    int pid = 1000;
    for (std::size_t i = 0; i <= text.size(); ++i)
      if (i == text.size() || text[i] == '\x01') {
        logs.push_back({text.substr(start, i - start), pid++});
        start = i + 1;
      }
  } else {
    logs.push_back({text, std::nullopt});
  }
  scc::StraceResult result = scc::parse_strace_logs(logs, native);
  if (result.diagnostics.size() != logs.size()) __builtin_trap();
  return 0;
}
