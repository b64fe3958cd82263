// What the recording commands (from-strace, record) share: the options that
// shape the profile (-o, --base, --no-baseline, --errno) and writing it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "scc/profile.hpp"
#include "scc/recording.hpp"

namespace scc::convert {

struct RecordingOutputOptions {
  std::string output;     // "" or "-": standard output
  std::string base;       // a profile to unite with
  bool no_baseline = false;
  std::string errno_ret = "EPERM";  // a number or an errno name
};

// Register -o, --base, --no-baseline and --errno on `cmd`.
void add_recording_output_options(CLI::App& cmd, RecordingOutputOptions& options);

// A profile file that must hold one profile (any dialect the readers know),
// as --base or merge take it; `role` names it in the error ("--base").
// Prints the problems; nullopt when it cannot be used.
std::optional<Profile> read_single_profile(const std::string& path, const std::string& role);

// kExitOk when the options are usable (--errno a number or an errno name),
// else prints why and returns kExitUsage: check before a long recording.
int check_recording_output(const RecordingOutputOptions& options, const std::string& command);

// `profile` as Docker JSON on standard output ("" or "-") or written
// atomically to `output`. Returns the exit status.
int write_docker_profile(const Profile& profile, const std::string& output);

// recorded_profile() with the options, printed or written atomically as a
// Docker profile. Returns the exit status (kExitOk, kExitProblems, kExitUsage).
int write_recorded_profile(const Recording& recording, const RecordingOutputOptions& options,
                           const std::string& command);

}  // namespace scc::convert
