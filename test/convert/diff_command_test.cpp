// seccomp-convert diff: profiles and raw programs, text and JSON, exit codes.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "scc/compile.hpp"
#include "scc/read.hpp"
#include "support/support.hpp"

using scc::test::RunResult;
using scc::test::TempDir;
using scc::test::run_convert;

namespace {

std::string profile(const std::string& clone3_errno, const std::string& arches = R"(["SCMP_ARCH_X86_64"])") {
  return R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":)" + arches +
         R"(,"syscalls":[{"names":["read","write","close"],"action":"SCMP_ACT_ALLOW"},)"
         R"({"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":)" + clone3_errno + R"(},)"
         R"({"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":40,"op":"SCMP_CMP_NE"}]}]})";
}

// The program `diff --arch x86_64` compiles for the profile, as raw bytes.
std::string compiled_bytes(const std::string& text, bool enosys_horizon = true) {
  auto doc = scc::read_document(text);
  REQUIRE(doc.ok());
  scc::CompileOptions options;
  options.arches = {scc::Arch::X86_64};
  options.enosys_horizon = enosys_horizon;
  auto filter = scc::compile(doc.value->profiles.at(0), options);
  REQUIRE(filter.ok());
  const auto bytes = filter.value->program.to_bytes();
  return std::string(bytes.begin(), bytes.end());
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    out.push_back(text.substr(start, end - start));
  return out;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

TEST_CASE("diff: the same profile twice is proven equivalent and exits 0") {
  TempDir dir;
  const auto a = dir.write("a.json", profile("38")).string();
  const auto b = dir.write("b.json", profile("38")).string();
  const RunResult r = run_convert({"diff", a, b, "--arch", "x86_64"});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  const auto out = lines(r.out);
  REQUIRE(out.size() == 3);
  CHECK(out[0] == "A: " + a + " (profile)");
  CHECK(out[1] == "B: " + b + " (profile)");
  CHECK(starts_with(out[2], "equivalent (proven): compared 385 syscalls and "));
}

TEST_CASE("diff: one changed errno names that syscall with both verdicts and exits 1") {
  TempDir dir;
  const auto a = dir.write("a.json", profile("38")).string();
  const auto b = dir.write("b.json", profile("13")).string();
  const RunResult r = run_convert({"diff", a, b, "--arch", "x86_64"});
  CHECK(r.exit_code == 1);
  const auto out = lines(r.out);
  REQUIRE(out.size() == 5);
  CHECK(out[2] == "x86_64 clone3 (435):");
  CHECK(out[3] == "  any arguments: A ERRNO(38) ENOSYS, B ERRNO(13) EACCES");
  CHECK(starts_with(out[4], "different: 1 difference (proven); compared 385 syscalls"));
}

TEST_CASE("diff: a profile against its own compiled .bpf and against another program") {
  TempDir dir;
  const auto a = dir.write("a.json", profile("38")).string();
  const auto same = dir.write("same.bpf", compiled_bytes(profile("38"))).string();
  const RunResult equal = run_convert({"diff", a, same, "--arch", "x86_64"});
  CHECK(equal.exit_code == 0);
  const auto out = lines(equal.out);
  REQUIRE(out.size() == 3);
  CHECK(starts_with(out[1], "B: " + same + " (program, "));
  CHECK(starts_with(out[2], "equivalent (proven)"));

  // A raw program is recognised by its NUL bytes without the .bpf name.
  const auto other = dir.write("other.raw", compiled_bytes(profile("13"))).string();
  const RunResult differ = run_convert({"diff", other, a, "--arch", "x86_64", "--format", "json"});
  CHECK(differ.exit_code == 1);
  const auto j = nlohmann::json::parse(differ.out);
  CHECK(j["equivalent"] == false);
  CHECK(j["proven"] == true);
  CHECK(j["arches"] == nlohmann::json::array({"x86_64"}));
  REQUIRE(j["differences"].size() == 1);
  const auto& d = j["differences"][0];
  CHECK(d["arch"] == "x86_64");
  CHECK(d["syscall"] == "clone3");
  CHECK(d["numbers"]["first"] == 435);
  REQUIRE(d["regions"].size() == 1);
  CHECK(d["regions"][0]["where"] == "any arguments");
  CHECK(d["regions"][0]["a"] == "ERRNO(13) EACCES");
  CHECK(d["regions"][0]["b"] == "ERRNO(38) ENOSYS");
  CHECK(j["not_proven"].empty());
}

TEST_CASE("diff: argument ranges and unknown numbers") {
  TempDir dir;
  const auto a = dir.write("a.json", profile("38")).string();
  std::string other = profile("38");
  other.replace(other.find("\"value\":40"), 10, "\"value\":41");
  const auto b = dir.write("b.json", other).string();
  const RunResult r = run_convert({"diff", a, b, "--arch", "x86_64"});
  CHECK(r.exit_code == 1);
  const auto out = lines(r.out);
  REQUIRE(out.size() == 6);
  CHECK(out[2] == "x86_64 socket (41):");
  CHECK(out[3] == "  arg0 low 32 bits == 40 (high 32 bits any): A ERRNO(1) EPERM, B ALLOW");
  CHECK(out[4] == "  arg0 low 32 bits == 41 (high 32 bits any): A ALLOW, B ERRNO(1) EPERM");

  // Without the ENOSYS horizon, numbers above x86_64's table get the default.
  const auto flat = dir.write("flat.bpf", compiled_bytes(profile("38"), false)).string();
  const RunResult unknown = run_convert({"diff", a, flat, "--arch", "x86_64"});
  CHECK(unknown.exit_code == 1);
  const auto u = lines(unknown.out);
  REQUIRE(u.size() == 11);
  CHECK(u[2] == "x86_64 unknown numbers in [337, 423]:");
  CHECK(u[3] == "  any arguments: A ERRNO(38) ENOSYS, B ERRNO(1) EPERM");
  CHECK(u[4] == "x86_64 unknown numbers in [472, 0x3fffffff]:");
  CHECK(u[5] == u[3]);
  CHECK(u[6] == "x86_64 unknown numbers in [0x80000000, 0xbfffffff]:");
  CHECK(u[7] == u[3]);
  // -1 is a tracer's "skip": the compiler keeps it with the x86_64 half.
  CHECK(u[8] == "x86_64 unknown numbers == 0xffffffff:");
  CHECK(u[9] == u[3]);
  CHECK(starts_with(u[10], "different: 4 differences (proven)"));
  const RunResult known = run_convert({"diff", a, flat, "--arch", "x86_64", "--known-only"});
  CHECK(known.exit_code == 0);
  CHECK(known.out.find("equivalent (proven): compared 385 syscalls and 0 ranges of unknown numbers") !=
        std::string::npos);
}

TEST_CASE("diff: usage and input errors exit 2") {
  TempDir dir;
  const auto a = dir.write("a.json", profile("38")).string();
  const auto missing = (dir.path() / "missing.json").string();
  CHECK(run_convert({"diff", a, missing}).exit_code == 2);
  CHECK(run_convert({"diff", a}).exit_code == 2);
  CHECK(run_convert({"diff", a, a, "--arch", "mips"}).exit_code == 2);
  CHECK(run_convert({"diff", a, a, "--format", "yaml"}).exit_code == 2);
  CHECK(run_convert({"diff", a, a, "--kernel", "six"}).exit_code == 2);
  const auto broken = dir.write("broken.bpf", std::string(12, '\0')).string();
  const RunResult framing = run_convert({"diff", a, broken});
  CHECK(framing.exit_code == 2);
  CHECK(framing.err.find("[bpf-framing]") != std::string::npos);
  const auto bad_json = dir.write("bad.json", "{\"defaultAction\": }").string();
  const RunResult syntax = run_convert({"diff", bad_json, a});
  CHECK(syntax.exit_code == 2);
  CHECK(syntax.err.find("[json-syntax]") != std::string::npos);
}
