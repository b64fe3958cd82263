#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scc/hook_config.hpp"
#include "support/support.hpp"

using namespace scc;

namespace {

Diagnostic only_error(const Result<HookConfig>& r) {
  REQUIRE_FALSE(r.value.has_value());
  REQUIRE(r.diagnostics.count(Severity::Error) == 1);
  for (const Diagnostic& d : r.diagnostics)
    if (d.severity == Severity::Error) return d;
  FAIL("unreachable");
  return r.diagnostics.items().front();
}

}  // namespace

TEST_CASE("a full config is read with every field") {
  auto r = parse_hook_config(R"({
    "profileDirs": ["/etc/seccomp-hook/profiles", "/usr/share/seccomp-hook/profiles/"],
    "defaultProfile": "default",
    "kubernetesRoot": "/var/lib/kubelet/seccomp",
    "policy": {"requireProfile": true, "refuseUnconfined": false,
               "denySyscalls": ["ptrace", "kexec_load"], "allowAnnotationLoosen": true},
    "cacheDir": "/var/cache/seccomp-hook",
    "crunHandover": true,
    "deadlineMs": 1500,
    "log": "/var/log/seccomp-hook.log",
    "recordDir": "/var/lib/seccomp-hook/recorded"
  })");
  REQUIRE(r.ok());
  const HookConfig& c = *r.value;
  REQUIRE(c.profile_dirs.size() == 2);
  CHECK(c.profile_dirs[0] == "/etc/seccomp-hook/profiles");
  CHECK(c.profile_dirs[1] == "/usr/share/seccomp-hook/profiles/");
  CHECK(c.default_profile == "default");
  CHECK(c.kubernetes_root == std::filesystem::path("/var/lib/kubelet/seccomp"));
  CHECK(c.policy.require_profile);
  CHECK_FALSE(c.policy.refuse_unconfined);
  CHECK(c.policy.deny_syscalls == std::vector<std::string>{"ptrace", "kexec_load"});
  CHECK(c.policy.allow_annotation_loosen);
  CHECK(c.cache_dir == std::filesystem::path("/var/cache/seccomp-hook"));
  CHECK(c.crun_handover);
  CHECK(c.deadline_ms == 1500);
  CHECK(c.log == "/var/log/seccomp-hook.log");
  CHECK(c.record_dir == std::filesystem::path("/var/lib/seccomp-hook/recorded"));
}

TEST_CASE("the smallest config takes the documented defaults") {
  auto r = parse_hook_config(R"({"profileDirs": []})");
  REQUIRE(r.ok());
  CHECK(r.value->default_profile.empty());
  CHECK_FALSE(r.value->kubernetes_root.has_value());
  CHECK_FALSE(r.value->policy.require_profile);
  CHECK(r.value->policy.refuse_unconfined);
  CHECK_FALSE(r.value->policy.allow_annotation_loosen);
  CHECK_FALSE(r.value->cache_dir.has_value());
  CHECK_FALSE(r.value->crun_handover);
  CHECK(r.value->deadline_ms == 2000);
  CHECK(r.value->log == "stderr");
  CHECK_FALSE(r.value->record_dir.has_value());
}

TEST_CASE("an unknown key is an error with its pointer and position and hint") {
  const Diagnostic& d = only_error(parse_hook_config("{\"profileDirs\": [],\n \"policy\": {\"requireProfil\": true}}"));
  CHECK(d.code == Code::UnknownField);
  CHECK(d.pointer == "/policy/requireProfil");
  CHECK(d.message == "unknown field \"requireProfil\"");
  CHECK(d.hint == "did you mean \"requireProfile\"?");
  CHECK(d.line == 2);
}

TEST_CASE("an unknown top-level key is an error") {
  const Diagnostic& d = only_error(parse_hook_config(R"({"profileDirs": [], "debug": true})"));
  CHECK(d.code == Code::UnknownField);
  CHECK(d.pointer == "/debug");
}

TEST_CASE("profileDirs is required") {
  const Diagnostic& d = only_error(parse_hook_config(R"({"defaultProfile": "x"})"));
  CHECK(d.code == Code::MissingField);
  CHECK(d.message == "missing field \"profileDirs\"");
}

TEST_CASE("wrong types are errors and never coerced") {
  CHECK(only_error(parse_hook_config(R"({"profileDirs": "/etc"})")).code == Code::TypeMismatch);
  CHECK(only_error(parse_hook_config(R"({"profileDirs": [], "crunHandover": "true"})")).pointer == "/crunHandover");
  CHECK(only_error(parse_hook_config(R"({"profileDirs": [], "policy": {"requireProfile": 1}})")).message ==
        "expected true or false, found a number (1)");
  CHECK(only_error(parse_hook_config(R"({"profileDirs": [], "deadlineMs": 2000.5})")).code == Code::BadNumber);
  CHECK(only_error(parse_hook_config(R"({"profileDirs": [], "deadlineMs": "2000"})")).code == Code::TypeMismatch);
  CHECK(only_error(parse_hook_config(R"({"profileDirs": [], "policy": []})")).pointer == "/policy");
}

