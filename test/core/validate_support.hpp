// Shared by the validator's tests: read a profile the natural way (through
// read_document) and validate it; find diagnostics by code.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "scc/diagnostics.hpp"
#include "scc/names.hpp"
#include "scc/read.hpp"
#include "scc/validate.hpp"

namespace scc::test {

inline std::string describe_all(const Diagnostics& ds) {
  std::string out;
  for (const Diagnostic& d : ds)
    out += "\n  " + d.pointer + ": " + std::string(to_string(d.severity)) + ": " + d.message +
           (d.hint.empty() ? "" : " (" + d.hint + ")") + " [" +
           std::string(diagnostic_code_name(d.code)) + "]";
  return out;
}

// The validator's diagnostics for `text`, which must read without error.
inline Diagnostics validate_text(std::string_view text, std::vector<Arch> arches = {}) {
  Result<Document> doc = read_document(text);
  INFO("reader:" << describe_all(doc.diagnostics));
  REQUIRE(doc.value.has_value());
  REQUIRE_FALSE(doc.diagnostics.has_errors());
  REQUIRE(doc.value->profiles.size() == 1);
  ValidateOptions options;
  options.arches = std::move(arches);
  return validate(doc.value->profiles.front(), options);
}

// Asserts that `ds` holds exactly one diagnostic, with these properties.
inline void require_only(const Diagnostics& ds, Code code, Severity severity,
                         const std::string& pointer, const std::string& message_part) {
  INFO("diagnostics:" << describe_all(ds));
  REQUIRE(ds.size() == 1);
  const Diagnostic& d = ds.items().front();
  CHECK(diagnostic_code_name(d.code) == diagnostic_code_name(code));
  CHECK(to_string(d.severity) == to_string(severity));
  CHECK(d.pointer == pointer);
  CHECK_MESSAGE(d.message.find(message_part) != std::string::npos,
                "message: " << d.message << "\nexpected part: " << message_part);
}

inline std::vector<Diagnostic> with_code(const Diagnostics& ds, Code code) {
  std::vector<Diagnostic> out;
  for (const Diagnostic& d : ds)
    if (d.code == code) out.push_back(d);
  return out;
}

}  // namespace scc::test
