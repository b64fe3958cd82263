#include "dangerous_syscalls.hpp"

#include <array>

namespace scc {
namespace {

constexpr std::string_view kIoUring =
    "runs I/O operations that seccomp never sees (they are not syscalls)";
constexpr std::string_view kModules = "changes the code of the running kernel";
constexpr std::string_view kKeyring = "reaches the kernel keyring, which is not namespaced";

constexpr std::array<DangerousSyscall, 24> kDangerous{{
    {"ptrace",
     "lets a process read and write the memory of others (and, before Linux 4.8, bypass "
     "seccomp)",
     0},
    {"process_vm_writev", "writes the memory of other processes", 0},
    {"bpf", "loads eBPF programs into the kernel, a large attack surface", 0},
    {"kexec_load", "replaces the running kernel", 0},
    {"kexec_file_load", "replaces the running kernel", 0},
    {"init_module", kModules, 0},
    {"finit_module", kModules, 0},
    {"delete_module", kModules, 0},
    {"mount", "mounts file systems, which can expose or hide host paths", 0},
    {"umount", "unmounts file systems, which can expose what a mount hid", 0},
    {"umount2", "unmounts file systems, which can expose what a mount hid", 0},
    {"unshare",
     "creates namespaces; a user namespace opens kernel code otherwise reserved to "
     "privileged users",
     kUnshareNamespaceFlags},
    {"clone", "creates namespaces unless its flags argument is masked", kCloneNamespaceFlags},
    {"clone3", "creates namespaces, and its flags sit in memory that seccomp cannot read", 0},
    {"setns", "joins other namespaces", 0},
    {"userfaultfd",
     "stalls kernel accesses to user memory, a common primitive of kernel exploits", 0},
    {"perf_event_open", "is a large attack surface with a history of privilege escalations", 0},
    {"keyctl", kKeyring, 0},
    {"add_key", kKeyring, 0},
    {"request_key", kKeyring, 0},
    {"io_uring_setup", kIoUring, 0},
    {"io_uring_enter", kIoUring, 0},
    {"io_uring_register", kIoUring, 0},
    {"open_by_handle_at",
     "opens files by handle without a path check (the \"shocker\" container escape)", 0},
}};

struct NamespaceFlag {
  std::uint64_t bit;
  std::string_view name;
};

constexpr std::array<NamespaceFlag, 8> kNamespaceFlags{{
    {0x80, "CLONE_NEWTIME"},
    {0x20000, "CLONE_NEWNS"},
    {0x2000000, "CLONE_NEWCGROUP"},
    {0x4000000, "CLONE_NEWUTS"},
    {0x8000000, "CLONE_NEWIPC"},
    {0x10000000, "CLONE_NEWUSER"},
    {0x20000000, "CLONE_NEWPID"},
    {0x40000000, "CLONE_NEWNET"},
}};

}  // namespace

std::string_view namespace_flag_name(std::uint64_t bit) {
  for (const NamespaceFlag& f : kNamespaceFlags)
    if (f.bit == bit) return f.name;
  return "";
}

std::span<const DangerousSyscall> dangerous_syscalls() {
  return kDangerous;
}

std::optional<DangerousSyscall> dangerous_syscall(std::string_view name) {
  for (const DangerousSyscall& d : dangerous_syscalls())
    if (d.name == name) return d;
  return std::nullopt;
}

}  // namespace scc
