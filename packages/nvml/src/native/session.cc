// Opening and closing an NVML session: load the library, init, enumerate devices once and keep
// their handles and static strings for the session (docs/nvml.md, "Cost and threading": init once,
// read static fields once).
#include <algorithm>
#include <cstring>

#include "sampler.h"

const char* const kFieldNames[kFieldCount] = {
#define INFERLENS_NAME(name) #name,
    INFERLENS_NVML_FIELDS(INFERLENS_NAME)
#undef INFERLENS_NAME
};

namespace {

bool Fail(Sample* out, const char* stage, const char* call, int code, std::string message) {
  out->ok = false;
  out->stage = stage;
  out->call = call;
  out->code = code;
  out->message = std::move(message);
  return false;
}

bool Selected(const std::vector<std::string>& wanted, const DeviceInfo& d) {
  if (wanted.empty()) return true;
  const std::string index = std::to_string(d.index);
  return std::any_of(wanted.begin(), wanted.end(),
                     [&](const std::string& w) { return w == index || w == d.uuid; });
}

}  // namespace

bool SamplerCore::Open(Sample* out) {
  if (!lib_.loaded()) {
    std::string error;
    if (!lib_.Load(options_.library, &error)) {
      // What go-nvml returns for a load failure (pkg/nvml/init.go).
      const int code = error.find("lacks") != std::string::npos ? NVML_ERROR_FUNCTION_NOT_FOUND
                                                                 : NVML_ERROR_LIBRARY_NOT_FOUND;
      return Fail(out, "load", "dlopen", code, error);
    }
  }
  // NO_GPUS: a machine without GPUs is a normal answer (count 0), not an init failure.
  nvmlReturn_t r = lib_.initWithFlags != nullptr
                       ? Call("nvmlInitWithFlags",
                              [&] { return lib_.initWithFlags(NVML_INIT_FLAG_NO_GPUS); })
                       : Call("nvmlInit_v2", [&] { return lib_.init(); });
  if (r != NVML_SUCCESS)
    return Fail(out, "init", lib_.initWithFlags ? "nvmlInitWithFlags" : "nvmlInit_v2", r, "");
  open_ = true;
  char text[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE];
  if (lib_.driverVersion &&
      Call("nvmlSystemGetDriverVersion", [&] { return lib_.driverVersion(text, sizeof text); }) ==
          NVML_SUCCESS)
    out->driverVersion = text;
  if (lib_.nvmlVersion &&
      Call("nvmlSystemGetNVMLVersion", [&] { return lib_.nvmlVersion(text, sizeof text); }) ==
          NVML_SUCCESS)
    out->nvmlVersion = text;

  unsigned int count = 0;
  r = Call("nvmlDeviceGetCount", [&] { return lib_.deviceCount(&count); });
  if (r != NVML_SUCCESS) {
    Close();
    return Fail(out, "count", "nvmlDeviceGetCount", r, "");
  }
  devices_.clear();
  for (unsigned int i = 0; i < count; i++) {
    DeviceInfo d;
    d.index = i;
    // The count includes devices this process may not open (NO_PERMISSION): skip only those.
    r = Call("nvmlDeviceGetHandleByIndex", [&] { return lib_.handleByIndex(i, &d.handle); });
    if (r != NVML_SUCCESS) {
      out->skipped.push_back({i, "nvmlDeviceGetHandleByIndex", r});
      continue;
    }
    char buf[NVML_DEVICE_UUID_V2_BUFFER_SIZE];
    if (lib_.uuid && Call("nvmlDeviceGetUUID", [&] { return lib_.uuid(d.handle, buf, sizeof buf); }) ==
                         NVML_SUCCESS)
      d.uuid = buf;
    if (!Selected(options_.devices, d)) continue;
    if (lib_.name && Call("nvmlDeviceGetName", [&] { return lib_.name(d.handle, buf, sizeof buf); }) ==
                         NVML_SUCCESS)
      d.name = buf;
    nvmlPciInfo_t pci;
    std::memset(&pci, 0, sizeof pci);
    if (lib_.pciInfo &&
        Call("nvmlDeviceGetPciInfo_v3", [&] { return lib_.pciInfo(d.handle, &pci); }) == NVML_SUCCESS)
      d.pciBusId.assign(pci.busId, strnlen(pci.busId, sizeof pci.busId));
    unsigned int minor = 0;
    if (lib_.minorNumber &&
        Call("nvmlDeviceGetMinorNumber", [&] { return lib_.minorNumber(d.handle, &minor); }) ==
            NVML_SUCCESS)
      d.minor = static_cast<int>(minor);
    devices_.push_back(std::move(d));
  }
  if (devices_.empty()) {
    Close();
    return Fail(out, "devices", "nvmlDeviceGetCount", NVML_ERROR_NOT_FOUND,
                count == 0 ? "NVML reports no GPU"
                           : std::to_string(count) + " GPUs, none selected by `devices`");
  }
  out->fresh = true;
  out->generation = ++generation_;
  out->devices = devices_;
  return true;
}

void SamplerCore::Close() {
  if (open_) Call("nvmlShutdown", [&] { return lib_.shutdown(); });
  open_ = false;
  devices_.clear();
}

void SamplerCore::Shutdown() {
  Close();
  lib_.Unload();
}
