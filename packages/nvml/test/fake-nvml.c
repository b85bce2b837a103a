/*
 * A fake libnvidia-ml.so.1 for CPU-only tests: the symbols and struct layouts of NVML's header
 * (docs/nvml.md, "The C ABI"), deterministic values, and scenarios chosen by environment variables that
 * are read when a session opens (nvmlInit* with no session open):
 *
 *   FAKE_NVML_GPUS=n            devices (default 2; device 1 has no fan: NOT_SUPPORTED)
 *   FAKE_NVML_INIT_ERROR=code   nvmlInit* returns code ...
 *   FAKE_NVML_INIT_FAILURES=k   ... for the first k inits only (default: every init)
 *   FAKE_NVML_LOST_AFTER=n      after n power reads of a device, every device call returns
 *                               GPU_IS_LOST until the session is shut down (once per library load)
 *   FAKE_NVML_SLEEP_CALL=name   the named function sleeps FAKE_NVML_SLEEP_MS (default 5000) once,
 *   FAKE_NVML_SLEEP_AFTER=n     after n calls that did not, then says so on stderr
 *
 * Build variants (-D): FAKE_LEGACY exports only the unversioned calls (no _v2/_V/_v3, no
 * InitWithFlags; 16-byte process records); FAKE_PROC32 gives _v3 the 32-byte record of drivers
 * 535.43-535.86 with their symbol set; FAKE_PROC24_CONF keeps 24 bytes but exports the symbol set
 * that nvitop's rule reads as 32 bytes (a driver the rule misjudges).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef int nvmlReturn_t;
typedef struct fake_device *nvmlDevice_t;
typedef struct { unsigned int gpu, memory; } nvmlUtilization_t;
typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct {
  unsigned int version;
  unsigned long long total, reserved, free, used;
} nvmlMemory_v2_t;
typedef struct {
  unsigned int pid;
  unsigned long long usedGpuMemory;
} nvmlProcessInfo_v1_t;
typedef struct {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId, computeInstanceId;
} nvmlProcessInfo_v2_t;
typedef struct {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId, computeInstanceId;
  unsigned long long usedGpuCcProtectedMemory;
} nvmlProcessInfo_535_t;
typedef struct { unsigned int version; int sensorType; int temperature; } nvmlTemperature_v1_t;
typedef struct {
  char busIdLegacy[16];
  unsigned int domain, bus, device, pciDeviceId, pciSubSystemId;
  char busId[32];
} nvmlPciInfo_t;

_Static_assert(sizeof(nvmlMemory_t) == 24, "nvmlMemory_t");
_Static_assert(sizeof(nvmlMemory_v2_t) == 40 && offsetof(nvmlMemory_v2_t, reserved) == 16 &&
                   offsetof(nvmlMemory_v2_t, free) == 24 && offsetof(nvmlMemory_v2_t, used) == 32,
               "nvmlMemory_v2_t");
_Static_assert(sizeof(nvmlProcessInfo_v1_t) == 16, "nvmlProcessInfo_v1_t");
_Static_assert(sizeof(nvmlProcessInfo_v2_t) == 24 &&
                   offsetof(nvmlProcessInfo_v2_t, usedGpuMemory) == 8 &&
                   offsetof(nvmlProcessInfo_v2_t, computeInstanceId) == 20,
               "nvmlProcessInfo_v2_t");
_Static_assert(sizeof(nvmlProcessInfo_535_t) == 32, "the 535.43 record");
_Static_assert(sizeof(nvmlTemperature_v1_t) == 12 &&
                   offsetof(nvmlTemperature_v1_t, temperature) == 8,
               "nvmlTemperature_v1_t");
_Static_assert(sizeof(nvmlPciInfo_t) == 68 && offsetof(nvmlPciInfo_t, busId) == 36, "nvmlPciInfo_t");

enum { OK = 0, UNINITIALIZED = 1, INVALID_ARGUMENT = 2, NOT_SUPPORTED = 3,
       INSUFFICIENT_SIZE = 7, GPU_IS_LOST = 15, DEPRECATED = 26 };
#define MAX_GPUS 16
#define GIB 1073741824ULL
#define MEMORY_VERSION_2 (unsigned int)(sizeof(nvmlMemory_v2_t) | (2 << 24))
#define TEMPERATURE_VERSION_1 (unsigned int)(sizeof(nvmlTemperature_v1_t) | (1 << 24))

struct fake_device { unsigned int index, powerReads; };
static struct fake_device devices[MAX_GPUS];
static int sessions, inits, gpus, initError, initFailures, lostAfter, lost, lostFired;
static int sleepMs, sleepAfter, sleepCalls, slept;
static char sleepCall[64];

static int env_int(const char *name, int fallback) {
  const char *v = getenv(name);
  return v && *v ? atoi(v) : fallback;
}

static nvmlReturn_t open_session(void) {
  if (sessions == 0) {
    gpus = env_int("FAKE_NVML_GPUS", 2);
    if (gpus > MAX_GPUS) gpus = MAX_GPUS;
    initError = env_int("FAKE_NVML_INIT_ERROR", 0);
    initFailures = env_int("FAKE_NVML_INIT_FAILURES", -1);
    lostAfter = env_int("FAKE_NVML_LOST_AFTER", -1);
    sleepMs = env_int("FAKE_NVML_SLEEP_MS", 5000);
    sleepAfter = env_int("FAKE_NVML_SLEEP_AFTER", 0);
    const char *call = getenv("FAKE_NVML_SLEEP_CALL");
    snprintf(sleepCall, sizeof sleepCall, "%s", call ? call : "");
    for (int i = 0; i < MAX_GPUS; i++) devices[i] = (struct fake_device){(unsigned int)i, 0};
  }
  inits++;
  if (initError && (initFailures < 0 || inits <= initFailures)) return initError;
  sessions++;
  return OK;
}

static void maybe_sleep(const char *call) {
  if (slept || strcmp(call, sleepCall) != 0 || sleepCalls++ < sleepAfter) return;
  slept = 1;
  struct timespec t = {sleepMs / 1000, (long)(sleepMs % 1000) * 1000000L};
  nanosleep(&t, NULL);
  fprintf(stderr, "fake-nvml: %s slept %d ms\n", call, sleepMs);
}

/* Every device call starts here: session open, handle valid, GPU not lost, maybe sleep. */
static nvmlReturn_t enter(nvmlDevice_t d, const char *call) {
  if (sessions == 0) return UNINITIALIZED;
  if (d == NULL || d < devices || d >= devices + gpus) return INVALID_ARGUMENT;
  if (lost) return GPU_IS_LOST;
  maybe_sleep(call);
  return OK;
}
#define ENTER(d)                             \
  do {                                       \
    nvmlReturn_t r_ = enter(d, __func__);    \
    if (r_ != OK) return r_;                 \
  } while (0)

