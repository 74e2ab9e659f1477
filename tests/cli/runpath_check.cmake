# cmake -DBINARY=<file> -P runpath_check.cmake: fails when the binary's RUNPATH (or RPATH) is
# missing or has an empty entry, which makes the dynamic loader search the working directory
# for every library (slower start-up, and a library planted there would be loaded).
execute_process(COMMAND readelf -d "${BINARY}" OUTPUT_VARIABLE dynamic RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "readelf -d ${BINARY} failed (${status})")
endif()
string(REGEX MATCHALL "Library (runpath|rpath): \\[[^]\n]*\\]" paths "${dynamic}")
if(NOT paths)
  message(FATAL_ERROR "${BINARY}: no RUNPATH")
endif()
foreach(path IN LISTS paths)
  string(REGEX REPLACE ".*\\[(.*)\\]" "\\1" value "${path}")
  if(value STREQUAL "" OR value MATCHES "^:" OR value MATCHES ":$" OR value MATCHES "::")
    message(FATAL_ERROR "${BINARY}: the search path '${value}' has an empty entry (the working directory)")
  endif()
  message(STATUS "${BINARY}: ${path}")
endforeach()
