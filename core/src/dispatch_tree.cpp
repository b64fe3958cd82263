#include "dispatch_tree.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "filter_layout.hpp"

namespace scc::dispatch {
namespace {

constexpr std::size_t kMaxJump = 255;  // jt / jf are 8 bits

// The optimal alphabetic search over n merged ranges: root(i, j) is the last
// range of the left half of the subtree over ranges i..j.
class Tree {
 public:
  explicit Tree(std::span<const std::uint64_t> weights) : n_(weights.size()), prefix_(n_ + 1) {
    for (std::size_t i = 0; i < n_; ++i) prefix_[i + 1] = prefix_[i] + weights[i];
    cost_.assign(n_ * n_, 0);
    root_.assign(n_ * n_, 0);
    for (std::size_t len = 2; len <= n_; ++len) {
      for (std::size_t i = 0; i + len <= n_; ++i) {
        const std::size_t j = i + len - 1;
        // Knuth: the best split moves monotonically with the bounds.
        const std::size_t lo = len == 2 ? i : root(i, j - 1);
        const std::size_t hi = len == 2 ? i : std::min(root(i + 1, j), j - 1);
        std::uint64_t best = std::numeric_limits<std::uint64_t>::max();
        std::size_t best_k = lo;
        for (std::size_t k = lo; k <= hi; ++k) {
          const std::uint64_t c = cost(i, k) + cost(k + 1, j);
          if (c < best) best = c, best_k = k;
        }
        cost_[i * n_ + j] = best + weight(i, j);
        root_[i * n_ + j] = static_cast<std::uint32_t>(best_k);
      }
    }
  }
  std::size_t root(std::size_t i, std::size_t j) const { return root_[i * n_ + j]; }
  std::uint64_t weight(std::size_t i, std::size_t j) const { return prefix_[j + 1] - prefix_[i]; }

 private:
  std::uint64_t cost(std::size_t i, std::size_t j) const { return i == j ? 0 : cost_[i * n_ + j]; }
  std::size_t n_;
  std::vector<std::uint64_t> prefix_;
  std::vector<std::uint64_t> cost_;
  std::vector<std::uint32_t> root_;
};

sock_filter ja(std::size_t offset) {
  return BPF_STMT(BPF_JMP | BPF_JA, static_cast<std::uint32_t>(offset));
}

// Lays the tree out: each compare is followed by its heavier half, then the
// lighter one; a "ja" trampoline goes in front when the lighter half is out
// of a conditional jump's reach.
class Emitter {
 public:
  Emitter(const Tree& tree, std::span<const Range> ranges, std::span<const Leaf> leaves)
      : tree_(tree), ranges_(ranges), leaves_(leaves) {}

  std::vector<sock_filter> run() {
    emit(0, ranges_.size() - 1);
    // Argument checks behind the search, each once; the leaves' jumps to them.
    std::vector<std::size_t> start(leaves_.size(), 0);
    std::vector<bool> placed(leaves_.size(), false);
    for (const auto& [at, leaf] : calls_) {
      if (!placed[leaf]) {
        placed[leaf] = true;
        start[leaf] = out_.size();
        out_.insert(out_.end(), leaves_[leaf].code.begin(), leaves_[leaf].code.end());
      }
      out_[at].k = static_cast<std::uint32_t>(start[leaf] - at - 1);
    }
    layout::thread_jumps(out_);
    return layout::share_returns(std::move(out_));
  }

 private:
  struct Shape {
    std::size_t split = 0;
    bool right_first = false;
    bool trampoline = false;
  };

  Shape shape(std::size_t i, std::size_t j) {
    Shape s;
    s.split = tree_.root(i, j);
    s.right_first = tree_.weight(s.split + 1, j) > tree_.weight(i, s.split);
    const std::size_t first = s.right_first ? size(s.split + 1, j) : size(i, s.split);
    s.trampoline = first > kMaxJump;
    return s;
  }

  std::size_t size(std::size_t i, std::size_t j) {
    if (i == j) return 1;
    if (auto it = sizes_.find({i, j}); it != sizes_.end()) return it->second;
    const Shape s = shape(i, j);
    const std::size_t total = 1 + size(i, s.split) + size(s.split + 1, j) + (s.trampoline ? 1 : 0);
    sizes_[{i, j}] = total;
    return total;
  }

  void emit(std::size_t i, std::size_t j) {
    if (i == j) {
      const Leaf& leaf = leaves_[ranges_[i].leaf];
      if (leaf.code.empty()) {
        out_.push_back(BPF_STMT(BPF_RET | BPF_K, leaf.ret));
      } else {
        calls_.emplace_back(out_.size(), ranges_[i].leaf);
        out_.push_back(ja(0));
      }
      return;
    }
    const Shape s = shape(i, j);
    const std::size_t first = s.right_first ? size(s.split + 1, j) : size(i, s.split);
    // jge: true -> the right half (numbers >= its first), false -> the left.
    sock_filter cmp = BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, ranges_[s.split + 1].lo, 0, 0);
    if (!s.trampoline) {
      (s.right_first ? cmp.jf : cmp.jt) = static_cast<std::uint8_t>(first);
      out_.push_back(cmp);
    } else {
      (s.right_first ? cmp.jt : cmp.jf) = 1;  // past the trampoline to the first half
      out_.push_back(cmp);
      out_.push_back(ja(first));
    }
    if (s.right_first) {
      emit(s.split + 1, j);
      emit(i, s.split);
    } else {
      emit(i, s.split);
      emit(s.split + 1, j);
    }
  }

  const Tree& tree_;
  std::span<const Range> ranges_;
  std::span<const Leaf> leaves_;
  std::vector<sock_filter> out_;
  std::vector<std::pair<std::size_t, std::size_t>> calls_;  // (ja position, leaf)
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> sizes_;
};

}  // namespace

std::vector<sock_filter> search(std::span<const Range> ranges, std::span<const Leaf> leaves) {
  std::vector<Range> merged;
  for (const Range& r : ranges) {
    if (!merged.empty() && merged.back().leaf == r.leaf) {
      merged.back().hi = r.hi;
      merged.back().weight += r.weight;
    } else {
      merged.push_back(r);
    }
  }
  if (merged.size() == 1) {
    const Leaf& leaf = leaves[merged[0].leaf];
    if (leaf.code.empty()) return {BPF_STMT(BPF_RET | BPF_K, leaf.ret)};
    return leaf.code;
  }
  // A known syscall weighs 1024 times an unknown number's range, which weighs
  // 1 so that the search stays balanced among the unknown ones too.
  std::vector<std::uint64_t> weights;
  for (const Range& r : merged) weights.push_back(r.weight * 1024 + 1);
  const Tree tree(weights);
  return Emitter(tree, merged, leaves).run();
}

}  // namespace scc::dispatch
