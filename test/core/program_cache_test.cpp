#include <doctest/doctest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "scc/program_cache.hpp"
#include "support/support.hpp"

using namespace scc;
namespace fs = std::filesystem;

namespace {

Profile profile(std::vector<std::string> names = {"read", "write"}, std::optional<std::uint64_t> errno_ret = {}) {
  Profile p;
  p.dialect = Dialect::Oci;
  p.default_action = Action::KillProcess;
  SyscallRule allow;
  allow.names = std::move(names);
  allow.action = Action::Allow;
  SyscallRule deny;
  deny.names = {"mkdir"};
  deny.action = Action::Errno;
  deny.errno_ret = errno_ret;
  p.syscalls = {allow, deny};
  return p;
}

struct Counter {
  int calls = 0;
  CompileFunction function() {
    return [this](const Profile& p, const CompileOptions& o) {
      ++calls;
      return compile(p, o);
    };
  }
};

ProgramCacheOptions options_for(const fs::path& dir, Counter& counter) {
  ProgramCacheOptions o;
  o.dir = dir;
  o.tool_version = "test";
  o.compile_function = counter.function();
  return o;
}

std::string read_bytes(const fs::path& p) { return test::read_file(p); }

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

Diagnostic only_warning(const Diagnostics& d) {
  REQUIRE(d.count(Severity::Warning) == 1);
  CHECK_FALSE(d.has_errors());
  for (const Diagnostic& item : d)
    if (item.severity == Severity::Warning) return item;
  return {};
}

bool quiet(const Diagnostics& d) { return d.count(Severity::Warning) == 0 && !d.has_errors(); }

// A cache directory as the hook wants it: root's, mode 0700.
fs::path cache_dir(const test::TempDir& tmp) {
  fs::path dir = tmp.path() / "cache";
  fs::create_directory(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  return dir;
}

}  // namespace

TEST_CASE("the key is stable and 64 hex digits") {
  const std::string key = program_cache_key(profile(), {}, "1");
  CHECK(key.size() == 64);
  CHECK(key.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(program_cache_key(profile(), {}, "1") == key);
}

TEST_CASE("the key changes with per-rule errnoRet and name boundaries and version and options") {
  const std::string key = program_cache_key(profile(), {}, "1");
  CHECK(program_cache_key(profile({"read", "write"}, 1), {}, "1") != key);
  CHECK(program_cache_key(profile({"read", "write"}, 1), {}, "1") != program_cache_key(profile({"read", "write"}, 13), {}, "1"));
  CHECK(program_cache_key(profile({"mkdir", "at"}), {}, "1") != program_cache_key(profile({"mkdirat"}), {}, "1"));
  CHECK(program_cache_key(profile(), {}, "2") != key);
  CompileOptions no_horizon;
  no_horizon.enosys_horizon = false;
  CHECK(program_cache_key(profile(), no_horizon, "1") != key);
  CompileOptions other_arches;
  other_arches.arches = {Arch::X86_64, Arch::X86};
  CHECK(program_cache_key(profile(), other_arches, "1") != key);
  CompileOptions pfc;  // PFC text does not change the program
  pfc.pfc = true;
  CHECK(program_cache_key(profile(), pfc, "1") == key);
}

TEST_CASE("an entry decodes to its program and only under its own key") {
  auto compiled = compile(profile());
  REQUIRE(compiled.ok());
  const std::string key = program_cache_key(profile(), {}, "1");
  const std::string entry = encode_cache_entry(key, compiled.value->program);
  CHECK(entry.substr(0, 8) == "SCCBPF01");
  CHECK(entry.size() == 40 + 8 * compiled.value->program.size());
  auto decoded = decode_cache_entry(key, entry);
  REQUIRE(decoded.ok());
  CHECK(*decoded.value == compiled.value->program);
  auto other = decode_cache_entry(std::string(64, '0'), entry);
  REQUIRE_FALSE(other.ok());
  CHECK(other.diagnostics.items().front().message == "does not match its checksum (changed, or copied from another key)");
  CHECK(decode_cache_entry(key, entry.substr(0, entry.size() - 1)).diagnostics.items().front().message ==
        "has " + std::to_string(entry.size() - 1) + " bytes, not a 40-byte header and whole instructions");
  std::string magic = entry;
  magic[0] = 'X';
  CHECK(decode_cache_entry(key, magic).diagnostics.items().front().message == "does not start with SCCBPF01");
}

TEST_CASE("a miss compiles and stores and a hit compiles nothing") {
  test::TempDir tmp;
  const fs::path dir = cache_dir(tmp);
  Counter counter;
  auto first = compile_cached(profile(), {}, options_for(dir, counter));
  REQUIRE(first.ok());
  CHECK(quiet(first.diagnostics));
  CHECK(first.value->outcome == CacheOutcome::Miss);
  CHECK(counter.calls == 1);
  CHECK(fs::exists(dir / (first.value->key + ".bpf")));
  CHECK(entries(dir) == 1);

  auto second = compile_cached(profile(), {}, options_for(dir, counter));
  REQUIRE(second.ok());
  CHECK(second.value->outcome == CacheOutcome::Hit);
  CHECK(counter.calls == 1);
  CHECK(second.value->program == first.value->program);
  CHECK(second.value->program_sha256 == first.value->program_sha256);
  CHECK_FALSE(second.value->compiled.has_value());
}

TEST_CASE("a tampered entry is detected and recompiled and replaced") {
  test::TempDir tmp;
  const fs::path dir = cache_dir(tmp);
  Counter counter;
  auto first = compile_cached(profile(), {}, options_for(dir, counter));
  REQUIRE(first.ok());
  const fs::path entry = dir / (first.value->key + ".bpf");
  std::string bytes = read_bytes(entry);
  bytes[bytes.size() - 4] ^= 0x01;  // the last RET's value: still a valid program
  write_bytes(entry, bytes);
  auto second = compile_cached(profile(), {}, options_for(dir, counter));
  REQUIRE(second.ok());
  CHECK(counter.calls == 2);
  CHECK(second.value->outcome == CacheOutcome::Miss);
  CHECK(second.value->program == first.value->program);
  const Diagnostic& d = only_warning(second.diagnostics);
  CHECK(d.code == Code::CacheEntryInvalid);
  CHECK(d.message == "cache entry " + first.value->key +
                         ".bpf does not match its checksum (changed, or copied from another key); recompiling");
  CHECK(decode_cache_entry(first.value->key, read_bytes(entry)).ok());
}

TEST_CASE("a cache directory with group or other bits is not used") {
  test::TempDir tmp;
  const fs::path dir = cache_dir(tmp);
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec, fs::perm_options::replace);
  Counter counter;
  auto r = compile_cached(profile(), {}, options_for(dir, counter));
  REQUIRE(r.ok());
  CHECK(r.value->outcome == CacheOutcome::Uncached);
  CHECK(entries(dir) == 0);
  const Diagnostic& d = only_warning(r.diagnostics);
  CHECK(d.code == Code::CacheUnusable);
  CHECK(d.message == "program cache " + dir.string() + " not used: its mode is 755, not 700; compiling in memory");
}

TEST_CASE("a cache directory not owned by root is not used") {
  if (::geteuid() != 0) test::skip("needs root to chown");
  test::TempDir tmp;
  const fs::path dir = cache_dir(tmp);
  REQUIRE(::chown(dir.c_str(), 65534, 65534) == 0);
  Counter counter;
  auto r = compile_cached(profile(), {}, options_for(dir, counter));
  REQUIRE(r.ok());
  CHECK(r.value->outcome == CacheOutcome::Uncached);
  CHECK(only_warning(r.diagnostics).message ==
        "program cache " + dir.string() + " not used: it is owned by uid 65534, not root; compiling in memory");
}

TEST_CASE("a missing cache directory is created 0700 and a missing parent means no cache") {
  test::TempDir tmp;
  Counter counter;
  auto created = compile_cached(profile(), {}, options_for(tmp.path() / "new", counter));
  REQUIRE(created.ok());
  CHECK(created.value->outcome == CacheOutcome::Miss);
  struct stat st {};
  REQUIRE(::stat((tmp.path() / "new").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0700);

  auto orphan = compile_cached(profile(), {}, options_for(tmp.path() / "no" / "cache", counter));
  REQUIRE(orphan.ok());
  CHECK(orphan.value->outcome == CacheOutcome::Uncached);
  CHECK(only_warning(orphan.diagnostics).message ==
        "program cache " + (tmp.path() / "no" / "cache").string() +
            " not used: it is missing and cannot be created (No such file or directory); compiling in memory");
}

TEST_CASE("a read-only cache directory falls back to compiling in memory") {
  if (::geteuid() != 0) test::skip("needs root for a read-only bind mount");
  test::TempDir tmp;
  const fs::path dir = cache_dir(tmp);
  // In a child with its own mount namespace, so the host's mounts are untouched.
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount(dir.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr) != 0 ||
        ::mount(nullptr, dir.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0)
      ::_exit(10);
    Counter counter;
    auto r = compile_cached(profile(), {}, options_for(dir, counter));
    if (!r.ok() || r.value->outcome != CacheOutcome::Uncached || counter.calls != 1) ::_exit(11);
    if (r.diagnostics.count(Severity::Warning) != 1) ::_exit(12);
    const Diagnostic warning = only_warning(r.diagnostics);
    if (warning.code != Code::CacheUnusable) ::_exit(12);
    const std::string& message = warning.message;
    if (message.find("Read-only file system") == std::string::npos) ::_exit(13);
    if (!(r.value->program == compile(profile()).value->program)) ::_exit(14);
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(entries(dir) == 0);
}

TEST_CASE("concurrent writers of one key end with one valid entry") {
  test::TempDir tmp;
  const fs::path dir = cache_dir(tmp);
  constexpr int kWriters = 8;
  std::vector<pid_t> children;
  for (int i = 0; i < kWriters; ++i) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      Counter counter;
      auto r = compile_cached(profile(), {}, options_for(dir, counter));
      ::_exit(r.ok() && quiet(r.diagnostics) && r.value->outcome != CacheOutcome::Uncached ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  const std::string key = program_cache_key(profile(), {}, "test");
  CHECK(entries(dir) == 1);
  auto decoded = decode_cache_entry(key, read_bytes(dir / (key + ".bpf")));
  REQUIRE(decoded.ok());
  CHECK(*decoded.value == compile(profile()).value->program);
}

TEST_CASE("temporary files of dead writers are swept once stale") {
  test::TempDir tmp;
  const fs::path dir = cache_dir(tmp);
  write_bytes(dir / ".old.tmp-0000", "partial");
  write_bytes(dir / ".new.tmp-0000", "partial");
  const struct timespec old_times[2] = {{0, 0}, {std::time(nullptr) - 3600, 0}};
  REQUIRE(::utimensat(AT_FDCWD, (dir / ".old.tmp-0000").c_str(), old_times, 0) == 0);
  Counter counter;
  REQUIRE(compile_cached(profile(), {}, options_for(dir, counter)).ok());
  CHECK_FALSE(fs::exists(dir / ".old.tmp-0000"));
  CHECK(fs::exists(dir / ".new.tmp-0000"));
}

TEST_CASE("no cache directory: compiled every time without a warning") {
  Counter counter;
  ProgramCacheOptions o;
  o.compile_function = counter.function();
  auto r = compile_cached(profile(), {}, o);
  REQUIRE(r.ok());
  CHECK(r.value->outcome == CacheOutcome::Uncached);
  CHECK(quiet(r.diagnostics));
  CHECK(counter.calls == 1);
}

TEST_CASE("a compile error is returned and nothing is stored") {
  test::TempDir tmp;
  const fs::path dir = cache_dir(tmp);
  Counter counter;
  Profile bad = profile();
  bad.default_action.reset();
  auto r = compile_cached(bad, {}, options_for(dir, counter));
  CHECK_FALSE(r.ok());
  CHECK(r.diagnostics.has_errors());
  CHECK(entries(dir) == 0);
}
