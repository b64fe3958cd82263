#include "scc/strace_log.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include "scc/names.hpp"
#include "scc/syscall_table.hpp"

namespace scc {
namespace {

// One syscall of one process segment as the log shows it, named later, once
// every process's arch is known (a -ff child's arch comes from its parent's
// file): how often, and where first (for an unknown name).
struct Call {
  std::string name;                      // empty when only the number is known
  std::optional<std::uint32_t> number;   // syscall_0x1c8
  std::uint64_t count = 0;
  std::size_t log = 0, line = 0, column = 0;
};

struct Segment {
  std::optional<Arch> arch;  // nullopt: the process's arch at its birth
  std::map<std::string, Call> calls;  // by name, or "#<number>": memory grows with names, not lines
};

struct Process {
  std::vector<Segment> segments{Segment{}};
  std::optional<std::pair<std::size_t, std::size_t>> parent;  // (process, segment) at the clone
  std::optional<std::string> unfinished;                      // name of a call not yet resumed
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '_'; }

std::optional<std::uint64_t> number_of(std::string_view text, int base = 10) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

class Parser {
 public:
  Parser(Arch native, std::size_t logs) : native_(native), diagnostics_(logs), recognised_(logs, 0) {}

  void parse(std::size_t log, const StraceLog& input);
  StraceResult finish();

 private:
  std::size_t process_of(int pid);
  void end_process(int pid) {
    if (auto it = current_.find(pid); it != current_.end()) {
      ended_[pid] = it->second;
      current_.erase(it);
    }
  }
  void body(std::size_t log, std::size_t line, std::string_view text, std::size_t offset, std::optional<int> pid);
  void call(std::size_t log, std::size_t line, std::string_view text, std::size_t offset, int pid);
  void note_child(int pid, std::string_view name, std::string_view text);
  void marker(std::size_t log, std::size_t line, std::string_view text, std::size_t offset);
  Arch arch_of(std::size_t process, std::size_t segment, int depth = 0) const;
  void warn(std::size_t log, std::size_t line, std::size_t column, std::string message);

