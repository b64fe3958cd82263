// seccomp-convert inspect --pid N [-o PREFIX] [--against PROFILE]: dump every
// seccomp filter of a live process (PTRACE_SECCOMP_GET_FILTER), disassemble
// each one, with -o write them as raw sock_filter[] files PREFIX.K.bpf, and
// with --against compare them with a profile (inspect_against.hpp).
#include <sys/types.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "inspect_against.hpp"
#include "report.hpp"
#include "scc/atomic_file.hpp"
#include "scc/bpf.hpp"
#include "scc/live_filter.hpp"

namespace scc::convert {
namespace {

struct InspectOptions {
  pid_t pid = 0;
  std::string prefix;  // -o: where the raw filters go, "" for nowhere
  std::string against;  // --against: a profile to compare with, "" for none
};

std::string raw_bytes(const bpf::Program& program) {
  auto bytes = program.to_bytes();
  return std::string(bytes.begin(), bytes.end());
}

void print_filters(const std::vector<bpf::Program>& filters, pid_t pid) {
  std::cout << "process " << pid << ": " << filters.size()
            << (filters.size() == 1 ? " filter" : " filters, newest first") << '\n';
  for (std::size_t k = 0; k < filters.size(); ++k) {
    std::cout << "\nfilter " << k << ": " << filters[k].size() << " instructions\n";
    std::cout << bpf::disassemble(filters[k]);
  }
}

// PREFIX.K.bpf for every filter; stops at the first file it cannot write.
Diagnostics write_filters(const std::vector<bpf::Program>& filters, const std::string& prefix) {
  for (std::size_t k = 0; k < filters.size(); ++k) {
    auto problems =
        write_file_atomically(prefix + "." + std::to_string(k) + ".bpf", raw_bytes(filters[k]));
    if (problems.has_errors()) return problems;
  }
  return {};
}

int run_inspect(const InspectOptions& options) {
  const std::string source = "pid " + std::to_string(options.pid);
  auto result = dump_filters(options.pid);
  print_diagnostics(std::cerr, source, result.diagnostics);
  if (!result.ok()) return kExitProblems;
  const auto& filters = *result.value;
  if (filters.empty()) {
    std::cout << "process " << options.pid << " has no seccomp filter\n";
    return options.against.empty() ? kExitOk : inspect_against(filters, options.pid, options.against);
  }
  print_filters(filters, options.pid);
  auto problems = options.prefix.empty() ? Diagnostics{} : write_filters(filters, options.prefix);
  print_diagnostics(std::cerr, source, problems);
  if (problems.has_errors()) return kExitProblems;
  return options.against.empty() ? kExitOk : inspect_against(filters, options.pid, options.against);
}

}  // namespace

void add_inspect_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<InspectOptions>();
  auto* cmd = app.add_subcommand(
      "inspect", "Dump and disassemble the seccomp filters of a live process (needs root)");
  cmd->add_option("--pid", options->pid, "The process (or thread) to inspect")
      ->required()
      ->check(CLI::PositiveNumber);
  cmd->add_option("-o,--output", options->prefix,
                  "Also write each filter as raw BPF to PREFIX.K.bpf (K = 0 is the newest)");
  cmd->add_option("--against", options->against,
                  "Prove or refute that the filters do what PROFILE compiles to on this machine "
                  "(exit 0 equivalent, 1 different)");
  cmd->callback([options, &exit_code] { exit_code = run_inspect(*options); });
}

}  // namespace scc::convert
