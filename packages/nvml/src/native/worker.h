// The sampler thread: one per Sampler, waiting on a condition variable for a request, running
// SamplerCore::Run, and handing the sample to JS through a thread-safe function.
//
// Lifetime rules (docs/nvml.md, "Cost and threading"):
//  - at most one sample in flight: a request while one runs is refused, never queued;
//  - the thread is detached, so a call that never returns cannot hold up close() or exit;
//  - the thread-safe function is unref'd, so a waiting sample never keeps the process alive;
//  - nvmlShutdown runs on the thread after its last sample, and is skipped when the process
//    exits during a call (nvidia_gpu_exporter's Close does the same).
// pthreads rather than std::thread and std::shared_ptr keep the prebuild free of symbols newer
// than the glibc and libstdc++ that Node 20 itself needs (glibc_compat.h).
#pragma once

#include <napi.h>
#include <pthread.h>

#include <atomic>

#include "sampler.h"

class Worker;
void DeliverSample(Napi::Env env, Napi::Function callback, Worker* worker, Sample* sample);
using SampleFunction = Napi::TypedThreadSafeFunction<Worker, Sample, DeliverSample>;

class Worker {
 public:
  /** Starts the thread and the thread-safe function that calls `onSample`. JS thread only.
   * Null when the thread cannot be created. The caller holds one reference. */
  static Worker* Start(Napi::Env env, SamplerOptions options, Napi::Function onSample);
  /** Asks for one sample; false when one is already in flight. */
  bool Request();
  /** Stops the thread. `exiting`: the environment is going away, so wait briefly for an idle
   * thread to shut NVML down, and skip nvmlShutdown when a call is in flight. Idempotent. */
  void Close(bool exiting);
  /** Drops a reference: the JS object, the thread and the thread-safe function each hold one. */
  void Unref();

  SamplerCore core;
  /** Nanoseconds the last delivery held the JS thread (building the result and the callback). */
  std::atomic<int64_t> callbackNs{0};

 private:
  explicit Worker(SamplerOptions options);
  ~Worker();
  static void* Loop(void* self);

  std::atomic<int> refs_{1};
  pthread_mutex_t mu_;
  pthread_cond_t wake_;
  pthread_cond_t done_;
  bool requested_ = false;
  bool busy_ = false;
  bool stop_ = false;
  bool closed_ = false;
  bool finished_ = false;
  bool skipShutdown_ = false;
  SampleFunction deliver_;
};
