// What the hook says: one line per event, "seccomp-hook: <mode>: container
// <id>: profile <name>: <message>", to stderr and/or the configured log file
// (appended, O_APPEND, so concurrent hooks never interleave within a line).
// A refusal is exactly one line on stderr, which runc, crun and podman put in
// their error message.
#pragma once

#include <string>
#include <string_view>

#include "scc/diagnostics.hpp"
#include "scc/hook_config.hpp"

namespace scc::hook {

class EventLog {
 public:
  explicit EventLog(std::string mode);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  void set_container(std::string label);  // "c1", or "? (hostname web-1)" in precreate
  void set_profile(std::string label);    // "\"web\" (annotation)"
  // Open the configured destination. A log file that cannot be opened is
  // reported on stderr and the hook goes on (logging never blocks a decision).
  void open(const HookConfig& config);
  // Runtime wrapper: stderr is the container's stderr during `create`, so
  // only refusals go there; they also go to the runtime's own log (docker and
  // containerd show its last error line).
  void runtime_mode(const std::string& runtime_log, const std::string& format);

  void info(std::string_view message);
  // Warnings: the hook's own one line each; the profile's one summary line
  // (each in full in the log file).
  void warnings(const Diagnostics& diagnostics);
  // A replayed decision's warnings (all about its profile, each logged in full
  // when the decision was made): the summary line alone, in the log file too.
  void replayed_warnings(const Diagnostics& diagnostics);
  // The one refusal line. Warnings in `context` go to the log file only, so
  // stderr holds nothing but the refusal.
  void refuse(std::string_view reason, const Diagnostics& context = {});

  std::string prefix() const;

 private:
  void write_file(const std::string& line);
  static std::string warning_text(const Diagnostic& d);
  std::string profile_summary(std::size_t count, const Diagnostic& first) const;
  void update_deadline_prefix() const;

  std::string mode_;
  std::string container_ = "?";
  std::string profile_ = "(none)";
  int fd_ = -1;
  bool info_on_stderr_ = true;
  std::string runtime_log_;
  std::string runtime_log_format_;
};

// One line for a refusal: the first error, where it is, its hint, and how many
// more there are: 'unknown syscall "opne" [unknown-syscall at
// /syscalls/0/names/0, line 3 column 15]; did you mean "open"? (and 2 more errors)'.
std::string summarize(const Diagnostics& diagnostics);

}  // namespace scc::hook
