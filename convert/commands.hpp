// Each subcommand lives in its own file and registers itself on the app.
// A command's callback stores its exit status in `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

namespace scc::convert {

void add_compile_command(CLI::App& app, int& exit_code);
void add_explain_command(CLI::App& app, int& exit_code);
void add_check_command(CLI::App& app, int& exit_code);
void add_resolve_command(CLI::App& app, int& exit_code);
void add_inspect_command(CLI::App& app, int& exit_code);
void add_run_command(CLI::App& app, int& exit_code);
void add_diff_command(CLI::App& app, int& exit_code);
void add_from_strace_command(CLI::App& app, int& exit_code);
void add_merge_command(CLI::App& app, int& exit_code);
void add_record_command(CLI::App& app, int& exit_code);

// argv with "compile" inserted when the first argument names no subcommand,
// so that `seccomp-convert PROFILE` compiles.
std::vector<char*> with_default_command(const CLI::App& app, int argc, char** argv);

// Exit statuses shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitProblems = 1;  // the input has errors, or results differ
inline constexpr int kExitUsage = 2;     // bad command line

}  // namespace scc::convert
