// The compute-process list: the two-call protocol, and the record stride drivers changed without a
// version bump (docs/nvml.md, "The process-list trap").
#include <cmath>
#include <cstring>

#include "sampler.h"

namespace {

constexpr double kAbsent = NAN;
// PID_MAX_LIMIT on 64-bit Linux: a larger pid means the record stride is wrong.
constexpr unsigned int kMaxPid = 4194304;
constexpr unsigned long long kNotAvailable = ~0ULL;
// No GPU has a petabyte of memory: a larger figure is another field read at the wrong offset.
constexpr unsigned long long kMaxBytes = 1ULL << 50;

}  // namespace

bool SamplerCore::ParseProcesses(unsigned int slot, unsigned int count, unsigned int stride,
                                 Sample* out) {
  for (unsigned int i = 0; i < count; i++) {
    const unsigned char* rec = processBuffer_.data() + static_cast<size_t>(i) * stride;
    unsigned int pid;
    unsigned long long used;
    std::memcpy(&pid, rec, sizeof pid);
    std::memcpy(&used, rec + 8, sizeof used);
    if (pid == 0 || pid > kMaxPid || (used != kNotAvailable && used > kMaxBytes)) return false;
    if (options_.processes == 1 && pid != options_.selfPid) continue;
    out->processes.push_back(slot);
    out->processes.push_back(pid);
    // Windows WDDM reports NVML_VALUE_NOT_AVAILABLE: the process is there, its memory is not.
    out->processes.push_back(used == kNotAvailable ? kAbsent : static_cast<double>(used));
  }
  return true;
}

bool SamplerCore::ReadProcesses(unsigned int slot, Sample* out) {
  if (lib_.processes == nullptr) return true;
  nvmlDevice_t dev = devices_[slot].handle;
  const char* call = lib_.processesSymbol;
  unsigned int count = 0;
  nvmlReturn_t r = Call(call, [&] { return lib_.processes(dev, &count, nullptr); });
  if (r == NVML_SUCCESS) return true;  // no process
  if (r != NVML_ERROR_INSUFFICIENT_SIZE) return Keep(r, slot, call, out);
  // The list can grow between the two calls: over-allocate as nvitop does, and always by 32
  // bytes a record, the largest stride a driver has used.
  count = count * 2 + 5;
  processBuffer_.assign(static_cast<size_t>(count) * 32, 0);
  r = Call(call, [&] { return lib_.processes(dev, &count, processBuffer_.data()); });
  if (r != NVML_SUCCESS) return Keep(r, slot, call, out);
  // nvitop's symbol rule picks the _v3 stride, but it is a guess from the symbol set, and drivers
  // have changed the layout more than once: when the records read as impossible pids, the other
  // _v3 stride is tried and kept for the session if it reads cleanly.
  const size_t first = out->processes.size();
  unsigned int stride = lib_.processStride;
  bool sane = ParseProcesses(slot, count, stride, out);
  if (!sane && lib_.processStrideGuessed) {
    out->processes.resize(first);
    stride = stride == 24 ? 32 : 24;
    sane = ParseProcesses(slot, count, stride, out);
    if (sane) lib_.processStride = stride;
  }
  if (!sane) {
    // A stride no known driver uses (nvitop PR 226): drop the list rather than invent pids.
    out->processes.resize(first);
    out->errors.push_back({slot, call, NVML_ERROR_UNKNOWN});
  }
  return true;
}