  Arch native_;
  std::vector<Diagnostics> diagnostics_;
  std::vector<std::size_t> recognised_;  // lines understood, per log
  std::vector<Process> processes_;
  std::map<int, std::size_t> current_;  // pid -> its live process
  std::map<int, std::size_t> ended_;    // pid -> its last process that exited
  int anonymous_ = -1;                  // pid for lines without one (a log of one process)
};

std::size_t Parser::process_of(int pid) {
  auto it = current_.find(pid);
  if (it != current_.end()) return it->second;
  processes_.emplace_back();
  current_[pid] = processes_.size() - 1;
  return processes_.size() - 1;
}

void Parser::warn(std::size_t log, std::size_t line, std::size_t column, std::string message) {
  Diagnostic d;
  d.severity = Severity::Warning;
  d.code = Code::LogSyntax;
  d.message = std::move(message);
  d.line = line;
  d.column = column;
  diagnostics_[log].add(std::move(d));
}

std::string excerpt(std::string_view text) {
  constexpr std::size_t kMax = 60;
  std::string out(text.substr(0, kMax));
  if (text.size() > kMax) out += "...";
  return out;
}

// "[ Process PID=N runs in 32 bit mode. ]"
void Parser::marker(std::size_t log, std::size_t line, std::string_view text, std::size_t offset) {
  constexpr std::string_view kHead = "[ Process PID=", kRuns = " runs in ", kTail = " mode. ]";
  std::string_view rest = text.substr(kHead.size());
  std::size_t digits = 0;
  while (digits < rest.size() && is_digit(rest[digits])) ++digits;
  auto pid = number_of(rest.substr(0, digits));
  rest.remove_prefix(digits);
  if (!pid || !rest.starts_with(kRuns) || !rest.ends_with(kTail)) {
    warn(log, line, offset + 1, "cannot parse personality marker \"" + excerpt(text) + "\"");
    return;
  }
  std::string_view mode = rest.substr(kRuns.size(), rest.size() - kRuns.size() - kTail.size());
  std::optional<Arch> arch;
  auto subs = default_sub_arches(native_);
  if (mode == "64 bit" || mode == "AArch64")
    arch = native_;
  else if ((mode == "32 bit" || mode == "32-bit") && !subs.empty())
    arch = subs.front();
  else if (mode == "x32" && native_ == Arch::X86_64)
    arch = Arch::X32;
  if (!arch) {
    warn(log, line, offset + kHead.size() + digits + kRuns.size() + 1,
         "unknown personality \"" + std::string(mode) + "\" for a " + std::string(short_name(native_)) + " trace");
    return;
  }
  ++recognised_[log];
  Process& p = processes_[process_of(static_cast<int>(*pid))];
  if (p.segments.back().calls.empty() && !p.segments.back().arch && p.segments.size() == 1 && !p.parent)
    p.segments.back().arch = arch;
  else
    p.segments.push_back(Segment{arch, {}});
}

// A successful clone/fork/vfork names the child: it starts in the parent's arch.
void Parser::note_child(int pid, std::string_view name, std::string_view text) {
  if (name != "clone" && name != "clone3" && name != "fork" && name != "vfork") return;
  std::size_t eq = text.rfind(" = ");  // ") = 123" or, aligned, ")    = 123"
  if (eq == std::string_view::npos) return;
  std::size_t p = eq;
  while (p > 0 && text[p - 1] == ' ') --p;
  if (p == 0 || text[p - 1] != ')') return;
  std::string_view ret = text.substr(eq + 3);
  std::size_t digits = 0;
  while (digits < ret.size() && is_digit(ret[digits])) ++digits;
  auto child = number_of(ret.substr(0, digits));
  if (!child || *child == 0 || static_cast<int>(*child) == pid) return;
  std::size_t parent = process_of(pid);
  std::size_t segment = processes_[parent].segments.size() - 1;
  // The child may have been seen already, even to its end (its -ff file came first).
  const int child_pid = static_cast<int>(*child);
  std::size_t c = 0;
  if (auto live = current_.find(child_pid); live != current_.end()) {
    c = live->second;
  } else if (auto ended = ended_.find(child_pid); ended != ended_.end() && !processes_[ended->second].parent) {
    c = ended->second;
  } else {
    c = process_of(child_pid);
  }
  Process& born = processes_[c];
  if (!born.parent && !born.segments.front().arch) born.parent = std::make_pair(parent, segment);
}

void Parser::call(std::size_t log, std::size_t line, std::string_view text, std::size_t offset, int pid) {
  std::size_t n = 0;
  while (n < text.size() && is_name_char(text[n])) ++n;
  std::string_view name = text.substr(0, n);
  Call c;
  c.log = log;
  c.line = line;
  c.column = offset + 1;
  if (name.starts_with("syscall_")) {
    std::string_view digits = name.substr(8);
    auto nr = digits.starts_with("0x") ? number_of(digits.substr(2), 16) : number_of(digits);
    if (!nr || *nr > 0xffffffffULL) {
      warn(log, line, offset + 1, "cannot read the syscall number of \"" + std::string(name) + "\"");
      return;
    }
    c.number = static_cast<std::uint32_t>(*nr);
  } else {
    c.name = std::string(name);
  }
  ++recognised_[log];
  Process& p = processes_[process_of(pid)];
  const std::string key = c.number ? "#" + std::to_string(*c.number) : c.name;
  auto [it, fresh] = p.segments.back().calls.try_emplace(key, std::move(c));
  ++it->second.count;
  if (text.ends_with("<unfinished ...>")) {
    p.unfinished = std::string(name);
    return;
  }
  note_child(pid, name, text);
}

void Parser::body(std::size_t log, std::size_t line, std::string_view text, std::size_t offset,
                  std::optional<int> pid_given) {
  const int pid = pid_given.value_or(anonymous_);
  if (text.starts_with("[ Process PID=")) return marker(log, line, text, offset);
  if ((text.starts_with("--- ") && text.ends_with(" ---")) || text.starts_with("+++ ")) {
    if (text.starts_with("+++ ") && !text.ends_with(" +++")) {
      warn(log, line, offset + 1, "cannot parse strace line \"" + excerpt(text) + "\"");
      return;
    }
    ++recognised_[log];
    if (text.starts_with("+++ ")) end_process(pid);
    return;
  }
  if (text.starts_with("<... ")) {
    std::size_t end = text.find(" resumed>");
    std::string_view name = end == std::string_view::npos ? std::string_view{} : text.substr(5, end - 5);
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_name_char)) {
      warn(log, line, offset + 1, "cannot parse resumed call \"" + excerpt(text) + "\"");
      return;
    }
    Process& p = processes_[process_of(pid)];
    if (p.unfinished && *p.unfinished == name) {
      ++recognised_[log];
      p.unfinished.reset();
      std::string resumed(name);
      note_child(pid, resumed, text);
      return;
    }
    // the log starts inside this call (strace -p), or the resumed name differs: count it here
    call(log, line, std::string(name) + "(" + std::string(text.substr(end + 9)), offset + 5, pid);
    return;
  }
  std::size_t n = 0;
  while (n < text.size() && is_name_char(text[n])) ++n;
  if (n > 0 && n < text.size() && text[n] == '(' && !is_digit(text[0])) {
    if (!text.ends_with("<unfinished ...>") && text.find(" = ") == std::string_view::npos &&
        text.find(")=") == std::string_view::npos)
      warn(log, line, offset + text.size() + 1,
           "the call to \"" + std::string(text.substr(0, n)) + "\" has no result (a cut line?); it is counted");
    return call(log, line, text, offset, pid);
  }
  warn(log, line, offset + 1, "cannot parse strace line \"" + excerpt(text) + "\"");
}

