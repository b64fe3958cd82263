// A parsed profile object -> Profile, in one dialect, every element keeping
// its absolute JSON pointer.
#pragma once

#include <string>

#include "field_reader.hpp"
#include "scc/profile.hpp"
#include "scc/read.hpp"

namespace scc {

// Read the profile object found at `pointer` ("", "/linux/seccomp", "/spec",
// "/2/spec") of its document. Every problem goes to `diagnostics`; the
// returned profile holds everything that could be read.
Profile read_profile(const nlohmann::ordered_json& object, const std::string& pointer,
                     Dialect dialect, const ReadLimits& limits, const NumberLiterals& numbers,
                     Diagnostics& diagnostics);

// The envelope of an SPO SeccompProfile object (apiVersion, kind, metadata,
// spec, status): reports unknown top-level keys and returns metadata.name.
std::string read_spo_envelope(const nlohmann::ordered_json& root,
                              const std::string& document_pointer, FieldContext& ctx);

}  // namespace scc
