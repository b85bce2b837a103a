// A sample as the JS object src/binding.ts describes (NativeSample). JS thread only.
#pragma once

#include <napi.h>

#include "sampler.h"

Napi::Object SampleToJs(Napi::Env env, const Sample& s);
