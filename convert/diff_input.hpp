// What `diff` and `inspect --against` compare: a file that holds either a
// profile (any dialect) or a raw program (struct sock_filter[]), turned into
// a program for a target.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scc/arch.hpp"
#include "scc/bpf.hpp"
#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"
#include "scc/read.hpp"
#include "scc/resolve.hpp"

namespace scc::convert {

struct DiffInput {
  std::string file;  // as reported ("<stdin>" for -)
  std::optional<bpf::Program> program;  // a raw program
  std::optional<Profile> profile;       // or a profile, as read
  SourceMap positions;                  // of the profile's text
};

// A raw program when the name ends in ".bpf", or when the content holds a NUL
// byte (no profile text does) and is a whole number of 8-byte instructions.
// Otherwise the file must hold exactly one profile.
Result<DiffInput> read_diff_input(const std::string& path);

struct InputProgram {
  bpf::Program program;
  std::vector<Arch> arches;     // the arches the program targets; empty for raw programs
  std::optional<Profile> flat;  // the resolved profile it was compiled from
  std::uint32_t default_action = 0;  // its SECCOMP_RET_* default (profiles only)
};

// The program `input` means on `target`: a raw program as it is; a profile
// resolved for `target` and compiled for `arches` (empty: compile()'s default
// for the resolved profile). Diagnostics carry errors only, located.
Result<InputProgram> input_program(const DiffInput& input, const Target& target, const std::vector<Arch>& arches);

// "x86_64, x86, x32"
std::string arch_list(const std::vector<Arch>& arches);

}  // namespace scc::convert
