// Printing diagnostics the way compilers do, or as JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "scc/diagnostics.hpp"

namespace scc::convert {

// "FILE: /syscalls/3/names/1: error: unknown syscall "opne" (did you mean "open"?)"
// Without a pointer but with a position: "FILE:LINE:COL: error: ...".
void print_diagnostics(std::ostream& out, const std::string& file, const Diagnostics& diagnostics);

// One object per diagnostic: file, pointer, line, column (where known),
// severity, code, message, hint (where present).
nlohmann::ordered_json diagnostics_json(const std::string& file, const Diagnostics& diagnostics);

// The name a path is reported under: "<stdin>" for "-".
std::string display_name(const std::string& path);

}  // namespace scc::convert
