// libnvidia-ml loaded with dlopen: one function pointer per call the sampler makes. A pointer left
// null means the driver does not export that symbol, which the sampler reads as "not supported".
#pragma once

#include <string>

#include "nvml_abi.h"

struct NvmlLib {
  typedef nvmlReturn_t (*DeviceUInt)(nvmlDevice_t, unsigned int*);
  typedef nvmlReturn_t (*DeviceStr)(nvmlDevice_t, char*, unsigned int);
  typedef nvmlReturn_t (*SystemStr)(char*, unsigned int);

  nvmlReturn_t (*initWithFlags)(unsigned int) = nullptr;
  nvmlReturn_t (*init)(void) = nullptr;
  nvmlReturn_t (*shutdown)(void) = nullptr;
  SystemStr driverVersion = nullptr;
  SystemStr nvmlVersion = nullptr;
  nvmlReturn_t (*deviceCount)(unsigned int*) = nullptr;
  nvmlReturn_t (*handleByIndex)(unsigned int, nvmlDevice_t*) = nullptr;
  DeviceStr name = nullptr;
  DeviceStr uuid = nullptr;
  nvmlReturn_t (*pciInfo)(nvmlDevice_t, nvmlPciInfo_t*) = nullptr;
  DeviceUInt minorNumber = nullptr;
  nvmlReturn_t (*memoryV2)(nvmlDevice_t, nvmlMemory_v2_t*) = nullptr;
  nvmlReturn_t (*memory)(nvmlDevice_t, nvmlMemory_t*) = nullptr;
  nvmlReturn_t (*utilization)(nvmlDevice_t, nvmlUtilization_t*) = nullptr;
  DeviceUInt powerUsage = nullptr;
  DeviceUInt powerLimit = nullptr;
  nvmlReturn_t (*temperatureV)(nvmlDevice_t, nvmlTemperature_v1_t*) = nullptr;
  nvmlReturn_t (*temperature)(nvmlDevice_t, nvmlTemperatureSensors_t, unsigned int*) = nullptr;
  nvmlReturn_t (*clock)(nvmlDevice_t, nvmlClockType_t, unsigned int*) = nullptr;
  nvmlReturn_t (*energy)(nvmlDevice_t, unsigned long long*) = nullptr;
  DeviceUInt fanSpeed = nullptr;
  nvmlReturn_t (*pcie)(nvmlDevice_t, nvmlPcieUtilCounter_t, unsigned int*) = nullptr;
  nvmlReturn_t (*migMode)(nvmlDevice_t, unsigned int*, unsigned int*) = nullptr;
  /** One of the compute-process symbols; records are `processStride` bytes apart. */
  nvmlReturn_t (*processes)(nvmlDevice_t, unsigned int*, void*) = nullptr;
  const char* processesSymbol = nullptr;
  unsigned int processStride = 0;
  /** True for `_v3`, whose record size drivers changed without a version bump. */
  bool processStrideGuessed = false;

  /** Opens `path` and resolves every symbol. False with `error` set when the library is unusable. */
  bool Load(const std::string& path, std::string* error);
  /** dlclose; only once no thread can be inside the library. */
  void Unload();
  bool loaded() const { return handle_ != nullptr; }

 private:
  void* handle_ = nullptr;
};
