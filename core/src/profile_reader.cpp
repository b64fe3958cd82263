#include "profile_reader.hpp"

#include <array>

#include "json_pointer.hpp"
#include "nearest_name.hpp"
#include "rule_reader.hpp"
#include "scc/names.hpp"

namespace scc {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::array<FieldSpec, 11> kProfileFields{{
    {"defaultAction", kInAll},
    {"defaultErrnoRet", kInDocker | kInCommon | kInOci},
    {"defaultErrno", kInCommon},
    {"architectures", kInAll},
    {"archMap", kInDocker | kInCommon},
    {"flags", kInAll},
    {"listenerPath", kInAll},
    {"listenerMetadata", kInAll},
    {"syscalls", kInAll},
    {"baseProfileName", kInSpo},
    {"disabled", kInSpo},
}};

// Inside a Docker-only object every dialect accepts the members: the object
// itself is what does not fit, and it is reported once.
constexpr std::array<FieldSpec, 2> kArchMapFields{{
    {"architecture", kInAll},
    {"subArchitectures", kInAll},
}};

constexpr std::array<FieldSpec, 5> kSpoFields{{
    {"apiVersion", kInSpo},
    {"kind", kInSpo},
    {"metadata", kInSpo},
    {"spec", kInSpo},
    {"status", kInSpo},
}};

std::optional<Arch> read_arch(const Json& value, const std::string& pointer, ReaderContext& ctx) {
  auto text = read_string(value, pointer, ctx.fields);
  if (!text) return std::nullopt;
  if (auto arch = parse_arch(*text)) return arch;
  std::string message = "unknown arch \"" + *text + "\"";
  std::string near;
  if (*text == "SCMP_ARCH_NATIVE") {
    message +=
        ": the arch of whichever machine loads the profile is not supported; "
        "name the arches";
  } else if (auto arch = parse_arch_flexible(*text)) {
    near = to_string(*arch);
  } else {
    near = nearest_name(*text, arch_names());
  }
  ctx.fields.diagnostics.error(Code::UnknownArch, pointer, message,
                               near.empty() ? "" : "did you mean \"" + near + "\"?");
  return std::nullopt;
}

std::vector<Arch> read_arch_list(const Json& value, const std::string& pointer,
                                 ReaderContext& ctx) {
  std::vector<Arch> out;
  const Json* array = read_array(value, pointer, ctx.fields);
  if (!array) return out;
  for (std::size_t i = 0; i < array->size(); ++i)
    if (auto arch = read_arch((*array)[i], join_pointer(pointer, i), ctx)) out.push_back(*arch);
  return out;
}

void read_default_action(const Json& object, Profile& profile, ReaderContext& ctx) {
  const Json* value = member(object, "defaultAction");
  if (!value || (value->is_string() && value->get_ref<const std::string&>().empty())) {
    ctx.fields.diagnostics.error(
        Code::MissingDefaultAction, profile.pointer,
        "the profile has no \"defaultAction\": docker and runc read a profile without one "
        "(\"{}\" included) as \"no seccomp at all\"");
    return;
  }
  profile.default_action = read_action(*value, join_pointer(profile.pointer, "defaultAction"), ctx);
}

void read_defaults(const Json& object, Profile& profile, ReaderContext& ctx) {
  read_default_action(object, profile, ctx);
  if (const Json* ret = member(object, "defaultErrnoRet"))
    profile.default_errno_ret =
        read_uint(*ret, join_pointer(profile.pointer, "defaultErrnoRet"), ctx.fields);
  if (const Json* name = member(object, "defaultErrno"))
    profile.default_errno_name =
        read_errno_name(*name, join_pointer(profile.pointer, "defaultErrno"), ctx).value_or("");
}

void read_arch_map(const Json& value, Profile& profile, ReaderContext& ctx) {
  const std::string pointer = join_pointer(profile.pointer, "archMap");
  const Json* array = read_array(value, pointer, ctx.fields);
  if (!array) return;
  profile.has_arch_map = true;
  for (std::size_t i = 0; i < array->size(); ++i) {
    ArchMapEntry entry;
    entry.pointer = join_pointer(pointer, i);
    const Json* object = read_object((*array)[i], entry.pointer, ctx.fields);
    if (!object) continue;
    check_fields(*object, entry.pointer, kArchMapFields, ctx.dialect, ctx.fields);
    const Json* arch = member(*object, "architecture");
    std::optional<Arch> parsed;
    if (arch) parsed = read_arch(*arch, join_pointer(entry.pointer, "architecture"), ctx);
    if (!arch)
      ctx.fields.diagnostics.error(Code::MissingField, entry.pointer,
                                   "the archMap entry has no \"architecture\"");
    if (const Json* subs = member(*object, "subArchitectures"))
      entry.sub_architectures =
          read_arch_list(*subs, join_pointer(entry.pointer, "subArchitectures"), ctx);
    if (!parsed) continue;
    entry.architecture = *parsed;
    profile.arch_map.push_back(std::move(entry));
  }
}

void read_arches(const Json& object, Profile& profile, ReaderContext& ctx) {
  const Json* arches = member(object, "architectures");
  if (arches) {
    profile.architectures =
        read_arch_list(*arches, join_pointer(profile.pointer, "architectures"), ctx);
    profile.has_architectures = arches->is_array();
  }
  const Json* map = member(object, "archMap");
  if (map) read_arch_map(*map, profile, ctx);
  // moby and containers/common refuse both only when both are non-empty.
  if (arches && map && arches->is_array() && !arches->empty() && map->is_array() && !map->empty())
    ctx.fields.diagnostics.error(Code::ArchitecturesAndArchMap,
                                 join_pointer(profile.pointer, "archMap"),
                                 "both \"architectures\" and \"archMap\" are given; docker and "
                                 "podman refuse such a profile");
}

void read_flags(const Json& value, Profile& profile, ReaderContext& ctx) {
  const std::string pointer = join_pointer(profile.pointer, "flags");
  const Json* array = read_array(value, pointer, ctx.fields);
  if (!array) return;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string item = join_pointer(pointer, i);
    auto text = read_string((*array)[i], item, ctx.fields);
    if (!text) continue;
    if (auto flag = parse_flag(*text)) {
      profile.flags.push_back(*flag);
      continue;
    }
    const std::string near = nearest_name(*text, flag_names());
    ctx.fields.diagnostics.error(Code::UnknownFlag, item, "unknown flag \"" + *text + "\"",
                                 near.empty() ? "" : "did you mean \"" + near + "\"?");
  }
}

