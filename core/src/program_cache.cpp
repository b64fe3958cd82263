#include "scc/program_cache.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <seccomp.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "scc/names.hpp"
#include "scc/sha256.hpp"
#include "scc/syscall_table.hpp"

namespace scc {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "SCCBPF01";
constexpr std::size_t kHeaderBytes = 8 + 32;
constexpr std::size_t kMaxEntryBytes = kHeaderBytes + BPF_MAXINSNS * sizeof(sock_filter);
constexpr std::time_t kStaleTempSeconds = 60;

// The canonical encoding: every item is its 8-byte little-endian length
// followed by its bytes, so no two different sequences of items encode alike.
class Encoder {
 public:
  explicit Encoder(Sha256& hash) : hash_(hash) {}
  void bytes(std::string_view data) {
    number(data.size());
    hash_.update(data);
  }
  void number(std::uint64_t value) {
    std::uint8_t le[8];
    for (int i = 0; i < 8; ++i) le[i] = static_cast<std::uint8_t>(value >> (8 * i));
    hash_.update(std::span<const std::uint8_t>(le, 8));
  }
  void optional(const std::optional<std::uint64_t>& value) {
    number(value ? 1 : 0);
    number(value.value_or(0));
  }
  void optional(const std::optional<std::string>& value) {
    number(value ? 1 : 0);
    bytes(value.value_or(""));
  }

 private:
  Sha256& hash_;
};

// Every table row: a number the tables learn or lose changes the program
// (the ENOSYS horizon covers the numbers they do not know). Argument widths
// matter only where the profile compares an argument; encode_rule adds those.
void encode_tables(Encoder& e) {
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
    Encoder e(hash);
    encode_tables(e);
    return to_hex(hash.finish());
  }();
  return fingerprint;
}

void encode_options(Encoder& e, const CompileOptions& o, const std::vector<Arch>& arches) {
  e.number(arches.size());
  for (Arch a : arches) e.bytes(to_string(a));
  e.number(o.enosys_horizon ? 1 : 0);
  e.number(static_cast<std::uint64_t>(o.tree));
  e.number(o.tree_threshold);
  e.optional(o.bad_arch_action ? std::optional<std::uint64_t>(*o.bad_arch_action) : std::nullopt);
  e.number(o.max_rules_per_syscall);
  e.number(o.max_tree_hole_run);
}

void encode_rule(Encoder& e, const SyscallRule& rule, const std::vector<Arch>& arches) {
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

void encode_profile(Encoder& e, const Profile& p, const std::vector<Arch>& arches) {
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

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string errno_text(int e) { return std::strerror(e); }

// The cache directory, opened and checked; -1 (with a warning) when it may
// not be used.
int open_cache_dir(const fs::path& dir, Diagnostics& diagnostics) {
  auto unusable = [&](const std::string& why) {
    diagnostics.warning(Code::CacheUnusable, "",
                        "program cache " + dir.string() + " not used: " + why + "; compiling in memory");
    return -1;
  };
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      return unusable("it is missing and cannot be created (" + errno_text(errno) + ")");
    fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  }
  if (fd < 0) return unusable("cannot open it (" + errno_text(errno) + ")");
  struct stat st {};
  std::string problem;
  if (::fstat(fd, &st) != 0)
    problem = "cannot stat it (" + errno_text(errno) + ")";
  else if (st.st_uid != 0)
    problem = "it is owned by uid " + std::to_string(st.st_uid) + ", not root";
  else if ((st.st_mode & 077) != 0)
    problem = "its mode is " + std::to_string((st.st_mode >> 6) & 7) + std::to_string((st.st_mode >> 3) & 7) +
              std::to_string(st.st_mode & 7) + ", not 700";
  if (problem.empty()) return fd;
  ::close(fd);
  return unusable(problem);
}

// nullopt: no entry. An entry that fails verification is a warning and
// counts as no entry.
std::optional<bpf::Program> load_entry(int dirfd, const std::string& key, Diagnostics& diagnostics) {
  const std::string name = key + ".bpf";
  Fd fd(::openat(dirfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  auto invalid = [&](const std::string& why) {
    diagnostics.warning(Code::CacheEntryInvalid, "", "cache entry " + name + " " + why + "; recompiling");
    return std::nullopt;
  };
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    return invalid("cannot be opened (" + errno_text(errno) + ")");
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return invalid("is not a regular file");
  if (st.st_uid != 0) return invalid("is not owned by root");
  if (static_cast<std::uint64_t>(st.st_size) > kMaxEntryBytes) return invalid("is too large");
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < bytes.size()) {
    ssize_t n = ::read(fd.get(), bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return invalid("cannot be read");
    got += static_cast<std::size_t>(n);
  }
  Result<bpf::Program> decoded = decode_cache_entry(key, bytes);
  if (!decoded.ok()) return invalid(decoded.diagnostics.items().front().message);
  return std::move(*decoded.value);
}

// Temporary files of writers that died (SIGKILL between create and rename):
// removed once they are older than any live writer can be.
void sweep_stale_temporaries(int dirfd) {
  int copy = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (copy < 0) return;
  DIR* dir = ::fdopendir(copy);
  if (dir == nullptr) {
    ::close(copy);
    return;
  }
  const std::time_t now = std::time(nullptr);
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (!name.starts_with(".") || name.find(".tmp-") == std::string_view::npos) continue;
    struct stat st {};
    if (::fstatat(dirfd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && now - st.st_mtime > kStaleTempSeconds)
      ::unlinkat(dirfd, entry->d_name, 0);
  }
  ::closedir(dir);
}

std::string random_suffix() {
  std::uint8_t random[8] = {};
  if (::getrandom(random, sizeof random, 0) != static_cast<ssize_t>(sizeof random)) {
    const auto pid = static_cast<std::uint64_t>(::getpid());
    for (int i = 0; i < 8; ++i) random[i] = static_cast<std::uint8_t>(pid >> (8 * i));
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : random) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

// "" on success, else the failing step and error.
std::string write_temporary(int fd, std::string_view content) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return "write: " + errno_text(errno);
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd) != 0) return "fsync: " + errno_text(errno);
  return "";
}

std::string store_entry(int dirfd, const std::string& key, const bpf::Program& program) {
  sweep_stale_temporaries(dirfd);
  const std::string final_name = key + ".bpf";
  const std::string temp = "." + key + ".tmp-" + random_suffix();
  int fd = ::openat(dirfd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return "create " + temp + ": " + errno_text(errno);
  std::string failed = write_temporary(fd, encode_cache_entry(key, program));
  if (::close(fd) != 0 && failed.empty()) failed = "close: " + errno_text(errno);
  if (failed.empty() && ::renameat(dirfd, temp.c_str(), dirfd, final_name.c_str()) != 0)
    failed = "rename: " + errno_text(errno);
  if (!failed.empty()) {
    ::unlinkat(dirfd, temp.c_str(), 0);
    return failed;
  }
  if (::fsync(dirfd) != 0 && errno != EINVAL) return "fsync the directory: " + errno_text(errno);
  return "";
}

}  // namespace

std::string program_cache_key(const Profile& flat, const CompileOptions& options, std::string_view tool_version) {
  Diagnostics ignored;  // arches without tables: compile() reports them
  const std::vector<Arch> arches = target_arches(flat, options, ignored);
  Sha256 hash;
  Encoder e(hash);
  e.bytes("seccomp-hook program cache v1");
  e.bytes(tool_version);
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
  Fd dirfd(cache.dir ? open_cache_dir(*cache.dir, result.diagnostics) : -1);
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
    const std::string failed = store_entry(dirfd.get(), out.key, out.program);
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
