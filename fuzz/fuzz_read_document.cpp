// Every profile reader, the way `seccomp-convert check` drives them: read_document() on
// arbitrary text, then validate() every profile it yields and locate the findings. The
// first byte picks the entry: 0 detects the dialect; 1..5 force one (dialect_names(), as
// --input-format does: docker, containers-common, oci, oci-config, spo). JSON or YAML is
// decided by the text itself, so SPO YAML is reached through 0 and through "spo".
#include <cstddef>
#include <cstdint>

#include "fuzz_input.hpp"
#include "scc/names.hpp"
#include "scc/read.hpp"
#include "scc/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  scc::fuzz::Input input{data, size};
  const auto dialects = scc::dialect_names();
  scc::ReadOptions options;
  if (const std::size_t pick = input.take_choice(dialects.size() + 1); pick > 0)
    options.dialect = scc::parse_dialect(dialects[pick - 1]);
  scc::Result<scc::Document> document = scc::read_document(input.text(), options);
  if (!document.value) return 0;
  for (const scc::Profile& profile : document.value->profiles) {
    scc::Diagnostics found = scc::validate(profile);
    document.value->positions.locate(found);
  }
  return 0;
}
