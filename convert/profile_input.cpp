// Reading and resolving the profile of a compiling command.
#include "profile_input.hpp"

#include <iostream>

#include "scc/capabilities.hpp"
#include "scc/kernel_version.hpp"
#include "scc/names.hpp"

namespace scc::convert {
namespace {

std::string profile_names(const Document& document) {
  std::string out;
  for (const Profile& p : document.profiles) out += (out.empty() ? "\"" : ", \"") + p.name + "\"";
  return out;
}

// The one profile of the document, or the one --name picks.
const Profile* pick_profile(const ProfileOptions& options, const Document& document,
                            Diagnostics& diagnostics) {
  if (options.name) {
    for (const Profile& p : document.profiles)
      if (p.name == *options.name) return &p;
    diagnostics.error(Code::BadValue, "",
                      "no profile named \"" + *options.name + "\" (the input holds " +
                          profile_names(document) + ")");
    return nullptr;
  }
  if (document.profiles.size() == 1) return &document.profiles.front();
  diagnostics.error(Code::BadValue, "",
                    "the input holds " + std::to_string(document.profiles.size()) + " profiles (" +
                        profile_names(document) + "): choose one with --name");
  return nullptr;
}

}  // namespace

void add_profile_options(CLI::App& cmd, ProfileOptions& options) {
  cmd.add_option("--caps", options.caps,
                 "Bounding capability set for includes/excludes, comma-separated "
                 "(default: Docker's 14)");
  cmd.add_option("--kernel", options.kernel,
                 "Kernel version X.Y for minKernel conditions (default: the running kernel)");
  std::vector<std::string> dialects;
  for (std::string_view d : dialect_names()) dialects.emplace_back(d);
  cmd.add_option("--input-format", options.input_format,
                 "Read as this dialect instead of detecting it")
      ->check(CLI::IsMember(dialects));
  cmd.add_option("--name", options.name, "The profile to use from a stream of several SPO objects");
}

CLI::Validator arch_validator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (parse_arch_flexible(value)) return {};
        return "unknown arch \"" + value + "\" (x86_64, x86, x32, aarch64, arm, or SCMP_ARCH_*)";
      },
      "ARCH");
}

std::optional<Target> make_target(const ProfileOptions& options, Arch arch, const std::string& command) {
  Target target = default_target();
  target.arch = arch;
  if (options.caps) {
    auto caps = parse_capability_list(*options.caps);
    for (const Diagnostic& d : caps.diagnostics)
      std::cerr << "seccomp-convert " << command << ": --caps: " << d.message << "\n";
    if (!caps.ok()) return std::nullopt;
    target.caps = *caps.value;
  }
  if (!options.kernel.empty()) {
    target.kernel = parse_kernel_release(options.kernel);
    if (!target.kernel) {
      std::cerr << "seccomp-convert " << command << ": error: bad kernel version \""
                << options.kernel << "\" (expected X.Y, or a release like 6.1.0-18-amd64)\n";
      return std::nullopt;
    }
  }
  return target;
}

LoadedProfile load_profile(const ProfileOptions& options, const std::string& text, const Target& target) {
  LoadedProfile out;
  ReadOptions read_options;
  if (!options.input_format.empty()) read_options.dialect = parse_dialect(options.input_format);
  auto document = read_document(text, read_options);
  out.diagnostics = document.diagnostics;
  if (!document.value || document.diagnostics.has_errors()) return out;
  out.document = std::move(document.value);
  out.original = pick_profile(options, *out.document, out.diagnostics);
  if (out.original == nullptr) return out;
  auto resolved = resolve(*out.original, target);
  out.diagnostics.append(resolved.diagnostics);
  out.flat = std::move(resolved.value);
  out.document->positions.locate(out.diagnostics);
  return out;
}

}  // namespace scc::convert
