# The dashboard's files compiled into kvroute_cluster (included from cluster/CMakeLists.txt):
# web/* (the page, its ES module and style sheet) and Debian's Chart.js (libjs-chart.js), read
# here at build time so the page fetches nothing from elsewhere at run time. cmake/EmbedFiles.cmake
# writes each set as a table of kvroute::resources::EmbeddedFile in its own namespace.
find_file(KVROUTE_CHARTJS chart.min.js PATHS /usr/share/javascript/chart.js NO_DEFAULT_PATH)
if(NOT KVROUTE_CHARTJS)
  message(FATAL_ERROR "Chart.js not found in /usr/share/javascript/chart.js: apt-get install libjs-chart.js "
                      "(scripts/debian-packages.txt lists it)")
endif()
get_filename_component(kvroute_chartjs_dir ${KVROUTE_CHARTJS} DIRECTORY)
set(kvroute_web_files index.html style.css app.js api.js charts.js live.js whatif.js)
set(kvroute_web_abs)
foreach(f IN LISTS kvroute_web_files)
  list(APPEND kvroute_web_abs ${PROJECT_SOURCE_DIR}/web/${f})
endforeach()
string(REPLACE ";" "," kvroute_web_files_arg "${kvroute_web_files}")
set(kvroute_web_page_out ${CMAKE_CURRENT_BINARY_DIR}/web_page_embedded.cpp)
set(kvroute_web_vendor_out ${CMAKE_CURRENT_BINARY_DIR}/web_vendor_embedded.cpp)
add_custom_command(
  OUTPUT ${kvroute_web_page_out}
  COMMAND ${CMAKE_COMMAND} -DOUT=${kvroute_web_page_out} -DNS=kvroute::cluster::web::page
          -DBASE=${PROJECT_SOURCE_DIR}/web "-DFILES=${kvroute_web_files_arg}" -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
  DEPENDS ${kvroute_web_abs} ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
  COMMENT "Embedding the web dashboard"
  VERBATIM)
add_custom_command(
  OUTPUT ${kvroute_web_vendor_out}
  COMMAND ${CMAKE_COMMAND} -DOUT=${kvroute_web_vendor_out} -DNS=kvroute::cluster::web::vendor
          -DBASE=${kvroute_chartjs_dir} -DFILES=chart.min.js -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
  DEPENDS ${KVROUTE_CHARTJS} ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
  COMMENT "Embedding Chart.js (libjs-chart.js)"
  VERBATIM)
target_sources(kvroute_cluster PRIVATE ${kvroute_web_page_out} ${kvroute_web_vendor_out})
