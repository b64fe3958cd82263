// Kernel versions as moby compares them: major.minor only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "scc/profile.hpp"

namespace scc {

// Parse a profile's minKernel strictly, as moby does: exactly two decimal
// parts, each 0..255 ("4.8"), and not "0.0". "4.8.1", "4", "v4.8" and "" are
// rejected (moby treats "" as unset; the reader handles that before calling).
std::optional<KernelVersion> parse_min_kernel(std::string_view text);

// Parse a kernel release leniently, as moby reads uname (Sscanf "%d.%d"):
// a "major.minor" prefix, anything after it ignored. "6.18.0-amd64",
// "3.12-1-amd64" and "4.8" are accepted; "6" and "x.y" are not.
std::optional<KernelVersion> parse_kernel_release(std::string_view text);

// The running kernel's major.minor from uname(2). nullopt when uname fails or
// its release does not parse (moby then fails every minKernel comparison).
std::optional<KernelVersion> running_kernel();

// "6.18"
std::string to_string(KernelVersion version);

}  // namespace scc
