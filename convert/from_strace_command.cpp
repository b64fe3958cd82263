// seccomp-convert from-strace FILE... [-o OUT] [--base PROFILE] [--no-baseline]
// [--errno N] [--arch A]: strace logs (-f, -ff, -o; see core/include/scc/strace_log.hpp for
// the forms) -> a Docker-dialect profile that allows what the traced workload
// did, per architecture (recorded_profile.hpp). A FILE that does not exist but
// has -ff siblings FILE.PID stands for all of them.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "recording_output.hpp"
#include "report.hpp"
#include "scc/input_file.hpp"
#include "scc/names.hpp"
#include "scc/strace_log.hpp"

namespace scc::convert {
namespace {

constexpr std::size_t kMaxLogBytes = std::size_t{1} << 30;  // 1 GiB per log

struct FromStraceOptions {
  std::vector<std::string> files;
  std::string arch;  // the arch strace ran on; "": this machine's
  RecordingOutputOptions output;
};

// FILE, or its -ff files FILE.PID (ascending pid) when FILE itself is absent.
std::vector<std::string> expand(const std::string& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (file == "-" || fs::exists(file, ec)) return {file};
  fs::path path(file);
  fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const std::string prefix = path.filename().string() + ".";
  std::vector<std::pair<int, std::string>> found;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    if (auto pid = strace_ff_pid(name); pid && std::to_string(*pid) == name.substr(prefix.size()))
      found.emplace_back(*pid, (path.has_parent_path() ? entry.path() : fs::path(name)).string());
  }
  if (found.empty()) return {file};  // reported as unreadable below
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& [pid, name] : found) out.push_back(std::move(name));
  return out;
}

int run_from_strace(const FromStraceOptions& o) {
  if (int status = check_recording_output(o.output, "from-strace"); status != kExitOk) return status;
  Arch native = native_arch();
  if (!o.arch.empty()) {
    auto arch = parse_arch_flexible(o.arch);
    if (!arch || (*arch != Arch::X86_64 && *arch != Arch::Aarch64)) {
      std::cerr << "seccomp-convert from-strace: error: --arch \"" << o.arch << "\" is not x86_64 or aarch64\n";
      return kExitUsage;
    }
    native = *arch;
  }
  std::vector<std::string> paths;
  for (const std::string& f : o.files)
    for (std::string& p : expand(f)) paths.push_back(std::move(p));
  std::vector<std::string> texts;
  bool unreadable = false;
  for (const std::string& path : paths) {
    auto text = read_input_file(path, kMaxLogBytes);
    print_diagnostics(std::cerr, display_name(path), text.diagnostics);
    if (!text.ok()) unreadable = true;
    texts.push_back(text.value ? std::move(*text.value) : std::string{});
  }
  if (unreadable) return kExitProblems;
  std::vector<StraceLog> logs;
  for (std::size_t i = 0; i < paths.size(); ++i)
    logs.push_back(StraceLog{texts[i], strace_ff_pid(std::filesystem::path(paths[i]).filename().string())});
  StraceResult parsed = parse_strace_logs(logs, native);
  for (std::size_t i = 0; i < paths.size(); ++i) print_diagnostics(std::cerr, display_name(paths[i]), parsed.diagnostics[i]);
  if (!parsed.ok()) return kExitProblems;
  return write_recorded_profile(parsed.recording, o.output, "from-strace");
}

}  // namespace

void add_from_strace_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<FromStraceOptions>();
  CLI::App* cmd = app.add_subcommand(
      "from-strace", "Turn strace logs (-f, -ff, -o) into a profile that allows what they show, per architecture");
  cmd->add_option("files", o->files,
                  "strace output files, - for standard input; a -ff prefix stands for its FILE.PID files")
      ->required();
  cmd->add_option("--arch", o->arch, "The arch strace ran on (its 64-bit mode): x86_64 or aarch64; default: this machine's");
  add_recording_output_options(*cmd, o->output);
  cmd->callback([o, &exit_code] { exit_code = run_from_strace(*o); });
}

}  // namespace scc::convert
