// SCAFFOLD: replaced by the resolve command.
#include "commands.hpp"
namespace scc::convert {
void add_resolve_command(CLI::App& app, int& exit_code) {
  app.add_subcommand("resolve", "Resolve a profile")->callback([&] { exit_code = kExitUsage; });
}
}  // namespace scc::convert
