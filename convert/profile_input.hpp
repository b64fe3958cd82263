// The profile a compiling command works on (compile, explain): read the
// input file, pick the profile in it, and resolve it for one target (arch,
// bounding capabilities, kernel) as docker would on that machine. Nothing is
// printed here except usage errors; the diagnostics are returned, located.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "scc/arch.hpp"
#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"
#include "scc/read.hpp"
#include "scc/resolve.hpp"

namespace scc::convert {

// The options shared by the compiling commands, as typed.
struct ProfileOptions {
  std::string path;
  std::string input_format;          // "": detect
  std::optional<std::string> name;   // which profile of an SPO stream
  std::optional<std::string> caps;   // comma-separated bounding set; nullopt: Docker's default
  std::string kernel;                // "X.Y"; "": the running kernel
};

// Register --caps, --kernel, --input-format and --name on `cmd`.
void add_profile_options(CLI::App& cmd, ProfileOptions& options);

// The check of an --arch value: any name parse_arch_flexible takes (x86_64,
// aarch64, SCMP_ARCH_ARM, ...), else "unknown arch ...".
CLI::Validator arch_validator();

// The arch a profile is resolved for when a call or target of `arch` is
// meant is scc::native_arch_of(arch) (arch.hpp): a companion arch stands for
// its native one, as the native machine runs them.

// The target for resolving: `arch`, the bounding set, the kernel. Prints a
// usage error and returns nullopt when --caps or --kernel is bad.
std::optional<Target> make_target(const ProfileOptions& options, Arch arch, const std::string& command);

struct LoadedProfile {
  std::optional<Document> document;
  const Profile* original = nullptr;  // into document
  std::optional<Profile> flat;        // resolved for the target
  Diagnostics diagnostics;            // reader and resolver, located
  bool ok() const { return flat.has_value() && !diagnostics.has_errors(); }
};

// Read, pick and resolve. Errors are in `diagnostics` (file unreadable,
// syntax, resolution); choosing among several SPO profiles without --name
// is an error too.
LoadedProfile load_profile(const ProfileOptions& options, const std::string& text, const Target& target);

}  // namespace scc::convert
