// SCAFFOLD: replaced by the resolver.
#include "scc/resolve.hpp"
namespace scc {
std::vector<std::string> docker_default_caps() { return {}; }
KernelVersion running_kernel() { return {}; }
std::optional<KernelVersion> parse_min_kernel(std::string_view) { return std::nullopt; }
std::optional<KernelVersion> parse_kernel_release(std::string_view) { return std::nullopt; }
Result<std::vector<std::string>> parse_capabilities(const std::vector<std::string>&) { return {}; }
Result<Profile> resolve(const Profile& p, const Target&) { Result<Profile> r; r.value = p; return r; }
}  // namespace scc
