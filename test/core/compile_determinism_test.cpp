// Determinism and the cache key (issue 7; reliability.md §6 G11): the same meaning written
// with its object keys in any order compiles to the same bytes, and no single-field change
// of a flat profile keeps its program cache key.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scc/capabilities.hpp"
#include "scc/compile.hpp"
#include "scc/oci_json.hpp"
#include "scc/program_cache.hpp"
#include "scc/read.hpp"
#include "scc/resolve.hpp"
#include "support/random_profile.hpp"
#include "support/support.hpp"

using namespace scc;

namespace {

using Json = nlohmann::ordered_json;

// `value` with the keys of every object, at every level, in a random order.
Json shuffle_keys(const Json& value, std::mt19937_64& rng) {
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& item : value) out.push_back(shuffle_keys(item, rng));
    return out;
  }
  if (!value.is_object()) return value;
  std::vector<std::string> keys;
  for (auto it = value.begin(); it != value.end(); ++it) keys.push_back(it.key());
  std::shuffle(keys.begin(), keys.end(), rng);
  Json out = Json::object();
  for (const std::string& key : keys) out[key] = shuffle_keys(value.at(key), rng);
  return out;
}

// The text read, resolved for x86_64 (Docker's caps, kernel 6.18) and compiled for
// x86_64, x86 and x32: the program's bytes.
std::vector<std::uint8_t> program_of(const std::string& text) {
  auto document = read_document(text);
  REQUIRE_MESSAGE(document.ok(), text.substr(0, 200));
  REQUIRE(document.value->profiles.size() == 1);
  Target target;
  target.arch = Arch::X86_64;
  target.caps = docker_default_caps();
  target.kernel = KernelVersion{6, 18};
  auto flat = resolve(document.value->profiles.front(), target);
  REQUIRE(flat.ok());
  CompileOptions options;
  options.arches = {Arch::X86_64, Arch::X86, Arch::X32};
  auto compiled = compile(*flat.value, options);
  REQUIRE(compiled.ok());
  return compiled.value->program.to_bytes();
}

std::string key_of(const Profile& flat) { return program_cache_key(flat, {}, "1"); }

// A flat profile with every field the key covers set, so each can be changed alone.
Profile base_profile() {
  Profile p;
  p.dialect = Dialect::Oci;
  p.default_action = Action::Errno;
  p.default_errno_ret = 1;
  p.architectures = {Arch::X86_64, Arch::X86};
  p.has_architectures = true;
  p.flags = {Flag::Log};
  auto rule = [](std::vector<std::string> names, Action action, std::optional<std::uint64_t> errno_ret) {
    SyscallRule r;
    r.names = std::move(names);
    r.used_names_field = true;
    r.action = action;
    r.errno_ret = errno_ret;
    return r;
  };
  p.syscalls.push_back(rule({"read", "write", "mkdir"}, Action::Allow, std::nullopt));
  p.syscalls.push_back(rule({"at", "close"}, Action::Allow, std::nullopt));
  p.syscalls.push_back(rule({"mkdirat", "openat"}, Action::Errno, 13));
  p.syscalls.push_back(rule({"socket"}, Action::Errno, 1));
  ArgCondition c;
  c.index = 0;
  c.value = 16;
  c.op = Operator::Eq;
  p.syscalls.back().args.push_back(c);
  p.syscalls.push_back(rule({"personality"}, Action::Allow, std::nullopt));
  ArgCondition m;
  m.index = 0;
  m.value = 0xffff;
  m.value_two = 8;
  m.op = Operator::MaskedEq;
  p.syscalls.back().args.push_back(m);
  return p;
}

using Mutation = std::pair<std::string, std::function<void(Profile&)>>;

