#include "rule_reader.hpp"

#include <array>

#include "json_pointer.hpp"
#include "nearest_name.hpp"
#include "scc/capabilities.hpp"
#include "scc/kernel_version.hpp"
#include "scc/names.hpp"

namespace scc {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::array<FieldSpec, 9> kRuleFields{{
    {"names", kInAll},
    {"name", kInDocker | kInCommon},
    {"action", kInAll},
    {"errnoRet", kInAll},
    {"errno", kInCommon},
    {"args", kInAll},
    {"comment", kInDocker | kInCommon, Severity::Warning},
    {"includes", kInDocker | kInCommon},
    {"excludes", kInDocker | kInCommon},
}};

constexpr std::array<FieldSpec, 4> kArgFields{{
    {"index", kInAll},
    {"value", kInAll},
    {"valueTwo", kInAll},
    {"op", kInAll},
}};

// includes/excludes are Docker-only objects, reported once where they
// appear; their members are not reported again. containers/common has no
// minKernel: podman applies such a rule on every kernel, worth a warning.
constexpr std::array<FieldSpec, 3> kFilterFields{{
    {"caps", kInAll},
    {"arches", kInAll},
    {"minKernel", kInAll & ~kInCommon, Severity::Warning},
}};

std::string hint_for(std::string_view near) {
  return near.empty() ? std::string() : "did you mean \"" + std::string(near) + "\"?";
}

// Appends one syscall name, enforcing the per-name and total limits.
void add_name(SyscallRule& rule, const Json& value, const std::string& pointer,
              ReaderContext& ctx) {
  auto name = read_string(value, pointer, ctx.fields);
  if (!name) return;
  if (name->size() > ctx.limits.max_name_length) {
    ctx.fields.diagnostics.error(Code::InputTooLarge, pointer,
                                 "syscall name of " + std::to_string(name->size()) +
                                     " bytes; the limit is " +
                                     std::to_string(ctx.limits.max_name_length));
    return;
  }
  if (++ctx.names == ctx.limits.max_names + 1)
    ctx.fields.diagnostics.error(
        Code::TooManyRules, pointer,
        "more than " + std::to_string(ctx.limits.max_names) + " syscall names in the profile");
  if (ctx.names > ctx.limits.max_names) return;
  rule.names.push_back(std::move(*name));
  rule.name_pointers.push_back(pointer);
}

void read_names(const Json& object, SyscallRule& rule, ReaderContext& ctx) {
  std::string single;
  std::size_t listed = 0;
  if (const Json* name = member(object, "name")) {
    rule.used_name_field = true;
    if (name->is_string()) single = name->get<std::string>();
    add_name(rule, *name, join_pointer(rule.pointer, "name"), ctx);
  }
  if (const Json* names = member(object, "names")) {
    const std::string pointer = join_pointer(rule.pointer, "names");
    if (const Json* array = read_array(*names, pointer, ctx.fields)) {
      rule.used_names_field = true;
      listed = array->size();
      for (std::size_t i = 0; i < array->size(); ++i)
        add_name(rule, (*array)[i], join_pointer(pointer, i), ctx);
    }
  }
  // moby and containers/common refuse a rule whose "name" and "names" are both non-empty.
  if (!single.empty() && listed > 0)
    ctx.fields.diagnostics.error(Code::NameAndNames, rule.pointer,
                                 "both \"name\" (\"" + single +
                                     "\") and \"names\" are given; docker and podman refuse this");
  if (!rule.used_name_field && !rule.used_names_field)
    ctx.fields.diagnostics.error(Code::MissingField, rule.pointer,
                                 "the rule has neither \"names\" nor \"name\"");
}

std::optional<ArgCondition> read_arg(const Json& value, const std::string& pointer,
                                     ReaderContext& ctx) {
  const Json* object = read_object(value, pointer, ctx.fields);
  if (!object) return std::nullopt;
  check_fields(*object, pointer, kArgFields, ctx.dialect, ctx.fields, Severity::Error);
  ArgCondition arg;
  arg.pointer = pointer;
  if (const Json* index = member(*object, "index")) {
    arg.index = read_uint(*index, join_pointer(pointer, "index"), ctx.fields).value_or(0);
  } else {
    ctx.fields.diagnostics.error(Code::MissingField, pointer, "the argument has no \"index\"");
  }
  if (const Json* v = member(*object, "value")) {
    arg.value = read_uint(*v, join_pointer(pointer, "value"), ctx.fields).value_or(0);
  } else {
    arg.has_value = false;
  }
  if (const Json* v2 = member(*object, "valueTwo"))
    arg.value_two = read_uint(*v2, join_pointer(pointer, "valueTwo"), ctx.fields);
  if (const Json* op = member(*object, "op")) {
    const std::string op_pointer = join_pointer(pointer, "op");
    if (auto text = read_string(*op, op_pointer, ctx.fields)) {
      if (auto parsed = parse_operator(*text)) {
        arg.op = *parsed;
      } else {
        ctx.fields.diagnostics.error(Code::UnknownOperator, op_pointer,
                                     "unknown operator \"" + *text + "\"",
                                     hint_for(nearest_name(*text, operator_names())));
      }
    }
  } else {
    ctx.fields.diagnostics.error(Code::MissingField, pointer, "the argument has no \"op\"");
  }
  return arg;
}

void read_args(const Json& object, SyscallRule& rule, ReaderContext& ctx) {
  const Json* args = member(object, "args");
  if (!args) return;
  const std::string pointer = join_pointer(rule.pointer, "args");
  const Json* array = read_array(*args, pointer, ctx.fields);
  if (!array) return;
  for (std::size_t i = 0; i < array->size(); ++i)
    if (auto arg = read_arg((*array)[i], join_pointer(pointer, i), ctx))
      rule.args.push_back(std::move(*arg));
}

std::vector<std::string> read_strings(const Json& object, const char* key,
                                      const std::string& pointer, ReaderContext& ctx,
                                      std::vector<std::string>* pointers = nullptr) {
  std::vector<std::string> out;
  const Json* value = member(object, key);
  if (!value) return out;
  const std::string base = join_pointer(pointer, key);
  const Json* array = read_array(*value, base, ctx.fields);
  if (!array) return out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    std::string item = join_pointer(base, i);
    if (auto text = read_string((*array)[i], item, ctx.fields)) {
      out.push_back(std::move(*text));
      if (pointers) pointers->push_back(std::move(item));
    }
  }
  return out;
}

