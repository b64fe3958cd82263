// seccomp-convert merge A B... [-o OUT] [--prefer first|last|strictest]: the union
// of profiles per arch (profile_merge.hpp), as a Docker profile. Conflicting
// actions for one syscall are errors naming both places (exit 1) unless
// --prefer says which wins.
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "recording_output.hpp"
#include "report.hpp"
#include "scc/profile_merge.hpp"

namespace scc::convert {
namespace {

struct MergeOptions {
  std::vector<std::string> files;
  std::string output;
  std::string prefer;
};

std::optional<MergePreference> parse_preference(const std::string& text) {
  if (text.empty()) return MergePreference::None;
  if (text == "first") return MergePreference::First;
  if (text == "last") return MergePreference::Last;
  if (text == "strictest") return MergePreference::Strictest;
  return std::nullopt;
}

int run_merge(const MergeOptions& o) {
  auto preference = parse_preference(o.prefer);
  if (!preference) {
    std::cerr << "seccomp-convert merge: error: --prefer \"" << o.prefer << "\" is not first, last or strictest\n";
    return kExitUsage;
  }
  std::vector<Profile> profiles;
  profiles.reserve(o.files.size());
  for (const std::string& file : o.files) {
    auto profile = read_single_profile(file, "merge");
    if (!profile) return kExitProblems;
    profiles.push_back(std::move(*profile));
  }
  std::vector<MergeInput> inputs;
  for (std::size_t i = 0; i < profiles.size(); ++i) inputs.push_back(MergeInput{&profiles[i], display_name(o.files[i])});
  Result<Profile> merged = merge_profiles(inputs, *preference);
  print_diagnostics(std::cerr, "seccomp-convert merge", merged.diagnostics);
  if (!merged.ok()) return kExitProblems;
  return write_docker_profile(*merged.value, o.output);
}

}  // namespace

void add_merge_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<MergeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "merge", "Unite profiles per arch; exit 1 when they give one syscall different actions (see --prefer)");
  cmd->add_option("files", o->files, "Profiles (any dialect), - for standard input")->required()->expected(1, -1);
  cmd->add_option("-o,--output", o->output, "Write the result to this file (atomically) instead of standard output");
  cmd->add_option("--prefer", o->prefer, "Settle conflicts: first, last or strictest (the more restrictive action)");
  cmd->callback([o, &exit_code] { exit_code = run_merge(*o); });
}

}  // namespace scc::convert
