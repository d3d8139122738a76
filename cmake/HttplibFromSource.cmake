# The tsan preset's cpp-httplib: Debian's source package of the libcpp-httplib-dev the other
# presets link (version in cmake/httplib-source.env), fetched by scripts/bootstrap into the
# harness's cache directory, split like Debian's build does (split.py: httplib.h + httplib.cc)
# and compiled as a static library with -fsanitize=thread. Debian's own .so is not instrumented:
# ThreadSanitizer saw none of its accesses, nor those of our handlers below its frames.
# Defines mcph_httplib_tsan with the feature macros of Debian's cpp-httplib.pc.
file(STRINGS ${PROJECT_SOURCE_DIR}/cmake/httplib-source.env _httplib_version REGEX "^HTTPLIB_DEBIAN_VERSION=")
string(REPLACE "HTTPLIB_DEBIAN_VERSION=" "" _httplib_version "${_httplib_version}")
# The cache directory as real/cache.sh computes it.
if(DEFINED ENV{MCPH_CACHE_DIR})
  set(_httplib_cache $ENV{MCPH_CACHE_DIR})
elseif(DEFINED ENV{XDG_CACHE_HOME})
  set(_httplib_cache $ENV{XDG_CACHE_HOME}/mcp-harness)
else()
  set(_httplib_cache $ENV{HOME}/.cache/mcp-harness)
endif()
set(MCPH_HTTPLIB_SOURCE_DIR ${_httplib_cache}/cpp-httplib-${_httplib_version} CACHE PATH
  "Debian's cpp-httplib source tree (scripts/fetch-httplib-source), built instrumented for MCPH_TSAN")
if(NOT EXISTS ${MCPH_HTTPLIB_SOURCE_DIR}/.installed)
  message(FATAL_ERROR "MCPH_TSAN needs Debian's cpp-httplib ${_httplib_version} source in "
    "${MCPH_HTTPLIB_SOURCE_DIR}: run scripts/bootstrap (or set MCPH_HTTPLIB_SOURCE_DIR)")
endif()

find_package(ZLIB REQUIRED)
pkg_check_modules(BROTLI REQUIRED IMPORTED_TARGET libbrotlicommon libbrotlidec libbrotlienc)
find_package(Python3 REQUIRED COMPONENTS Interpreter)

set(_httplib_split ${CMAKE_BINARY_DIR}/httplib-tsan)
add_custom_command(
  OUTPUT ${_httplib_split}/httplib.h ${_httplib_split}/httplib.cc
  COMMAND Python3::Interpreter ${MCPH_HTTPLIB_SOURCE_DIR}/split.py --out ${_httplib_split}
  # split.py skips the work when its output is newer than its input.
  COMMAND ${CMAKE_COMMAND} -E touch ${_httplib_split}/httplib.h ${_httplib_split}/httplib.cc
  DEPENDS ${MCPH_HTTPLIB_SOURCE_DIR}/httplib.h ${MCPH_HTTPLIB_SOURCE_DIR}/split.py
  COMMENT "Splitting Debian's cpp-httplib ${_httplib_version} into httplib.h and httplib.cc")

add_library(mcph_httplib_tsan STATIC ${_httplib_split}/httplib.cc ${_httplib_split}/httplib.h)
# Third-party code: its warnings are not ours to fail on, and its header is a system header.
target_include_directories(mcph_httplib_tsan SYSTEM PUBLIC ${_httplib_split})
# The macros of Debian's cpp-httplib.pc, and CPPHTTPLIB_USE_POLL, which debian/rules builds the
# library with (it changes only the .cc).
target_compile_definitions(mcph_httplib_tsan
  PUBLIC CPPHTTPLIB_OPENSSL_SUPPORT CPPHTTPLIB_ZLIB_SUPPORT CPPHTTPLIB_BROTLI_SUPPORT
  PRIVATE CPPHTTPLIB_USE_POLL)
target_compile_options(mcph_httplib_tsan PRIVATE -fsanitize=thread -fno-omit-frame-pointer -w)
target_link_libraries(mcph_httplib_tsan PUBLIC OpenSSL::SSL OpenSSL::Crypto ZLIB::ZLIB PkgConfig::BROTLI
  Threads::Threads)
target_link_options(mcph_httplib_tsan INTERFACE -fsanitize=thread)
