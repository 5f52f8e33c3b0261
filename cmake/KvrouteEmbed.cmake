# kvroute_embed(TARGET tgt NAMESPACE ns FILES a.yaml b.yaml ...)
# Compiles data files into `tgt` as a table {relative path, contents} so built-in presets and
# scenarios work without the source tree, while the files stay the single source of truth.
function(kvroute_embed)
  cmake_parse_arguments(ARG "" "TARGET;NAMESPACE;BASE_DIR" "FILES" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${ARG_TARGET}_embedded.cpp)
  set(abs_files)
  foreach(f IN LISTS ARG_FILES)
    list(APPEND abs_files ${ARG_BASE_DIR}/${f})
  endforeach()
  # A ';' would split the argument; the script turns "," back into a list.
  string(REPLACE ";" "," files_arg "${ARG_FILES}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNS=${ARG_NAMESPACE} -DBASE=${ARG_BASE_DIR}
            "-DFILES=${files_arg}" -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
    DEPENDS ${abs_files} ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
    COMMENT "Embedding ${ARG_TARGET} data files"
    VERBATIM)
  target_sources(${ARG_TARGET} PRIVATE ${out})
endfunction()
