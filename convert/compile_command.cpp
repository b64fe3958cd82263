// seccomp-convert [compile] PROFILE: validate a profile (as `check` does; its
// errors stop the command, its warnings stay in the summary and the report),
// resolve it for a target, compile
// it to one seccomp-BPF program and print a summary, or write the program
// (raw, base64), libseccomp's PFC, a disassembly, the flat OCI JSON or a
// JSON report. It is the default command: `seccomp-convert p.json` compiles.
#include <seccomp.h>
#include <unistd.h>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

#include "commands.hpp"
#include "profile_input.hpp"
#include "report.hpp"
#include "scc/atomic_file.hpp"
#include "scc/base64.hpp"
#include "scc/compile.hpp"
#include "scc/input_file.hpp"
#include "scc/kernel_version.hpp"
#include "scc/names.hpp"
#include "scc/oci_json.hpp"
#include "scc/validate.hpp"

namespace scc::convert {
namespace {

struct CompileCommandOptions {
  ProfileOptions profile;
  std::vector<std::string> arches;
  std::string output;
  std::string format;  // "": the summary, or bpf with -o
  bool verbose = false;  // list notes too
};

struct Compiled {
  LoadedProfile loaded;
  Target target;
  CompiledFilter filter;
};

// Target arches: as given; one native --arch on a profile with an archMap
// stands for its entry (x86_64 -> x86_64, x86, x32), as docker loads it on
// that machine; none: compile()'s default (the profile's arches + native).
std::vector<Arch> target_arch_list(const std::vector<Arch>& given, const LoadedProfile& loaded) {
  if (given.size() == 1 && loaded.original->has_arch_map && native_arch_of(given[0]) == given[0]) {
    std::vector<Arch> out{given[0]};
    for (Arch a : loaded.flat->architectures)
      if (has_table(a) && std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
    return out;
  }
  return given;
}

// The compiler's findings the validator has not already made (same code at
// the same place): the compiler repeats some checks (unknown names, errno
// ranges) for callers that skip the validator.
Diagnostics not_reported(const Diagnostics& compiled, const Diagnostics& validated) {
  // A set, not a scan per diagnostic: a profile at the limits has tens of
  // thousands of each (one per name).
  std::set<std::pair<Code, std::string_view>> seen;
  for (const Diagnostic& v : validated) seen.emplace(v.code, v.pointer);
  Diagnostics out;
  for (const Diagnostic& d : compiled)
    if (!seen.contains({d.code, d.pointer})) out.add(d);
  return out;
}

// Read, validate, resolve and compile; prints every diagnostic of a failure and
// returns an exit status (0: go on).
int build(const CompileCommandOptions& o, Compiled& out) {
  std::vector<Arch> given;
  for (const std::string& a : o.arches) given.push_back(*parse_arch_flexible(a));
  auto target = make_target(o.profile, native_arch_of(given.empty() ? native_arch() : given[0]), "compile");
  if (!target) return kExitUsage;
  out.target = *target;
  const std::string file = display_name(o.profile.path);
  auto text = read_input_file(o.profile.path, ReadLimits{}.max_bytes);
  if (!text.ok()) {
    print_diagnostics(std::cerr, file, text.diagnostics);
    return kExitProblems;
  }
  out.loaded = load_profile(o.profile, *text.value, out.target);
  if (!out.loaded.ok()) {
    print_diagnostics(std::cerr, file, out.loaded.diagnostics);
    return kExitProblems;
  }
  // The validator first, on the profile as written: its errors stop here,
  // except the ones compile() resolves exactly, which are warnings for it.
  Diagnostics validated;
  for (Diagnostic d : validate(*out.loaded.original, ValidateOptions{given})) {
    if (d.severity == Severity::Error && resolved_by_compile(d.code)) {
      d.severity = Severity::Warning;
      d.message += " (an error for runtimes that load the profile as written; seccomp-convert "
                   "compiles it exactly)";
    }
    validated.add(d);
  }
  out.loaded.document->positions.locate(validated);
  out.loaded.diagnostics.append(validated);
  if (validated.has_errors()) {
    print_diagnostics(std::cerr, file, out.loaded.diagnostics);
    std::cerr << "seccomp-convert: " << file << ": not compiled; nothing written\n";
    return kExitProblems;
  }
  CompileOptions options;
  options.arches = target_arch_list(given, out.loaded);
  options.pfc = o.format == "pfc";
  auto compiled = compile(*out.loaded.flat, options);
  out.loaded.document->positions.locate(compiled.diagnostics);
  out.loaded.diagnostics.append(not_reported(compiled.diagnostics, validated));
  if (!compiled.ok()) {
    print_diagnostics(std::cerr, file, out.loaded.diagnostics);
    std::cerr << "seccomp-convert: " << file << ": not compiled; nothing written\n";
    return kExitProblems;
  }
  out.filter = std::move(*compiled.value);
  return kExitOk;
}

std::string arch_list(const std::vector<Arch>& arches) {
  std::string out;
  for (Arch a : arches) out += (out.empty() ? "" : " ") + std::string(short_name(a));
  return out;
}

std::string libseccomp_version() {
  const scmp_version* v = seccomp_version();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro);
}

std::string target_text(const Compiled& c) {
  if (c.loaded.original->is_flat()) return std::string(to_string(c.loaded.original->dialect));
  return std::string(to_string(c.loaded.original->dialect)) + "; resolved for " +
         std::string(short_name(c.target.arch)) + ", " + std::to_string(c.target.caps.size()) +
         " caps, kernel " + (c.target.kernel ? to_string(*c.target.kernel) : "unknown");
}

std::string flag_list(const std::vector<Flag>& flags) {
  std::string out;
  for (Flag f : flags) out += (out.empty() ? "" : " ") + std::string(to_string(f));
  return out.empty() ? "none" : out;
}

// Errors and warnings; notes too when verbose (the compiler notes every name
// missing on one of the arches, which buries the rest).
Diagnostics shown(const Diagnostics& all, bool verbose) {
  Diagnostics out;
  for (const Diagnostic& d : all)
    if (verbose || d.severity != Severity::Note) out.add(d);
  return out;
}

// One "label:  value" line, values aligned.
void field(std::ostream& out, const std::string& label, const std::string& value) {
  out << std::left << std::setw(18) << label + ":" << value << "\n";
}

std::string summary(const std::string& file, const Compiled& c, bool verbose) {
  const CompiledFilter& f = c.filter;
  std::ostringstream out;
  field(out, "profile", file + " (" + target_text(c) + ")");
  field(out, "arches", arch_list(f.arches));
  field(out, "rules", std::to_string(f.input_rules) + " input, " + std::to_string(f.compiled_rules) +
                          " compiled");
  field(out, "program", std::to_string(f.program.size()) + " instructions (" +
                            std::to_string(f.program.size() * 8) + " bytes)");
  for (const CompiledArch& a : f.per_arch)
    field(out, "  " + std::string(short_name(a.arch)),
          std::to_string(a.instructions) + " instructions" +
              (f.binary_tree && (a.arch == Arch::X86_64 || a.arch == Arch::X32)
                   ? " (the AUDIT_ARCH_X86_64 group)"
                   : "") +
              ", " + std::to_string(a.syscalls) + " syscalls with rules" +
              (f.binary_tree ? ", range search"
                             : ", " + std::to_string(a.libseccomp_rules) + " libseccomp rules"));
  field(out, "default action", bpf::describe_return(f.default_action));
  field(out, "bad-arch action", bpf::describe_return(f.bad_arch_action));
  field(out, "enosys horizon", f.enosys_horizon ? "on" : "off");
  field(out, "binary tree", f.binary_tree ? "on" : "off");
  field(out, "flags", flag_list(f.flags));
  field(out, "sha256", f.sha256);
  const Diagnostics& d = c.loaded.diagnostics;
  field(out, "diagnostics",
        std::to_string(d.count(Severity::Error)) + " errors, " +
            std::to_string(d.count(Severity::Warning)) + " warnings, " +
            std::to_string(d.count(Severity::Note)) + " notes" +
            (verbose || d.count(Severity::Note) == 0 ? "" : " (-v lists them)"));
  print_diagnostics(out, file, shown(d, verbose));
  return out.str();
}

nlohmann::ordered_json json_report(const std::string& file, const Compiled& c) {
  const CompiledFilter& f = c.filter;
  nlohmann::ordered_json j;
  j["file"] = file;
  j["dialect"] = to_string(c.loaded.original->dialect);
  if (!c.loaded.original->name.empty()) j["name"] = c.loaded.original->name;
  j["resolved"] = !c.loaded.original->is_flat();
  j["target"] = {{"arch", short_name(c.target.arch)},
                 {"caps", c.target.caps},
                 {"kernel", c.target.kernel ? to_string(*c.target.kernel) : std::string()}};
  j["arches"] = nlohmann::ordered_json::array();
  for (Arch a : f.arches) j["arches"].push_back(short_name(a));
  j["rules"] = {{"input", f.input_rules}, {"compiled", f.compiled_rules}};
  j["instructions"] = f.program.size();
  j["bytes"] = f.program.size() * 8;
  j["per_arch"] = nlohmann::ordered_json::array();
  for (const CompiledArch& a : f.per_arch)
    j["per_arch"].push_back({{"arch", short_name(a.arch)},
                             {"instructions", a.instructions},
                             {"syscalls", a.syscalls},
                             {"libseccomp_rules", a.libseccomp_rules},
                             {"horizon_holes", a.horizon_holes}});
  j["default_action"] = bpf::describe_return(f.default_action);
  j["bad_arch_action"] = bpf::describe_return(f.bad_arch_action);
  j["enosys_horizon"] = f.enosys_horizon;
  j["binary_tree"] = f.binary_tree;
  j["flags"] = nlohmann::ordered_json::array();
  for (Flag flag : f.flags) j["flags"].push_back(to_string(flag));
  j["needs_listener"] = f.needs_listener;
  j["sha256"] = f.sha256;
  j["libseccomp"] = libseccomp_version();
  j["diagnostics"] = diagnostics_json(file, c.loaded.diagnostics);
  return j;
}

std::string bytes_text(const bpf::Program& program) {
  const std::vector<std::uint8_t> bytes = program.to_bytes();
  return {bytes.begin(), bytes.end()};
}

// The output for `format`; the diagnostics go to standard error except in
// the summary and the JSON report, which hold them.
std::string render(const CompileCommandOptions& o, const std::string& file, const Compiled& c) {
  const std::string& format = o.format;
  if (format == "bpf") return bytes_text(c.filter.program);
  if (format == "base64") return base64_encode(c.filter.program.to_bytes()) + "\n";
  if (format == "pfc") return c.filter.pfc;
  if (format == "disasm") return bpf::disassemble(c.filter.program);
  if (format == "oci") return to_oci_json_text(*c.loaded.flat);
  if (format == "json") return json_report(file, c).dump(2) + "\n";
  return summary(file, c, o.verbose);
}

int write_output(const CompileCommandOptions& o, const std::string& content) {
  if (o.output.empty() || o.output == "-") {
    std::cout << content << std::flush;
    return std::cout ? kExitOk : kExitProblems;
  }
  Diagnostics written = write_file_atomically(o.output, content);
  print_diagnostics(std::cerr, o.output, written);
  return written.has_errors() ? kExitProblems : kExitOk;
}

int run_compile(CompileCommandOptions o) {
  if (o.format.empty()) o.format = o.output.empty() ? "summary" : "bpf";
  const bool to_stdout = o.output.empty() || o.output == "-";
  if (o.format == "bpf" && to_stdout && isatty(STDOUT_FILENO) == 1) {
    std::cerr << "seccomp-convert: error: refusing to write a binary BPF program to a terminal; "
                 "write it to a file with -o FILE, or print it as text with --format base64 "
                 "(or disasm)\n";
    return kExitUsage;
  }
  Compiled c;
  if (int status = build(o, c); status != kExitOk) return status;
  const std::string file = display_name(o.profile.path);
  if (o.format != "summary" && o.format != "json")
    print_diagnostics(std::cerr, file, shown(c.loaded.diagnostics, o.verbose));
  return write_output(o, render(o, file, c));
}

}  // namespace

void add_compile_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<CompileCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compile", "Compile a profile to seccomp-BPF (the default command: seccomp-convert PROFILE)");
  cmd->add_option("PROFILE", o->profile.path, "Profile file, - for standard input")->required();
  cmd->add_option("--arch", o->arches,
                  "Target arch (repeatable): x86_64, x86, x32, aarch64, arm or SCMP_ARCH_*. A "
                  "Docker profile is resolved for the first; a single native arch on a profile "
                  "with an archMap stands for its entry (x86_64 -> x86_64 x86 x32). Default: the "
                  "profile's arches resolved for this machine, plus the native arch")
      ->allow_extra_args(false)
      ->check(arch_validator());
  add_profile_options(*cmd, o->profile);
  cmd->add_option("-o,--output", o->output,
                  "Write to this file atomically (default format then: bpf)");
  cmd->add_option("--format", o->format,
                  "bpf: raw struct sock_filter[]; base64: one line, for crun's "
                  "run.oci.seccomp_bpf_data; pfc: libseccomp's PFC; disasm: the program with "
                  "syscall names; oci: the flat OCI JSON compiled; json: a report. Default: a "
                  "summary on standard output")
      ->check(CLI::IsMember({"summary", "bpf", "base64", "pfc", "disasm", "oci", "json"}));
  cmd->add_flag("-v,--verbose", o->verbose, "List notes too, not only errors and warnings");
  cmd->footer("The profile is validated first, as by `check`: its findings are printed with "
              "their locations, and an error stops the command. Exit status: 0 compiled, 1 the "
              "profile has errors (nothing written), 2 usage.");
  cmd->callback([o, &exit_code] { exit_code = run_compile(*o); });
}

std::vector<char*> with_default_command(const CLI::App& app, int argc, char** argv) {
  static char compile_name[] = "compile";
  std::vector<char*> args(argv, argv + argc);
  if (argc < 2) return args;
  const std::string first = argv[1];
  if (first == "-h" || first == "--help" || first == "--version") return args;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->get_name() == first) return args;
  args.insert(args.begin() + 1, compile_name);
  return args;
}

}  // namespace scc::convert