void read_min_kernel(const Json& object, RuleFilter& filter, ReaderContext& ctx) {
  const Json* value = member(object, "minKernel");
  if (!value) return;
  const std::string pointer = join_pointer(filter.pointer, "minKernel");
  auto text = read_string(*value, pointer, ctx.fields);
  if (!text || text->empty()) return;  // "" means unset
  if (auto version = parse_min_kernel(*text)) {
    filter.min_kernel = version;
  } else {
    ctx.fields.diagnostics.error(Code::BadMinKernel, pointer,
                                 "minKernel \"" + *text +
                                     "\" is not <major>.<minor> (two numbers 0 to 255, not 0.0), "
                                     "as docker requires");
  }
}

void check_native_arches(const RuleFilter& filter, const std::vector<std::string>& pointers,
                         ReaderContext& ctx) {
  for (std::size_t i = 0; i < filter.arches.size(); ++i) {
    const std::string& name = filter.arches[i];
    if (parse_docker_native_name(name)) continue;
    std::string hint;
    if (auto arch = parse_arch_flexible(name)) {
      hint = hint_for(docker_native_name(*arch));
    } else {
      std::vector<std::string_view> natives;
      for (std::string_view scmp : arch_names())
        natives.push_back(docker_native_name(*parse_arch(scmp)));
      hint = hint_for(nearest_name(name, natives));
    }
    ctx.fields.diagnostics.error(Code::UnknownArch, pointers[i],
                                 "unknown arch \"" + name +
                                     "\": includes/excludes take Docker's native names "
                                     "(amd64, arm64, x86, ...)",
                                 hint);
  }
}

