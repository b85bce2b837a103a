// One NVML session and the reads of one sample. Plain C++ with no Node-API: it runs only on the
// addon's sampler thread (binding.cc), never on the JS thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "nvml_lib.h"

// Per-device values in NVML's own units; NaN marks a field the device did not report. The order
// is exported to JS as `fields`, so JS never hard-codes an index.
#define INFERLENS_NVML_FIELDS(X)                                                              \
  X(utilGpu) X(utilMemory) X(memTotal) X(memFree) X(memUsed) X(memReserved) X(powerMw)         \
  X(powerLimitMw) X(temperatureC) X(smClockMhz) X(memClockMhz) X(energyMj) X(fanPercent)        \
  X(pcieTxKBs) X(pcieRxKBs) X(migMode)

enum Field {
#define INFERLENS_ENUM(name) k_##name,
  INFERLENS_NVML_FIELDS(INFERLENS_ENUM)
#undef INFERLENS_ENUM
  kFieldCount
};
extern const char* const kFieldNames[kFieldCount];

struct SamplerOptions {
  std::string library;
  /** NVML indexes (as decimal strings) or UUIDs to sample; empty means every device. */
  std::vector<std::string> devices;
  bool pcie = false;
  /** 0: no process list, 1: only `selfPid`, 2: every process. */
  int processes = 1;
  unsigned int selfPid = 0;
};

struct DeviceInfo {
  unsigned int index = 0;
  nvmlDevice_t handle = nullptr;
  std::string uuid, name, pciBusId;
  int minor = -1;
};

struct FieldError {
  unsigned int slot;
  const char* call;
  int code;
};

struct Sample {
  bool ok = true;
  /** Where a failed sample stopped: load, init, count, devices or sample. */
  const char* stage = "";
  const char* call = "";
  int code = 0;
  std::string message;
  /** True on the first sample of a new NVML session: the fields below `generation` are set. */
  bool fresh = false;
  unsigned int generation = 0;
  std::string driverVersion, nvmlVersion;
  std::vector<DeviceInfo> devices;
  std::vector<FieldError> skipped;  // devices whose handle NVML refused: slot = index
  /** Bytes between process records as read this sample (16, 24 or 32). */
  unsigned int processStride = 0;
  std::vector<double> values;     // devices × kFieldCount
  std::vector<double> processes;  // (slot, pid, used bytes) per process
  std::vector<FieldError> errors;  // unexpected codes of single reads; the field is left out
  int64_t durationNs = 0;
};

class SamplerCore {
 public:
  explicit SamplerCore(SamplerOptions options) : options_(std::move(options)) {}
  /** Takes one sample, initialising NVML first when no session is open. */
  void Run(Sample* out);
  /** nvmlShutdown and dlclose; call only when no NVML call is in flight. */
  void Shutdown();
  /** The NVML function running now, or null; read from the JS thread to name a stuck call. */
  std::atomic<const char*> current{nullptr};

 private:
  bool Open(Sample* out);
  void Close();
  bool ReadDevice(unsigned int slot, Sample* out);
  bool ReadProcesses(unsigned int slot, Sample* out);
  /** Appends the records read at `stride`; false when one of them cannot be a real process. */
  bool ParseProcesses(unsigned int slot, unsigned int count, unsigned int stride, Sample* out);
  /** Stores a read: true to go on, false when the code ends the session (GPU lost, …). */
  bool Keep(nvmlReturn_t r, unsigned int slot, const char* call, Sample* out);
  template <typename F>
  nvmlReturn_t Call(const char* name, F f) {
    current.store(name, std::memory_order_relaxed);
    nvmlReturn_t r = f();
    current.store(nullptr, std::memory_order_relaxed);
    return r;
  }

  SamplerOptions options_;
  NvmlLib lib_;
  bool open_ = false;
  unsigned int generation_ = 0;
  std::vector<DeviceInfo> devices_;
  std::vector<unsigned char> processBuffer_;
};
