#include "scc/decision_cache.hpp"

#include <seccomp.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <cstring>

#include "cache_dir.hpp"
#include "key_encoder.hpp"
#include "scc/arch.hpp"
#include "scc/base64.hpp"
#include "scc/names.hpp"
#include "scc/oci_json.hpp"
#include "scc/container_policy.hpp"
#include "scc/profile_store.hpp"
#include "scc/sha256.hpp"

namespace scc {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kMagic = "SCCDEC01";
constexpr std::size_t kHeaderBytes = 8 + 32;
constexpr std::size_t kMaxEntryBytes = 4 * 1024 * 1024;

void encode_binary_identity(KeyEncoder& e) {
  struct stat st {};
  if (::stat("/proc/self/exe", &st) != 0) {
    e.number(0);
    return;
  }
  e.number(1);
  for (std::uint64_t v : {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                          static_cast<std::uint64_t>(st.st_size), static_cast<std::uint64_t>(st.st_mtim.tv_sec),
                          static_cast<std::uint64_t>(st.st_mtim.tv_nsec), static_cast<std::uint64_t>(st.st_ctim.tv_sec),
                          static_cast<std::uint64_t>(st.st_ctim.tv_nsec)})
    e.number(v);
}

void encode_hook_config(KeyEncoder& e, const HookConfig& c) {
  e.number(c.profile_dirs.size());
  for (const auto& dir : c.profile_dirs) e.bytes(dir.string());
  e.bytes(c.default_profile);
  e.optional(c.kubernetes_root ? std::optional<std::string>(c.kubernetes_root->string()) : std::nullopt);
  e.number(c.policy.require_profile ? 1 : 0);
  e.number(c.policy.refuse_unconfined ? 1 : 0);
  e.number(c.policy.deny_syscalls.size());
  for (const std::string& name : c.policy.deny_syscalls) e.bytes(name);
  e.number(c.policy.allow_annotation_loosen ? 1 : 0);
  e.number(c.crun_handover ? 1 : 0);
}

// The kernel (release and build) and libseccomp's version. Not its API level:
// probing it costs system calls on every start, and it follows from the
// kernel and the library, both in the key.
void encode_machine(KeyEncoder& e) {
  utsname u{};
  const bool named = ::uname(&u) == 0;
  e.bytes(named ? u.release : "");
  e.bytes(named ? u.version : "");
  e.bytes(to_string(native_arch()));
  const scmp_version* v = seccomp_version();
  e.number(v->major);
  e.number(v->minor);
  e.number(v->micro);
}

// A length-prefixed record, written and read back field by field.
class RecordWriter {
 public:
  void bytes(std::string_view data) {
    number(data.size());
    out_.append(data);
  }
  void number(std::uint64_t value) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>(value >> (8 * i)));
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class RecordReader {
 public:
  explicit RecordReader(std::string_view in) : in_(in) {}
  std::optional<std::uint64_t> number() {
    if (in_.size() < 8) return std::nullopt;
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(in_[static_cast<std::size_t>(i)])) << (8 * i);
    in_.remove_prefix(8);
    return v;
  }
  std::optional<std::string> bytes() {
    auto n = number();
    if (!n || *n > in_.size()) return std::nullopt;
    std::string out(in_.substr(0, static_cast<std::size_t>(*n)));
    in_.remove_prefix(static_cast<std::size_t>(*n));
    return out;
  }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

std::string body_digest(std::string_view key, std::string_view body) {
  Sha256 hash;
  hash.update(key);
  hash.update(body);
  const Sha256::Digest d = hash.finish();
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

std::string_view purpose_tag(DecisionPurpose purpose) {
  switch (purpose) {
    case DecisionPurpose::Rewrite: return "rewrite";
    case DecisionPurpose::Enforce: return "enforce";
    case DecisionPurpose::Attest: return "attest";
  }
  return "";
}

std::string random_marker() {
  std::uint8_t random[16] = {};
  if (::getrandom(random, sizeof random, 0) != static_cast<ssize_t>(sizeof random)) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "seccomp-hook-splice-";
  for (std::uint8_t b : random) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace

std::optional<std::string> decision_cache_key(DecisionPurpose purpose, const HookConfig& config,
                                              const ContainerConfig& container, bool runtime_is_crun,
                                              std::string_view tool_version) {
  if (!config.cache_dir) return std::nullopt;
  Result<ProfileSelection> selection = select_profile(config, container);
  if (!selection.ok()) return std::nullopt;
  Sha256 hash;
  KeyEncoder e(hash);
  e.bytes("seccomp-hook decision v1");
  e.bytes(purpose_tag(purpose));
  e.bytes(tool_version);
  encode_binary_identity(e);
  encode_machine(e);
  encode_hook_config(e, config);
  e.number(container.bounding_caps.size());
  for (const std::string& cap : container.bounding_caps) e.bytes(cap);
  e.bytes(to_string(selection.value->source));
  e.bytes(selection.value->name);
  const ProfileStore store{config.profile_dirs, config.kubernetes_root};
  const std::vector<std::string> names = consulted_profiles(config, *selection.value);
  e.number(names.size());
  for (const std::string& name : names) {
    Result<StoredProfile> stored = find_profile(store, name);
    if (!stored.ok()) return std::nullopt;
    e.bytes(name);
    e.bytes(stored.value->path.string());
    e.bytes(stored.value->sha256);
  }
  e.number(purpose == DecisionPurpose::Rewrite && runtime_is_crun ? 1 : 0);
  // As written: the same text is the same profile (a differently spaced one
  // only misses the cache).
  e.optional(container.seccomp_text);
  std::size_t crun = 0;
  for (const auto& [k, v] : container.annotations)
    if (k.starts_with(kCrunSeccompAnnotationPrefix)) ++crun;
  e.number(crun);
  for (const auto& [k, v] : container.annotations)
    if (k.starts_with(kCrunSeccompAnnotationPrefix)) {
      e.bytes(k);
      e.bytes(v);
    }
  return to_hex(hash.finish());
}

std::string attestation_key(std::string_view decision_key, std::span<const bpf::Program> live) {
  Sha256 hash;
  KeyEncoder e(hash);
  e.bytes("seccomp-hook attestation v1");
  e.bytes(decision_key);
  e.number(live.size());
  for (const bpf::Program& program : live) {
    const std::vector<std::uint8_t> bytes = program.to_bytes();
    e.bytes(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  }
  return to_hex(hash.finish());
}

CachedDecision rewrite_decision(const RewriteOutcome& outcome) {
  CachedDecision d;
  if (outcome.decision.profile) {
    d.seccomp = CachedDecision::Seccomp::Replace;
    d.seccomp_json = to_oci_json(outcome.decision.profile->flat).dump();
  } else if (outcome.decision.selection.unconfined()) {
    d.seccomp = CachedDecision::Seccomp::Remove;
  }
  if (outcome.handover) d.handover = base64_encode(outcome.handover->program.to_bytes());
  return d;
}

std::string encode_decision(std::string_view key, const CachedDecision& d) {
  RecordWriter w;
  w.number(static_cast<std::uint64_t>(d.seccomp));
  w.bytes(d.seccomp_json);
  w.number(d.handover ? 1 : 0);
  w.bytes(d.handover.value_or(""));
  w.bytes(d.log_line);
  w.number(d.warnings.size());
  for (const Diagnostic& item : d.warnings.items()) {
    w.number(static_cast<std::uint64_t>(item.severity));
    w.number(static_cast<std::uint64_t>(item.code));
    w.bytes(item.pointer);
    w.bytes(item.message);
    w.bytes(item.hint);
    w.number(item.line);
    w.number(item.column);
  }
  const std::string body = w.take();
  return std::string(kMagic) + body_digest(key, body) + body;
}

Result<CachedDecision> decode_decision(std::string_view key, std::string_view bytes) {
  Result<CachedDecision> result;
  auto invalid = [&](const std::string& why) {
    result.diagnostics.error(Code::CacheEntryInvalid, "", why);
    return result;
  };
  if (bytes.size() < kHeaderBytes || bytes.substr(0, kMagic.size()) != kMagic)
    return invalid("does not start with " + std::string(kMagic) + " and a checksum");
  const std::string_view body = bytes.substr(kHeaderBytes);
  if (body_digest(key, body) != bytes.substr(kMagic.size(), 32))
    return invalid("does not match its checksum (changed, or copied from another key)");
  RecordReader r(body);
  CachedDecision d;
  auto kind = r.number();
  auto seccomp = r.bytes();
  auto has_handover = r.number();
  auto handover = r.bytes();
  auto line = r.bytes();
  auto count = r.number();
  if (!kind || *kind > 2 || !seccomp || !has_handover || !handover || !line || !count)
    return invalid("is not a decision record");
  d.seccomp = static_cast<CachedDecision::Seccomp>(*kind);
  d.seccomp_json = std::move(*seccomp);
  if (*has_handover) d.handover = std::move(*handover);
  d.log_line = std::move(*line);
  for (std::uint64_t i = 0; i < *count; ++i) {
    Diagnostic item;
    auto severity = r.number();
    auto code = r.number();
    auto pointer = r.bytes();
    auto message = r.bytes();
    auto hint = r.bytes();
    auto at_line = r.number();
    auto at_column = r.number();
    if (!severity || *severity > 2 || !code || !pointer || !message || !hint || !at_line || !at_column)
      return invalid("is not a decision record");
    item.severity = static_cast<Severity>(*severity);
    item.code = static_cast<Code>(*code);
    item.pointer = std::move(*pointer);
    item.message = std::move(*message);
    item.hint = std::move(*hint);
    item.line = static_cast<std::size_t>(*at_line);
    item.column = static_cast<std::size_t>(*at_column);
    d.warnings.add(std::move(item));
  }
  if (!r.done()) return invalid("is not a decision record");
  result.value = std::move(d);
  return result;
}

std::optional<CachedDecision> load_decision(const HookConfig& config, const std::string& key,
                                            Diagnostics& diagnostics) {
  if (!config.cache_dir) return std::nullopt;
  Diagnostics quiet;  // an unusable directory: the program cache says so
  cache_dir::Fd dirfd(cache_dir::open(*config.cache_dir, "decision cache", "deciding anew", quiet));
  if (dirfd.get() < 0) return std::nullopt;
  const std::string name = key + ".decision";
  std::string problem;
  std::optional<std::string> bytes = cache_dir::read_entry(dirfd.get(), name, kMaxEntryBytes, &problem);
  if (problem.empty() && bytes) {
    Result<CachedDecision> decoded = decode_decision(key, *bytes);
    if (decoded.ok()) return std::move(*decoded.value);
    problem = decoded.diagnostics.items().front().message;
  }
  if (!problem.empty())
    diagnostics.warning(Code::CacheEntryInvalid, "", "cache entry " + name + " " + problem + "; deciding anew");
  return std::nullopt;
}

void store_decision(const HookConfig& config, const std::string& key, const CachedDecision& decision) {
  if (!config.cache_dir) return;
  Diagnostics quiet;
  cache_dir::Fd dirfd(cache_dir::open(*config.cache_dir, "decision cache", "deciding anew", quiet));
  if (dirfd.get() >= 0) cache_dir::store_entry(dirfd.get(), key + ".decision", encode_decision(key, decision));
}

std::optional<std::string> apply_decision(const ContainerConfig& container, std::string_view config_json,
                                          const CachedDecision& decision) {
  Json root = container.root;
  bool changed = false;
  // /linux/seccomp goes into the output as text, spliced in for a marker: the
  // decision's, or, when it is kept, the config's own (root may hold an empty
  // stand-in, parse_container_config ShapeOnly) printed as a dump of root is.
  std::string marker;
  auto mark = [&] {
    marker = random_marker();
    if (!root.contains("linux") || root["linux"].is_null()) root["linux"] = Json::object();
    root["linux"]["seccomp"] = marker;
    return !marker.empty();
  };
  std::string seccomp_text;
  if (decision.seccomp == CachedDecision::Seccomp::Replace) {
    if (!mark()) return std::nullopt;
    seccomp_text = decision.seccomp_json;
    changed = true;
  } else if (decision.seccomp == CachedDecision::Seccomp::Remove && root.contains("linux") &&
             root["linux"].contains("seccomp")) {
    root["linux"].erase("seccomp");
    changed = true;
  }
  if (decision.handover) {
    if (!root.contains("annotations") || root["annotations"].is_null()) root["annotations"] = Json::object();
    root["annotations"][std::string(kCrunBpfAnnotation)] = *decision.handover;
    changed = true;
  }
  if (!changed) return std::string(config_json);
  if (decision.seccomp == CachedDecision::Seccomp::Keep && container.seccomp_text) {
    if (!mark()) return std::nullopt;
    seccomp_text = Json::parse(*container.seccomp_text).dump();
  }
  std::string out = root.dump() + "\n";
  if (marker.empty()) return out;
  const std::string quoted = "\"" + marker + "\"";
  const std::size_t at = out.find(quoted);
  if (at == std::string::npos || out.find(quoted, at + 1) != std::string::npos) return std::nullopt;
  out.replace(at, quoted.size(), seccomp_text);
  return out;
}

}  // namespace scc