void read_listener(const Json& object, Profile& profile, ReaderContext& ctx) {
  if (const Json* path = member(object, "listenerPath"))
    profile.listener_path =
        read_string(*path, join_pointer(profile.pointer, "listenerPath"), ctx.fields);
  if (const Json* metadata = member(object, "listenerMetadata"))
    profile.listener_metadata =
        read_string(*metadata, join_pointer(profile.pointer, "listenerMetadata"), ctx.fields);
}

void read_syscalls(const Json& value, Profile& profile, ReaderContext& ctx) {
  const std::string pointer = join_pointer(profile.pointer, "syscalls");
  const Json* array = read_array(value, pointer, ctx.fields);
  if (!array) return;
  std::size_t count = array->size();
  if (count > ctx.limits.max_rules) {
    ctx.fields.diagnostics.error(
        Code::TooManyRules, pointer,
        std::to_string(count) + " rules; the limit is " + std::to_string(ctx.limits.max_rules));
    count = ctx.limits.max_rules;
  }
  profile.syscalls.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    if (auto rule = read_rule((*array)[i], join_pointer(pointer, i), ctx))
      profile.syscalls.push_back(std::move(*rule));
}

// SPO's own spec fields: a base profile is merged in by the operator, which
// this reader does not do, so its rules would be missing.
void read_spo_spec_fields(const Json& object, Profile& profile, ReaderContext& ctx) {
  if (const Json* base = member(object, "baseProfileName")) {
    const std::string pointer = join_pointer(profile.pointer, "baseProfileName");
    auto name = read_string(*base, pointer, ctx.fields);
    if (name && !name->empty())
      ctx.fields.diagnostics.warning(Code::UnknownField, pointer,
                                     "baseProfileName \"" + *name +
                                         "\" is not followed: the base profile's rules are not "
                                         "part of this profile");
  }
  if (const Json* disabled = member(object, "disabled"))
    read_bool(*disabled, join_pointer(profile.pointer, "disabled"), ctx.fields);
}

}  // namespace

Profile read_profile(const Json& object, const std::string& pointer, Dialect dialect,
                     const ReadLimits& limits, const NumberLiterals& numbers,
                     Diagnostics& diagnostics) {
  ReaderContext ctx{dialect, limits, {diagnostics, numbers}};
  Profile profile;
  profile.dialect = dialect;
  profile.pointer = pointer;
  check_fields(object, pointer, kProfileFields, dialect, ctx.fields);
  read_defaults(object, profile, ctx);
  read_arches(object, profile, ctx);
  if (const Json* flags = member(object, "flags")) read_flags(*flags, profile, ctx);
  read_listener(object, profile, ctx);
  if (const Json* syscalls = member(object, "syscalls")) read_syscalls(*syscalls, profile, ctx);
  read_spo_spec_fields(object, profile, ctx);
  return profile;
}

std::string read_spo_envelope(const Json& root, const std::string& document_pointer,
                              FieldContext& ctx) {
  check_fields(root, document_pointer, kSpoFields, Dialect::Spo, ctx);
  const Json* metadata = member(root, "metadata");
  if (!metadata) return {};
  const std::string pointer = join_pointer(document_pointer, "metadata");
  if (!read_object(*metadata, pointer, ctx)) return {};
  const Json* name = member(*metadata, "name");
  if (!name) return {};
  return read_string(*name, join_pointer(pointer, "name"), ctx).value_or("");
}

}  // namespace scc
