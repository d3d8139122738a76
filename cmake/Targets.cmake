# One way to declare a library, an executable, a test and a benchmark, so every module does it
# the same way. Warnings and sanitizers are attached per target through mcph_build_options; no
# global compiler flags.

# mcph_checked_build: warnings and sanitizers, for every target of the project.
add_library(mcph_checked_build INTERFACE)
target_compile_options(mcph_checked_build INTERFACE -Wall -Wextra -Wpedantic
  $<$<BOOL:${MCPH_WERROR}>:-Werror>)
if(MCPH_SANITIZE OR MCPH_FUZZ)
  target_compile_options(mcph_checked_build INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(mcph_checked_build INTERFACE -fsanitize=address,undefined)
endif()
if(MCPH_TSAN)
  target_compile_options(mcph_checked_build INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(mcph_checked_build INTERFACE -fsanitize=thread)
endif()

# mcph_fuzz_coverage: libFuzzer's coverage instrumentation (MCPH_FUZZ); only the fuzz targets
# link libFuzzer's main.
add_library(mcph_fuzz_coverage INTERFACE)
if(MCPH_FUZZ)
  target_compile_options(mcph_fuzz_coverage INTERFACE -fsanitize=fuzzer-no-link)
endif()

# mcph_build_options: the code a fuzz target can reach (libraries, services, the fuzz targets
# and benchmarks). Linked PRIVATE by libraries, so that its flags do not spread to their users.
add_library(mcph_build_options INTERFACE)
target_link_libraries(mcph_build_options INTERFACE mcph_checked_build mcph_fuzz_coverage)

# mcph_test_options: a test program's own sources. Compiled without optimisation: the code under
# test (the libraries) keeps its preset's level, and a test file, mostly GoogleTest's and
# nlohmann/json's templates, compiles in half the time at -O0 (clang-14 with ASan: 12.2 s
# against 5.8 s for one). Without the fuzz targets' coverage instrumentation, which no test needs
# (another 5 to 10 % of a test file's time).
add_library(mcph_test_options INTERFACE)
target_link_libraries(mcph_test_options INTERFACE mcph_checked_build)
target_compile_options(mcph_test_options INTERFACE -O0)

# mcph_library(NAME SOURCES ... [DEPS public-deps...] [PRIVATE_DEPS deps...])
# Creates mcph_NAME (alias mcph::NAME) with include/ of the current folder as public headers.
function(mcph_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(mcph_${name} STATIC ${ARG_SOURCES})
  add_library(mcph::${name} ALIAS mcph_${name})
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_include_directories(mcph_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  endif()
  target_link_libraries(mcph_${name} PUBLIC ${ARG_DEPS} PRIVATE mcph_build_options ${ARG_PRIVATE_DEPS})
endfunction()

# mcph_executable(NAME SOURCES ... [DEPS ...])
function(mcph_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} mcph_build_options)
endfunction()

# mcph_service(NAME SOURCES ... [DEPS ...]) — an executable the stack starts as a service (a
# stand-in or a reference MCP server). It is registered in the global property
# MCPH_SERVICE_BINARIES, from which harness/stack learns where each binary is and builds them
# all; a new service binary is declared here once, not listed again elsewhere. Services are linked
# with jemalloc where MCPH_JEMALLOC found it (cmake/Dependencies.cmake), and installed where an
# installed mcp-harness looks for them (libexec/mcp-harness; harness/fixtures' data_layout.h).
function(mcph_service name)
  mcph_executable(${name} ${ARGN})
  install(TARGETS ${name} RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/mcp-harness)
  if(TARGET PkgConfig::JEMALLOC)
    target_link_libraries(${name} PRIVATE PkgConfig::JEMALLOC)
  endif()
  set_property(GLOBAL APPEND PROPERTY MCPH_SERVICE_BINARIES ${name})
endfunction()

# mcph_discovered_test_properties(LIST_VAR var [LABELS ...] [ENVIRONMENT ...] [PROPERTIES k v ...])
# Sets properties on the tests a gtest_discover_tests(... TEST_LIST var) call finds, when ctest
# loads them. gtest_discover_tests' own PROPERTIES lose the ';' of list values (CMake 3.25: a
# test with LABELS "a;b" got LABELS a plus a bogus property), so list-valued properties go
# through this script instead, included after the discovery's own.
function(mcph_discovered_test_properties)
  cmake_parse_arguments(ARG "" "LIST_VAR" "LABELS;ENVIRONMENT;PROPERTIES" ${ARGN})
  set(properties "")
  if(ARG_LABELS)
    string(APPEND properties " LABELS \"${ARG_LABELS}\"")
  endif()
  if(ARG_ENVIRONMENT)
    string(APPEND properties " ENVIRONMENT \"${ARG_ENVIRONMENT}\"")
  endif()
  foreach(item IN LISTS ARG_PROPERTIES)
    string(APPEND properties " \"${item}\"")
  endforeach()
  set(script ${CMAKE_CURRENT_BINARY_DIR}/${ARG_LIST_VAR}_properties.cmake)
  file(WRITE ${script} "foreach(test IN LISTS ${ARG_LIST_VAR})\n  set_tests_properties(\"\${test}\" PROPERTIES${properties})\nendforeach()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${script})
endfunction()

# mcph_test(NAME SOURCES ... [DEPS ...] [LABELS ...] [ENVIRONMENT ...] [PROPERTIES ...] [ONE_PROCESS])
# A GoogleTest program whose tests ctest discovers one by one; LABELS select them
# (`ctest -L jose`). ENVIRONMENT (VAR=value items) and extra PROPERTIES (scalar name/value
# pairs, e.g. FIXTURES_REQUIRED x) are set on every discovered test.
# ONE_PROCESS registers the whole program as one ctest test instead: for suites that share an
# expensive fixture (a whole stack) across their tests.
function(mcph_test name)
  cmake_parse_arguments(ARG "ONE_PROCESS" "TIMEOUT" "SOURCES;DEPS;LABELS;ENVIRONMENT;PROPERTIES" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main
    mcph_test_options)
  if(ARG_ONE_PROCESS)
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT} ${ARG_PROPERTIES})
    if(ARG_ENVIRONMENT)
      set_tests_properties(${name} PROPERTIES ENVIRONMENT "${ARG_ENVIRONMENT}")
    endif()
  else()
    gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST TEST_LIST ${name}_TESTS)
    mcph_discovered_test_properties(LIST_VAR ${name}_TESTS LABELS ${ARG_LABELS} ENVIRONMENT ${ARG_ENVIRONMENT}
      PROPERTIES TIMEOUT ${ARG_TIMEOUT} ${ARG_PROPERTIES})
  endif()
endfunction()

# mcph_real_tier_tests(TARGET [LABELS ...] [TIMEOUT s] [FILTER f] [PROPERTIES ...])
# Registers TARGET's tests a second time, prefixed "real.", against the stack of the `real_stack`
# fixture (real/CMakeLists.txt: the real Keycloak and Vault): labelled `real` plus LABELS, with
# MCPH_STACK_FILE naming that stack. Without the real tier the fixture is skipped and so are
# these tests, each saying why (the suite's environment skips them: "the real tier is not
# installed"), never passed. PROPERTIES are further test properties (RUN_SERIAL TRUE …).
function(mcph_real_tier_tests target)
  cmake_parse_arguments(ARG "" "TIMEOUT;FILTER" "LABELS;PROPERTIES" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set(filter "")
  if(ARG_FILTER)
    set(filter TEST_FILTER "${ARG_FILTER}")
  endif()
  string(MAKE_C_IDENTIFIER "real_${target}_${ARG_FILTER}" list_var)
  gtest_discover_tests(${target} DISCOVERY_MODE PRE_TEST TEST_PREFIX "real." ${filter} TEST_LIST ${list_var})
  mcph_discovered_test_properties(LIST_VAR ${list_var}
    LABELS real ${ARG_LABELS}
    ENVIRONMENT MCPH_STACK_FILE=${MCPH_REAL_STACK_DIR}/stack.json
    PROPERTIES TIMEOUT ${ARG_TIMEOUT} FIXTURES_REQUIRED real_stack ${ARG_PROPERTIES}
      SKIP_REGULAR_EXPRESSION "the real tier is not installed")
endfunction()

# mcph_client_tests(NAME SERVICE keycloak|vault|cognito|spiffe RUNNER node|python|go MOCK target
#                   [POSTGRES] [STANDIN_ONLY] [LABELS ...])
# A stand-in's third-party client tests (tests/clients of the current folder, run by
# mocks/common/clients/run), registered twice: against the stand-in (labels contract, clients and
# LABELS) and, prefixed "real.", against the real server of the real_stack fixture (label real).
# POSTGRES: the tests get a fresh PostgreSQL (lib/postgres's postgres_server) in POSTGRES_URL.
# STANDIN_ONLY: no real server to run them against (the stand-in is held to a specification).
# Skipped, saying why, when the registry is unreachable or the real tier is not installed.
function(mcph_client_tests name)
  cmake_parse_arguments(ARG "POSTGRES;STANDIN_ONLY" "SERVICE;RUNNER;MOCK" "LABELS" ${ARGN})
  set(command ${PROJECT_SOURCE_DIR}/mocks/common/clients/run --service ${ARG_SERVICE} --runner ${ARG_RUNNER}
      --tests ${CMAKE_CURRENT_SOURCE_DIR}/tests/clients --mock $<TARGET_FILE:${ARG_MOCK}>)
  if(ARG_POSTGRES)
    list(APPEND command --postgres $<TARGET_FILE:postgres_server>)
  endif()
  add_test(NAME ${name} COMMAND ${command} --work ${CMAKE_CURRENT_BINARY_DIR}/clients-${ARG_RUNNER})
  set_tests_properties(${name} PROPERTIES LABELS "contract;clients;${ARG_LABELS}" SKIP_RETURN_CODE 77
    TIMEOUT 600 RESOURCE_LOCK clients-${ARG_SERVICE}-${ARG_RUNNER})
  if(ARG_STANDIN_ONLY)
    return()
  endif()
  add_test(NAME real.${name} COMMAND ${command} --work ${CMAKE_CURRENT_BINARY_DIR}/clients-${ARG_RUNNER})
  set_tests_properties(real.${name} PROPERTIES LABELS "real;contract;clients;${ARG_LABELS}" SKIP_RETURN_CODE 77
    TIMEOUT 600 RESOURCE_LOCK clients-${ARG_SERVICE}-${ARG_RUNNER} FIXTURES_REQUIRED real_stack
    ENVIRONMENT MCPH_STACK_FILE=${MCPH_REAL_STACK_DIR}/stack.json)
endfunction()

# mcph_benchmark(NAME SOURCES ... [DEPS ...] [OWN_MAIN]) — a Google Benchmark program under
# bench/. OWN_MAIN: the program has its own main() (flags of its own, benchmarks registered at
# run time) instead of Google Benchmark's.
function(mcph_benchmark name)
  if(NOT MCPH_BUILD_BENCHMARKS)
    return()
  endif()
  cmake_parse_arguments(ARG "OWN_MAIN" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  if(ARG_OWN_MAIN)
    target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark mcph_build_options)
  else()
    target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark_main mcph_build_options)
  endif()
endfunction()

# mcph_fuzzer(NAME SOURCES ... [DEPS ...] [SEEDS files...])
# A fuzz target: SOURCES define extern "C" LLVMFuzzerTestOneInput (and maybe
# LLVMFuzzerInitialize). Its seeds live in fuzz/corpus/NAME/ beside the module, the inputs that
# once found a bug in fuzz/regressions/NAME/, and an optional libFuzzer dictionary in
# fuzz/NAME.dict. SEEDS are more seed files kept elsewhere in the project (fixtures, scenario
# files), used where they are rather than copied.
# - fuzz preset (MCPH_FUZZ, clang): a libFuzzer binary, built by the `fuzzers` target and run by
#   scripts/fuzz, which finds it through fuzzers.txt in the build folder.
# - any other preset: the same source linked with lib/fuzz's regression driver.
# Either way ctest runs every seed and every regression through it once (test fuzz.NAME, label
# fuzz), so a crash found once stays a test even in the gcc presets.
if(MCPH_FUZZ)
  add_custom_target(fuzzers)
endif()
set(MCPH_FUZZ_MANIFEST ${CMAKE_BINARY_DIR}/fuzzers.txt)
file(WRITE ${MCPH_FUZZ_MANIFEST} "")
function(mcph_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;SEEDS" ${ARGN})
  set(corpus ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${name})
  set(regressions ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regressions/${name})
  set(dict ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/${name}.dict)
  if(NOT EXISTS ${corpus})
    message(FATAL_ERROR "fuzz target ${name} has no seed corpus in ${corpus}")
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} mcph::fuzz mcph_build_options)
  set(inputs ${corpus})
  if(EXISTS ${regressions})
    list(APPEND inputs ${regressions})
  endif()
  if(MCPH_FUZZ)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    add_dependencies(fuzzers ${name})
    # libFuzzer takes folders here (files would switch it to running single inputs); the
    # SEEDS run in the other presets and in scripts/fuzz.
    add_test(NAME fuzz.${name} COMMAND ${name} -runs=0 ${inputs})
  else()
    target_link_libraries(${name} PRIVATE mcph_fuzz_driver)
    add_test(NAME fuzz.${name} COMMAND ${name} ${inputs} ${ARG_SEEDS})
  endif()
  set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz TIMEOUT 300)
  if(NOT EXISTS ${dict})
    set(dict "")
  endif()
  string(JOIN "," seeds ${ARG_SEEDS})
  file(APPEND ${MCPH_FUZZ_MANIFEST}
       "${name}\t${CMAKE_CURRENT_BINARY_DIR}/${name}\t${corpus}\t${regressions}\t${dict}\t${seeds}\n")
endfunction()
