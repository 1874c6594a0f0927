# CmigEmbed.cmake - compile a versions/ directory into a program (issue 7).
#
#   cmig_embed_migrations(<target> <versions_dir> [SYMBOL <name>])
#
# generates a C source file defining
#
#   const cmig_embedded_file cmig_embedded_migrations[];   /* { name, text, len } per file */
#   const size_t cmig_embedded_migrations_count;
#
# (or <name>[] and <name>_count) from every *.sql file of <versions_dir> (relative to the
# calling CMakeLists.txt), and adds it to <target>. The program hands the array to
# cmig_project_open() through cmig_open_options.files/.nfiles and ships as one binary with no
# versions/ beside it. The file is regenerated when a migration changes; adding or removing a
# file re-runs CMake (file(GLOB CONFIGURE_DEPENDS)). Files whose names begin with "." are
# skipped, as cmig skips them in a versions/ directory (SPEC §2).
#
# The target must see <cmig/cmig.h>: link it to cmig::cmig (find_package(cmig)) or to the
# in-tree `cmig` target. The same generator works without CMake projects:
#   cmake -DVERSIONS_DIR=versions -DOUTPUT=migrations.c -P CmigEmbedGenerate.cmake
include_guard(GLOBAL)

function(cmig_embed_migrations target versions_dir)
  cmake_parse_arguments(ARG "" "SYMBOL" "" ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "cmig_embed_migrations: unexpected arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_SYMBOL)
    set(ARG_SYMBOL cmig_embedded_migrations)
  endif()
  if(NOT ARG_SYMBOL MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "cmig_embed_migrations: SYMBOL '${ARG_SYMBOL}' is not a C identifier")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "cmig_embed_migrations: no target named '${target}'")
  endif()
  get_filename_component(dir "${versions_dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT IS_DIRECTORY "${dir}")
    message(FATAL_ERROR "cmig_embed_migrations: '${dir}' is not a directory")
  endif()

  set(script "${_CMIG_EMBED_DIR}/CmigEmbedGenerate.cmake")
  file(GLOB files CONFIGURE_DEPENDS "${dir}/*.sql")
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${target}_${ARG_SYMBOL}.c")
  add_custom_command(OUTPUT "${out}"
    COMMAND "${CMAKE_COMMAND}" "-DVERSIONS_DIR=${dir}" "-DOUTPUT=${out}" "-DSYMBOL=${ARG_SYMBOL}"
            -P "${script}"
    DEPENDS ${files} "${script}"
    COMMENT "Embedding migrations of ${dir} into ${target}"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()

# Where this file (and the generator beside it) lives, for the function above: a cache
# entry, so the function works from any directory scope.
set(_CMIG_EMBED_DIR "${CMAKE_CURRENT_LIST_DIR}" CACHE INTERNAL "where CmigEmbedGenerate.cmake is")
