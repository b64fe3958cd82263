#include "scc/runtime_args.hpp"

#include <algorithm>
#include <array>

namespace scc {
namespace {

using namespace std::string_view_literals;

// Global options of runc 1.1 and crun 1.8 that take a value.
constexpr std::array kGlobalValued{"--root"sv, "--log"sv, "--log-format"sv, "--criu"sv,
                                   "--rootless"sv, "--cgroup-manager"sv, "--log-level"sv};
constexpr std::array kGlobalFlags{"--debug"sv, "--systemd-cgroup"sv, "--help"sv, "-h"sv, "--version"sv, "-v"sv};
// Options of create and run.
constexpr std::array kCreateValued{"--bundle"sv, "-b"sv, "--console-socket"sv, "--pid-file"sv, "--preserve-fds"sv};
constexpr std::array kCreateFlags{"--no-pivot"sv, "--no-new-keyring"sv, "--detach"sv, "-d"sv, "--keep"sv,
                                  "--no-subreaper"sv, "--systemd-cgroup"sv, "--help"sv, "-h"sv};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

struct Option {
  std::string_view name;
  std::optional<std::string_view> inline_value;  // "--name=value"
};

Option split(std::string_view arg) {
  if (!arg.starts_with("--")) return {arg, std::nullopt};
  const std::size_t eq = arg.find('=');
  if (eq == std::string_view::npos) return {arg, std::nullopt};
  return {arg.substr(0, eq), arg.substr(eq + 1)};
}

struct Parser {
  std::span<const std::string> args;
  RuntimeInvocation out;
  Diagnostics diagnostics;
  std::size_t i = 0;

  void error(std::size_t at, std::string message) {
    diagnostics.error(Code::BadValue, "/" + std::to_string(at), std::move(message));
  }

  // The value of the option at args[i] (inline or the next argument).
  std::optional<std::string> value(const Option& option) {
    if (option.inline_value) return std::string(*option.inline_value);
    if (i + 1 >= args.size()) {
      error(i, "option " + std::string(option.name) + " needs a value");
      return std::nullopt;
    }
    return args[++i];
  }

  bool create_or_run_follows() const {
    return std::any_of(args.begin() + static_cast<std::ptrdiff_t>(i), args.end(),
                       [](const std::string& a) { return a == "create" || a == "run"; });
  }

  void globals();
  void create_options();
};

void Parser::globals() {
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.empty() || arg.front() != '-') {
      out.subcommand = arg;
      ++i;
      return;
    }
    const Option option = split(arg);
    if (contains(kGlobalFlags, option.name) && !option.inline_value) continue;
    if (contains(kGlobalValued, option.name)) {
      auto v = value(option);
      if (!v) return;
      if (option.name == "--log") out.log_path = *v;
      if (option.name == "--log-format") out.log_format = *v;
      continue;
    }
    // An option we cannot read: harmless unless a create or run may follow.
    if (create_or_run_follows()) error(i, "unknown runtime option \"" + arg + "\" before the subcommand");
    return;
  }
}

void Parser::create_options() {
  std::vector<std::string> positional;
  bool options_done = false;
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_done || arg.empty() || arg.front() != '-' || arg == "-") {
      positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    const Option option = split(arg);
    if (option.name == "--config" || option.name == "-f") {
      error(i, "option " + std::string(option.name) + " (a config file other than the bundle's) is not supported by the wrapper");
      return;
    }
    if (contains(kCreateFlags, option.name) && !option.inline_value) continue;
    if (!contains(kCreateValued, option.name)) {
      error(i, "unknown or ambiguous " + out.subcommand + " option \"" + arg + "\"");
      return;
    }
    auto v = value(option);
    if (!v) return;
    if (option.name == "--bundle" || option.name == "-b") out.bundle = *v;
  }
  if (positional.size() != 1) {
    error(args.size(), out.subcommand + " takes exactly one container id, found " + std::to_string(positional.size()));
    return;
  }
  out.container_id = positional.front();
}

}  // namespace

Result<RuntimeInvocation> parse_runtime_args(std::span<const std::string> args) {
  Parser parser{args, {}, {}};
  parser.globals();
  if (!parser.diagnostics.has_errors() && parser.out.reads_config()) parser.create_options();
  Result<RuntimeInvocation> result;
  result.diagnostics = std::move(parser.diagnostics);
  if (!result.diagnostics.has_errors()) result.value = std::move(parser.out);
  return result;
}

}  // namespace scc
