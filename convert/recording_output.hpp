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

// The --base profile (any dialect the readers know; one profile in the file).
// Prints the problems; nullopt when it cannot be used.
std::optional<Profile> read_base_profile(const std::string& path);

// recorded_profile() with the options, printed or written atomically as a
// Docker profile. Returns the exit status (kExitOk, kExitProblems, kExitUsage).
int write_recorded_profile(const Recording& recording, const RecordingOutputOptions& options,
                           const std::string& command);

}  // namespace scc::convert
