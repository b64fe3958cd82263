#include "enosys_horizon.hpp"

#include <linux/seccomp.h>

#include <cerrno>

namespace scc::horizon {
namespace {

constexpr std::uint64_t kTop = 0xffffffffu;

struct Segment {
  std::uint32_t lo = 0;
  bool unknown = false;  // runs up to the next segment's lo - 1
  std::size_t weight = 1;  // how many known syscalls it holds (1 for unknown ones)
};

// [floor, 0xffffffff] cut into alternating known / unknown segments, each
// known one weighed by the syscalls of `table` in it.
std::vector<Segment> segments(std::span<const Range> unknown, std::uint32_t floor,
                              const SyscallTable* table) {
  std::vector<Segment> out;
  std::uint64_t next = floor;
  for (const Range& r : unknown) {
    if (r.lo > next) out.push_back({static_cast<std::uint32_t>(next), false, 1});
    out.push_back({r.lo, true, 1});
    next = std::uint64_t{r.hi} + 1;
  }
  if (next <= kTop) out.push_back({static_cast<std::uint32_t>(next), false, 1});
  if (table == nullptr) return out;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i].unknown) continue;
    const std::uint64_t end = i + 1 < out.size() ? out[i + 1].lo : kTop + 1;
    for (const SyscallEntry& e : table->entries())
      if (e.number >= out[i].lo && e.number < end) ++out[i].weight;
  }
  return out;
}

// Emits a balanced search over segments; leaves are the two labels below.
class StubWriter {
 public:
  static constexpr std::size_t kEnosys = ~std::size_t{0};
  static constexpr std::size_t kBody = ~std::size_t{0} - 1;

  explicit StubWriter(const std::vector<Segment>& segs) : segs_(segs) {}

  std::vector<sock_filter> finish(std::uint32_t enosys_action) {
    const std::size_t root = emit(0, segs_.size());
    // A root leaf: every number gets the same answer, no compare needed.
    if (root == kEnosys) return {BPF_STMT(BPF_RET | BPF_K, enosys_action)};
    if (root == kBody) return {};
    const std::size_t ret_at = code_.size();
    std::vector<sock_filter> out;
    for (std::size_t i = 0; i < code_.size(); ++i) {
      auto offset = [&](std::size_t target) {
        std::size_t abs = target == kEnosys ? ret_at : target == kBody ? ret_at + 1 : target;
        return static_cast<std::uint8_t>(abs - i - 1);  // stubs stay far below 255
      };
      out.push_back(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, code_[i].k, offset(code_[i].jt),
                             offset(code_[i].jf)));
    }
    out.push_back(BPF_STMT(BPF_RET | BPF_K, enosys_action));
    return out;
  }

 private:
  struct Node {
    std::uint32_t k = 0;
    std::size_t jt = 0;
    std::size_t jf = 0;
  };

  // The split of [a, b) that balances the weights on both sides, so the
  // numbers most syscalls use meet the fewest compares.
  std::size_t split(std::size_t a, std::size_t b) const {
    std::size_t total = 0;
    for (std::size_t i = a; i < b; ++i) total += segs_[i].weight;
    std::size_t best = a + 1, left = 0, best_gap = ~std::size_t{0};
    for (std::size_t m = a + 1; m < b; ++m) {
      left += segs_[m - 1].weight;
      const std::size_t gap = left > total - left ? left - (total - left) : (total - left) - left;
      if (gap < best_gap) {
        best_gap = gap;
        best = m;
      }
    }
    return best;
  }

  // Code for segments [a, b); returns where it starts, or a label.
  std::size_t emit(std::size_t a, std::size_t b) {
    if (b - a == 1) return segs_[a].unknown ? kEnosys : kBody;
    const std::size_t mid = split(a, b);
    const std::size_t at = code_.size();
    code_.push_back({segs_[mid].lo, 0, 0});
    const std::size_t left = emit(a, mid);
    const std::size_t right = emit(mid, b);
    code_[at].jt = right;  // nr >= segs_[mid].lo
    code_[at].jf = left;
    return at;
  }

  const std::vector<Segment>& segs_;
  std::vector<Node> code_;
};

}  // namespace

std::uint32_t section_floor(Arch arch) { return arch == Arch::X32 ? kX32Bit : 0; }

Plan plan(const SyscallTable& table, std::size_t max_body_run) {
  Plan out;
  std::uint64_t next = section_floor(table.arch());
  auto hole = [&](std::uint64_t lo, std::uint64_t hi) {
    if (hi - lo + 1 <= max_body_run) {
      for (std::uint64_t n = lo; n <= hi; ++n) out.body.push_back(static_cast<std::uint32_t>(n));
    } else {
      out.stub.push_back({static_cast<std::uint32_t>(lo), static_cast<std::uint32_t>(hi)});
    }
  };
  for (const SyscallEntry& e : table.entries()) {
    if (e.number > next) hole(next, e.number - 1);
    next = std::uint64_t{e.number} + 1;
  }
  if (next <= kTop)
    out.stub.push_back({static_cast<std::uint32_t>(next), static_cast<std::uint32_t>(kTop)});
  return out;
}

bool applies(std::uint32_t default_action) {
  switch (default_action & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_ALLOW:
    case SECCOMP_RET_LOG:
    case SECCOMP_RET_TRACE:
      return false;
    default:
      return default_action != (SECCOMP_RET_ERRNO | ENOSYS);
  }
}

std::vector<sock_filter> stub(std::span<const Range> unknown, std::uint32_t floor,
                              std::uint32_t enosys_action, const SyscallTable* weights) {
  if (unknown.empty()) return {};
  const std::vector<Segment> segs = segments(unknown, floor, weights);
  return StubWriter(segs).finish(enosys_action);
}

}  // namespace scc::horizon
