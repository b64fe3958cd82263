// Helpers for the reader tests: read a text, find diagnostics by code, and
// print them all when a check fails.
#pragma once

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <string_view>

#include "scc/diagnostics.hpp"
#include "scc/read.hpp"

namespace scc::test {

inline Result<Document> read_text(std::string_view text, std::optional<Dialect> forced = {}) {
  ReadOptions options;
  options.dialect = forced;
  return read_document(text, options);
}

inline std::size_t count_code(const Diagnostics& diagnostics, Code code) {
  std::size_t n = 0;
  for (const Diagnostic& d : diagnostics)
    if (d.code == code) ++n;
  return n;
}

// The only diagnostic with `code`; nullptr when there is none or several.
inline const Diagnostic* only(const Diagnostics& diagnostics, Code code) {
  const Diagnostic* found = nullptr;
  for (const Diagnostic& d : diagnostics) {
    if (d.code != code) continue;
    if (found) return nullptr;
    found = &d;
  }
  return found;
}

inline std::string dump(const Diagnostics& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    out += std::string(to_string(d.severity)) + " " + std::string(diagnostic_code_name(d.code)) +
           " " + d.pointer + " " + std::to_string(d.line) + ":" + std::to_string(d.column) + " " +
           d.message;
    if (!d.hint.empty()) out += " [" + d.hint + "]";
    out += "\n";
  }
  return out;
}

// A diagnostic names `pointer` and says exactly `message` and `hint`.
inline void check_says(const Diagnostic& d, std::string_view pointer, std::string_view message,
                       std::string_view hint) {
  CHECK(d.pointer == pointer);
  CHECK(d.message == message);
  CHECK(d.hint == hint);
}

// The only diagnostic of `r` with `code`; the test stops, printing them all,
// when there is none or there are several.
inline const Diagnostic* single(const Result<Document>& r, Code code) {
  INFO(dump(r.diagnostics));
  const Diagnostic* d = only(r.diagnostics, code);
  REQUIRE(d);
  return d;
}

}  // namespace scc::test
