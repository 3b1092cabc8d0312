# lakestream_module(NAME DEPS dep1 dep2 ...)
#
# Declares the library for one folder under src/: every *.cc in the folder
# (recursively) except *_test.cc goes into the library lakestream_NAME, and
# every *_test.cc becomes one GoogleTest binary NAME_test registered with ctest.
# Adding a file needs no CMake edit. SCRIPT_TESTS is a gtest filter of tests
# that need a server a script under tests/ starts (the script runs them): they
# are left out of discovery, so plain ctest neither skips nor lists them. A sub-folder with a CMakeLists.txt of its
# own is a library of its own (e.g. src/stream/dev, src/pipeline/generator): its
# files are left out here, and the folder's CMakeLists.txt is added after the
# library is declared.
function(lakestream_module name)
  cmake_parse_arguments(ARG "" "SCRIPT_TESTS" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  file(GLOB sub_lists CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*/CMakeLists.txt)
  set(sub_dirs)
  foreach(l IN LISTS sub_lists)
    get_filename_component(d ${l} DIRECTORY)
    list(APPEND sub_dirs ${d})
  endforeach()
  set(lib_srcs)
  set(test_srcs)
  foreach(f IN LISTS srcs)
    set(in_sub FALSE)
    foreach(d IN LISTS sub_dirs)
      string(FIND ${f} "${d}/" at)
      if(at EQUAL 0)
        set(in_sub TRUE)
      endif()
    endforeach()
    if(in_sub)
      continue()
    endif()
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
    set(filter)
    if(ARG_SCRIPT_TESTS)
      set(filter TEST_FILTER "-${ARG_SCRIPT_TESTS}")
    endif()
    gtest_discover_tests(${name}_test DISCOVERY_TIMEOUT 60 ${filter}
                         PROPERTIES ENVIRONMENT "LAKESTREAM_TESTDATA=${PROJECT_SOURCE_DIR}/../shared/testdata")
  endif()
  foreach(d IN LISTS sub_dirs)
    add_subdirectory(${d})
  endforeach()
endfunction()