// The prefix of a line: pid, timestamps, -i and -n brackets; then the body.
void Parser::parse(std::size_t log, const StraceLog& input) {
  anonymous_ = input.pid.value_or(-1 - static_cast<int>(log));
  std::string_view text = input.text;
  std::size_t line_no = 0, joined_lines = 0;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    line_no += 1 + joined_lines;  // a joined line is reported at its first half
    joined_lines = 0;
    // strace -f writing to stderr cuts a line with "strace: Process N attached"
    // and goes on with the rest of it on the next line: join the two.
    std::string joined;
    if (std::size_t cut = line.find("strace: Process "); cut != std::string_view::npos && cut > 0 &&
                                                          (line.ends_with(" attached") || line.ends_with(" detached"))) {
      std::size_t next = text.find('\n');
      joined = std::string(line.substr(0, cut)) + std::string(text.substr(0, next));
      text.remove_prefix(next == std::string_view::npos ? text.size() : next + 1);
      joined_lines = 1;
      line = joined;
      ++recognised_[log];
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t i = 0;
    auto skip_spaces = [&] {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    };
    skip_spaces();
    if (i == line.size()) continue;
    if (line[i] == '>' || line.substr(i).starts_with("strace: ")) {  // -k stack frame; strace's own messages
      ++recognised_[log];
      continue;
    }
    std::optional<int> pid = input.pid;
    if (line.substr(i).starts_with("[pid ")) {
      std::size_t j = i + 5;
      while (j < line.size() && line[j] == ' ') ++j;
      std::size_t k = j;
      while (k < line.size() && is_digit(line[k])) ++k;
      auto value = number_of(line.substr(j, k - j));
      if (!value || k >= line.size() || line[k] != ']') {
        warn(log, line_no, i + 1, "cannot parse the pid prefix \"" + excerpt(line.substr(i)) + "\"");
        continue;
      }
      pid = static_cast<int>(*value);
      i = k + 1;
    } else {
      std::size_t k = i;
      while (k < line.size() && is_digit(line[k])) ++k;
      if (k > i && k < line.size() && line[k] == ' ') {
        pid = static_cast<int>(number_of(line.substr(i, k - i)).value_or(0));
        i = k;
      }
    }
    bool bad = false;
    for (;;) {  // timestamps and bracketed fields, in any order
      skip_spaces();
      std::size_t k = i;
      while (k < line.size() && (is_digit(line[k]) || line[k] == ':' || line[k] == '.')) ++k;
      if (k > i && k < line.size() && line[k] == ' ' && is_digit(line[i]) &&
          line.substr(i, k - i).find_first_of(":.") != std::string_view::npos) {
        i = k;
        continue;
      }
      if (i < line.size() && line[i] == '[' && !line.substr(i).starts_with("[ Process PID=")) {
        std::size_t close = line.find(']', i);
        std::string_view inside = close == std::string_view::npos ? std::string_view{} : line.substr(i + 1, close - i - 1);
        while (!inside.empty() && inside.front() == ' ') inside.remove_prefix(1);
        // -i: hex, or "?" when strace cannot tell (exit lines); -n: decimal
        const bool hex = !inside.empty() && inside.find_first_not_of("0123456789abcdef?") == std::string_view::npos;
        if (!hex) {
          warn(log, line_no, i + 1, "cannot parse the bracketed field \"" + excerpt(line.substr(i)) + "\"");
          bad = true;
          break;
        }
        i = close + 1;
        continue;
      }
      break;
    }
    if (bad) continue;
    if (i == line.size()) {
      warn(log, line_no, i + 1, "the line ends after its prefix");
      continue;
    }
    std::string_view rest = line.substr(i);
    while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
    body(log, line_no, rest, i, pid);
  }
}

