// seccomp-hook poststart: attestation. Dumps the live seccomp filters of the
// container process and compares them with the program its config.json asks
// for (filter_attestation.hpp). On a mismatch, or when the filters cannot be
// read, the container process is killed (SIGKILL through a pidfd, so a
// reused pid is never hit) and the hook exits non-zero.
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include "deadline.hpp"
#include "mode_labels.hpp"
#include "modes.hpp"
#include "scc/config_rewrite.hpp"
#include "scc/decision_cache.hpp"
#include "scc/filter_attestation.hpp"
#include "scc/live_filter.hpp"
#include "scc/oci_state.hpp"

namespace scc::hook {
namespace {

class PidFd {
 public:
  explicit PidFd(pid_t pid) : fd_(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))) {}
  ~PidFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  PidFd(const PidFd&) = delete;
  PidFd& operator=(const PidFd&) = delete;
  bool valid() const { return fd_ >= 0; }
  bool alive() const { return ::syscall(SYS_pidfd_send_signal, fd_, 0, nullptr, 0) == 0; }
  bool kill() const { return ::syscall(SYS_pidfd_send_signal, fd_, SIGKILL, nullptr, 0) == 0; }
  int get() const { return fd_; }

 private:
  int fd_;
};

// The "Seccomp:" mode of /proc/<pid>/status: 2 once a filter is installed.
int seccomp_mode(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("Seccomp:")) return std::atoi(line.c_str() + 8);
  return -1;
}

// runc and crun install the filter just before exec'ing the user process,
// which can race with poststart: wait for it, at most half the deadline.
void wait_for_filter(pid_t pid, const PidFd& process, std::uint64_t deadline_ms) {
  const std::uint64_t until = std::min<std::uint64_t>(deadline_ms / 2, 1000);
  while (elapsed_ms() < until && process.alive() && seccomp_mode(pid) != 2)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

int kill_and_refuse(const PidFd& process, EventLog& log, const std::string& reason, int status) {
  const bool killed = process.kill();
  log.refuse(reason + (killed ? "; container process killed" : "; the container process could not be killed: " +
                                                                   std::string(std::strerror(errno))));
  return status;
}

// The container process's live filters, once its filter is in place. None
// when the hook is done: the process had already exited (exit 0, nothing to
// protect) or its filters cannot be read (killed, refused); `status` says which.
struct LiveFilters {
  std::optional<std::vector<bpf::Program>> filters;
  int status = kExitOk;
};

LiveFilters read_live_filters(pid_t pid, const PidFd& process, const HookConfig& config, EventLog& log) {
  wait_for_filter(pid, process, config.deadline_ms);
  Result<std::vector<bpf::Program>> live = dump_filters(pid);
  if (!live.ok() && std::any_of(live.diagnostics.begin(), live.diagnostics.end(),
                                [](const Diagnostic& d) { return d.code == Code::ProcessNotFound; })) {
    // A short-lived container can be done before poststart runs: a process
    // that has exited runs no more syscalls, so there is nothing to protect.
    set_deadline_victim(-1);
    log.info("nothing to attest: the container process has already exited");
    return {};
  }
  if (!live.ok() || !process.alive())
    return {std::nullopt,
            kill_and_refuse(process, log, "cannot read the live filters: " + summarize(live.diagnostics), kExitRefused)};
  return {std::move(*live.value), kExitOk};
}

// Compare the live filters with `expected`; the attested line, or nullopt
// after killing the container and refusing.
std::optional<std::string> attest(std::span<const bpf::Program> live, const PidFd& process,
                                  const ContainerConfig& container, const CachedProgram& expected, EventLog& log,
                                  int& status) {
  Diagnostics ignored;
  const std::vector<Arch> arches = target_arches(*container.seccomp, hook_compile_options(), ignored);
  const ExpectedFilter want{expected.program, &*container.seccomp,
                            expected.compiled ? expected.compiled->default_action : 0};
  Result<Attestation> attested = attest_filters(live, want, arches);
  if (!attested.ok()) {
    status = kill_and_refuse(process, log, "cannot compare: " + summarize(attested.diagnostics), kExitRefused);
    return std::nullopt;
  }
  if (attested.value->mismatch) {
    status = kill_and_refuse(process, log,
                             "the live filter is not what linux.seccomp asks for: " + describe(*attested.value->mismatch),
                             kExitMismatch);
    return std::nullopt;
  }
  const std::string tolerated = describe_tolerated(attested.value->tolerated);
  return "attested: " + std::to_string(live.size()) + " live filter(s) " +
         (attested.value->byte_identical ? "byte-identical to"
                                         : std::string("equivalent (") +
                                               (attested.value->mismatches.proven ? "proven" : "tested") + ") to") +
         " the expected program (compiled in memory, program sha256 " + expected.program_sha256.substr(0, 12) + ")" +
         (tolerated.empty() ? "" : "; " + tolerated);
}

}  // namespace

