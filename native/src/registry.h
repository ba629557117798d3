// Each kernel file registers its exports through a static Registration, so source files
// stay independent of each other and of addon.cc.
#pragma once
#include <napi.h>
#include <functional>
#include <vector>

namespace octet {
using Registrar = std::function<void(Napi::Env, Napi::Object)>;
inline std::vector<Registrar>& registrars() {
  static std::vector<Registrar> list;
  return list;
}
struct Registration {
  explicit Registration(Registrar r) { registrars().push_back(std::move(r)); }
};
}  // namespace octet
