// seccomp-convert diff A B [--arch A]... [--caps LIST] [--kernel X.Y]
//   [--known-only] [--format text|json]
// The semantic difference of two profiles or programs (scc::diff_programs):
// per arch and syscall, the argument ranges where their verdicts differ.
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "diff_input.hpp"
#include "diff_report.hpp"
#include "report.hpp"
#include "scc/capabilities.hpp"
#include "scc/kernel_version.hpp"
#include "scc/names.hpp"
#include "scc/semantic_diff.hpp"

namespace scc::convert {
namespace {

// Exit statuses of diff: 0 equivalent, 1 different, 2 usage or input error.
constexpr int kExitEquivalent = 0;
constexpr int kExitDifferent = 1;
constexpr int kExitBadInput = 2;

struct DiffCommandOptions {
  std::string a;
  std::string b;
  std::vector<std::string> arches;
  std::optional<std::string> caps;
  std::string kernel;
  bool known_only = false;
  std::string format = "text";
};

void usage_error(const std::string& message) { std::cerr << "seccomp-convert diff: error: " << message << "\n"; }

// The target profiles are resolved for: native arch, Docker's caps, the
// running kernel, unless options say otherwise. nullopt after a usage error.
std::optional<Target> diff_target(const DiffCommandOptions& o) {
  Target target = default_target();
  if (o.caps) {
    auto caps = parse_capability_list(*o.caps);
    print_diagnostics(std::cerr, "--caps", caps.diagnostics);
    if (!caps.ok()) return std::nullopt;
    target.caps = std::move(*caps.value);
  }
  if (!o.kernel.empty()) {
    target.kernel = parse_kernel_release(o.kernel);
    if (!target.kernel) {
      usage_error("bad kernel version \"" + o.kernel + "\" (expected X.Y)");
      return std::nullopt;
    }
  }
  return target;
}

// The input, with raw programs checked as the kernel would; nullopt after
// printing why not.
std::optional<DiffInput> load_input(const std::string& path) {
  Result<DiffInput> input = read_diff_input(path);
  if (input.value && input.value->program) input.diagnostics.append(bpf::check(*input.value->program));
  print_diagnostics(std::cerr, display_name(path), input.diagnostics);
  if (!input.ok()) return std::nullopt;
  return std::move(input.value);
}

std::optional<InputProgram> program_of(const DiffInput& input, const Target& target, const std::vector<Arch>& arches) {
  Result<InputProgram> program = input_program(input, target, arches);
  print_diagnostics(std::cerr, input.file, program.diagnostics);
  if (!program.ok()) return std::nullopt;
  return std::move(program.value);
}

// Arches compared when none is given: every arch either side targets, or
// for two raw programs this machine's arch and its 32-bit companions.
std::vector<Arch> default_arches(const InputProgram& a, const InputProgram& b) {
  std::vector<Arch> out;
  for (const auto* side : {&a, &b})
    for (Arch arch : side->arches)
      if (has_table(arch) && std::find(out.begin(), out.end(), arch) == out.end()) out.push_back(arch);
  if (!out.empty()) return out;
  out.push_back(native_arch());
  for (Arch arch : default_sub_arches(native_arch())) out.push_back(arch);
  return out;
}

std::optional<DiffResult> compare(const InputProgram& a, const InputProgram& b, const DiffOptions& options) {
  auto result = diff_programs(std::span(&a.program, 1), std::span(&b.program, 1), options);
  print_diagnostics(std::cerr, "diff", result.diagnostics);
  if (!result.ok()) return std::nullopt;
  return std::move(result.value);
}

// The machine a call of `arch` runs on, for resolving: a 32-bit companion
// (x86, x32, arm) stands for its native arch, as docker on that machine
// resolves a profile once for all of them.
Arch resolution_arch(Arch arch) {
  for (Arch native : table_arches())
    for (Arch sub : default_sub_arches(native))
      if (sub == arch) return native;
  return arch;
}

// Compare per --arch (each resolved and compiled for that arch alone), or
// once on default_arches(). Fills `arches` with what was compared.
std::optional<DiffResult> run_comparison(const DiffCommandOptions& o, const DiffInput& a, const DiffInput& b,
                                         const Target& target, std::vector<Arch>& arches) {
  DiffOptions options;
  options.known_numbers_only = o.known_only;
  if (o.arches.empty()) {
    auto pa = program_of(a, target, {});
    auto pb = program_of(b, target, {});
    if (!pa || !pb) return std::nullopt;
    arches = options.arches = default_arches(*pa, *pb);
    return compare(*pa, *pb, options);
  }
  DiffResult total;
  for (const std::string& name : o.arches) {
    const Arch arch = *parse_arch_flexible(name);
    if (std::find(arches.begin(), arches.end(), arch) != arches.end()) continue;
    Target for_arch = target;
    for_arch.arch = resolution_arch(arch);
    auto pa = program_of(a, for_arch, {arch});
    auto pb = program_of(b, for_arch, {arch});
    if (!pa || !pb) return std::nullopt;
    options.arches = {arch};
    auto one = compare(*pa, *pb, options);
    if (!one) return std::nullopt;
    merge_diff_results(total, std::move(*one));
    arches.push_back(arch);
  }
  return total;
}

std::string input_summary(const DiffInput& input) {
  if (input.program) return input.file + " (program, " + std::to_string(input.program->size()) + " instructions)";
  return input.file + " (profile)";
}

int run_diff(const DiffCommandOptions& o) {
  const std::optional<Target> target = diff_target(o);
  if (!target) return kExitBadInput;
  const auto a = load_input(o.a);
  const auto b = load_input(o.b);
  if (!a || !b) return kExitBadInput;
  std::vector<Arch> arches;
  const auto result = run_comparison(o, *a, *b, *target, arches);
  if (!result) return kExitBadInput;
  if (o.format == "json") {
    auto j = diff_json(*result, arches);
    j["a"] = a->file;
    j["b"] = b->file;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "A: " << input_summary(*a) << "\nB: " << input_summary(*b) << "\n";
    print_diff_text(std::cout, *result, arches, DiffLabels{});
  }
  return result->equivalent ? kExitEquivalent : kExitDifferent;
}

CLI::Validator table_arch_validator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        auto arch = parse_arch_flexible(value);
        if (arch && has_table(*arch)) return {};
        return "\"" + value + "\" is not an arch with a syscall table (x86_64, x86, x32, aarch64, arm)";
      },
      "ARCH");
}

}  // namespace

