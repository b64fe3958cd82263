#include "scc/program_cache.hpp"

#include <seccomp.h>

#include <algorithm>

#include "cache_dir.hpp"
#include "key_encoder.hpp"
#include "scc/names.hpp"
#include "scc/sha256.hpp"
#include "scc/syscall_table.hpp"

namespace scc {
namespace {

constexpr std::string_view kMagic = "SCCBPF01";
constexpr std::size_t kHeaderBytes = 8 + 32;
constexpr std::size_t kMaxEntryBytes = kHeaderBytes + BPF_MAXINSNS * sizeof(sock_filter);

// Every table row: a number the tables learn or lose changes the program
// (the ENOSYS horizon covers the numbers they do not know). Argument widths
// matter only where the profile compares an argument; encode_rule adds those.
void encode_tables(KeyEncoder& e) {
  for (Arch arch : table_arches()) {
    const SyscallTable* table = syscall_table(arch);
    e.bytes(short_name(arch));
    e.number(table->entries().size());
    for (const SyscallEntry& entry : table->entries()) {
      e.bytes(entry.name);
      e.number(entry.number);
    }
  }
}

const std::string& tables_fingerprint() {
  static const std::string fingerprint = [] {
    Sha256 hash;
    KeyEncoder e(hash);
    encode_tables(e);
    return to_hex(hash.finish());
  }();
  return fingerprint;
}

void encode_options(KeyEncoder& e, const CompileOptions& o, const std::vector<Arch>& arches) {
  e.number(arches.size());
  for (Arch a : arches) e.bytes(to_string(a));
  e.number(o.enosys_horizon ? 1 : 0);
  e.number(static_cast<std::uint64_t>(o.tree));
  e.number(o.tree_threshold);
  e.optional(o.bad_arch_action ? std::optional<std::uint64_t>(*o.bad_arch_action) : std::nullopt);
  e.number(o.max_rules_per_syscall);
  e.number(o.max_tree_hole_run);
}

void encode_rule(KeyEncoder& e, const SyscallRule& rule, const std::vector<Arch>& arches) {
  e.number(rule.names.size());
  for (const std::string& name : rule.names) e.bytes(name);
  // How wide the kernel reads each compared argument decides how it is compiled.
  for (const std::string& name : rule.names)
    for (const ArgCondition& c : rule.args)
      for (Arch arch : arches)
        e.number(static_cast<std::uint64_t>(arg_width(arch, name, static_cast<unsigned>(std::min<std::uint64_t>(c.index, 6)))));
  e.bytes(to_string(rule.action));
  e.optional(rule.errno_ret);
  e.bytes(rule.errno_name);
  e.number(rule.args.size());
  for (const ArgCondition& c : rule.args) {
    e.number(c.index);
    e.number(c.value);
    e.number(c.has_value ? 1 : 0);
    e.optional(c.value_two);
    e.bytes(to_string(c.op));
  }
  // A flat profile has none; encoded so a non-flat one can never share a key.
  e.number(rule.includes.empty() && rule.excludes.empty() ? 0 : 1);
}

void encode_profile(KeyEncoder& e, const Profile& p, const std::vector<Arch>& arches) {
  e.number(p.default_action ? 1 : 0);
  e.bytes(p.default_action ? to_string(*p.default_action) : "");
  e.optional(p.default_errno_ret);
  e.bytes(p.default_errno_name);
  e.number(p.has_architectures ? 1 : 0);
  e.number(p.architectures.size());
  for (Arch a : p.architectures) e.bytes(to_string(a));
  e.number(p.arch_map.size());
  e.number(p.flags.size());
  for (Flag f : p.flags) e.bytes(to_string(f));
  e.optional(p.listener_path);
  e.optional(p.listener_metadata);
  e.number(p.syscalls.size());
  for (const SyscallRule& rule : p.syscalls) encode_rule(e, rule, arches);
}

std::string entry_digest(std::string_view key, std::span<const std::uint8_t> program) {
  Sha256 hash;
  hash.update(key);
  hash.update(program);
  const Sha256::Digest d = hash.finish();
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

// nullopt: no entry. An entry that fails verification is a warning and
// counts as no entry.
std::optional<bpf::Program> load_entry(int dirfd, const std::string& key, Diagnostics& diagnostics) {
  const std::string name = key + ".bpf";
  auto invalid = [&](const std::string& why) {
    diagnostics.warning(Code::CacheEntryInvalid, "", "cache entry " + name + " " + why + "; recompiling");
    return std::nullopt;
  };
  std::string problem;
  std::optional<std::string> bytes = cache_dir::read_entry(dirfd, name, kMaxEntryBytes, &problem);
  if (!problem.empty()) return invalid(problem);
  if (!bytes) return std::nullopt;
  Result<bpf::Program> decoded = decode_cache_entry(key, *bytes);
  if (!decoded.ok()) return invalid(decoded.diagnostics.items().front().message);
  return std::move(*decoded.value);
}

}  // namespace

std::string program_cache_key(const Profile& flat, const CompileOptions& options, std::string_view tool_version) {
  Diagnostics ignored;  // arches without tables: compile() reports them
  const std::vector<Arch> arches = target_arches(flat, options, ignored);
  Sha256 hash;
  KeyEncoder e(hash);
  e.bytes("seccomp-hook program cache v1");
  e.bytes(tool_version);
  e.bytes(kCompilerRevision);
  const scmp_version* v = seccomp_version();
  e.number(v->major);
  e.number(v->minor);
  e.number(v->micro);
  e.number(seccomp_api_get());
  e.bytes(tables_fingerprint());
  encode_options(e, options, arches);
  encode_profile(e, flat, arches);
  return to_hex(hash.finish());
}

std::string encode_cache_entry(std::string_view key, const bpf::Program& program) {
  const std::vector<std::uint8_t> bytes = program.to_bytes();
  std::string out(kMagic);
  out += entry_digest(key, bytes);
  out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return out;
}

Result<bpf::Program> decode_cache_entry(std::string_view key, std::string_view bytes) {
  Result<bpf::Program> result;
  auto invalid = [&](const std::string& why) {
    result.diagnostics.error(Code::CacheEntryInvalid, "", why);
    return result;
  };
  if (bytes.size() < kHeaderBytes + sizeof(sock_filter) || (bytes.size() - kHeaderBytes) % sizeof(sock_filter) != 0)
    return invalid("has " + std::to_string(bytes.size()) + " bytes, not a 40-byte header and whole instructions");
  if (bytes.substr(0, kMagic.size()) != kMagic) return invalid("does not start with " + std::string(kMagic));
  const std::span<const std::uint8_t> program_bytes(
      reinterpret_cast<const std::uint8_t*>(bytes.data()) + kHeaderBytes, bytes.size() - kHeaderBytes);
  if (entry_digest(key, program_bytes) != bytes.substr(kMagic.size(), 32))
    return invalid("does not match its checksum (changed, or copied from another key)");
  Result<bpf::Program> program = bpf::Program::from_bytes(program_bytes);
  if (!program.ok()) return invalid("is not a program: " + program.diagnostics.items().front().message);
  Diagnostics checked = bpf::check(*program.value);
  if (checked.has_errors()) return invalid("fails the kernel's checks: " + checked.items().front().message);
  result.value = std::move(*program.value);
  return result;
}

std::string_view to_string(CacheOutcome outcome) {
  switch (outcome) {
    case CacheOutcome::Hit:
      return "hit";
    case CacheOutcome::Miss:
      return "miss";
    case CacheOutcome::Uncached:
      return "uncached";
  }
  return "uncached";
}

Result<CachedProgram> compile_cached(const Profile& flat, const CompileOptions& options,
                                     const ProgramCacheOptions& cache) {
  Result<CachedProgram> result;
  CachedProgram out;
  out.key = program_cache_key(flat, options, cache.tool_version);
  cache_dir::Fd dirfd(cache.dir ? cache_dir::open(*cache.dir, "program cache", "compiling in memory", result.diagnostics) : -1);
  if (dirfd.get() >= 0) {
    if (auto program = load_entry(dirfd.get(), out.key, result.diagnostics)) {
      out.program = std::move(*program);
      out.program_sha256 = program_sha256(out.program);
      out.outcome = CacheOutcome::Hit;
      result.value = std::move(out);
      return result;
    }
  }
  Result<CompiledFilter> compiled = cache.compile_function(flat, options);
  result.diagnostics.append(compiled.diagnostics);
  if (!compiled.ok()) return result;
  out.program = compiled.value->program;
  out.program_sha256 = program_sha256(out.program);
  out.compiled = std::move(*compiled.value);
  if (dirfd.get() >= 0) {
    const std::string failed = cache_dir::store_entry(dirfd.get(), out.key + ".bpf", encode_cache_entry(out.key, out.program));
    if (failed.empty())
      out.outcome = CacheOutcome::Miss;
    else
      result.diagnostics.warning(Code::CacheUnusable, "",
                                 "program cache " + cache.dir->string() + ": cannot store " + out.key +
                                     ".bpf (" + failed + "); the program was compiled in memory");
  }
  result.value = std::move(out);
  return result;
}

}  // namespace scc
