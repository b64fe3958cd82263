#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "scc/profile_store.hpp"
#include "support/support.hpp"

using namespace scc;
namespace fs = std::filesystem;

namespace {

constexpr const char* kProfile = R"({"defaultAction": "SCMP_ACT_ERRNO"})";

std::string name_error(std::string_view name) {
  Diagnostics d = check_profile_name(name);
  if (d.empty()) return "";
  CHECK(d.items().front().code == Code::ProfileNameInvalid);
  return d.items().front().message;
}

Diagnostic only_error(const Result<StoredProfile>& r) {
  REQUIRE_FALSE(r.value.has_value());
  REQUIRE(r.diagnostics.size() == 1);
  return r.diagnostics.items().front();
}

// A store with one directory, "profiles", inside a fresh TempDir.
struct Store {
  test::TempDir tmp;
  fs::path dir = tmp.path() / "profiles";
  ProfileStore store;
  Store() {
    fs::create_directory(dir);
    store.dirs = {dir};
  }
};

}  // namespace

TEST_CASE("plain names and localhost paths that are allowed") {
  CHECK(name_error("web") == "");
  CHECK(name_error("web.json") == "");
  CHECK(name_error("a-b_c.d") == "");
  CHECK(name_error("localhost/team/web.json") == "");
  CHECK(name_error(std::string(255, 'a')) == "");
}

TEST_CASE("traversal and hostile names are refused each with its reason") {
  CHECK(name_error("") == "profile name \"\" is not allowed: it is empty");
  CHECK(name_error("../x") == "profile name \"../x\" is not allowed: it contains \"/\" (only localhost/<path> names may)");
  CHECK(name_error("/etc/passwd") ==
        "profile name \"/etc/passwd\" is not allowed: it contains \"/\" (only localhost/<path> names may)");
  CHECK(name_error("a/../../b") ==
        "profile name \"a/../../b\" is not allowed: it contains \"/\" (only localhost/<path> names may)");
  CHECK(name_error("..") == "profile name \"..\" is not allowed: it contains \"..\"");
  CHECK(name_error("a..b") == "profile name \"a..b\" is not allowed: it contains \"..\"");
  CHECK(name_error(".hidden") == "profile name \".hidden\" is not allowed: it starts with \".\"");
  CHECK(name_error(std::string("we\0b", 4)) == "profile name \"we?b\" is not allowed: it contains a NUL byte");
  CHECK(name_error("we\nb") == "profile name \"we?b\" is not allowed: it contains a control character");
  CHECK(name_error(std::string(256, 'a')) ==
        "profile name \"" + std::string(64, 'a') + "\"... is not allowed: it is longer than 255 bytes");
}

TEST_CASE("localhost paths must descend") {
  CHECK(name_error("localhost/") == "profile name \"localhost/\" is not allowed: the localhost/ path is empty");
  CHECK(name_error("localhost//etc/passwd") ==
        "profile name \"localhost//etc/passwd\" is not allowed: the localhost/ path is absolute; it must descend from the root");
  CHECK(name_error("localhost/a/../../b") ==
        "profile name \"localhost/a/../../b\" is not allowed: the localhost/ path has a \"..\" component");
  CHECK(name_error("localhost/a//b") ==
        "profile name \"localhost/a//b\" is not allowed: the localhost/ path has an empty component");
  CHECK(name_error("localhost/a/./b") ==
        "profile name \"localhost/a/./b\" is not allowed: the localhost/ path has a \".\" component");
  CHECK(name_error("localhost/a/") ==
        "profile name \"localhost/a/\" is not allowed: the localhost/ path has an empty component");
  CHECK(name_error("localhost/" + std::string(4097, 'a')) ==
        "profile name \"localhost/" + std::string(54, 'a') +
            "\"... is not allowed: the localhost/ path is longer than 4095 bytes");
}

TEST_CASE("a name is found as <name> then <name>.json in directory order") {
  Store s;
  test::TempDir second;
  s.store.dirs.push_back(second.path());
  second.write("web.json", "second");
  s.tmp.write("profiles/web.json", "first");
  auto r = find_profile(s.store, "web");
  REQUIRE(r.ok());
  CHECK(r.value->text == "first");
  CHECK(r.value->path == s.dir / "web.json");
  s.tmp.write("profiles/web", "exact");
  CHECK(find_profile(s.store, "web").value->text == "exact");
  CHECK(find_profile(s.store, "web.json").value->text == "first");
  fs::remove(s.dir / "web");
  fs::remove(s.dir / "web.json");
  CHECK(find_profile(s.store, "web").value->text == "second");
}

TEST_CASE("a missing profile lists every place looked at") {
  Store s;
  s.store.dirs.push_back(s.tmp.path() / "absent");
  const Diagnostic& d = only_error(find_profile(s.store, "web"));
  CHECK(d.code == Code::ProfileNotFound);
  CHECK(d.message == "profile \"web\" not found (looked at: " + (s.dir / "web").string() + ", " +
                         (s.dir / "web.json").string() + ", " + (s.tmp.path() / "absent").string() +
                         " (no such directory))");
}

TEST_CASE("the hash of the content read is kept") {
  Store s;
  s.tmp.write("profiles/web.json", kProfile);
  auto r = find_profile(s.store, "web");
  REQUIRE(r.ok());
  CHECK(r.value->sha256.size() == 64);
}

