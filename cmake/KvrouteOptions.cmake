# Project-wide settings live on INTERFACE targets linked PRIVATE into every target,
# never in global variables (fmt / spdlog / cmake_template habit).

add_library(kvroute_options INTERFACE)
add_library(kvroute::options ALIAS kvroute_options)
# C++20 language, C++23 library features that g++ 12 ships (std::expected).
target_compile_features(kvroute_options INTERFACE cxx_std_23)
set(CMAKE_CXX_EXTENSIONS OFF)

option(KVROUTE_SANITIZE "Build with AddressSanitizer + UBSan" OFF)
if(KVROUTE_SANITIZE)
  target_compile_options(kvroute_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(kvroute_options INTERFACE -fsanitize=address,undefined)
endif()

add_library(kvroute_warnings INTERFACE)
add_library(kvroute::warnings ALIAS kvroute_warnings)
option(KVROUTE_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" OFF)
target_compile_options(kvroute_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough
    $<$<BOOL:${KVROUTE_WARNINGS_AS_ERRORS}>:-Werror>>)

# Qt-only strictness switches (qBittorrent's CommonConfig habit).
add_library(kvroute_qt_options INTERFACE)
add_library(kvroute::qt_options ALIAS kvroute_qt_options)
target_compile_definitions(kvroute_qt_options INTERFACE
  QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
  QT_USE_QSTRINGBUILDER QT_STRICT_ITERATORS QT_NO_KEYWORDS)

# kvroute_add_test(NAME SOURCES f.cpp... LIBS lib... [ENV VAR=value...])
# One Qt Test class per file; the test is registered with ctest under NAME.
function(kvroute_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;ENV;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES AUTOMOC ON RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  target_link_libraries(${name} PRIVATE Qt6::Test kvroute::options kvroute::warnings ${ARG_LIBS})
  target_compile_definitions(${name} PRIVATE
    KVROUTE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    KVROUTE_BINARY_DIR="${PROJECT_BINARY_DIR}")
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen;${ARG_ENV}")
  if(ARG_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
  endif()
endfunction()

# Link-time optimisation of the simulator into the programs that run it (kvroute, kvroute-bench):
# inlining across sim's files (engine → KV cache → block pool, pods → metrics) saves 2–5 % of
# the benchmarks' CPU (bench/README.md, round 4). Fat objects carry the plain code too, so the
# tests link sim the ordinary way and pay no LTO link each.
option(KVROUTE_LTO "Link kvroute and kvroute-bench with link-time optimisation of sim (GCC, Release)" ON)
add_library(kvroute_lto_objects INTERFACE)
add_library(kvroute::lto_objects ALIAS kvroute_lto_objects)
add_library(kvroute_lto_link INTERFACE)
add_library(kvroute::lto_link ALIAS kvroute_lto_link)
if(KVROUTE_LTO AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(kvroute_lto_objects INTERFACE $<$<CONFIG:Release>:-flto=auto -ffat-lto-objects>)
  target_link_options(kvroute_lto_link INTERFACE $<$<CONFIG:Release>:-flto=auto>)
endif()
