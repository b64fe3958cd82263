// seccomp-convert: validate, resolve and compile seccomp profiles.
#include <exception>
#include <iostream>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"seccomp-convert: check, resolve and compile container seccomp profiles"};
  app.set_version_flag("--version", "seccomp-convert " SCC_VERSION);
  app.require_subcommand(1);
  int exit_code = scc::convert::kExitOk;
  scc::convert::add_compile_command(app, exit_code);
  scc::convert::add_explain_command(app, exit_code);
  scc::convert::add_check_command(app, exit_code);
  scc::convert::add_resolve_command(app, exit_code);
  scc::convert::add_inspect_command(app, exit_code);
  scc::convert::add_run_command(app, exit_code);
  scc::convert::add_diff_command(app, exit_code);
  scc::convert::add_from_strace_command(app, exit_code);
  scc::convert::add_merge_command(app, exit_code);
  scc::convert::add_record_command(app, exit_code);
  try {
    auto args = scc::convert::with_default_command(app, argc, argv);  // PROFILE alone: compile
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : scc::convert::kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "seccomp-convert: error: " << e.what() << "\n";
    return scc::convert::kExitProblems;
  }
  return exit_code;
}