int run_poststart(const CommonOptions& common) {
  EventLog log("poststart");
  std::optional<std::string> input = read_stdin(log);
  if (!input) return kExitRefused;
  Result<OciState> state = parse_oci_state(*input);
  if (!state.ok() || state.value->pid.value_or(0) <= 0) {
    log.refuse("state: " + (state.ok() ? std::string("no container pid (a poststart state needs one)")
                                       : summarize(state.diagnostics)));
    return kExitRefused;
  }
  log.set_container(state.value->id);
  const pid_t pid = *state.value->pid;
  PidFd process(pid);
  if (!process.valid()) {
    log.refuse("cannot open process " + std::to_string(pid) + ": " + std::strerror(errno));
    return kExitRefused;
  }
  set_deadline_victim(process.get());
  std::optional<HookConfig> config = load_config(common, log);
  if (!config) {
    process.kill();  // load_config printed the one refusal line
    return kExitRefused;
  }
  Result<std::string> text = read_bundle_config(state.value->bundle);
  if (!text.ok()) return kill_and_refuse(process, log, summarize(text.diagnostics), kExitRefused);
  // A verdict cached for the same inputs and the same live filters
  // (decision_cache.hpp, attestation_key) is replayed without compiling or
  // comparing; any other filter is compared in full.
  Result<ContainerConfig> light = parse_container_config(*text.value, SeccompReading::ShapeOnly);
  std::optional<std::string> key;
  std::optional<std::vector<bpf::Program>> live;
  if (light.ok() && light.value->seccomp_text) {
    label_selection(*config, *light.value, log);
    key = decision_cache_key(DecisionPurpose::Attest, *config, *light.value, false, SCC_VERSION);
  }
  if (key) {
    LiveFilters read = read_live_filters(pid, process, *config, log);
    if (!read.filters) return read.status;
    live = std::move(read.filters);
    key = attestation_key(*key, *live);
    Diagnostics problems;
    std::optional<CachedDecision> cached = load_decision(*config, *key, problems);
    log.warnings(problems);
    if (cached) {
      set_deadline_victim(-1);
      log.replayed_warnings(cached->warnings);
      log.info(cached->log_line + std::string(kDecisionCachedSuffix));
      return kExitOk;
    }
  }
  Result<ContainerConfig> container = parse_container_config(*text.value);
  if (!container.ok()) return kill_and_refuse(process, log, summarize(container.diagnostics), kExitRefused);
  label_selection(*config, *container.value, log);
  RewriteOptions options;
  options.tool_version = SCC_VERSION;
  options.use_program_cache = false;  // attest against our own compile, not a cache file
  Result<std::optional<CachedProgram>> expected = expected_program(*container.value, *config, options);
  if (!expected.ok()) return kill_and_refuse(process, log, summarize(expected.diagnostics), kExitRefused);
  log.warnings(expected.diagnostics);
  if (!*expected.value) {
    set_deadline_victim(-1);
    log.info("nothing to attest: config.json has no linux.seccomp");
    return kExitOk;
  }
  if (!live) {
    LiveFilters read = read_live_filters(pid, process, *config, log);
    if (!read.filters) return read.status;
    live = std::move(read.filters);
  }
  int status = kExitOk;
  std::optional<std::string> line = attest(*live, process, *container.value, **expected.value, log, status);
  if (!line) return status;
  set_deadline_victim(-1);
  log.info(*line);
  // Stored only when the inputs did not change while attesting.
  const std::optional<std::string> again =
      key ? decision_cache_key(DecisionPurpose::Attest, *config, *light.value, false, SCC_VERSION) : std::nullopt;
  if (again && attestation_key(*again, *live) == *key) {
    CachedDecision record;
    record.log_line = *line;
    record.warnings = profile_warnings(expected.diagnostics);
    store_decision(*config, *key, record);
  }
  return kExitOk;
}

}  // namespace scc::hook
