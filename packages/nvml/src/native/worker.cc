#include "worker.h"

#include <time.h>

#include <memory>

#include "glibc_compat.h"
#include "to_js.h"

namespace {

using Owned = std::unique_ptr<Sample>;

int64_t NowNs() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

class Lock {
 public:
  explicit Lock(pthread_mutex_t* mu) : mu_(mu) { pthread_mutex_lock(mu_); }
  ~Lock() { pthread_mutex_unlock(mu_); }

 private:
  pthread_mutex_t* mu_;
};

}  // namespace

// While Node tears an environment down it still drains thread-safe function queues, but no
// longer runs JS; node-addon-api would turn the refused property set into a fatal error. A set
// on a scratch object is the cheapest question Node-API answers with that refusal.
static bool CanRunJs(napi_env env) {
  napi_value probe;
  napi_value value;
  return napi_create_object(env, &probe) == napi_ok &&
         napi_get_boolean(env, true, &value) == napi_ok &&
         napi_set_named_property(env, probe, "ok", value) == napi_ok;
}

void DeliverSample(Napi::Env env, Napi::Function callback, Worker* worker, Sample* sample) {
  Owned owned(sample);
  if (env == nullptr || callback.IsEmpty() || !CanRunJs(env)) return;
  const int64_t start = NowNs();
  napi_value argv[1] = {SampleToJs(env, *sample)};
  napi_value ignored;
  // The JS handler catches everything itself; if it still throws, the exception is dropped here
  // rather than surfacing as an uncaught exception in the host app.
  if (napi_call_function(env, env.Undefined(), callback, 1, argv, &ignored) != napi_ok) {
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
  }
  worker->callbackNs.store(NowNs() - start);
}

Worker::Worker(SamplerOptions options) : core(std::move(options)) {
  pthread_mutex_init(&mu_, nullptr);
  pthread_cond_init(&wake_, nullptr);
  pthread_cond_init(&done_, nullptr);
}

Worker::~Worker() {
  pthread_cond_destroy(&done_);
  pthread_cond_destroy(&wake_);
  pthread_mutex_destroy(&mu_);
}

void Worker::Unref() {
  if (refs_.fetch_sub(1) == 1) delete this;
}

Worker* Worker::Start(Napi::Env env, SamplerOptions options, Napi::Function onSample) {
  auto* self = new Worker(std::move(options));
  // The function holds a reference, dropped by its finalizer, so a delivery still queued after
  // close() finds the worker alive.
  self->refs_.fetch_add(1);
  self->deliver_ = SampleFunction::New(env, onSample, "@inferlens/nvml sampler", 2, 1, self,
                                       [](Napi::Env, void*, Worker* w) { w->Unref(); });
  self->deliver_.Unref(env);
  self->refs_.fetch_add(1);
  pthread_t thread;
  if (pthread_create(&thread, nullptr, Loop, self) != 0) {
    self->refs_.fetch_sub(1);
    self->Close(false);
    self->Unref();
    return nullptr;
  }
  pthread_detach(thread);
  return self;
}

bool Worker::Request() {
  Lock lock(&mu_);
  if (stop_ || requested_ || busy_) return false;
  requested_ = true;
  pthread_cond_signal(&wake_);
  return true;
}

void* Worker::Loop(void* arg) {
  auto* self = static_cast<Worker*>(arg);
  for (;;) {
    {
      Lock lock(&self->mu_);
      while (!self->stop_ && !self->requested_) pthread_cond_wait(&self->wake_, &self->mu_);
      if (self->stop_) break;
      self->busy_ = true;
    }
    auto* sample = new Sample();
    self->core.Run(sample);
    Lock lock(&self->mu_);
    self->busy_ = false;
    self->requested_ = false;
    // Under the lock, so close() cannot release the function between the check and the call.
    if (self->closed_ || self->deliver_.NonBlockingCall(sample) != napi_ok) delete sample;
    if (self->stop_) break;
  }
  bool skip;
  {
    Lock lock(&self->mu_);
    skip = self->skipShutdown_;
  }
  if (!skip) self->core.Shutdown();
  {
    Lock lock(&self->mu_);
    self->finished_ = true;
    pthread_cond_broadcast(&self->done_);
  }
  self->Unref();
  return nullptr;
}

void Worker::Close(bool exiting) {
  bool release = false;
  Lock lock(&mu_);
  if (exiting && busy_) skipShutdown_ = true;
  const bool waitIdle = exiting && !busy_ && !finished_;
  if (!closed_) closed_ = release = true;
  stop_ = true;
  pthread_cond_signal(&wake_);
  if (release) deliver_.Release();
  if (!waitIdle) return;
  // Let an idle thread finish nvmlShutdown before the process goes; bounded, because
  // nvmlShutdown is a driver call too.
  timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 2;
  while (!finished_ && pthread_cond_timedwait(&done_, &mu_, &deadline) == 0) {
  }
}
