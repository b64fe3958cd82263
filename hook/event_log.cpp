#include "event_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include <nlohmann/json.hpp>

#include "deadline.hpp"

namespace scc::hook {
namespace {

void write_line(int fd, const std::string& line) {
  const char* data = line.data();
  std::size_t size = line.size();
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

// UTC by calendar arithmetic: gmtime_r would read /etc/localtime first (the
// environment is empty, so TZ is unset), on every start.
std::string timestamp() {
  using namespace std::chrono;
  const auto now = floor<milliseconds>(system_clock::now());
  const auto day = floor<days>(now);
  const year_month_day date{day};
  const hh_mm_ss<milliseconds> time{now - day};
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()), static_cast<int>(time.subseconds().count()));
  return buf;
}

// No control characters inside a line: a hostile name cannot forge another one.
std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}

std::string where(const Diagnostic& d) {
  std::string out = std::string(diagnostic_code_name(d.code));
  if (!d.pointer.empty()) out += " at " + d.pointer;
  if (d.line != 0) out += std::string(d.pointer.empty() ? " at" : ",") + " line " + std::to_string(d.line) +
                          " column " + std::to_string(d.column);
  return out;
}

}  // namespace

EventLog::EventLog(std::string mode) : mode_(std::move(mode)) { update_deadline_prefix(); }

EventLog::~EventLog() {
  if (fd_ >= 0) ::close(fd_);
}

void EventLog::set_container(std::string label) {
  container_ = one_line(label);
  update_deadline_prefix();
}

void EventLog::set_profile(std::string label) {
  profile_ = one_line(label);
  update_deadline_prefix();
}

std::string EventLog::prefix() const {
  return "seccomp-hook: " + mode_ + ": container " + container_ + ": profile " + profile_;
}

void EventLog::update_deadline_prefix() const { set_deadline_prefix(prefix()); }

void EventLog::open(const HookConfig& config) {
  if (config.log == "stderr" || fd_ >= 0) return;
  fd_ = ::open(config.log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    write_line(STDERR_FILENO, prefix() + ": warning: cannot open log file " + config.log + ": " +
                                  std::strerror(errno) + "\n");
    return;
  }
  set_deadline_log(fd_);
}

void EventLog::runtime_mode(const std::string& runtime_log, const std::string& format) {
  info_on_stderr_ = false;
  runtime_log_ = runtime_log;
  runtime_log_format_ = format;
}

void EventLog::write_file(const std::string& line) {
  if (fd_ >= 0) write_line(fd_, timestamp() + " pid=" + std::to_string(::getpid()) + " " + line + "\n");
}

void EventLog::info(std::string_view message) {
  const std::string line = prefix() + ": " + one_line(message);
  write_file(line);
  if (fd_ < 0 && info_on_stderr_) write_line(STDERR_FILENO, line + "\n");
}

std::string EventLog::warning_text(const Diagnostic& d) { return "warning: " + d.message + " [" + where(d) + "]"; }

// Warnings about the hook's own machinery (no pointer: the cache, the
// hand-over) get a line each; the validator's warnings about the profile
// (each with a pointer) get one summary line, and each their own line in the
// log file only: a profile is checked once with seccomp-convert check, its
// warnings need not be repeated on every container start.
void EventLog::warnings(const Diagnostics& diagnostics) {
  std::size_t about_profile = 0;
  const Diagnostic* first = nullptr;
  // The profile's lines go to the file in one write (one timestamp).
  std::string batch;
  const std::string stamp = fd_ >= 0 ? timestamp() + " pid=" + std::to_string(::getpid()) + " " : "";
  for (const Diagnostic& d : diagnostics) {
    if (d.severity != Severity::Warning) continue;
    if (d.pointer.empty()) {
      info(warning_text(d));
      continue;
    }
    if (fd_ >= 0) batch += stamp + prefix() + ": " + one_line(warning_text(d)) + "\n";
    if (first == nullptr) first = &d;
    ++about_profile;
  }
  if (!batch.empty()) write_line(fd_, batch);
  if (about_profile > 0 && (fd_ < 0 && info_on_stderr_))
    write_line(STDERR_FILENO, profile_summary(about_profile, *first) + "\n");
}

std::string EventLog::profile_summary(std::size_t count, const Diagnostic& first) const {
  return prefix() + ": " + std::to_string(count) + " warning" + (count > 1 ? "s" : "") +
         " about the profile (seccomp-convert check lists them), first: " + one_line(warning_text(first));
}

void EventLog::replayed_warnings(const Diagnostics& diagnostics) {
  std::size_t count = 0;
  const Diagnostic* first = nullptr;
  for (const Diagnostic& d : diagnostics)
    if (d.severity == Severity::Warning && count++ == 0) first = &d;
  if (first == nullptr) return;
  const std::string line = profile_summary(count, *first);
  write_file(line);
  if (fd_ < 0 && info_on_stderr_) write_line(STDERR_FILENO, line + "\n");
}

void EventLog::refuse(std::string_view reason, const Diagnostics& context) {
  for (const Diagnostic& d : context)
    if (d.severity == Severity::Warning) write_file(prefix() + ": " + one_line(warning_text(d)));
  const std::string line = prefix() + ": refused: " + one_line(reason);
  write_line(STDERR_FILENO, line + "\n");
  write_file(line);
  if (runtime_log_.empty()) return;
  int fd = ::open(runtime_log_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
  if (fd < 0) return;
  if (runtime_log_format_ == "json")
    write_line(fd, nlohmann::json{{"level", "error"}, {"msg", line}, {"time", timestamp()}}.dump() + "\n");
  else
    write_line(fd, "time=\"" + timestamp() + "\" level=error msg=" + nlohmann::json(line).dump() + "\n");
  ::close(fd);
}

std::string summarize(const Diagnostics& diagnostics) {
  const Diagnostic* first = nullptr;
  for (const Diagnostic& d : diagnostics)
    if (d.severity == Severity::Error && first == nullptr) first = &d;
  if (first == nullptr) return "unknown error";
  std::string out = first->message + " [" + where(*first) + "]";
  if (!first->hint.empty()) out += "; " + first->hint;
  const std::size_t more = diagnostics.count(Severity::Error) - 1;
  if (more > 0) out += " (and " + std::to_string(more) + " more error" + (more > 1 ? "s" : "") + ")";
  return out;
}

}  // namespace scc::hook
