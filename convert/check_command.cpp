// seccomp-convert check: read every profile given, validate it, and print all
// diagnostics at once (compiler-style text or one JSON array).
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "profile_input.hpp"
#include "report.hpp"
#include "scc/input_file.hpp"
#include "scc/names.hpp"
#include "scc/read.hpp"
#include "scc/validate.hpp"

namespace scc::convert {
namespace {

struct CheckOptions {
  std::vector<std::string> files;
  std::vector<std::string> arches;
  std::string format = "text";
  std::string input_format;
};

// Everything found in one file: the reader's problems, then the validator's
// for each profile the file holds, located by line and column.
Diagnostics check_file(const std::string& path, const ReadOptions& read_options,
                       const ValidateOptions& validate_options) {
  Result<std::string> input = read_input_file(path, read_options.limits.max_bytes);
  if (!input.value) return input.diagnostics;
  Result<Document> doc = read_document(*input.value, read_options);
  Diagnostics all = doc.diagnostics;
  if (!doc.value) return all;
  for (const Profile& profile : doc.value->profiles) {
    Diagnostics found = validate(profile, validate_options);
    doc.value->positions.locate(found);
    all.append(found);
  }
  return all;
}

std::string counted(std::size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

int run_check(const CheckOptions& o) {
  ReadOptions read_options;
  if (!o.input_format.empty()) read_options.dialect = parse_dialect(o.input_format);
  ValidateOptions validate_options;
  for (const std::string& a : o.arches) validate_options.arches.push_back(*parse_arch_flexible(a));

  auto json = nlohmann::ordered_json::array();
  std::size_t errors = 0, warnings = 0;
  for (const std::string& path : o.files) {
    Diagnostics found = check_file(path, read_options, validate_options);
    errors += found.count(Severity::Error);
    warnings += found.count(Severity::Warning);
    if (o.format == "json") {
      for (auto& item : diagnostics_json(display_name(path), found)) json.push_back(item);
    } else {
      print_diagnostics(std::cout, display_name(path), found);
    }
  }
  if (o.format == "json")
    std::cout << json.dump(2) << "\n";
  else
    std::cerr << counted(errors, "error") << ", " << counted(warnings, "warning") << " in "
              << counted(o.files.size(), "file") << "\n";
  return errors > 0 ? kExitProblems : kExitOk;
}

std::string list_of(std::span<const std::string_view> names) {
  std::string out;
  for (auto n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

CLI::Validator dialect_validator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (parse_dialect(value)) return {};
        return "unknown input format \"" + value + "\" (" + list_of(dialect_names()) + ")";
      },
      "DIALECT");
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Validate profiles and report every problem at once, like a compiler");
  cmd->add_option("PROFILE", opts->files, "Profile files to check; - reads standard input")
      ->required();
  cmd->add_option("--arch", opts->arches,
                  "Check names and argument widths for this target arch (repeatable): "
                  "x86_64, x86, x32, aarch64, arm or SCMP_ARCH_*. With an archMap the arch "
                  "stands for its whole entry (x86_64 with x86 and x32). Default: the "
                  "profile's own arches, or x86_64 and aarch64")
      ->allow_extra_args(false)
      ->check(arch_validator());
  cmd->add_option("--format", opts->format,
                  "text: FILE: POINTER: SEVERITY: MESSAGE [code] lines and a summary on "
                  "standard error; json: one array of objects for all files")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--input-format", opts->input_format,
                  "Read as this dialect instead of detecting it: " + list_of(dialect_names()))
      ->check(dialect_validator());
  cmd->footer(
      "Exit status: 0 when no file has an error (warnings and notes allowed), 1 when any "
      "has, 2 on a usage error.");
  cmd->callback([opts, &exit_code] { exit_code = run_check(*opts); });
}

}  // namespace scc::convert