Arch Parser::arch_of(std::size_t process, std::size_t segment, int depth) const {
  const Process& p = processes_[process];
  for (std::size_t s = segment + 1; s-- > 0;)
    if (p.segments[s].arch) return *p.segments[s].arch;
  if (p.parent && depth < 4096) return arch_of(p.parent->first, p.parent->second, depth + 1);
  return native_;
}

// Where a 32-bit process's name lands when its log has no personality markers.
std::string missing_marker_hint(Arch arch, std::string_view name) {
  for (Arch sub : default_sub_arches(arch))
    if (syscall_table(sub) != nullptr && syscall_table(sub)->number(name))
      return "\"" + std::string(name) + "\" is " + std::string(short_name(sub)) +
             "'s: the log lacks strace's personality markers; trace with `strace -e quiet=none`";
  std::string near = nearest_syscall_name(name);
  return near.empty() ? std::string{} : "did you mean \"" + near + "\"?";
}

StraceResult Parser::finish() {
  StraceResult result;
  for (std::size_t proc = 0; proc < processes_.size(); ++proc) {
    for (std::size_t seg = 0; seg < processes_[proc].segments.size(); ++seg) {
      const Arch arch = arch_of(proc, seg);
      const SyscallTable* table = syscall_table(arch);
      for (const auto& [key, c] : processes_[proc].segments[seg].calls) {
        std::string name = c.name;
        if (c.number) {
          auto known = table != nullptr ? table->name(*c.number) : std::nullopt;
          name = known ? std::string(*known) : "__nr_" + std::to_string(*c.number);
        } else if (table != nullptr && !table->number(name)) {
          Diagnostic d;
          d.code = Code::UnknownSyscall;
          d.message = "unknown syscall \"" + name + "\" on " + std::string(short_name(arch));
          d.hint = missing_marker_hint(arch, name);
          d.line = c.line;
          d.column = c.column;
          diagnostics_[c.log].add(std::move(d));
          continue;
        }
        result.recording.syscalls[arch][name].count += c.count;
        result.calls += c.count;
      }
    }
  }
  for (std::size_t log = 0; log < diagnostics_.size(); ++log)
    if (recognised_[log] == 0)
      diagnostics_[log].error(Code::InputEmpty, "", "no strace output found (no syscall, signal or exit line)");
  if (result.calls == 0 && !diagnostics_.empty() && !diagnostics_[0].has_errors())
    diagnostics_[0].error(Code::InputEmpty, "", "the logs hold no syscall");
  // diagnostics in line order per log
  for (Diagnostics& d : diagnostics_)
    std::stable_sort(d.items().begin(), d.items().end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
  result.diagnostics = std::move(diagnostics_);
  return result;
}

}  // namespace

bool StraceResult::ok() const {
  return std::none_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostics& d) { return d.has_errors(); });
}

StraceResult parse_strace_logs(std::span<const StraceLog> logs, Arch native) {
  Parser parser(native, logs.size());
  for (std::size_t i = 0; i < logs.size(); ++i) parser.parse(i, logs[i]);
  return parser.finish();
}

std::optional<int> strace_ff_pid(std::string_view path) {
  std::size_t dot = path.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string_view digits = path.substr(dot + 1);
  if (digits.find('/') != std::string_view::npos) return std::nullopt;
  auto value = number_of(digits);
  if (!value || *value == 0 || *value > 0x3fffffff) return std::nullopt;
  return static_cast<int>(*value);
}

}  // namespace scc
