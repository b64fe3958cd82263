#include "report.hpp"

namespace scc::convert {

std::string display_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

void print_diagnostics(std::ostream& out, const std::string& file, const Diagnostics& diagnostics) {
  for (const Diagnostic& d : diagnostics) {
    out << file;
    if (!d.pointer.empty())
      out << ": " << d.pointer;
    else if (d.line != 0)
      out << ':' << d.line << ':' << d.column;
    out << ": " << to_string(d.severity) << ": " << d.message;
    if (!d.hint.empty()) out << " (" << d.hint << ')';
    out << " [" << diagnostic_code_name(d.code) << "]\n";
  }
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
