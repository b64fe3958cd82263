#include "scc/kernel_version.hpp"

#include <sys/utsname.h>

#include <charconv>
#include <limits>

namespace scc {
namespace {

// Read an unsigned decimal number at the front of `text` (digits only: no
// sign, no space). Advances `text` past it.
std::optional<unsigned> take_number(std::string_view& text, unsigned max) {
  unsigned value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first == last || *first < '0' || *first > '9') return std::nullopt;
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || value > max) return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(end - first));
  return value;
}

bool take_dot(std::string_view& text) {
  if (text.empty() || text.front() != '.') return false;
  text.remove_prefix(1);
  return true;
}

}  // namespace

std::optional<KernelVersion> parse_min_kernel(std::string_view text) {
  // moby: strconv.ParseUint(part, 10, 8) on each of exactly two parts.
  auto major = take_number(text, 255);
  if (!major || !take_dot(text)) return std::nullopt;
  auto minor = take_number(text, 255);
  if (!minor || !text.empty()) return std::nullopt;
  if (*major == 0 && *minor == 0) return std::nullopt;
  return KernelVersion{*major, *minor};
}

std::optional<KernelVersion> parse_kernel_release(std::string_view text) {
  constexpr unsigned kMax = std::numeric_limits<unsigned>::max();
  auto major = take_number(text, kMax);
  if (!major || !take_dot(text)) return std::nullopt;
  auto minor = take_number(text, kMax);
  if (!minor) return std::nullopt;
  return KernelVersion{*major, *minor};
}

std::optional<KernelVersion> running_kernel() {
  struct utsname uts {};
  if (uname(&uts) != 0) return std::nullopt;
  return parse_kernel_release(uts.release);
}

std::string to_string(KernelVersion version) {
  return std::to_string(version.major) + "." + std::to_string(version.minor);
}

}  // namespace scc