#ifndef FAKE_LEGACY
nvmlReturn_t nvmlInitWithFlags(unsigned int flags) {
  (void)flags;
  maybe_sleep(__func__);
  return open_session();
}
#endif
nvmlReturn_t nvmlInit_v2(void) { return open_session(); }

nvmlReturn_t nvmlShutdown(void) {
  if (sessions == 0) return UNINITIALIZED;
  if (--sessions == 0) lost = 0;
  return OK;
}

const char *nvmlErrorString(nvmlReturn_t r) { return r == OK ? "Success" : "Fake error"; }

nvmlReturn_t nvmlSystemGetDriverVersion(char *v, unsigned int n) {
  if (sessions == 0) return UNINITIALIZED;
  snprintf(v, n, "535.104.05");
  return OK;
}

nvmlReturn_t nvmlSystemGetNVMLVersion(char *v, unsigned int n) {
  if (sessions == 0) return UNINITIALIZED;
  snprintf(v, n, "12.535.104.05");
  return OK;
}

static nvmlReturn_t count(unsigned int *n) {
  if (sessions == 0) return UNINITIALIZED;
  *n = (unsigned int)gpus;
  return OK;
}

static nvmlReturn_t handle(unsigned int i, nvmlDevice_t *d) {
  if (sessions == 0) return UNINITIALIZED;
  if (i >= (unsigned int)gpus) return INVALID_ARGUMENT;
  *d = &devices[i];
  return OK;
}

#ifdef FAKE_LEGACY
nvmlReturn_t nvmlDeviceGetCount(unsigned int *n) { return count(n); }
nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int i, nvmlDevice_t *d) { return handle(i, d); }
#else
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *n) { return count(n); }
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, nvmlDevice_t *d) { return handle(i, d); }
#endif

/* The per-device reads, in their own file to keep each part short. */
#include "fake-nvml-devices.inc"
