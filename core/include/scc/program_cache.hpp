// A content-addressed cache of compiled seccomp-BPF programs, so that a warm
// container start compiles nothing (issue 4). Safe under concurrent starts
// and against a hostile or broken cache (reliability.md §4.2 item 5, §5 rows
// 53-57):
//  - the key is SHA-256 over a canonical, length-prefixed encoding of every
//    input that changes the program (program_cache_key below);
//  - entries are immutable files <dir>/<key>.bpf, written to an O_EXCL
//    temporary name, fsynced, renamed into place, and the directory fsynced;
//    writers racing on one key write the same bytes and either rename wins;
//  - the directory must be owned by root with mode 0700 (no group or other
//    bits); otherwise, or when it is missing and cannot be created, or
//    read-only, the cache is not used: the program is compiled in memory and
//    a warning says why. The cache never weakens a filter, it only saves work;
//  - an entry is verified on every load: framing, its embedded SHA-256 (over
//    the key and the program, so an entry copied to another key fails too)
//    and bpf::check(); a bad entry is a warning, and the program is compiled
//    and the entry replaced.
//
// Entry format: "SCCBPF01" (8 bytes), SHA-256(key in hex || program bytes)
// (32 bytes), then the program as struct sock_filter[] (8 bytes each, host
// byte order). `tail -c +41 <entry>` is the raw program.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scc/bpf.hpp"
#include "scc/compile.hpp"
#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"

namespace scc {

// The cache key, 64 hex digits: SHA-256 over, each length-prefixed: a format
// tag; `tool_version` (the project's version); libseccomp's version
// (seccomp_version()) and API level; a fingerprint of the syscall tables
// (every arch, name and number); the target arches as compile() will use
// them; every CompileOptions field that shapes the program (not pfc); and
// every field of the flat profile in order: default action, errno number and
// name, architectures, flags, listener fields, and per rule its names (each
// one, so ["mkdir","at"] and ["mkdirat"] differ), the width the tables give
// each compared argument of each name on each target arch, action, errnoRet,
// errno name and each argument's index, value, valueTwo and operator.
std::string program_cache_key(const Profile& flat, const CompileOptions& options,
                              std::string_view tool_version);

// The bytes of an entry for `program` under `key`, and the program back out
// of such bytes: CacheEntryInvalid errors for a wrong size, magic or digest,
// or a program bpf::check() rejects.
std::string encode_cache_entry(std::string_view key, const bpf::Program& program);
Result<bpf::Program> decode_cache_entry(std::string_view key, std::string_view bytes);

enum class CacheOutcome {
  Hit,       // loaded from the cache; nothing compiled
  Miss,      // compiled and stored
  Uncached,  // compiled; the cache is off, unusable, or the store failed
};
std::string_view to_string(CacheOutcome outcome);  // "hit", "miss", "uncached"

using CompileFunction = std::function<Result<CompiledFilter>(const Profile&, const CompileOptions&)>;

struct ProgramCacheOptions {
  std::optional<std::filesystem::path> dir;  // nullopt: no cache
  std::string tool_version;
  CompileFunction compile_function = compile;  // replaceable so tests can count calls
};

struct CachedProgram {
  bpf::Program program;
  std::string key;
  std::string program_sha256;
  CacheOutcome outcome = CacheOutcome::Uncached;
  std::optional<CompiledFilter> compiled;  // when this call compiled
};

// The program for `flat`: from the cache when a verified entry exists, else
// compiled (and stored when the cache is usable). Errors only when compiling
// fails; cache problems are warnings.
Result<CachedProgram> compile_cached(const Profile& flat, const CompileOptions& options,
                                     const ProgramCacheOptions& cache);

}  // namespace scc