TEST_CASE("relative paths are errors") {
  const Diagnostic& d = only_error(parse_hook_config(R"({"profileDirs": ["/ok", "profiles"]})"));
  CHECK(d.code == Code::BadValue);
  CHECK(d.pointer == "/profileDirs/1");
  CHECK(d.message == "expected an absolute path, found \"profiles\"");
  CHECK(only_error(parse_hook_config(R"({"profileDirs": [], "cacheDir": "cache"})")).pointer == "/cacheDir");
  CHECK(only_error(parse_hook_config(R"({"profileDirs": [], "recordDir": "rec"})")).pointer == "/recordDir");
  CHECK(only_error(parse_hook_config(R"({"profileDirs": [], "log": "syslog"})")).pointer == "/log");
}

TEST_CASE("deadlineMs out of 1..60000 is an error") {
  CHECK(only_error(parse_hook_config(R"({"profileDirs": [], "deadlineMs": 0})")).message ==
        "deadlineMs 0 is outside 1..60000");
  CHECK(only_error(parse_hook_config(R"({"profileDirs": [], "deadlineMs": 60001})")).code == Code::BadValue);
}

TEST_CASE("an unknown syscall in denySyscalls is an error with a hint") {
  const Diagnostic& d = only_error(parse_hook_config(R"({"profileDirs": [], "policy": {"denySyscalls": ["ptrce"]}})"));
  CHECK(d.code == Code::UnknownSyscall);
  CHECK(d.pointer == "/policy/denySyscalls/0");
  CHECK(d.hint == "did you mean \"ptrace\"?");
}

TEST_CASE("defaultProfile must be a usable profile name") {
  const Diagnostic& d = only_error(parse_hook_config(R"({"profileDirs": [], "defaultProfile": "../x"})"));
  CHECK(d.code == Code::ProfileNameInvalid);
  CHECK(d.pointer == "/defaultProfile");
}

TEST_CASE("a localhost default profile needs kubernetesRoot") {
  const Diagnostic d = only_error(parse_hook_config(R"({"profileDirs": [], "defaultProfile": "localhost/a.json"})"));
  CHECK(d.code == Code::MissingField);
  CHECK(d.pointer == "/defaultProfile");
  CHECK(d.message == "defaultProfile \"localhost/a.json\" is a localhost/ name, which needs kubernetesRoot");
  CHECK(parse_hook_config(R"({"profileDirs": [], "defaultProfile": "localhost/a.json", "kubernetesRoot": "/k"})").ok());
}

TEST_CASE("duplicate keys and syntax errors are refused") {
  CHECK(only_error(parse_hook_config(R"({"profileDirs": [], "profileDirs": ["/x"]})")).code == Code::DuplicateKey);
  CHECK(only_error(parse_hook_config(R"({"profileDirs": [],})")).code == Code::JsonSyntax);
  CHECK(only_error(parse_hook_config("")).code == Code::InputEmpty);
  CHECK(only_error(parse_hook_config("[]")).code == Code::NotAnObject);
}

TEST_CASE("a missing config file is an error naming the path") {
  test::TempDir dir;
  auto r = load_hook_config(dir.path() / "config.json");
  const Diagnostic& d = only_error(r);
  CHECK(d.code == Code::InputUnreadable);
  CHECK(d.message == "cannot open the hook config " + (dir.path() / "config.json").string() +
                         ": No such file or directory");
}

TEST_CASE("a config file is loaded and its errors name the path") {
  test::TempDir dir;
  auto good = dir.write("good.json", R"({"profileDirs": ["/p"]})");
  auto r = load_hook_config(good);
  REQUIRE(r.ok());
  CHECK(r.value->profile_dirs.size() == 1);
  auto bad = dir.write("bad.json", R"({"profileDirs": 1})");
  const Diagnostic& d = only_error(load_hook_config(bad));
  CHECK(d.message == bad.string() + ": expected an array, found a number (1)");
}

TEST_CASE("a group-writable config file is refused") {
  test::TempDir dir;
  auto path = dir.write("config.json", R"({"profileDirs": []})");
  REQUIRE(::chmod(path.c_str(), 0664) == 0);
  CHECK(only_error(load_hook_config(path)).message ==
        "the hook config " + path.string() + ": writable by group or others");
}

