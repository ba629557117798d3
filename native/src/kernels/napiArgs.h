// Argument helpers of the tensor-kernel bindings: typed views of TypedArrays (the cpu backend's
// buffers, or views of the wasm heap) with their lengths, checked before any kernel touches them.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>

namespace octet {

template <typename T>
struct View {
  T* data = nullptr;
  int64_t length = 0;
  bool ok = false;
};

template <typename T>
napi_typedarray_type typedArrayTypeOf();
template <>
inline napi_typedarray_type typedArrayTypeOf<float>() { return napi_float32_array; }
template <>
inline napi_typedarray_type typedArrayTypeOf<int32_t>() { return napi_int32_array; }

// A view of a TypedArray of element type T; ok = false for anything else (null allowed when optional).
template <typename T>
View<T> viewOf(const Napi::Value& v, bool optional = false) {
  View<T> out;
  if (optional && (v.IsNull() || v.IsUndefined())) {
    out.ok = true;
    return out;
  }
  if (!v.IsTypedArray()) return out;
  auto ta = v.As<Napi::TypedArray>();
  if (ta.TypedArrayType() != typedArrayTypeOf<T>()) return out;
  out.data = reinterpret_cast<T*>(static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset());
  out.length = static_cast<int64_t>(ta.ElementLength());
  out.ok = true;
  return out;
}

inline int64_t intArg(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int64Value(); }
inline double numArg(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().DoubleValue(); }
inline bool boolArg(const Napi::CallbackInfo& info, size_t i) { return info[i].ToBoolean().Value(); }

inline Napi::Value throwError(Napi::Env env, const std::string& msg) {
  Napi::TypeError::New(env, "octet kernels: " + msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

}  // namespace octet
