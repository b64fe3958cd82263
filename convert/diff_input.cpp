// Reading what `diff` and `inspect --against` compare (diff_input.hpp).
#include "diff_input.hpp"

#include <algorithm>
#include <span>

#include "report.hpp"
#include "scc/compile.hpp"
#include "scc/input_file.hpp"
#include "scc/names.hpp"

namespace scc::convert {
namespace {

bool looks_like_program(const std::string& path, const std::string& bytes) {
  if (path.size() >= 4 && path.compare(path.size() - 4, 4, ".bpf") == 0) return true;
  return bytes.find('\0') != std::string::npos && bytes.size() % sizeof(sock_filter) == 0;
}

Diagnostics errors_only(const Diagnostics& diagnostics) {
  Diagnostics out;
  for (const Diagnostic& d : diagnostics)
    if (d.severity == Severity::Error) out.add(d);
  return out;
}

}  // namespace

Result<DiffInput> read_diff_input(const std::string& path) {
  Result<DiffInput> result;
  const ReadOptions read_options;
  Result<std::string> text = read_input_file(path, read_options.limits.max_bytes);
  result.diagnostics = text.diagnostics;
  if (!text.ok()) return result;
  DiffInput input;
  input.file = display_name(path);
  if (looks_like_program(path, *text.value)) {
    const auto* data = reinterpret_cast<const std::uint8_t*>(text.value->data());
    auto program = bpf::Program::from_bytes(std::span<const std::uint8_t>(data, text.value->size()));
    result.diagnostics = program.diagnostics;
    if (!program.ok()) return result;
    input.program = std::move(program.value);
    result.value = std::move(input);
    return result;
  }
  Result<Document> doc = read_document(*text.value, read_options);
  if (doc.value) doc.value->positions.locate(doc.diagnostics);
  result.diagnostics = errors_only(doc.diagnostics);
  if (!doc.ok()) return result;
  if (doc.value->profiles.size() != 1) {
    result.diagnostics.error(Code::NotAProfile, "",
                             "the file holds " + std::to_string(doc.value->profiles.size()) +
                                 " profiles; diff takes a file with one");
    return result;
  }
  input.profile = std::move(doc.value->profiles.front());
  input.positions = std::move(doc.value->positions);
  result.value = std::move(input);
  return result;
}

Result<InputProgram> input_program(const DiffInput& input, const Target& target, const std::vector<Arch>& arches) {
  Result<InputProgram> result;
  if (input.program) {
    result.value = InputProgram{*input.program, {}, std::nullopt, 0};
    return result;
  }
  Result<Profile> flat = resolve(*input.profile, target);
  input.positions.locate(flat.diagnostics);
  result.diagnostics = errors_only(flat.diagnostics);
  if (!flat.ok()) return result;
  CompileOptions options;
  options.arches = arches;
  Result<CompiledFilter> compiled = compile(*flat.value, options);
  input.positions.locate(compiled.diagnostics);
  result.diagnostics = errors_only(compiled.diagnostics);
  if (!compiled.ok()) return result;
  result.value = InputProgram{compiled.value->program, compiled.value->arches, std::move(flat.value),
                              compiled.value->default_action};
  return result;
}

std::string arch_list(const std::vector<Arch>& arches) {
  std::string out;
  for (Arch arch : arches) out += (out.empty() ? "" : ", ") + std::string(short_name(arch));
  return out;
}

}  // namespace scc::convert
