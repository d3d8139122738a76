# Every third-party dependency comes from the system (scripts/bootstrap installs them) and is
# exposed as an imported target; nothing is vendored.
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(GTest REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(PkgConfig REQUIRED)
# Debian ships cpp-httplib as a compiled library; its .pc file carries the feature macros that
# must match the build of that library (OpenSSL, zlib, brotli), so take them from there.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET GLOBAL cpp-httplib)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET GLOBAL libpqxx)
include(GoogleTest)
if(MCPH_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
