// The hook's standard input: parse_oci_state() on arbitrary bytes, as every hook mode
// reads the container state a runtime writes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scc/oci_state.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  scc::Result<scc::OciState> state = scc::parse_oci_state(text);
  // A state that parses satisfies the documented rules: a valid id, an absolute bundle.
  if (state.ok() && (scc::container_id_problem(state.value->id) ||
                     !state.value->bundle.starts_with('/')))
    __builtin_trap();
  return 0;
}
