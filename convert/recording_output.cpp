#include "recording_output.hpp"

#include <iostream>

#include "commands.hpp"
#include "report.hpp"
#include "scc/atomic_file.hpp"
#include "scc/docker_json.hpp"
#include "scc/input_file.hpp"
#include "scc/names.hpp"
#include "scc/read.hpp"
#include "scc/recorded_profile.hpp"

namespace scc::convert {

void add_recording_output_options(CLI::App& cmd, RecordingOutputOptions& o) {
  cmd.add_option("-o,--output", o.output, "Write the profile to this file (atomically) instead of standard output");
  cmd.add_option("--base", o.base, "Unite with this profile (its rules follow the recorded ones)");
  cmd.add_flag("--no-baseline", o.no_baseline,
               "Leave out the runtime baseline (the syscalls runc and crun make after loading the filter)");
  cmd.add_option("--errno", o.errno_ret, "The errno of everything else: a number 0-4094 or a name (default EPERM)");
}

std::optional<Profile> read_single_profile(const std::string& path, const std::string& role) {
  const ReadOptions read_options;
  Result<std::string> input = read_input_file(path, read_options.limits.max_bytes);
  Diagnostics diagnostics = input.diagnostics;
  std::optional<Profile> base;
  if (input.value) {
    Result<Document> doc = read_document(*input.value, read_options);
    if (doc.value) doc.value->positions.locate(doc.diagnostics);
    diagnostics = doc.diagnostics;
    if (doc.value && doc.value->profiles.size() != 1)
      diagnostics.error(Code::NotAProfile, "",
                        "the file holds " + std::to_string(doc.value->profiles.size()) +
                            " profiles; " + role + " takes a file with one");
    else if (doc.value && !diagnostics.has_errors())
      base = std::move(doc.value->profiles.front());
  }
  print_diagnostics(std::cerr, display_name(path), diagnostics);
  return base;
}

namespace {

std::optional<std::uint64_t> errno_value(const std::string& text) {
  if (auto named = parse_errno(text)) return static_cast<std::uint64_t>(*named);
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 6)
    return std::nullopt;
  return std::stoull(text);
}

}  // namespace

int check_recording_output(const RecordingOutputOptions& o, const std::string& command) {
  if (errno_value(o.errno_ret)) return kExitOk;
  std::cerr << "seccomp-convert " << command << ": error: --errno \"" << o.errno_ret
            << "\" is neither a number nor an errno name\n";
  return kExitUsage;
}

int write_recorded_profile(const Recording& recording, const RecordingOutputOptions& o, const std::string& command) {
  const std::string who = "seccomp-convert " + command;
  if (int status = check_recording_output(o, command); status != kExitOk) return status;
  auto errno_ret = errno_value(o.errno_ret);
  std::optional<Profile> base;
  if (!o.base.empty() && !(base = read_single_profile(o.base, "--base"))) return kExitProblems;
  RecordedProfileOptions options;
  options.errno_ret = errno_ret.value_or(1);
  options.include_baseline = !o.no_baseline;
  options.base = base ? &*base : nullptr;
  Result<Profile> profile = recorded_profile(recording, options);
  print_diagnostics(std::cerr, who, profile.diagnostics);
  if (!profile.ok()) return kExitProblems;
  return write_docker_profile(*profile.value, o.output);
}

int write_docker_profile(const Profile& profile, const std::string& output) {
  const std::string text = to_docker_json_text(profile);
  if (output.empty() || output == "-") {
    std::cout << text << std::flush;
    return std::cout ? kExitOk : kExitProblems;
  }
  Diagnostics written = write_file_atomically(output, text);
  print_diagnostics(std::cerr, output, written);
  return written.has_errors() ? kExitProblems : kExitOk;
}

}  // namespace scc::convert
