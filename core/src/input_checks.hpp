// The first checks every reader makes on its raw input, before any parser
// sees it: size against the limit, emptiness, UTF-8. Shared by the profile
// readers (read_document) and the strict JSON reader of the hook's inputs;
// then, for JSON, the verdict of the bounding scan.
#pragma once

#include <string>
#include <string_view>

#include "json_scan.hpp"
#include "scc/diagnostics.hpp"
#include "scc/read.hpp"

namespace scc {

// An error with a pointer, a message and the line:column it stands at.
void error_at(Diagnostics& diagnostics, Code code, std::string pointer, std::string message,
              SourcePosition at);

// True when `text` holds nothing but JSON/YAML whitespace (or nothing).
bool is_blank(std::string_view text);

// Problems with the bytes themselves, each of which stops the read: more than
// limits.max_bytes (InputTooLarge), empty or whitespace only (InputEmpty),
// not UTF-8 (InputNotUtf8, at the offending byte). False after an error.
bool check_input_text(std::string_view text, const ReadLimits& limits, Diagnostics& diagnostics);

// The verdict of scan_json on `text` as diagnostics at the scan's stop
// position: too deep (NestingTooDeep), too many values (InputTooLarge), or a
// syntax error in nlohmann's words. False after an error.
bool check_json_scan(std::string_view text, const JsonScan& scan, const ReadLimits& limits,
                     Diagnostics& diagnostics);

}  // namespace scc
