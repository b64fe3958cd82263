#include "json_pointer.hpp"

namespace scc {

void append_pointer_token(std::string& pointer, std::string_view key) {
  pointer.push_back('/');
  for (char c : key) {
    if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer.push_back(c);
    }
  }
}

std::string join_pointer(std::string_view base, std::string_view key) {
  std::string out(base);
  append_pointer_token(out, key);
  return out;
}

std::string join_pointer(std::string_view base, std::size_t index) {
  std::string out(base);
  out.push_back('/');
  out += std::to_string(index);
  return out;
}

std::string_view parent_pointer(std::string_view pointer) {
  auto slash = pointer.rfind('/');
  if (slash == std::string_view::npos) return {};
  return pointer.substr(0, slash);
}

}  // namespace scc
