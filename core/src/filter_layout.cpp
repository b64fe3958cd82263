#include "filter_layout.hpp"

#include <algorithm>
#include <map>

namespace scc::layout {
namespace {

constexpr std::uint32_t kX32Bit = 0x40000000;

sock_filter ld(std::uint32_t offset) { return BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset); }
sock_filter ret(std::uint32_t action) { return BPF_STMT(BPF_RET | BPF_K, action); }
sock_filter ja(std::size_t offset) {
  return BPF_STMT(BPF_JMP | BPF_JA, static_cast<std::uint32_t>(offset));
}

void append(std::vector<sock_filter>& out, const std::vector<sock_filter>& code) {
  out.insert(out.end(), code.begin(), code.end());
}

sock_filter jset_x32(std::uint8_t jt, std::uint8_t jf) {
  return BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, kX32Bit, jt, jf);
}

// x86_64 under the horizon: one compare covers the top range and the split.
std::vector<sock_filter> x86_64_group_with_ceiling(const Section& x64, const Section* x32,
                                                   std::uint32_t bad_arch, std::uint32_t unknown) {
  std::vector<sock_filter> out{ld(0)};
  if (x32 != nullptr) {
    out.push_back(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, *x64.ceiling, 0, 3));
    out.push_back(jset_x32(0, 1));
    out.push_back(ja(1 + x64.code.size()));
    out.push_back(ret(unknown));
    append(out, x64.code);
    append(out, x32->code);
  } else {
    out.push_back(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, *x64.ceiling, 0, 4));
    out.push_back(jset_x32(0, 2));
    out.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffu, 1, 0));
    out.push_back(ret(bad_arch));
    out.push_back(ret(unknown));
    append(out, x64.code);
  }
  return out;
}

// The AUDIT_ARCH_X86_64 group: split on the x32 bit.
std::vector<sock_filter> x86_64_group(const Section* x64, const Section* x32,
                                      std::uint32_t bad_arch, std::uint32_t unknown) {
  if (x64 != nullptr && x64->ceiling) return x86_64_group_with_ceiling(*x64, x32, bad_arch, unknown);
  std::vector<sock_filter> out{ld(0)};
  if (x64 != nullptr && x32 != nullptr) {
    out.push_back(jset_x32(0, 1));
    out.push_back(ja(x64->code.size()));
    append(out, x64->code);
    append(out, x32->code);
  } else if (x64 != nullptr) {
    out.push_back(jset_x32(0, 3));
    out.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffu, 0, 1));
    out.push_back(ret(unknown));
    out.push_back(ret(bad_arch));
    append(out, x64->code);
  } else {
    out.push_back(jset_x32(1, 0));
    out.push_back(ret(bad_arch));
    append(out, x32->code);
  }
  return out;
}

}  // namespace

std::vector<sock_filter> assemble(std::span<const Section> sections, std::uint32_t bad_arch_action,
                                  std::uint32_t unknown_action) {
  // Groups by AUDIT_ARCH value, ordered by their first arch in enum order.
  std::map<Arch, const Section*> by_arch;
  for (const Section& s : sections) by_arch[s.arch] = &s;
  std::vector<std::pair<std::uint32_t, std::vector<sock_filter>>> groups;
  std::map<std::uint32_t, bool> done;
  for (const auto& [arch, section] : by_arch) {
    const std::uint32_t audit = audit_arch(arch);
    if (done[audit]) continue;
    done[audit] = true;
    if (arch == Arch::X86_64 || arch == Arch::X32) {
      auto find = [&](Arch a) { auto it = by_arch.find(a); return it == by_arch.end() ? nullptr : it->second; };
      groups.emplace_back(audit, x86_64_group(find(Arch::X86_64), find(Arch::X32),
                                              bad_arch_action, unknown_action));
    } else {
      std::vector<sock_filter> code{ld(0)};
      append(code, section->code);
      groups.emplace_back(audit, std::move(code));
    }
  }
  // ld [4]; one jeq per group; ret bad; trampolines for groups 2..n; groups.
  const std::size_t n = groups.size();
  std::vector<sock_filter> out{ld(4)};
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t here = 1 + i;
    // Group 0 sits right after the n-1 trampolines; the others go through theirs.
    const std::size_t target = i == 0 ? 2 + n + (n - 1) : 2 + n + (i - 1);
    out.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, groups[i].first,
                           static_cast<std::uint8_t>(target - here - 1), 0));
  }
  out.push_back(ret(bad_arch_action));
  std::size_t group_start = 2 + n + (n - 1) + groups[0].second.size();
  for (std::size_t i = 1; i < n; ++i) {
    const std::size_t here = out.size();
    out.push_back(ja(group_start - here - 1));
    group_start += groups[i].second.size();
  }
  for (auto& g : groups) append(out, g.second);
  return out;
}

}  // namespace scc::layout
