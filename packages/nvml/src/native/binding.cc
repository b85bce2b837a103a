// The Node-API surface, private to the package (src/binding.ts wraps it):
//   new Sampler({ library, devices, pcie, processes, selfPid }, onSample)
//   sampler.request() -> boolean, sampler.currentCall() -> string | null,
//   sampler.callbackNs() -> number, sampler.close()
//   fields: the per-device value layout; sourceHash: the native sources this binary came from.
#include <napi.h>

#include "worker.h"

#define INFERLENS_STR2(x) #x
#define INFERLENS_STR(x) INFERLENS_STR2(x)

namespace {

class Sampler : public Napi::ObjectWrap<Sampler> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Sampler",
                       {InstanceMethod<&Sampler::Request>("request"),
                        InstanceMethod<&Sampler::CurrentCall>("currentCall"),
                        InstanceMethod<&Sampler::CallbackNs>("callbackNs"),
                        InstanceMethod<&Sampler::Close>("close")});
  }

  explicit Sampler(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Sampler>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsObject() || !info[1].IsFunction()) {
      Napi::TypeError::New(env, "Sampler(options, onSample)").ThrowAsJavaScriptException();
      return;
    }
    Napi::Object o = info[0].As<Napi::Object>();
    SamplerOptions options;
    options.library = o.Get("library").ToString().Utf8Value();
    Napi::Value devices = o.Get("devices");
    if (devices.IsArray()) {
      Napi::Array list = devices.As<Napi::Array>();
      for (uint32_t i = 0; i < list.Length(); i++)
        options.devices.push_back(list.Get(i).ToString().Utf8Value());
    }
    options.pcie = o.Get("pcie").ToBoolean().Value();
    options.processes = o.Get("processes").ToNumber().Int32Value();
    options.selfPid = o.Get("selfPid").ToNumber().Uint32Value();
    worker_ = Worker::Start(env, std::move(options), info[1].As<Napi::Function>());
    if (worker_ == nullptr) {
      Napi::Error::New(env, "cannot start the sampler thread").ThrowAsJavaScriptException();
      return;
    }
    env_ = env;
    napi_add_env_cleanup_hook(env, OnEnvExit, this);
  }

  ~Sampler() override { Shutdown(false); }

 private:
  static void OnEnvExit(void* arg) {
    auto* self = static_cast<Sampler*>(arg);
    self->hooked_ = false;  // Node removes a hook as it runs it
    self->Shutdown(true);
  }

  void Shutdown(bool exiting) {
    if (!worker_) return;
    if (hooked_) napi_remove_env_cleanup_hook(env_, OnEnvExit, this);
    hooked_ = false;
    worker_->Close(exiting);
    worker_->Unref();
    worker_ = nullptr;
  }

  Napi::Value Request(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), worker_ && worker_->Request());
  }

  Napi::Value CurrentCall(const Napi::CallbackInfo& info) {
    const char* call = worker_ ? worker_->core.current.load(std::memory_order_relaxed) : nullptr;
    return call ? Napi::String::New(info.Env(), call) : info.Env().Null();
  }

  Napi::Value CallbackNs(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), worker_ ? worker_->callbackNs.load() : 0);
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Shutdown(false);
    return info.Env().Undefined();
  }

  Worker* worker_ = nullptr;
  napi_env env_ = nullptr;
  bool hooked_ = true;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Sampler", Sampler::Define(env));
  Napi::Array fields = Napi::Array::New(env, kFieldCount);
  for (uint32_t i = 0; i < kFieldCount; i++) fields.Set(i, kFieldNames[i]);
  exports.Set("fields", fields);
  exports.Set("sourceHash", INFERLENS_STR(INFERLENS_NVML_SOURCE_HASH));
  return exports;
}

}  // namespace

NODE_API_MODULE(inferlens_nvml, Init)
