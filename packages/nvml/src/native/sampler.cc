// The reads of one sample. Every read is classified the way nvidia_gpu_exporter's NVML backend
// does (docs/nvml.md, "Return codes and error classes"): lifecycle codes end the session, "absent" codes
// leave the field out, anything else leaves it out and is reported.
#include <chrono>
#include <cmath>
#include <cstring>

#include "sampler.h"

namespace {

constexpr double kAbsent = NAN;

bool IsLifecycle(nvmlReturn_t r) {
  return r == NVML_ERROR_GPU_IS_LOST || r == NVML_ERROR_UNINITIALIZED ||
         r == NVML_ERROR_DRIVER_NOT_LOADED || r == NVML_ERROR_LIB_RM_VERSION_MISMATCH ||
         r == NVML_ERROR_GPU_NOT_FOUND;
}

bool IsAbsent(nvmlReturn_t r) {
  return r == NVML_ERROR_NOT_SUPPORTED || r == NVML_ERROR_NO_PERMISSION ||
         r == NVML_ERROR_DEPRECATED || r == NVML_ERROR_FUNCTION_NOT_FOUND;
}

// A versioned call that an older driver rejects by signature rather than by a missing symbol.
bool TryOlder(nvmlReturn_t r) {
  return r == NVML_ERROR_FUNCTION_NOT_FOUND || r == NVML_ERROR_DEPRECATED ||
         r == NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
}

}  // namespace

void SamplerCore::Run(Sample* out) {
  const auto start = std::chrono::steady_clock::now();
  if (open_ || Open(out)) {
    const unsigned int n = static_cast<unsigned int>(devices_.size());
    out->values.assign(static_cast<size_t>(n) * kFieldCount, kAbsent);
    for (unsigned int slot = 0; slot < n && out->ok; slot++) {
      if (ReadDevice(slot, out) && options_.processes != 0) ReadProcesses(slot, out);
    }
    out->processStride = lib_.processStride;
    // A lost GPU or driver ends the session; the next sample opens a new one (re-init).
    if (!out->ok) Close();
  }
  out->durationNs = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
}

bool SamplerCore::Keep(nvmlReturn_t r, unsigned int slot, const char* call, Sample* out) {
  if (r == NVML_SUCCESS || IsAbsent(r)) return true;
  if (IsLifecycle(r)) {
    out->ok = false;
    out->stage = "sample";
    out->call = call;
    out->code = r;
    return false;
  }
  out->errors.push_back({slot, call, r});
  return true;
}

#define READ(fn, call, expr, on_success)                              \
  if (lib_.fn != nullptr) {                                            \
    nvmlReturn_t r_ = Call(call, [&] { return expr; });                \
    if (r_ == NVML_SUCCESS) {                                          \
      on_success;                                                      \
    } else if (!Keep(r_, slot, call, out)) {                           \
      return false;                                                    \
    }                                                                  \
  }

bool SamplerCore::ReadDevice(unsigned int slot, Sample* out) {
  nvmlDevice_t dev = devices_[slot].handle;
  double* v = out->values.data() + static_cast<size_t>(slot) * kFieldCount;

  nvmlUtilization_t util;
  READ(utilization, "nvmlDeviceGetUtilizationRates", lib_.utilization(dev, &util),
       (v[k_utilGpu] = util.gpu, v[k_utilMemory] = util.memory));

  bool memoryDone = false;
  if (lib_.memoryV2 != nullptr) {
    nvmlMemory_v2_t m;
    std::memset(&m, 0, sizeof m);
    m.version = nvmlMemory_v2;
    nvmlReturn_t r = Call("nvmlDeviceGetMemoryInfo_v2", [&] { return lib_.memoryV2(dev, &m); });
    if (r == NVML_SUCCESS) {
      v[k_memTotal] = m.total, v[k_memFree] = m.free, v[k_memUsed] = m.used;
      v[k_memReserved] = m.reserved;
    } else if (!TryOlder(r) && !Keep(r, slot, "nvmlDeviceGetMemoryInfo_v2", out)) {
      return false;
    }
    memoryDone = !TryOlder(r);
  }
  if (!memoryDone) {
    nvmlMemory_t m;
    READ(memory, "nvmlDeviceGetMemoryInfo", lib_.memory(dev, &m),
         (v[k_memTotal] = m.total, v[k_memFree] = m.free, v[k_memUsed] = m.used));
  }

  unsigned int u = 0;
  READ(powerUsage, "nvmlDeviceGetPowerUsage", lib_.powerUsage(dev, &u), v[k_powerMw] = u);
  READ(powerLimit, "nvmlDeviceGetEnforcedPowerLimit", lib_.powerLimit(dev, &u),
       v[k_powerLimitMw] = u);

  // TemperatureV where it exists; the deprecated call on R525 and older, or when V says so.
  bool temperatureDone = false;
  if (lib_.temperatureV != nullptr) {
    nvmlTemperature_v1_t t;
    std::memset(&t, 0, sizeof t);
    t.version = nvmlTemperature_v1;
    t.sensorType = NVML_TEMPERATURE_GPU;
    nvmlReturn_t r =
        Call("nvmlDeviceGetTemperatureV", [&] { return lib_.temperatureV(dev, &t); });
    if (r == NVML_SUCCESS) {
      v[k_temperatureC] = t.temperature;
    } else if (!TryOlder(r) && !Keep(r, slot, "nvmlDeviceGetTemperatureV", out)) {
      return false;
    }
    temperatureDone = !TryOlder(r);
  }
  if (!temperatureDone) {
    READ(temperature, "nvmlDeviceGetTemperature",
         lib_.temperature(dev, NVML_TEMPERATURE_GPU, &u), v[k_temperatureC] = u);
  }

  READ(clock, "nvmlDeviceGetClockInfo", lib_.clock(dev, NVML_CLOCK_SM, &u), v[k_smClockMhz] = u);
  READ(clock, "nvmlDeviceGetClockInfo", lib_.clock(dev, NVML_CLOCK_MEM, &u),
       v[k_memClockMhz] = u);
  unsigned long long mj = 0;
  READ(energy, "nvmlDeviceGetTotalEnergyConsumption", lib_.energy(dev, &mj),
       v[k_energyMj] = static_cast<double>(mj));
  READ(fanSpeed, "nvmlDeviceGetFanSpeed", lib_.fanSpeed(dev, &u), v[k_fanPercent] = u);
  if (options_.pcie) {
    // Each call blocks for NVML's 20 ms window, which is why it is opt-in.
    READ(pcie, "nvmlDeviceGetPcieThroughput", lib_.pcie(dev, NVML_PCIE_UTIL_TX_BYTES, &u),
         v[k_pcieTxKBs] = u);
    READ(pcie, "nvmlDeviceGetPcieThroughput", lib_.pcie(dev, NVML_PCIE_UTIL_RX_BYTES, &u),
         v[k_pcieRxKBs] = u);
  }
  unsigned int pending = 0;
  READ(migMode, "nvmlDeviceGetMigMode", lib_.migMode(dev, &u, &pending), v[k_migMode] = u);
  return true;
}
