// SCAFFOLD: replaced by the generated-table implementation.
#include "scc/syscall_table.hpp"
namespace scc {
std::optional<std::uint32_t> SyscallTable::number(std::string_view) const { return std::nullopt; }
std::optional<std::string_view> SyscallTable::name(std::uint32_t) const { return std::nullopt; }
const SyscallTable* syscall_table(Arch) { return nullptr; }
bool is_known_syscall(std::string_view) { return false; }
std::string nearest_syscall_name(std::string_view) { return {}; }
bool libseccomp_knows(Arch, std::string_view) { return false; }
ArgWidth arg_width(Arch, std::string_view, unsigned) { return ArgWidth::Unknown; }
}  // namespace scc
