// seccomp-convert explain INPUT SYSCALL [ARG...]: what a filter does with one
// call and why. For a profile: the compiled program run in the emulator and
// the profile's meaning read rule by rule (profile_semantics.hpp) must agree;
// the rule that decided is named. For a raw program: the emulator alone.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "profile_input.hpp"
#include "report.hpp"
#include "scc/bpf.hpp"
#include "scc/compile.hpp"
#include "scc/input_file.hpp"
#include "scc/names.hpp"
#include "scc/profile_semantics.hpp"
#include "scc/syscall_table.hpp"

namespace scc::convert {
namespace {

constexpr int kExitDisagree = 3;
constexpr std::uint32_t kX32Bit = 0x40000000;
constexpr std::size_t kNamesShown = 4;

struct ExplainOptions {
  ProfileOptions profile;
  std::string syscall;
  std::vector<std::string> args;
  std::string arch;
};

// Prints the message; returns nullopt for the caller's optional result.
std::nullopt_t usage_error(const std::string& message) {
  std::cerr << "seccomp-convert explain: error: " << message << "\n";
  return std::nullopt;
}

// A number as typed: decimal or 0x hex, up to 64 bits, nothing after it.
std::optional<std::uint64_t> parse_number(const std::string& text) {
  const bool is_hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  const std::string digits = is_hex ? text.substr(2) : text;
  if (digits.empty() || digits.find_first_not_of(is_hex ? "0123456789abcdefABCDEF" : "0123456789") !=
                            std::string::npos)
    return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(digits.c_str(), &end, is_hex ? 16 : 10);
  if (errno == ERANGE || *end != '\0') return std::nullopt;
  return value;
}

std::string hex(std::uint64_t v) {
  std::ostringstream out;
  out << "0x" << std::hex << v;
  return out.str();
}

// The call to explain; prints a usage error and returns nullopt when the
// syscall or an argument does not parse.
std::optional<bpf::SeccompData> make_call(const ExplainOptions& o, Arch arch) {
  bpf::SeccompData d;
  d.arch = audit_arch(arch);
  if (auto number = parse_number(o.syscall)) {
    if (*number > 0xffffffff) return usage_error("syscall number " + o.syscall + " passes 32 bits");
    auto nr = static_cast<std::uint32_t>(*number);
    if (arch == Arch::X32 && nr < kX32Bit) nr |= kX32Bit;  // x32 numbers carry the bit
    d.nr = static_cast<std::int32_t>(nr);
  } else {
    const SyscallTable* table = syscall_table(arch);
    auto nr = table ? table->number(o.syscall) : std::nullopt;
    if (!nr) {
      std::string hint = nearest_syscall_name(o.syscall);
      return usage_error("no syscall \"" + o.syscall + "\" on " + std::string(short_name(arch)) +
                         (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)"));
    }
    d.nr = static_cast<std::int32_t>(*nr);
  }
  if (o.args.size() > d.args.size()) return usage_error("at most 6 arguments");
  for (std::size_t i = 0; i < o.args.size(); ++i) {
    auto value = parse_number(o.args[i]);
    if (!value)
      return usage_error("argument " + std::to_string(i) + " \"" + o.args[i] +
                         "\" is not a number (decimal or 0x hex, up to 64 bits)");
    d.args[i] = *value;
  }
  return d;
}

std::string call_line(Arch arch, const bpf::SeccompData& d) {
  const auto nr = static_cast<std::uint32_t>(d.nr);
  const SyscallTable* table = syscall_table(arch);
  auto name = table ? table->name(nr) : std::nullopt;
  std::string out = std::string(short_name(arch)) + " " + (name ? std::string(*name) : "unknown") +
                    " (nr " + (nr >= kX32Bit ? hex(nr) : std::to_string(nr)) + ") args";
  for (std::uint64_t a : d.args) out += " " + hex(a);
  return out;
}

std::string errno_line(std::uint32_t ret) {
  if (bpf::action_bits(ret) != SECCOMP_RET_ERRNO) return "none";
  const auto value = static_cast<int>(bpf::data_bits(ret));
  auto name = errno_name(value);
  return (name ? *name : "errno") + " (" + std::to_string(value) + "): " + std::strerror(value);
}

std::string condition_text(const ArgCondition& c) {
  std::string op(to_string(c.op));
  if (op.rfind("SCMP_CMP_", 0) == 0) op = op.substr(9);
  std::string out = "arg" + std::to_string(c.index) + " " + op + " " + hex(c.value);
  if (c.op == Operator::MaskedEq) out += " " + hex(c.value_two.value_or(0));
  return out;
}

// "/syscalls/3 (line 40; names: socket; action: SCMP_ACT_ERRNO; args: arg0 EQ 0x28)"
std::string rule_text(const SyscallRule& rule, const SourceMap& positions) {
  std::string out = rule.pointer + " (";
  if (auto at = positions.find(rule.pointer)) out += "line " + std::to_string(at->line) + "; ";
  out += "names: ";
  for (std::size_t i = 0; i < rule.names.size() && i < kNamesShown; ++i)
    out += (i ? ", " : "") + rule.names[i];
  if (rule.names.size() > kNamesShown)
    out += " and " + std::to_string(rule.names.size() - kNamesShown) + " more";
  out += "; action: " + std::string(to_string(rule.action));
  if (!rule.args.empty()) {
    out += "; args: ";
    for (std::size_t i = 0; i < rule.args.size(); ++i) out += (i ? ", " : "") + condition_text(rule.args[i]);
  }
  return out + ")";
}

std::string decided_by(const Verdict& v, const Profile& flat, const SourceMap& positions) {
  switch (v.by) {
    case DecidedBy::Rule: return rule_text(flat.syscalls[*v.rule], positions);
    case DecidedBy::Default: return "default action (no rule matches " + std::string(v.syscall) + ")";
    case DecidedBy::UnknownNumber:
      return v.horizon ? "unknown syscall number: ENOSYS horizon"
                       : "unknown syscall number: default action (no ENOSYS horizon)";
    case DecidedBy::BadArch: return "arch not targeted: bad-arch action";
  }
  return {};
}

std::string instructions_line(const bpf::Evaluation& e, const bpf::Program& program) {
  char at[16];
  std::snprintf(at, sizeof at, "%04zu", e.decided_at);  // as the disassembly numbers them
  return std::to_string(e.instructions) + " executed of " + std::to_string(program.size()) +
         ", returned at " + at;
}

// The filter a machine of `arch` would build: the profile's arches and its own.
std::vector<Arch> explain_targets(const Profile& flat, Arch arch) {
  std::vector<Arch> out{native_arch_of(arch)};
  for (Arch a : flat.architectures)
    if (has_table(a) && std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  return out;
}

int explain_profile(const ExplainOptions& o, const std::string& text, Arch arch, const bpf::SeccompData& call) {
  const std::string file = display_name(o.profile.path);
  auto target = make_target(o.profile, native_arch_of(arch), "explain");
  if (!target) return kExitUsage;
  LoadedProfile loaded = load_profile(o.profile, text, *target);
  CompileOptions options;
  if (loaded.ok()) options.arches = explain_targets(*loaded.flat, arch);
  auto compiled = loaded.ok() ? compile(*loaded.flat, options) : Result<CompiledFilter>{};
  if (loaded.document) loaded.document->positions.locate(compiled.diagnostics);
  loaded.diagnostics.append(compiled.diagnostics);
  if (!compiled.ok()) {
    print_diagnostics(std::cerr, file, loaded.diagnostics);
    return kExitProblems;
  }
  const CompiledFilter& filter = *compiled.value;
  auto run = bpf::evaluate(filter.program, call);
  if (!run.ok()) {
    print_diagnostics(std::cerr, file, run.diagnostics);
    return kExitProblems;
  }
  DecideOptions reference;
  reference.arches = options.arches;
  reference.enosys_horizon = options.enosys_horizon;
  reference.bad_arch_action = filter.bad_arch_action;
  const Verdict v = decide(*loaded.flat, reference, call);
  const SourceMap& positions = loaded.document->positions;
  std::cout << "call:         " << call_line(arch, call) << "\n"
            << "action:       " << bpf::describe_return(run.value->ret) << "\n"
            << "errno:        " << errno_line(run.value->ret) << "\n"
            << "decided by:   " << decided_by(v, *loaded.flat, positions) << "\n"
            << "instructions: " << instructions_line(*run.value, filter.program) << "\n";
  if (v.ret == run.value->ret) return kExitOk;
  std::cout << "reference:    " << bpf::describe_return(v.ret) << "\n";
  std::cerr << "seccomp-convert explain: error: compiler and reference disagree: please report\n";
  return kExitDisagree;
}

int explain_program(const ExplainOptions& o, const std::string& text, Arch arch, const bpf::SeccompData& call) {
  const std::string file = display_name(o.profile.path);
  auto program = bpf::Program::from_bytes(
      {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  if (program.ok()) program.diagnostics = bpf::check(*program.value);
  if (!program.ok()) {
    print_diagnostics(std::cerr, file, program.diagnostics);
    return kExitProblems;
  }
  auto run = bpf::evaluate(*program.value, call);
  if (!run.ok()) {
    print_diagnostics(std::cerr, file, run.diagnostics);
    return kExitProblems;
  }
  std::cout << "call:         " << call_line(arch, call) << "\n"
            << "action:       " << bpf::describe_return(run.value->ret) << "\n"
            << "errno:        " << errno_line(run.value->ret) << "\n"
            << "instructions: " << instructions_line(*run.value, *program.value) << "\n";
  return kExitOk;
}

int run_explain(const ExplainOptions& o) {
  Arch arch = native_arch();
  if (!o.arch.empty()) {
    auto parsed = parse_arch_flexible(o.arch);
    if (!parsed) {
      usage_error("unknown arch \"" + o.arch + "\"");
      return kExitUsage;
    }
    arch = *parsed;
  }
  auto call = make_call(o, arch);
  if (!call) return kExitUsage;
  auto text = read_input_file(o.profile.path, ReadLimits{}.max_bytes);
  if (!text.ok()) {
    print_diagnostics(std::cerr, display_name(o.profile.path), text.diagnostics);
    return kExitProblems;
  }
  // A profile is text; a struct sock_filter[] always holds zero bytes.
  if (text.value->find('\0') != std::string::npos) return explain_program(o, *text.value, arch, *call);
  return explain_profile(o, *text.value, arch, *call);
}

}  // namespace

void add_explain_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ExplainOptions>();
  CLI::App* cmd = app.add_subcommand(
      "explain", "What a profile or a compiled program does with one syscall, and which rule decided");
  cmd->add_option("INPUT", o->profile.path, "Profile, or raw BPF program (sock_filter[])")->required();
  cmd->add_option("SYSCALL", o->syscall, "Syscall name, or number (decimal or 0x hex)")->required();
  cmd->add_option("ARG", o->args, "Up to six argument values, decimal or 0x hex (default 0)");
  cmd->add_option("--arch", o->arch,
                  "The arch of the call (default: native): x86_64, x86, x32, aarch64, arm. A "
                  "Docker profile is resolved for its native arch (arm -> aarch64)");
  add_profile_options(*cmd, o->profile);
  cmd->footer(
      "Exit status: 0 explained, 1 the input has errors, 2 usage, 3 the compiled program and the "
      "profile's meaning disagree (a bug: please report).");
  cmd->callback([o, &exit_code] { exit_code = run_explain(*o); });
}

}  // namespace scc::convert
