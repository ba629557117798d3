#include "registry.h"

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  for (auto& reg : octet::registrars()) reg(env, exports);
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  return exports;
}

NODE_API_MODULE(octet_native, Init)
