// compile() on anything that passes `check`: read_document() (dialect detected), every
// profile without validate() errors resolved for x86_64 (Docker's default capabilities,
// kernel 6.18) and compiled. When it compiles, the program must pass bpf::check() and,
// run in the emulator, answer exactly what decide() (profile_semantics.hpp, which shares
// no code with the compiler) answers, on vectors made from the profile: every named
// syscall on every target arch with its arguments at 0 and around each compared constant
// (high half set too), unknown and odd numbers, x32 numbers and a foreign arch.
#include <linux/audit.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "scc/capabilities.hpp"
#include "scc/compile.hpp"
#include "scc/profile_semantics.hpp"
#include "scc/read.hpp"
#include "scc/resolve.hpp"
#include "scc/syscall_table.hpp"
#include "scc/validate.hpp"

namespace {

using scc::bpf::SeccompData;

constexpr std::size_t kMaxRules = 64;
constexpr std::size_t kMaxNamesPerRule = 8;
constexpr std::uint32_t kX32Bit = 0x40000000;

SeccompData vector_of(std::uint32_t audit, std::uint32_t nr) {
  SeccompData d;
  d.arch = audit;
  d.nr = static_cast<std::int32_t>(nr);
  return d;
}

std::vector<SeccompData> vectors_for(const scc::Profile& flat, const scc::CompiledFilter& compiled) {
  std::vector<SeccompData> out;
  for (std::uint32_t nr : {0u, 1u, 59u, 0xffffffffu, 0x3fffffffu, 0x7fffffffu, 4095u, 100000u}) {
    out.push_back(vector_of(AUDIT_ARCH_PPC64LE, nr));
    for (scc::Arch arch : compiled.arches) out.push_back(vector_of(scc::audit_arch(arch), nr));
    out.push_back(vector_of(AUDIT_ARCH_X86_64, kX32Bit | nr));
  }
  const std::size_t rules = flat.syscalls.size() < kMaxRules ? flat.syscalls.size() : kMaxRules;
  for (scc::Arch arch : compiled.arches) {
    const scc::SyscallTable* table = scc::syscall_table(arch);
    if (table == nullptr) continue;
    for (std::size_t r = 0; r < rules; ++r) {
      const scc::SyscallRule& rule = flat.syscalls[r];
      std::size_t names = 0;
      for (const std::string& name : rule.names) {
        if (++names > kMaxNamesPerRule) break;
        const auto nr = table->number(name);
        if (!nr) continue;
        SeccompData base = vector_of(scc::audit_arch(arch), *nr);
        out.push_back(base);
        for (const scc::ArgCondition& c : rule.args) {
          if (c.index >= 6) continue;
          std::set<std::uint64_t> values{c.value - 1, c.value, c.value + 1, c.value | (1ULL << 32),
                                         ~0ULL};
          if (c.value_two) values.insert({*c.value_two, *c.value_two + 1, c.value & *c.value_two});
          for (std::uint64_t v : values) {
            SeccompData d = base;
            d.args[c.index] = v;
            out.push_back(d);
          }
        }
      }
    }
  }
  return out;
}

void compare(const scc::Profile& flat, const scc::CompiledFilter& compiled) {
  if (!scc::bpf::check(compiled.program).empty()) {
    std::fprintf(stderr, "compiled program fails bpf::check\n");
    __builtin_trap();
  }
  scc::DecideOptions options;
  options.arches = compiled.arches;
  options.enosys_horizon = scc::CompileOptions{}.enosys_horizon;
  options.bad_arch_action = compiled.bad_arch_action;
  for (const SeccompData& d : vectors_for(flat, compiled)) {
    const auto run = scc::bpf::evaluate_prechecked(compiled.program, d);
    const scc::Verdict reference = scc::decide(flat, options, d);
    if (run.value && run.value->ret == reference.ret) continue;
    std::fprintf(stderr, "DISAGREEMENT arch=0x%x nr=0x%x args=[%llx,%llx,%llx,%llx,%llx,%llx]: "
                 "program %s, reference %s\n", d.arch, static_cast<unsigned>(d.nr),
                 static_cast<unsigned long long>(d.args[0]), static_cast<unsigned long long>(d.args[1]),
                 static_cast<unsigned long long>(d.args[2]), static_cast<unsigned long long>(d.args[3]),
                 static_cast<unsigned long long>(d.args[4]), static_cast<unsigned long long>(d.args[5]),
                 run.value ? scc::bpf::describe_return(run.value->ret).c_str() : "a fault",
                 scc::bpf::describe_return(reference.ret).c_str());
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  scc::Result<scc::Document> document = scc::read_document(text);
  if (!document.value || document.diagnostics.has_errors()) return 0;
  scc::Target target;
  target.arch = scc::Arch::X86_64;
  target.caps = scc::docker_default_caps();
  target.kernel = scc::KernelVersion{6, 18};
  for (const scc::Profile& profile : document.value->profiles) {
    if (scc::validate(profile).has_errors()) continue;
    scc::Result<scc::Profile> flat = scc::resolve(profile, target);
    if (!flat.ok()) continue;
    scc::Result<scc::CompiledFilter> compiled = scc::compile(*flat.value);
    if (compiled.ok()) compare(*flat.value, *compiled.value);
  }
  return 0;
}