TEST_CASE("a symlink that stays inside the directory is followed") {
  Store s;
  s.tmp.write("profiles/real/base.json", kProfile);
  fs::create_symlink("real/base.json", s.dir / "web.json");
  auto r = find_profile(s.store, "web");
  REQUIRE(r.ok());
  CHECK(r.value->text == kProfile);
}

TEST_CASE("a symlink that leaves the directory is refused") {
  Store s;
  auto outside = s.tmp.write("outside.json", kProfile);
  fs::create_symlink(outside, s.dir / "abs.json");
  fs::create_symlink("../outside.json", s.dir / "rel.json");
  fs::create_symlink("/proc/self/environ", s.dir / "magic.json");
  for (const char* name : {"abs", "rel", "magic"}) {
    CAPTURE(name);
    const Diagnostic& d = only_error(find_profile(s.store, name));
    CHECK(d.code == Code::ProfileFileUnsafe);
    CHECK(d.message == "profile \"" + std::string(name) + "\": " + (s.dir / (std::string(name) + ".json")).string() +
                           " resolves outside " + s.dir.string() + " (a symlink or mount point leaves the directory)");
  }
}

TEST_CASE("a FIFO and a directory and a group-writable file are refused") {
  Store s;
  REQUIRE(::mkfifo((s.dir / "fifo.json").c_str(), 0644) == 0);
  fs::create_directory(s.dir / "dir.json");
  auto writable = s.tmp.write("profiles/writable.json", kProfile);
  REQUIRE(::chmod(writable.c_str(), 0664) == 0);
  CHECK(only_error(find_profile(s.store, "fifo")).message ==
        "profile \"fifo\": " + (s.dir / "fifo.json").string() + " is not a regular file");
  CHECK(only_error(find_profile(s.store, "dir")).message ==
        "profile \"dir\": " + (s.dir / "dir.json").string() + " is not a regular file");
  CHECK(only_error(find_profile(s.store, "writable")).message ==
        "profile \"writable\": " + writable.string() + " is writable by group or others");
}

TEST_CASE("a profile not owned by root is refused") {
  if (::geteuid() != 0) test::skip("needs root to chown");
  Store s;
  auto path = s.tmp.write("profiles/web.json", kProfile);
  REQUIRE(::chown(path.c_str(), 65534, 65534) == 0);
  const Diagnostic& d = only_error(find_profile(s.store, "web"));
  CHECK(d.code == Code::ProfileFileUnsafe);
  CHECK(d.message == "profile \"web\": " + path.string() + " is owned by uid 65534, not root");
}

TEST_CASE("a world-writable directory on the way is refused") {
  Store s;
  REQUIRE(::chmod(s.dir.c_str(), 0777) == 0);
  s.tmp.write("profiles/web.json", kProfile);
  const Diagnostic& d = only_error(find_profile(s.store, "web"));
  CHECK(d.code == Code::ProfileFileUnsafe);
  CHECK(d.message == "profile \"web\": directory " + s.dir.string() + " is writable by group or others");
}

TEST_CASE("a group-writable ancestor of the profile directory is refused") {
  Store s;
  REQUIRE(::chmod(s.tmp.path().c_str(), 0770) == 0);
  const Diagnostic& d = only_error(find_profile(s.store, "web"));
  CHECK(d.code == Code::ProfileFileUnsafe);
  CHECK(d.message == "profile directory " + s.dir.string() + ": directory " + s.tmp.path().string() +
                         " is writable by group or others");
}

TEST_CASE("a profile over the size limit is refused before it is read") {
  Store s;
  s.store.max_bytes = 16;
  auto path = s.tmp.write("profiles/big.json", std::string(17, ' '));
  const Diagnostic& d = only_error(find_profile(s.store, "big"));
  CHECK(d.code == Code::InputTooLarge);
  CHECK(d.message == "profile \"big\": " + path.string() + " is 17 bytes; the limit is 16");
}

TEST_CASE("localhost names are read from the Kubernetes root only") {
  Store s;
  fs::path root = s.tmp.path() / "kubelet";
  s.tmp.write("kubelet/team/web.json", "k8s");
  s.tmp.write("profiles/team/web.json", "store");
  CHECK(only_error(find_profile(s.store, "localhost/team/web.json")).message ==
        "profile \"localhost/team/web.json\": localhost/ names need kubernetesRoot in the hook config");
  s.store.kubernetes_root = root;
  auto r = find_profile(s.store, "localhost/team/web.json");
  REQUIRE(r.ok());
  CHECK(r.value->text == "k8s");
  CHECK(only_error(find_profile(s.store, "localhost/team/web")).code == Code::ProfileNotFound);
}

TEST_CASE("a symlinked directory inside the Kubernetes root that points out is refused") {
  Store s;
  fs::path root = s.tmp.path() / "kubelet";
  fs::create_directory(root);
  s.tmp.write("elsewhere/web.json", kProfile);
  fs::create_directory_symlink(s.tmp.path() / "elsewhere", root / "team");
  s.store.kubernetes_root = root;
  CHECK(only_error(find_profile(s.store, "localhost/team/web.json")).code == Code::ProfileFileUnsafe);
}

TEST_CASE("an invalid name is refused before any lookup") {
  Store s;
  CHECK(only_error(find_profile(s.store, "../profiles/x")).code == Code::ProfileNameInvalid);
}
