// "Did you mean ...?" for the small fixed vocabularies of a profile (actions,
// operators, arches, flags, field names).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace scc {

// The candidate closest to `word` by edit distance, ignoring ASCII case, or
// "" when none is close enough to be a plausible typo (distance above a
// third of the longer length, or above 4).
std::string nearest_name(std::string_view word, std::span<const std::string_view> candidates);

// ASCII case-insensitive equality (Go's encoding/json matches keys this way).
bool equal_ignoring_case(std::string_view a, std::string_view b);

}  // namespace scc
