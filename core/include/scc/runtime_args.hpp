// The command line an engine gives an OCI runtime (runc, crun), read just far
// enough for the hook's runtime wrapper: which subcommand, which bundle,
// where the runtime logs. Docker calls
//   runc --root R --log L --log-format json create --bundle B --pid-file P ID
// and containerd's shims add --console-socket, --no-pivot, --preserve-fds.
//
// Fail closed: for `create` and `run` every option must be known, in a form
// runc (Go flags) and crun (argp) read alike: "--name value", "--name=value",
// "-b value". Anything else there is an error, because guessing wrong would
// rewrite one bundle and let the runtime start another. Other subcommands
// are not read: they pass through untouched.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "scc/diagnostics.hpp"

namespace scc {

struct RuntimeInvocation {
  std::string subcommand;             // "" when there is none (runc --version)
  std::optional<std::string> bundle;  // --bundle / -b, as given (relative to the cwd)
  std::optional<std::string> container_id;
  std::optional<std::string> log_path;  // global --log
  std::string log_format = "text";      // global --log-format
  // create and run read config.json; the wrapper rewrites it before them.
  bool reads_config() const { return subcommand == "create" || subcommand == "run"; }
};

// Errors (BadValue, pointer "/<argument index>"): an unknown global option
// when a create or run may follow it; for create and run an unknown or
// ambiguous option, --config / -f (another config file than the bundle's), a
// missing option value, or not exactly one container id.
Result<RuntimeInvocation> parse_runtime_args(std::span<const std::string> args);

}  // namespace scc
