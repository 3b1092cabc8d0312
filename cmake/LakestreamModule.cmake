# lakestream_module(NAME DEPS dep1 dep2 ...)
#
# Declares the library for one folder under src/: every *.cc in the folder
# (recursively) except *_test.cc goes into the library lakestream_NAME, and
# every *_test.cc becomes one GoogleTest binary NAME_test registered with ctest.
# Adding a file needs no CMake edit.
function(lakestream_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  set(lib_srcs)
  set(test_srcs)
  foreach(f IN LISTS srcs)
    if(f MATCHES "_test\\.cc$")
      list(APPEND test_srcs ${f})
    else()
      list(APPEND lib_srcs ${f})
    endif()
  endforeach()
  add_library(lakestream_${name} STATIC ${lib_srcs})
  target_include_directories(lakestream_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(lakestream_${name} PUBLIC ${ARG_DEPS})
  if(LAKESTREAM_TESTS AND test_srcs)
    add_executable(${name}_test ${test_srcs})
    target_link_libraries(${name}_test PRIVATE lakestream_${name} ${ARG_TEST_DEPS}
                          GTest::gtest GTest::gtest_main)
    target_compile_definitions(${name}_test PRIVATE
        LAKESTREAM_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
        LAKESTREAM_TESTDATA_DIR="${PROJECT_SOURCE_DIR}/../shared/testdata")
    gtest_discover_tests(${name}_test DISCOVERY_TIMEOUT 60
                         PROPERTIES ENVIRONMENT "LAKESTREAM_TESTDATA=${PROJECT_SOURCE_DIR}/../shared/testdata")
  endif()
endfunction()
