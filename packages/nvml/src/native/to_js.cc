#include "to_js.h"

#include <algorithm>

Napi::Object SampleToJs(Napi::Env env, const Sample& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("ok", s.ok);
  o.Set("durationNs", static_cast<double>(s.durationNs));
  if (!s.ok) {
    o.Set("stage", s.stage);
    o.Set("call", s.call);
    o.Set("code", s.code);
    o.Set("message", s.message);
  }
  if (!s.driverVersion.empty() || !s.nvmlVersion.empty()) {
    o.Set("driverVersion", s.driverVersion);
    o.Set("nvmlVersion", s.nvmlVersion);
  }
  auto faults = [&](const std::vector<FieldError>& list) {
    Napi::Array a = Napi::Array::New(env, list.size());
    for (uint32_t i = 0; i < list.size(); i++) {
      Napi::Object e = Napi::Object::New(env);
      e.Set("slot", list[i].slot);
      e.Set("call", list[i].call);
      e.Set("code", list[i].code);
      a.Set(i, e);
    }
    return a;
  };
  if (s.fresh) {
    o.Set("generation", s.generation);
    Napi::Array devices = Napi::Array::New(env, s.devices.size());
    for (uint32_t i = 0; i < s.devices.size(); i++) {
      const DeviceInfo& d = s.devices[i];
      Napi::Object j = Napi::Object::New(env);
      j.Set("index", d.index);
      j.Set("uuid", d.uuid);
      j.Set("name", d.name);
      j.Set("pciBusId", d.pciBusId);
      j.Set("minor", d.minor);
      devices.Set(i, j);
    }
    o.Set("devices", devices);
    o.Set("skipped", faults(s.skipped));
  }
  if (!s.errors.empty()) o.Set("errors", faults(s.errors));
  if (s.ok) {
    o.Set("processStride", s.processStride);
    // Numbers travel as two typed arrays, so a sample of 8 GPUs costs a few property sets and two
    // copies on the JS thread instead of a hundred objects.
    Napi::Float64Array values = Napi::Float64Array::New(env, s.values.size());
    std::copy(s.values.begin(), s.values.end(), values.Data());
    o.Set("values", values);
    Napi::Float64Array processes = Napi::Float64Array::New(env, s.processes.size());
    std::copy(s.processes.begin(), s.processes.end(), processes.Data());
    o.Set("processes", processes);
  }
  return o;
}
