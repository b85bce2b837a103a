#include "nvml_lib.h"

#include <dlfcn.h>

#include <initializer_list>

#include "glibc_compat.h"

namespace {

template <typename Fn>
void Bind(void* handle, Fn* slot, const char* symbol) {
  *slot = reinterpret_cast<Fn>(dlsym(handle, symbol));
}

// The first symbol of the list the library exports, so newer drivers get the versioned call and
// older ones the plain one (go-nvml pkg/nvml/lib.go updateVersionedSymbols).
template <typename Fn>
void BindFirst(void* handle, Fn* slot, std::initializer_list<const char*> symbols) {
  for (const char* s : symbols) {
    Bind(handle, slot, s);
    if (*slot != nullptr) return;
  }
}

}  // namespace

bool NvmlLib::Load(const std::string& path, std::string* error) {
  // RTLD_LOCAL: nothing else in the process should bind to NVML's symbols through us.
  void* h = dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (h == nullptr) {
    const char* why = dlerror();
    *error = why != nullptr ? why : "dlopen failed";
    return false;
  }
  handle_ = h;
  Bind(h, &initWithFlags, "nvmlInitWithFlags");
  Bind(h, &init, "nvmlInit_v2");
  Bind(h, &shutdown, "nvmlShutdown");
  Bind(h, &driverVersion, "nvmlSystemGetDriverVersion");
  Bind(h, &nvmlVersion, "nvmlSystemGetNVMLVersion");
  BindFirst(h, &deviceCount, {"nvmlDeviceGetCount_v2", "nvmlDeviceGetCount"});
  BindFirst(h, &handleByIndex, {"nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex"});
  Bind(h, &name, "nvmlDeviceGetName");
  Bind(h, &uuid, "nvmlDeviceGetUUID");
  Bind(h, &pciInfo, "nvmlDeviceGetPciInfo_v3");
  Bind(h, &minorNumber, "nvmlDeviceGetMinorNumber");
  Bind(h, &memoryV2, "nvmlDeviceGetMemoryInfo_v2");
  Bind(h, &memory, "nvmlDeviceGetMemoryInfo");
  Bind(h, &utilization, "nvmlDeviceGetUtilizationRates");
  Bind(h, &powerUsage, "nvmlDeviceGetPowerUsage");
  Bind(h, &powerLimit, "nvmlDeviceGetEnforcedPowerLimit");
  Bind(h, &temperatureV, "nvmlDeviceGetTemperatureV");
  Bind(h, &temperature, "nvmlDeviceGetTemperature");
  Bind(h, &clock, "nvmlDeviceGetClockInfo");
  Bind(h, &energy, "nvmlDeviceGetTotalEnergyConsumption");
  Bind(h, &fanSpeed, "nvmlDeviceGetFanSpeed");
  Bind(h, &pcie, "nvmlDeviceGetPcieThroughput");
  Bind(h, &migMode, "nvmlDeviceGetMigMode");

  // The 535 trap (docs/nvml.md, "The process-list trap"; nvitop PR 79/89): drivers 535.43–535.86 give `_v3` a
  // 32-byte record without a version bump. nvitop's test: `_v3` and ConfComputeMemSizeInfo
  // exported while RunningProcessDetailList is not. Buffers are sized for 32 bytes either way.
  const struct {
    const char* symbol;
    unsigned int stride;
  } layouts[] = {{"nvmlDeviceGetComputeRunningProcesses_v3", 24},
                 {"nvmlDeviceGetComputeRunningProcesses_v2", 24},
                 {"nvmlDeviceGetComputeRunningProcesses", 16}};
  for (const auto& l : layouts) {
    Bind(h, &processes, l.symbol);
    if (processes == nullptr) continue;
    processesSymbol = l.symbol;
    processStride = l.stride;
    break;
  }
  processStrideGuessed = processesSymbol == layouts[0].symbol;
  if (processStrideGuessed && dlsym(h, "nvmlDeviceGetConfComputeMemSizeInfo") &&
      !dlsym(h, "nvmlDeviceGetRunningProcessDetailList"))
    processStride = 32;

  if ((initWithFlags == nullptr && init == nullptr) || shutdown == nullptr ||
      deviceCount == nullptr || handleByIndex == nullptr) {
    *error = "the library lacks nvmlInit/nvmlShutdown/nvmlDeviceGetCount/GetHandleByIndex";
    Unload();
    return false;
  }
  return true;
}

void NvmlLib::Unload() {
  if (handle_ != nullptr) dlclose(handle_);
  *this = NvmlLib();
}
