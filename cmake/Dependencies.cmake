# Every third-party dependency comes from the system (scripts/bootstrap installs them) and is
# exposed as an imported target; nothing is vendored.
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(GTest REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(PkgConfig REQUIRED)
# cpp-httplib, linked as mcph::httplib. Debian ships it as a compiled library; its .pc file
# carries the feature macros that must match the build of that library (OpenSSL, zlib, brotli),
# so take them from there. Under MCPH_TSAN the same version is compiled from Debian's source
# with -fsanitize=thread instead (cmake/HttplibFromSource.cmake).
if(MCPH_TSAN)
  include(${CMAKE_CURRENT_LIST_DIR}/HttplibFromSource.cmake)
  add_library(mcph::httplib ALIAS mcph_httplib_tsan)
else()
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET GLOBAL cpp-httplib)
  add_library(mcph::httplib ALIAS PkgConfig::HTTPLIB)
endif()
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET GLOBAL libpqxx)
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET GLOBAL libpq)  # postgres-mcp's pipelines (libpqxx 6 has none)
# jemalloc, linked into the services only (mcph_service). Under load, glibc's malloc took about a
# sixth of a stack's CPU (dozens of worker threads per service, each request's strings and JSON
# made and freed on whichever thread serves it). What jemalloc gives and costs, measured side by
# side with glibc's malloc: docs/benchmarks.md, "jemalloc".
if(MCPH_JEMALLOC AND NOT (MCPH_SANITIZE OR MCPH_FUZZ OR MCPH_TSAN))
  pkg_check_modules(JEMALLOC IMPORTED_TARGET GLOBAL jemalloc)
  if(NOT JEMALLOC_FOUND)
    message(FATAL_ERROR "jemalloc not found: run scripts/bootstrap (it installs libjemalloc-dev), "
      "or configure with -DMCPH_JEMALLOC=OFF to keep glibc's malloc")
  endif()
endif()
# gRPC and protobuf, for mock-spiffe's SPIFFE Workload API (gRPC on a Unix socket) only.
find_package(gRPC CONFIG REQUIRED)
find_program(MCPH_GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
include(GoogleTest)
if(MCPH_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
