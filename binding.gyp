{
  # The pushgate hot path: pure C++ in native/src + the N-API glue in addon.cc.
  # Built by scripts/build-native.mjs (the package's install script).
  "targets": [
    {
      "target_name": "pushgate_native",
      "sources": [
        "native/src/addon.cc",
        "native/src/mask.cc",
        "native/src/utf8.cc",
        "native/src/utf8_simd.cc",
        "native/src/frame_scan.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native/include"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags!": ["-fexceptions", "-O2", "-O0"],
      "cflags_cc!": ["-fexceptions", "-std=gnu++17", "-std=gnu++20", "-O2", "-O0"],
      "cflags": ["-O3"],
      "cflags_cc": ["-std=c++17", "-O3", "-fno-exceptions"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "NO",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "GCC_OPTIMIZATION_LEVEL": "3"
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "ExceptionHandling": 0, "Optimization": 2, "AdditionalOptions": ["/std:c++17"] }
      }
    }
  ]
}
