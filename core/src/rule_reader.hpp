// One entry of syscalls[] -> SyscallRule, with its names, args and
// includes/excludes, each keeping its JSON pointer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "field_reader.hpp"
#include "scc/read.hpp"

namespace scc {

// State shared by everything that reads one profile.
struct ReaderContext {
  Dialect dialect;
  const ReadLimits& limits;
  FieldContext fields;
  std::size_t names = 0;  // syscall names read so far, against limits.max_names
};

// nullopt when the entry is not an object (reported); otherwise the rule with
// whatever could be read, every problem reported.
std::optional<SyscallRule> read_rule(const nlohmann::ordered_json& value,
                                     const std::string& pointer, ReaderContext& ctx);

// An action name (SCMP_ACT_*); unknown-action with the nearest name as hint.
std::optional<Action> read_action(const nlohmann::ordered_json& value, const std::string& pointer,
                                  ReaderContext& ctx);
// A containers/common errno name ("ENOSYS"), returned as written;
// unknown-errno when the C library does not know it.
std::optional<std::string> read_errno_name(const nlohmann::ordered_json& value,
                                           const std::string& pointer, ReaderContext& ctx);

}  // namespace scc