// Every single-field change of `p`: each top-level field, and for each rule its action,
// errnoRet (set, +1, removed), errno name, each name (changed, removed, moved across the
// boundary to the next rule, split or joined), and each argument field.
std::vector<Mutation> mutations(const Profile& p) {
  std::vector<Mutation> out;
  out.push_back({"defaultAction", [](Profile& q) { q.default_action = Action::KillProcess; }});
  out.push_back({"defaultErrnoRet+1", [](Profile& q) { q.default_errno_ret = 2; }});
  out.push_back({"defaultErrnoRet absent", [](Profile& q) { q.default_errno_ret.reset(); }});
  out.push_back({"defaultErrno name", [](Profile& q) { q.default_errno_name = "EPERM"; }});
  out.push_back({"architectures", [](Profile& q) { q.architectures.pop_back(); }});
  out.push_back({"flags", [](Profile& q) { q.flags = {Flag::SpecAllow}; }});
  out.push_back({"flags empty", [](Profile& q) { q.flags.clear(); }});
  out.push_back({"listenerPath", [](Profile& q) { q.listener_path = "/run/l.sock"; }});
  out.push_back({"listenerMetadata", [](Profile& q) { q.listener_metadata = "m"; }});
  out.push_back({"rule added", [](Profile& q) { q.syscalls.push_back(q.syscalls.front()); }});
  out.push_back({"rule removed", [](Profile& q) { q.syscalls.pop_back(); }});
  for (std::size_t r = 0; r < p.syscalls.size(); ++r) {
    const std::string at = "rule " + std::to_string(r) + " ";
    const SyscallRule& rule = p.syscalls[r];
    out.push_back({at + "action", [r](Profile& q) {
                     q.syscalls[r].action = q.syscalls[r].action == Action::Trap ? Action::Log : Action::Trap;
                   }});
    out.push_back({at + "errnoRet set", [r](Profile& q) {
                     q.syscalls[r].errno_ret = q.syscalls[r].errno_ret ? *q.syscalls[r].errno_ret + 1 : 5;
                   }});
    if (rule.errno_ret)
      out.push_back({at + "errnoRet absent", [r](Profile& q) { q.syscalls[r].errno_ret.reset(); }});
    out.push_back({at + "errno name", [r](Profile& q) { q.syscalls[r].errno_name = "EACCES"; }});
    for (std::size_t n = 0; n < rule.names.size(); ++n) {
      const std::string name = at + "name " + std::to_string(n) + " ";
      out.push_back({name + "changed", [r, n](Profile& q) { q.syscalls[r].names[n] += "x"; }});
      out.push_back({name + "removed", [r, n](Profile& q) {
                       q.syscalls[r].names.erase(q.syscalls[r].names.begin() + static_cast<long>(n));
                     }});
      if (r + 1 < p.syscalls.size() && n + 1 == rule.names.size())  // last name to the next rule
        out.push_back({name + "moved to the next rule", [r, n](Profile& q) {
                         q.syscalls[r + 1].names.insert(q.syscalls[r + 1].names.begin(), q.syscalls[r].names[n]);
                         q.syscalls[r].names.pop_back();
                       }});
      if (n + 1 < rule.names.size())  // the boundary between two names moved by one byte
        out.push_back({name + "boundary", [r, n](Profile& q) {
                         auto& names = q.syscalls[r].names;
                         names[n + 1].insert(names[n + 1].begin(), names[n].back());
                         names[n].pop_back();
                       }});
      if (n + 1 < rule.names.size())
        out.push_back({name + "joined with the next", [r, n](Profile& q) {
                         auto& names = q.syscalls[r].names;
                         names[n] += names[n + 1];
                         names.erase(names.begin() + static_cast<long>(n) + 1);
                       }});
    }
    if (r + 1 < p.syscalls.size())  // the first name of the next rule moved back into this one
      out.push_back({at + "gains the next rule's first name", [r](Profile& q) {
                       auto& next = q.syscalls[r + 1].names;
                       q.syscalls[r].names.push_back(next.front());
                       next.erase(next.begin());
                     }});
    for (std::size_t a = 0; a < rule.args.size(); ++a) {
      const std::string arg = at + "arg " + std::to_string(a) + " ";
      out.push_back({arg + "index", [r, a](Profile& q) { q.syscalls[r].args[a].index = 1; }});
      out.push_back({arg + "value", [r, a](Profile& q) { q.syscalls[r].args[a].value += 1; }});
      out.push_back({arg + "valueTwo", [r, a](Profile& q) {
                       auto& v = q.syscalls[r].args[a].value_two;
                       v = v ? std::optional<std::uint64_t>{} : std::optional<std::uint64_t>{0};
                     }});
      out.push_back({arg + "op", [r, a](Profile& q) {
                       auto& op = q.syscalls[r].args[a].op;
                       op = op == Operator::Ne ? Operator::Lt : Operator::Ne;
                     }});
      out.push_back({arg + "removed", [r, a](Profile& q) { q.syscalls[r].args.clear(); }});
    }
    out.push_back({at + "arg added", [r](Profile& q) {
                     ArgCondition c;
                     c.index = 2;
                     c.value = 7;
                     c.op = Operator::Ge;
                     q.syscalls[r].args.push_back(c);
                   }});
  }
  return out;
}

}  // namespace

TEST_CASE("determinism: 100 key-order permutations of a profile compile to identical bytes") {
  const Json original = Json::parse(test::read_file(test::source_dir() / "profiles/runtime-default.json"));
  const std::vector<std::uint8_t> expected = program_of(original.dump(2));
  REQUIRE(expected.size() > 100 * 8);
  std::mt19937_64 rng(7);
  std::size_t differing_texts = 0;
  for (int i = 0; i < 100; ++i) {
    const std::string text = shuffle_keys(original, rng).dump(i % 2 ? 2 : -1);
    differing_texts += text != original.dump(i % 2 ? 2 : -1);
    CHECK_MESSAGE(program_of(text) == expected, "permutation " << i);
  }
  CHECK(differing_texts >= 99);  // the permutations really reorder keys
}

TEST_CASE("cache key: every single-field mutation of a profile gets its own key") {
  const Profile base = base_profile();
  std::map<std::string, std::string> seen{{key_of(base), "the original"}};
  const std::vector<Mutation> all = mutations(base);
  REQUIRE(all.size() == 77);  // 12 profile-level, 65 over the five rules
  for (const auto& [what, mutate] : all) {
    Profile q = base;
    mutate(q);
    const auto [it, inserted] = seen.emplace(key_of(q), what);
    CHECK_MESSAGE(inserted, what << " has the key of " << it->second);
  }
  CHECK(seen.size() == all.size() + 1);
}

TEST_CASE("cache key: single-field mutations of 200 random profiles never collide") {
  std::map<std::string, std::pair<std::string, std::string>> seen;  // key -> what, OCI text
  std::size_t tried = 0;
  const std::vector<Arch> arches{Arch::X86_64, Arch::X86};
  auto record = [&](const Profile& q, const std::string& what) {
    const std::string text = to_oci_json_text(q);
    const auto [it, inserted] = seen.emplace(key_of(q), std::make_pair(what, text));
    // Two mutations may make the same profile (removing the only argument twice over):
    // only a different profile must have a different key.
    if (!inserted && it->second.second != text) FAIL(what << " has the key of " << it->second.first);
  };
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const Profile base = test::random_profile(seed, arches);
    const std::string label = "seed " + std::to_string(seed) + " ";
    record(base, label + "original");
    for (const auto& [what, mutate] : mutations(base)) {
      Profile q = base;
      mutate(q);
      ++tried;
      record(q, label + what);
    }
  }
  MESSAGE(tried << " mutations, " << seen.size() << " distinct keys");
  CHECK(tried > 5000);
}