// moby compares includes/excludes caps with the bounding set by exact name, so a name
// libcap does not know, or a known one spelled otherwise than "CAP_SYS_ADMIN", never
// matches: an includes rule would never apply, an excludes rule always.
void check_capability_names(const RuleFilter& filter, const std::vector<std::string>& pointers,
                            ReaderContext& ctx) {
  static const std::vector<std::string> known = capability_names();
  static const std::vector<std::string_view> known_views(known.begin(), known.end());
  for (std::size_t i = 0; i < filter.caps.size(); ++i) {
    const std::string& name = filter.caps[i];
    auto canonical = parse_capability(name);
    if (canonical && *canonical == name) continue;
    const std::string near = canonical ? *canonical : nearest_name(name, known_views);
    ctx.fields.diagnostics.error(
        Code::UnknownCapability, pointers[i],
        canonical ? "capability \"" + name + "\" never matches: includes/excludes compare exact names"
                  : "unknown capability \"" + name + "\": it never matches any container",
        near.empty() ? "capabilities are named like CAP_SYS_ADMIN" : hint_for(near));
  }
}

RuleFilter read_filter(const Json& rule, const char* key, const std::string& rule_pointer,
                       ReaderContext& ctx) {
  RuleFilter filter;
  filter.pointer = join_pointer(rule_pointer, key);
  const Json* value = member(rule, key);
  if (!value) return filter;
  const Json* object = read_object(*value, filter.pointer, ctx.fields);
  if (!object) return filter;
  check_fields(*object, filter.pointer, kFilterFields, ctx.dialect, ctx.fields, Severity::Error);
  std::vector<std::string> cap_pointers;
  filter.caps = read_strings(*object, "caps", filter.pointer, ctx, &cap_pointers);
  check_capability_names(filter, cap_pointers, ctx);
  std::vector<std::string> arch_pointers;
  filter.arches = read_strings(*object, "arches", filter.pointer, ctx, &arch_pointers);
  check_native_arches(filter, arch_pointers, ctx);
  read_min_kernel(*object, filter, ctx);
  return filter;
}

void read_rule_action(const Json& object, SyscallRule& rule, ReaderContext& ctx) {
  if (const Json* action = member(object, "action")) {
    if (auto parsed = read_action(*action, join_pointer(rule.pointer, "action"), ctx))
      rule.action = *parsed;
  } else {
    ctx.fields.diagnostics.error(Code::MissingField, rule.pointer, "the rule has no \"action\"");
  }
  if (const Json* ret = member(object, "errnoRet"))
    rule.errno_ret = read_uint(*ret, join_pointer(rule.pointer, "errnoRet"), ctx.fields);
  if (const Json* name = member(object, "errno"))
    rule.errno_name = read_errno_name(*name, join_pointer(rule.pointer, "errno"), ctx).value_or("");
}

}  // namespace

std::optional<Action> read_action(const Json& value, const std::string& pointer,
                                  ReaderContext& ctx) {
  auto text = read_string(value, pointer, ctx.fields);
  if (!text) return std::nullopt;
  if (auto action = parse_action(*text)) return action;
  ctx.fields.diagnostics.error(Code::UnknownAction, pointer, "unknown action \"" + *text + "\"",
                               hint_for(nearest_name(*text, action_names())));
  return std::nullopt;
}

std::optional<std::string> read_errno_name(const Json& value, const std::string& pointer,
                                           ReaderContext& ctx) {
  auto text = read_string(value, pointer, ctx.fields);
  if (!text) return std::nullopt;
  if (!parse_errno(*text))
    ctx.fields.diagnostics.error(Code::UnknownErrno, pointer,
                                 "unknown errno name \"" + *text + "\"");
  return text;
}

std::optional<SyscallRule> read_rule(const Json& value, const std::string& pointer,
                                     ReaderContext& ctx) {
  const Json* object = read_object(value, pointer, ctx.fields);
  if (!object) return std::nullopt;
  check_fields(*object, pointer, kRuleFields, ctx.dialect, ctx.fields, Severity::Error);
  SyscallRule rule;
  rule.pointer = pointer;
  read_names(*object, rule, ctx);
  read_rule_action(*object, rule, ctx);
  read_args(*object, rule, ctx);
  if (const Json* comment = member(*object, "comment"))
    rule.comment = read_string(*comment, join_pointer(pointer, "comment"), ctx.fields).value_or("");
  rule.includes = read_filter(*object, "includes", pointer, ctx);
  rule.excludes = read_filter(*object, "excludes", pointer, ctx);
  return rule;
}

}  // namespace scc