void add_diff_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<DiffCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "diff", "Compare two profiles or programs semantically: per arch and syscall, where their verdicts differ");
  cmd->add_option("A", o->a, "Profile (any dialect) or raw program (.bpf, struct sock_filter[])")->required();
  cmd->add_option("B", o->b, "Profile or raw program")->required();
  cmd->add_option("--arch", o->arches,
                  "Compare on this arch (repeatable); profiles are resolved for the machine that runs it "
                  "(x86 and x32: x86_64; arm: aarch64) and compiled for that arch alone. Default: every "
                  "arch either side targets, resolved for this machine")
      ->allow_extra_args(false)
      ->check(table_arch_validator());
  cmd->add_option("--caps", o->caps, "Bounding capability set for resolving profiles, comma-separated; "
                                     "replaces Docker's default 14");
  cmd->add_option("--kernel", o->kernel, "Kernel version X.Y for resolving profiles (default: the running kernel)");
  cmd->add_flag("--known-only", o->known_only,
                "Compare only the numbers of the syscall tables, not the unknown numbers between and above them");
  cmd->add_option("--format", o->format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  cmd->footer(
      "Every syscall number is compared (unknown ones too, unless --known-only) for all argument values: "
      "\"equivalent (proven)\" is a proof; where a program computes on arguments in ways the analysis does "
      "not follow, it tests representative values and says \"not proven\".\n"
      "Exit status: 0 equivalent (proven or on every tested vector), 1 different, 2 usage or input error.");
  cmd->callback([o, &exit_code] { exit_code = run_diff(*o); });
}

}  // namespace scc::convert
