{
  "targets": [
    {
      "target_name": "vrouterd_yang",
      "sources": [
        "src/validation/native/addon.cc",
        "src/validation/native/context.cc",
        "src/validation/native/errors.cc",
        "src/validation/native/print.cc",
        "src/validation/native/schema-export.cc",
        "src/validation/native/type-export.cc",
        "src/validation/native/validate.cc",
        "src/validation/native/validation-errors.cc",
        "src/validation/native/yang-library.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "libraries": ["-lyang"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++14"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_CPP_EXCEPTIONS"]
    }
  ]
}
