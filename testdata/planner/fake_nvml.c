/* A stand-in libnvidia-ml.so.1 for testing native/src/gpu/nvml.cc without a GPU: build with
 * `cc -shared -fPIC -o DIR/libnvidia-ml.so.1 fake_nvml.c` and run node with LD_LIBRARY_PATH=DIR.
 * FAKE_NVML_MODE=initfail makes nvmlInit fail like a driver/library version mismatch.
 * Two GPUs: an RTX 3060 (12 GiB, 1 GiB used, 37 %, 51 C) and a T4 whose utilisation and
 * temperature are "not supported". */
#include <stdlib.h>
#include <string.h>

typedef int nvmlReturn_t;
typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct { unsigned int gpu, memory; } nvmlUtilization_t;
typedef void *nvmlDevice_t;

static int devs[2];

nvmlReturn_t nvmlInit_v2(void) {
  const char *m = getenv("FAKE_NVML_MODE");
  return m && strcmp(m, "initfail") == 0 ? 18 : 0; /* 18 = NVML_ERROR_LIB_RM_VERSION_MISMATCH */
}
const char *nvmlErrorString(nvmlReturn_t r) {
  return r == 18 ? "RM has detected an NVML/RM version mismatch." : "Not Supported";
}
nvmlReturn_t nvmlSystemGetDriverVersion(char *buf, unsigned int n) { strncpy(buf, "550.54.14", n); return 0; }
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *n) { *n = 2; return 0; }
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, nvmlDevice_t *d) {
  if (i > 1) return 2;
  *d = &devs[i];
  return 0;
}
static int idx(nvmlDevice_t d) { return d == &devs[0] ? 0 : 1; }
nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *buf, unsigned int n) {
  strncpy(buf, idx(d) == 0 ? "NVIDIA GeForce RTX 3060" : "Tesla T4", n);
  return 0;
}
nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *m) {
  m->total = idx(d) == 0 ? 12884901888ULL : 16106127360ULL;
  m->used = idx(d) == 0 ? 1073741824ULL : 0ULL;
  m->free = m->total - m->used;
  return 0;
}
nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t d, nvmlUtilization_t *u) {
  if (idx(d) == 1) return 3; /* NVML_ERROR_NOT_SUPPORTED */
  u->gpu = 37; u->memory = 12;
  return 0;
}
nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t d, int sensor, unsigned int *t) {
  (void)sensor;
  if (idx(d) == 1) return 3;
  *t = 51;
  return 0;
}
