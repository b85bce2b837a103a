{
  "targets": [
    {
      "target_name": "inferlens_nvml",
      "sources": [
        "src/native/binding.cc",
        "src/native/worker.cc",
        "src/native/sampler.cc",
        "src/native/processes.cc",
        "src/native/to_js.cc",
        "src/native/session.cc",
        "src/native/nvml_lib.cc",
        "src/native/compat.cc"
      ],
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "INFERLENS_NVML_SOURCE_HASH=<!(node scripts/source-hash.cjs)"
      ],
      "cflags_cc": ["-std=c++17", "-fvisibility=hidden"],
      "conditions": [
        [
          "OS=='linux'",
          {
            "libraries": ["-ldl", "-lpthread"],
            "ldflags": ["-Wl,--as-needed"]
          }
        ]
      ]
    }
  ]
}
