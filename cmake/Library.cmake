# lnt_public(TARGET HEADER...): the headers other targets may include.
#
# Each library keeps its sources and all its headers in its own folder, which is
# on its own include path only. The headers named here are linked into
# BUILD/include/TARGET, and that directory is what the library exposes to
# whatever links it. A header not named here (a `*_int.h`, a backend's
# internals) cannot be included from another folder: the build fails.
# Tests that look inside a library name its folder (lnt_test INTERNALS, tests/CMakeLists.txt).
function(lnt_public target)
  set(dir ${CMAKE_BINARY_DIR}/include/${target})
  file(MAKE_DIRECTORY ${dir})
  foreach(h IN LISTS ARGN)
    get_filename_component(name ${h} NAME)
    if(NOT EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${h})
      message(FATAL_ERROR "lnt_public(${target}): no header ${h} in ${CMAKE_CURRENT_SOURCE_DIR}")
    endif()
    file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR}/${h} ${dir}/${name} SYMBOLIC)
  endforeach()
  target_include_directories(${target} PUBLIC ${dir} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
endfunction()
