// SCAFFOLD: replaced by the check command.
#include "commands.hpp"
namespace scc::convert {
void add_check_command(CLI::App& app, int& exit_code) {
  app.add_subcommand("check", "Validate profiles")->callback([&] { exit_code = kExitUsage; });
}
}  // namespace scc::convert
