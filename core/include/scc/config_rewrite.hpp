// config.json in -> config.json out: what `seccomp-hook precreate` prints and
// what `seccomp-hook runtime` writes into the bundle before it execs the real
// runtime. One function so the two can never differ.
//
// The output is the input with exactly these changes:
//  - linux.seccomp replaced by the selected profile, resolved for this
//    container (container_policy.hpp), as flat OCI JSON in its width-exact
//    form (width_exact_oci.hpp: runc, containerd and crun without hand-over
//    compare on 64 bits; the hand-over program is compiled from that same
//    form, and an error there fails closed); or removed for an
//    allowed "unconfined"; or left alone when nothing is selected;
//  - with hand-over (crun), annotations["run.oci.seccomp_bpf_data"] set to
//    the base64 of the compiled program, from the program cache.
// Every other member keeps its value and its place (ordered JSON). When
// nothing changes the input text is returned byte for byte.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "scc/container_config.hpp"
#include "scc/container_policy.hpp"
#include "scc/diagnostics.hpp"
#include "scc/hook_config.hpp"
#include "scc/program_cache.hpp"

namespace scc {

struct RewriteOptions {
  // The runtime is crun: with config.crun_handover, hand the program over.
  bool runtime_is_crun = false;
  std::string tool_version;  // for the cache key
  CompileFunction compile_function = compile;
  // expected_program(): false compiles in memory and never reads the cache
  // (poststart attests against a program no cache file could have altered).
  bool use_program_cache = true;
};

struct RewriteOutcome {
  std::string config_json;  // the text to write
  bool changed = false;
  PolicyDecision decision;
  std::optional<CachedProgram> handover;  // when run.oci.seccomp_bpf_data was set
};

// Errors (no output) for a bad config.json, a policy refusal, a profile that
// cannot be loaded or compiled, and crun seccomp annotations set by the
// caller (run.oci.seccomp_bpf_data, .receiver, .plugins: raw BPF or notify
// handlers that would bypass the profile) unless the value is exactly the one
// this rewrite produces. Warnings: cache problems, hand-over skipped.
Result<RewriteOutcome> rewrite_config(std::string_view config_json, const HookConfig& config,
                                      const RewriteOptions& options);
// The same for a config already parsed from `config_json`.
Result<RewriteOutcome> rewrite_config(ContainerConfig container, std::string_view config_json,
                                      const HookConfig& config, const RewriteOptions& options);

// PolicyViolation errors for crun seccomp annotations in `container` that
// could bypass its profile, except run.oci.seccomp_bpf_data equal to `ours`.
Diagnostics check_crun_annotations(const ContainerConfig& container, const std::optional<std::string>& ours);

// The program the kernel should enforce for `container`, compiled (through
// the cache) from its linux.seccomp; nullopt when it has none. When the
// config carries run.oci.seccomp_bpf_data (crun loads it instead of
// linux.seccomp), it must decode to exactly that program: anything else is
// an error, since it would make crun enforce something the profile does not
// say. Caller-set crun receivers and plugins are errors too.
Result<std::optional<CachedProgram>> expected_program(const ContainerConfig& container, const HookConfig& config,
                                                      const RewriteOptions& options);

// The compile options the hook uses for a container's profile (the same in
// precreate, createRuntime and poststart, so they share cache entries).
CompileOptions hook_compile_options();

// CacheOptions from the hook config.
ProgramCacheOptions hook_cache_options(const HookConfig& config, const std::string& tool_version,
                                       const CompileFunction& compile_function = compile);

}  // namespace scc