TEST_CASE("a config file not owned by root is refused") {
  if (::geteuid() != 0) test::skip("needs root to chown");
  test::TempDir dir;
  auto path = dir.write("config.json", R"({"profileDirs": []})");
  REQUIRE(::chown(path.c_str(), 65534, 65534) == 0);
  CHECK(only_error(load_hook_config(path)).message ==
        "the hook config " + path.string() + ": owned by uid 65534, not root");
}

TEST_CASE("a symlinked or non-regular config file is refused") {
  test::TempDir dir;
  auto target = dir.write("real.json", R"({"profileDirs": []})");
  std::filesystem::create_symlink(target, dir.path() / "link.json");
  CHECK(only_error(load_hook_config(dir.path() / "link.json")).message.find("Too many levels of symbolic links") !=
        std::string::npos);
  CHECK(only_error(load_hook_config(dir.path())).message ==
        "the hook config " + dir.path().string() + ": not a regular file");
}

TEST_CASE("--config wins over the environment which wins over the default") {
  CHECK(hook_config_path(std::string("/a.json"), "/b.json") == "/a.json");
  CHECK(hook_config_path(std::nullopt, "/b.json") == "/b.json");
  CHECK(hook_config_path(std::nullopt, "") == "/etc/seccomp-hook/config.json");
  CHECK(hook_config_path(std::nullopt, nullptr) == "/etc/seccomp-hook/config.json");
}

TEST_CASE("schema/hook-config.schema.json agrees with the parser") {
  // Each example is accepted by both or refused by both (the parser also
  // checks what a schema cannot: syscall names, file ownership).
  const std::vector<std::string> examples{
      R"({"profileDirs": []})",
      R"({"profileDirs": ["/p"], "defaultProfile": "web", "kubernetesRoot": "/k", "cacheDir": "/c",
          "crunHandover": true, "deadlineMs": 60000, "log": "/var/log/h.log",
          "policy": {"requireProfile": true, "refuseUnconfined": false, "denySyscalls": ["ptrace"],
                     "allowAnnotationLoosen": true}})",
      R"({"profileDirs": [], "defaultProfile": "localhost/team/web.json", "kubernetesRoot": "/k"})",
      R"({"profileDirs": [], "defaultProfile": "unconfined"})",
      R"({})",
      R"({"profileDirs": [], "extra": 1})",
      R"({"profileDirs": [], "policy": {"extra": 1}})",
      R"({"profileDirs": ["relative"]})",
      R"({"profileDirs": "/p"})",
      R"({"profileDirs": [], "deadlineMs": 0})",
      R"({"profileDirs": [], "deadlineMs": 60001})",
      R"({"profileDirs": [], "deadlineMs": 1.5})",
      R"({"profileDirs": [], "log": "syslog"})",
      R"({"profileDirs": [], "crunHandover": "yes"})",
      R"({"profileDirs": [], "defaultProfile": ""})",
      R"({"profileDirs": [], "defaultProfile": "../x"})",
      R"({"profileDirs": [], "defaultProfile": ".hidden"})",
      R"({"profileDirs": [], "defaultProfile": "a..b"})",
      R"({"profileDirs": [], "defaultProfile": "localhost/a/../b"})",
      R"({"profileDirs": [], "defaultProfile": "localhost//etc"})",
      R"({"profileDirs": [], "defaultProfile": "a\nb"})",
      R"({"profileDirs": [], "defaultProfile": "localhost/team/web.json"})",
  };
  test::TempDir dir;
  std::vector<std::string> argv{"python3", "-c",
                                "import json, sys, jsonschema\n"
                                "v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))\n"
                                "for p in sys.argv[2:]: print('valid' if v.is_valid(json.load(open(p))) else 'invalid')\n",
                                (test::source_dir() / "schema" / "hook-config.schema.json").string()};
  std::string expected;
  for (std::size_t i = 0; i < examples.size(); ++i) {
    argv.push_back(dir.write("example" + std::to_string(i) + ".json", examples[i]).string());
    expected += parse_hook_config(examples[i]).ok() ? "valid\n" : "invalid\n";
  }
  test::RunResult r = test::run_program(argv);
  if (r.exit_code != 0 && r.err.find("No module named") != std::string::npos) test::skip("python3-jsonschema is absent");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == expected);
  CHECK(expected.substr(0, 24) == "valid\nvalid\nvalid\nvalid\n");
  std::size_t invalid = 0;
  for (std::size_t at = 0; (at = expected.find("invalid", at)) != std::string::npos; ++at) ++invalid;
  CHECK(invalid == 18);
}
