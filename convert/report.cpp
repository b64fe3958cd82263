#include "report.hpp"

#include <string>

namespace scc::convert {

std::string display_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

void print_diagnostics(std::ostream& out, const std::string& file, const Diagnostics& diagnostics) {
  // Built in memory and written once: std::cerr flushes after every insertion,
  // which costs a write() per fragment when a profile yields thousands of lines.
  std::string text;
  for (const Diagnostic& d : diagnostics) {
    text += file;
    if (!d.pointer.empty())
      text += ": " + d.pointer;
    else if (d.line != 0)
      text += ':' + std::to_string(d.line) + ':' + std::to_string(d.column);
    text += ": " + std::string(to_string(d.severity)) + ": " + d.message;
    if (!d.hint.empty()) text += " (" + d.hint + ')';
    text += " [" + std::string(diagnostic_code_name(d.code)) + "]\n";
  }
  out << text << std::flush;
}

nlohmann::ordered_json diagnostics_json(const std::string& file, const Diagnostics& diagnostics) {
  auto list = nlohmann::ordered_json::array();
  for (const Diagnostic& d : diagnostics) {
    nlohmann::ordered_json j;
    j["file"] = file;
    j["pointer"] = d.pointer;
    if (d.line != 0) {
      j["line"] = d.line;
      j["column"] = d.column;
    }
    j["severity"] = to_string(d.severity);
    j["code"] = diagnostic_code_name(d.code);
    j["message"] = d.message;
    if (!d.hint.empty()) j["hint"] = d.hint;
    list.push_back(std::move(j));
  }
  return list;
}

}  // namespace scc::convert
