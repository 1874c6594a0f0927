# Warnings every target of cmig is built with; fatal unless CMIG_WERROR is OFF.
set(CMIG_WARNING_FLAGS -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wformat=2 -Wno-unused-parameter -Wvla -Wpointer-arith)
if(CMIG_WERROR)
  list(APPEND CMIG_WARNING_FLAGS -Werror)
endif()
add_compile_options(${CMIG_WARNING_FLAGS})
add_compile_definitions(_POSIX_C_SOURCE=200809L _DEFAULT_SOURCE)
