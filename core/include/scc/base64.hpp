// Base64 (RFC 4648 §4, standard alphabet, with padding): the encoding crun
// expects in run.oci.seccomp_bpf_data.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace scc {

std::string base64_encode(std::span<const std::uint8_t> bytes);
// Strict: nullopt for characters outside the alphabet (whitespace included),
// a length that is not a multiple of 4, misplaced padding, or non-zero
// unused bits in the last character.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace scc
