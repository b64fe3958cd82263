// seccomp-convert resolve: a conditional Docker profile + a target (arch,
// capability set, kernel) -> the flat OCI linux.seccomp that docker would
// give a container (--format oci), or the same profile as an SPO
// SeccompProfile object in YAML (--format spo), printed or written atomically.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"
#include "report.hpp"
#include "scc/atomic_file.hpp"
#include "scc/input_file.hpp"
#include "scc/names.hpp"
#include "scc/oci_json.hpp"
#include "scc/read.hpp"
#include "scc/resolve.hpp"
#include "scc/spo_object.hpp"
#include "scc/syscall_table.hpp"
#include "scc/width_exact_oci.hpp"

namespace scc::convert {
namespace {

struct ResolveOptions {
  std::string profile;
  std::string arch;
  std::optional<std::string> caps;
  std::string config;
  std::optional<std::string> add_caps;
  std::optional<std::string> drop_caps;
  std::string kernel;
  std::string input_format;
  std::optional<std::string> name;
  std::string output;
  std::string format = "oci";
  std::optional<std::string> spo_name;
  bool width_exact = false;
};

void usage_error(const std::string& message) {
  std::cerr << "seccomp-convert resolve: error: " << message << "\n";
}

std::string joined_arch_names() {
  std::string out;
  for (Arch arch : {Arch::X86_64, Arch::X86, Arch::X32, Arch::Aarch64, Arch::Arm}) {
    if (!out.empty()) out += ", ";
    out += short_name(arch);
  }
  return out + " or any SCMP_ARCH_* name";
}

// A capability list from an option; prints and returns nullopt when a name is bad.
std::optional<std::vector<std::string>> option_caps(const std::string& option, const std::string& list) {
  auto caps = parse_capability_list(list);
  print_diagnostics(std::cerr, option, caps.diagnostics);
  if (!caps.ok()) return std::nullopt;
  return caps.value;
}

// The bounding set: --caps, or --config's, or Docker's default; then
// --add-caps and --drop-caps. Returns an exit status (0: go on).
int target_caps(const ResolveOptions& o, std::vector<std::string>& caps) {
  if (o.caps) {
    auto base = option_caps("--caps", *o.caps);
    if (!base) return kExitUsage;
    caps = *base;
  } else if (!o.config.empty()) {
    auto text = read_input_file(o.config, ReadLimits{}.max_bytes);
    Diagnostics diagnostics = text.diagnostics;
    Result<std::vector<std::string>> bounding;
    if (text.value) bounding = bounding_capabilities_from_config(*text.value);
    diagnostics.append(bounding.diagnostics);
    print_diagnostics(std::cerr, display_name(o.config), diagnostics);
    if (!text.ok() || !bounding.ok()) return kExitProblems;
    caps = *bounding.value;
  } else {
    caps = docker_default_caps();
  }
  auto add = option_caps("--add-caps", o.add_caps.value_or(""));
  auto drop = option_caps("--drop-caps", o.drop_caps.value_or(""));
  if (!add || !drop) return kExitUsage;
  for (const std::string& cap : *add)
    if (std::find(caps.begin(), caps.end(), cap) == caps.end()) caps.push_back(cap);
  std::erase_if(caps, [&](const std::string& cap) {
    return std::find(drop->begin(), drop->end(), cap) != drop->end();
  });
  return kExitOk;
}

// Returns an exit status (0: go on).
int build_target(const ResolveOptions& o, Target& target) {
  target = default_target();
  if (!o.arch.empty()) {
    auto arch = parse_arch_flexible(o.arch);
    if (!arch) {
      usage_error("unknown architecture \"" + o.arch + "\" (known: " + joined_arch_names() + ")");
      return kExitUsage;
    }
    target.arch = *arch;
  }
  if (!o.kernel.empty()) {
    target.kernel = parse_kernel_release(o.kernel);
    if (!target.kernel) {
      usage_error("bad kernel version \"" + o.kernel + "\" (expected X.Y, or a release like 6.1.0-18-amd64)");
      return kExitUsage;
    }
  }
  return target_caps(o, target.caps);
}

std::string profile_names(const Document& document) {
  std::string out;
  for (const Profile& p : document.profiles) out += (out.empty() ? "\"" : ", \"") + p.name + "\"";
  return out;
}

// The one profile of the document, or the one --name picks.
const Profile* pick_profile(const ResolveOptions& o, const Document& document) {
  const std::string file = display_name(o.profile);
  if (o.name) {
    for (const Profile& p : document.profiles)
      if (p.name == *o.name) return &p;
    std::cerr << file << ": error: no profile named \"" << *o.name << "\" (the input holds "
              << profile_names(document) << ")\n";
    return nullptr;
  }
  if (document.profiles.size() == 1) return &document.profiles.front();
  std::cerr << file << ": error: the input holds " << document.profiles.size() << " profiles ("
            << profile_names(document) << "): choose one with --name\n";
  return nullptr;
}

std::optional<Document> read_profile_document(const ResolveOptions& o, std::optional<Dialect> dialect) {
  const std::string file = display_name(o.profile);
  ReadOptions options;
  options.dialect = dialect;
  auto text = read_input_file(o.profile, options.limits.max_bytes);
  print_diagnostics(std::cerr, file, text.diagnostics);
  if (!text.ok()) return std::nullopt;
  auto document = read_document(*text.value, options);
  if (document.value) document.value->positions.locate(document.diagnostics);
  print_diagnostics(std::cerr, file, document.diagnostics);
  if (!document.ok()) return std::nullopt;
  return std::move(document.value);
}

// metadata.name of an SPO object: --spo-name, else the input's own SPO name,
// else the file name without its extension ("profile" for standard input).
std::string spo_name(const ResolveOptions& o, const Profile& original) {
  if (o.spo_name) return *o.spo_name;
  if (!original.name.empty()) return original.name;
  if (o.profile == "-") return "profile";
  return std::filesystem::path(o.profile).stem().string();
}

// The text for --format; nullopt (after printing why) when SPO cannot hold the profile.
std::optional<std::string> render(const ResolveOptions& o, const Document& document,
                                  const Profile& original, const Profile& flat) {
  if (o.format != "spo") return to_oci_json_text(flat);
  auto object = to_spo_object(flat, spo_name(o, original));
  document.positions.locate(object.diagnostics);
  print_diagnostics(std::cerr, display_name(o.profile), object.diagnostics);
  if (!object.ok()) return std::nullopt;
  return to_yaml_text(*object.value);
}

int write_output(const ResolveOptions& o, const std::string& text) {
  if (o.output.empty() || o.output == "-") {
    std::cout << text << std::flush;
    return std::cout ? kExitOk : kExitProblems;
  }
  Diagnostics written = write_file_atomically(o.output, text);
  print_diagnostics(std::cerr, o.output, written);
  return written.has_errors() ? kExitProblems : kExitOk;
}

int run_resolve(const ResolveOptions& o) {
  std::optional<Dialect> dialect;
  if (!o.input_format.empty() && !(dialect = parse_dialect(o.input_format))) {
    usage_error("unknown input format \"" + o.input_format + "\"");
    return kExitUsage;
  }
  Target target;
  if (int status = build_target(o, target); status != kExitOk) return status;
  auto document = read_profile_document(o, dialect);
  if (!document) return kExitProblems;
  const Profile* profile = pick_profile(o, *document);
  if (profile == nullptr) return kExitProblems;
  auto resolved = resolve(*profile, target);
  document->positions.locate(resolved.diagnostics);
  print_diagnostics(std::cerr, display_name(o.profile), resolved.diagnostics);
  if (!resolved.ok()) return kExitProblems;
  if (o.width_exact) {
    // Exact for the arches of the flat profile that have tables, and the target's.
    WidthExactOptions wo;
    for (Arch a : resolved.value->architectures)
      if (has_table(a) && a != target.arch) wo.arches.push_back(a);
    if (has_table(target.arch)) wo.arches.push_back(target.arch);
    auto exact = width_exact_oci(*resolved.value, wo);
    document->positions.locate(exact.diagnostics);
    print_diagnostics(std::cerr, display_name(o.profile), exact.diagnostics);
    if (!exact.ok()) return kExitProblems;
    resolved.value = std::move(exact.value);
  }
  auto text = render(o, *document, *profile, *resolved.value);
  if (!text) return kExitProblems;
  return write_output(o, *text);
}

}  // namespace

void add_resolve_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ResolveOptions>();
  CLI::App* cmd = app.add_subcommand(
      "resolve", "Print the flat OCI linux.seccomp a Docker profile means for one target (moby's semantics)");
  cmd->add_option("profile", o->profile, "Profile file, - for standard input")->required();
  cmd->add_option("--arch", o->arch, "Target architecture (default: native): x86_64, aarch64, ...");
  auto* caps = cmd->add_option("--caps", o->caps,
                               "Bounding capability set, comma-separated; REPLACES Docker's default 14");
  auto* config = cmd->add_option("--config", o->config, "Take the bounding set from this OCI config.json");
  caps->excludes(config);
  cmd->add_option("--add-caps", o->add_caps, "Capabilities added to the set, comma-separated");
  cmd->add_option("--drop-caps", o->drop_caps, "Capabilities removed from the set, comma-separated");
  cmd->add_option("--kernel", o->kernel, "Kernel version X.Y (default: the running kernel)");
  cmd->add_option("--input-format", o->input_format,
                  "Force the dialect: docker, containers-common, oci, oci-config, spo");
  cmd->add_option("--name", o->name, "The profile to resolve from a stream of several SPO objects");
  cmd->add_option("-o,--output", o->output, "Write to this file (atomically) instead of standard output");
  cmd->add_option("--format", o->format,
                  "oci: the flat OCI linux.seccomp as JSON (default); spo: a Security Profiles "
                  "Operator SeccompProfile object (" + std::string(kSpoApiVersion) + ") in YAML")
      ->check(CLI::IsMember({"oci", "spo"}));
  cmd->add_option("--spo-name", o->spo_name,
                  "metadata.name of the SPO object (default: the input's SPO name, else the file "
                  "name without its extension)");
  cmd->add_flag("--width-exact", o->width_exact,
               "Rewrite conditions on 32-bit arguments (ioctl's cmd, ...) as low-half MASKED_EQ rules, so "
               "runtimes that compile linux.seccomp with libseccomp (runc, containerd, dockerd) ignore the "
               "high half as the kernel does; default off (the output is moby's flat profile as is)");
  cmd->callback([o, &exit_code] { exit_code = run_resolve(*o); });
}

}  // namespace scc::convert
