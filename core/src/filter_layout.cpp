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
  std::map<Arch, const Section*> by_arch;
  for (const Section& s : sections) by_arch[s.arch] = &s;
  auto find = [&](Arch a) {
    auto it = by_arch.find(a);
    return it == by_arch.end() ? nullptr : it->second;
  };
  std::vector<Group> groups;
  std::map<std::uint32_t, bool> done;
  for (const auto& [arch, section] : by_arch) {
    const std::uint32_t audit = audit_arch(arch);
    if (done[audit]) continue;
    done[audit] = true;
    if (arch == Arch::X86_64 || arch == Arch::X32) {
      groups.push_back({arch, audit, x86_64_group(find(Arch::X86_64), find(Arch::X32), bad_arch_action,
                                            unknown_action)});
    } else {
      std::vector<sock_filter> code{ld(0)};
      append(code, section->code);
      groups.push_back({arch, audit, std::move(code)});
    }
  }
  return dispatch(std::move(groups), bad_arch_action);
}

bool dispatched_before(Arch a, Arch b) {
  auto rank = [](Arch x) {
    return x == Arch::X86_64 || x == Arch::X32 || x == Arch::Aarch64 ? 0 : 1;
  };
  if (rank(a) != rank(b)) return rank(a) < rank(b);
  return a < b;
}

std::vector<sock_filter> dispatch(std::vector<Group> groups, std::uint32_t bad_arch_action) {
  std::stable_sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
    return dispatched_before(a.arch, b.arch);
  });
  const std::size_t n = groups.size();
  // Physical order: smallest first (stable), so that the jeqs reach them.
  std::vector<std::size_t> physical(n);
  for (std::size_t i = 0; i < n; ++i) physical[i] = i;
  std::stable_sort(physical.begin(), physical.end(), [&](std::size_t a, std::size_t b) {
    return groups[a].code.size() < groups[b].code.size();
  });
  // Trampolines (in dispatch order) for the groups a jeq cannot reach;
  // adding one moves the groups down, so repeat until nothing changes.
  std::vector<bool> trampoline(n, false);
  std::vector<std::size_t> start(n);
  std::vector<std::size_t> tramp_at(n);
  for (bool changed = true; changed;) {
    changed = false;
    std::size_t at = 2 + n;
    for (std::size_t i = 0; i < n; ++i)
      if (trampoline[i]) tramp_at[i] = at++;
    for (std::size_t g : physical) {
      start[g] = at;
      at += groups[g].code.size();
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (!trampoline[i] && start[i] - (1 + i) - 1 > 255) trampoline[i] = changed = true;
    }
  }
  std::vector<sock_filter> out{ld(4)};
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t target = trampoline[i] ? tramp_at[i] : start[i];
    out.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, groups[i].audit_arch,
                           static_cast<std::uint8_t>(target - (1 + i) - 1), 0));
  }
  out.push_back(ret(bad_arch_action));
  for (std::size_t i = 0; i < n; ++i)
    if (trampoline[i]) out.push_back(ja(start[i] - out.size() - 1));
  for (std::size_t g : physical) append(out, groups[g].code);
  return out;
}

void thread_jumps(std::vector<sock_filter>& code) {
  auto final_target = [&](std::size_t t) {
    return code[t].code == (BPF_JMP | BPF_JA) ? t + 1 + code[t].k : t;
  };
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (BPF_CLASS(code[i].code) != BPF_JMP || BPF_OP(code[i].code) == BPF_JA) continue;
    for (std::uint8_t* off : {&code[i].jt, &code[i].jf}) {
      const std::size_t t = final_target(i + 1 + *off);
      if (t - i - 1 <= 255) *off = static_cast<std::uint8_t>(t - i - 1);
    }
  }
}

std::vector<sock_filter> share_returns(std::vector<sock_filter> code) {
  const std::size_t n = code.size();
  auto is_ret = [&](std::size_t i) { return BPF_CLASS(code[i].code) == BPF_RET; };
  auto same = [&](std::size_t a, std::size_t b) {
    return code[a].code == code[b].code && code[a].k == code[b].k;
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (BPF_CLASS(code[i].code) != BPF_JMP) continue;
    if (BPF_OP(code[i].code) == BPF_JA) {
      const std::size_t t = i + 1 + code[i].k;
      if (is_ret(t)) code[i] = code[t];
      continue;
    }
    for (std::uint8_t* off : {&code[i].jt, &code[i].jf}) {
      const std::size_t t = i + 1 + *off;
      if (!is_ret(t)) continue;
      for (std::size_t j = i + 1; j < t; ++j)
        if (is_ret(j) && same(j, t)) {
          *off = static_cast<std::uint8_t>(j - i - 1);
          break;
        }
    }
  }
  // What a path still reaches, from the first instruction.
  std::vector<bool> reached(n, false);
  std::vector<std::size_t> todo{0};
  while (!todo.empty()) {
    const std::size_t i = todo.back();
    todo.pop_back();
    if (i >= n || reached[i]) continue;
    reached[i] = true;
    const sock_filter& in = code[i];
    if (BPF_CLASS(in.code) == BPF_RET) continue;
    if (BPF_CLASS(in.code) != BPF_JMP) {
      todo.push_back(i + 1);
    } else if (BPF_OP(in.code) == BPF_JA) {
      todo.push_back(i + 1 + in.k);
    } else {
      todo.push_back(i + 1 + in.jt);
      todo.push_back(i + 1 + in.jf);
    }
  }
  std::vector<std::size_t> index(n, 0);
  std::vector<sock_filter> out;
  for (std::size_t i = 0; i < n; ++i) {
    index[i] = out.size();
    if (reached[i]) out.push_back(code[i]);
  }
  // Offsets only shrink: every jump stays within reach.
  for (std::size_t i = 0; i < n; ++i) {
    if (!reached[i] || BPF_CLASS(code[i].code) != BPF_JMP) continue;
    sock_filter& in = out[index[i]];
    if (BPF_OP(in.code) == BPF_JA) {
      in.k = static_cast<std::uint32_t>(index[i + 1 + code[i].k] - index[i] - 1);
    } else {
      in.jt = static_cast<std::uint8_t>(index[i + 1 + code[i].jt] - index[i] - 1);
      in.jf = static_cast<std::uint8_t>(index[i + 1 + code[i].jf] - index[i] - 1);
    }
  }
  return out;
}

}  // namespace scc::layout
