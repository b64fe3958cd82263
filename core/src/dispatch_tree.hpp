// The number dispatch of a binary-tree program: every syscall number of one
// AUDIT_ARCH value, [0, 0xffffffff], is cut into ranges that lead to the same
// place (a return, or one syscall's argument checks), and a weighted search
// of JGE compares on the number alone finds the range.
//
// Why not libseccomp's tree. libseccomp bisects by number and ends in one JEQ
// per rule; the numbers it has no rule for (the default, the ENOSYS horizon's
// holes and the top range, the x32 split) need compares of their own in front
// of or inside it. Here the ranges fold all of that into one search: a run of
// allowed syscalls, a run of denied ones, a hole and everything above the
// highest known number are each one range; the x32 half of AUDIT_ARCH_X86_64
// is a range too, so the x32 bit costs nothing extra. The search is an
// optimal alphabetic tree over the ranges (Knuth's O(n^2) dynamic program),
// weighted by the known syscalls in each range, so every known number is
// decided in as few compares as its frequency among the table's numbers
// allows; unknown ranges weigh almost nothing.
//
// Only A = nr is read before a return, so an argument-free decision stays
// cacheable by the kernel's constant-action cache.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <span>
#include <vector>

namespace scc::dispatch {

// Where a range leads: `ret` when `code` is empty, else `code` (argument
// checks: entered with any A, every path ends in a return).
struct Leaf {
  std::uint32_t ret = 0;
  std::vector<sock_filter> code;
};

struct Range {
  std::uint32_t lo = 0;
  std::uint32_t hi = 0;    // inclusive
  std::size_t leaf = 0;    // index into the leaves
  std::uint64_t weight = 0;  // known syscall numbers in the range
};

// Code entered with A = nr that ends, for every nr of a range, in its leaf.
// `ranges` ascending and contiguous, from 0 to 0xffffffff; adjacent ranges
// with the same leaf are merged here. Leaves with code are laid out behind
// the search, each once, and reached directly where a jump can reach them.
std::vector<sock_filter> search(std::span<const Range> ranges, std::span<const Leaf> leaves);

}  // namespace scc::dispatch
