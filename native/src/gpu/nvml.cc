// GPU probe through NVML, loaded at run time with dlopen("libnvidia-ml.so.1") (nvml.dll on Windows):
// no link-time dependency, and a machine without the NVIDIA driver gets {ok:false, reason} instead of
// a crash. Exports nvmlQuery() → {ok, reason?, driverVersion?, gpus:[{index, name, memoryUsedBytes,
// memoryTotalBytes, utilizationPercent|null, temperatureC|null}]}. The NVML types are declared here
// (ABI of nvml.h, stable since NVML 5) so no CUDA headers are needed to build.
#include <mutex>
#include <string>
#include <vector>

#include "../registry.h"

#ifdef _WIN32
#include <windows.h>
#define OCTET_DLOPEN(name) reinterpret_cast<void*>(LoadLibraryA(name))
#define OCTET_DLSYM(h, s) reinterpret_cast<void*>(GetProcAddress(reinterpret_cast<HMODULE>(h), s))
static const char* kNvmlNames[] = {"nvml.dll", "C:\\Windows\\System32\\nvml.dll",
                                   "C:\\Program Files\\NVIDIA Corporation\\NVSMI\\nvml.dll"};
#else
#include <dlfcn.h>
#define OCTET_DLOPEN(name) dlopen(name, RTLD_NOW | RTLD_LOCAL)
#define OCTET_DLSYM(h, s) dlsym(h, s)
static const char* kNvmlNames[] = {"libnvidia-ml.so.1", "libnvidia-ml.so"};
#endif

namespace {

typedef int nvmlReturn_t;  // NVML_SUCCESS = 0
typedef struct nvmlDevice_st* nvmlDevice_t;
struct nvmlMemory_t {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};
struct nvmlUtilization_t {
  unsigned int gpu;
  unsigned int memory;
};
constexpr int NVML_TEMPERATURE_GPU = 0;
constexpr unsigned int kNameSize = 96;    // NVML_DEVICE_NAME_V2_BUFFER_SIZE
constexpr unsigned int kDriverSize = 80;  // NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE

struct Nvml {
  bool tried = false;
  bool ready = false;
  std::string reason;
  nvmlReturn_t (*init)() = nullptr;
  nvmlReturn_t (*count)(unsigned int*) = nullptr;
  nvmlReturn_t (*handle)(unsigned int, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*name)(nvmlDevice_t, char*, unsigned int) = nullptr;
  nvmlReturn_t (*memory)(nvmlDevice_t, nvmlMemory_t*) = nullptr;
  nvmlReturn_t (*util)(nvmlDevice_t, nvmlUtilization_t*) = nullptr;
  nvmlReturn_t (*temp)(nvmlDevice_t, int, unsigned int*) = nullptr;
  nvmlReturn_t (*driver)(char*, unsigned int) = nullptr;
  const char* (*errorString)(nvmlReturn_t) = nullptr;

  std::string err(const char* what, nvmlReturn_t r) const {
    std::string s = std::string(what) + " failed: ";
    const char* e = errorString ? errorString(r) : nullptr;
    return s + (e ? e : ("NVML error " + std::to_string(r)));
  }
};

std::mutex gMutex;
Nvml gNvml;

template <typename F>
bool bind(void* lib, const char* primary, const char* fallback, F& out) {
  void* p = OCTET_DLSYM(lib, primary);
  if (!p && fallback) p = OCTET_DLSYM(lib, fallback);
  out = reinterpret_cast<F>(p);
  return p != nullptr;
}

// Loads and initialises NVML once per process; later calls reuse the result.
void ensureLoaded() {
  if (gNvml.tried) return;
  gNvml.tried = true;
  void* lib = nullptr;
  for (const char* n : kNvmlNames) {
    lib = OCTET_DLOPEN(n);
    if (lib) break;
  }
  if (!lib) {
    gNvml.reason = "libnvidia-ml.so.1 not found (NVIDIA driver not installed)";
    return;
  }
  bool ok = bind(lib, "nvmlInit_v2", "nvmlInit", gNvml.init) &&
            bind(lib, "nvmlDeviceGetCount_v2", "nvmlDeviceGetCount", gNvml.count) &&
            bind(lib, "nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex", gNvml.handle) &&
            bind(lib, "nvmlDeviceGetName", nullptr, gNvml.name) &&
            bind(lib, "nvmlDeviceGetMemoryInfo", nullptr, gNvml.memory);
  bind(lib, "nvmlDeviceGetUtilizationRates", nullptr, gNvml.util);
  bind(lib, "nvmlDeviceGetTemperature", nullptr, gNvml.temp);
  bind(lib, "nvmlSystemGetDriverVersion", nullptr, gNvml.driver);
  bind(lib, "nvmlErrorString", nullptr, gNvml.errorString);
  if (!ok) {
    gNvml.reason = "libnvidia-ml lacks the NVML functions we need (driver too old?)";
    return;
  }
  nvmlReturn_t r = gNvml.init();
  if (r != 0) {
    gNvml.reason = gNvml.err("nvmlInit", r);
    return;
  }
  gNvml.ready = true;
}

Napi::Value NvmlQuery(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  Napi::Array gpus = Napi::Array::New(env);
  out.Set("gpus", gpus);
  std::lock_guard<std::mutex> lock(gMutex);
  ensureLoaded();
  if (!gNvml.ready) {
    out.Set("ok", false);
    out.Set("reason", gNvml.reason);
    return out;
  }
  if (gNvml.driver) {
    char buf[kDriverSize] = {0};
    if (gNvml.driver(buf, kDriverSize) == 0) out.Set("driverVersion", std::string(buf));
  }
  unsigned int n = 0;
  nvmlReturn_t r = gNvml.count(&n);
  if (r != 0) {
    out.Set("ok", false);
    out.Set("reason", gNvml.err("nvmlDeviceGetCount", r));
    return out;
  }
  uint32_t k = 0;
  for (unsigned int i = 0; i < n; i++) {
    nvmlDevice_t dev = nullptr;
    if (gNvml.handle(i, &dev) != 0) continue;
    Napi::Object g = Napi::Object::New(env);
    g.Set("index", i);
    char name[kNameSize] = {0};
    g.Set("name", gNvml.name(dev, name, kNameSize) == 0 ? std::string(name) : std::string("NVIDIA GPU"));
    nvmlMemory_t mem{};
    if (gNvml.memory(dev, &mem) == 0) {
      g.Set("memoryTotalBytes", static_cast<double>(mem.total));
      g.Set("memoryUsedBytes", static_cast<double>(mem.used));
    } else {
      g.Set("memoryTotalBytes", env.Null());
      g.Set("memoryUsedBytes", env.Null());
    }
    nvmlUtilization_t u{};
    if (gNvml.util && gNvml.util(dev, &u) == 0) g.Set("utilizationPercent", u.gpu);
    else g.Set("utilizationPercent", env.Null());
    unsigned int t = 0;
    if (gNvml.temp && gNvml.temp(dev, NVML_TEMPERATURE_GPU, &t) == 0) g.Set("temperatureC", t);
    else g.Set("temperatureC", env.Null());
    gpus.Set(k++, g);
  }
  out.Set("ok", true);
  return out;
}

octet::Registration reg([](Napi::Env env, Napi::Object exports) {
  exports.Set("nvmlQuery", Napi::Function::New(env, NvmlQuery, "nvmlQuery"));
});

}  // namespace
