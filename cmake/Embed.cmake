# capplan_embed(TARGET NAME FILES f1 f2 ... [BASE dir]): a static library exposing the files' bytes as
#   std::span<const capplan::EmbeddedFile> capplan::embedded::NAME();
# Regenerated at build time when a file changes, so data and web assets ship inside the binary
# and the program never reads the file system for them.
function(capplan_embed target name)
  cmake_parse_arguments(E "" "BASE" "FILES" ${ARGN})
  set(out ${CMAKE_BINARY_DIR}/embedded/${name}.cc)
  string(REPLACE ";" "|" files_arg "${E_FILES}")  # a list would be split into separate arguments
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAME=${name} -DBASE=${E_BASE} "-DFILES=${files_arg}"
            -P ${CMAKE_SOURCE_DIR}/cmake/EmbedScript.cmake
    DEPENDS ${E_FILES} ${CMAKE_SOURCE_DIR}/cmake/EmbedScript.cmake
    COMMENT "Embedding ${name}" VERBATIM)
  add_library(${target} STATIC ${out})
  target_include_directories(${target} PUBLIC ${CMAKE_SOURCE_DIR}/include)
endfunction()

file(GLOB CAPPLAN_MODEL_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/data/models/*.json)
if(CAPPLAN_MODEL_FILES)
  capplan_embed(capplan_model_data models BASE ${CMAKE_SOURCE_DIR}/data/models FILES ${CAPPLAN_MODEL_FILES})
endif()
file(GLOB CAPPLAN_HARDWARE_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/data/hardware/*.json
     ${CMAKE_SOURCE_DIR}/data/hardware/*.csv)
if(CAPPLAN_HARDWARE_FILES)
  capplan_embed(capplan_hardware_data hardware BASE ${CMAKE_SOURCE_DIR}/data/hardware FILES ${CAPPLAN_HARDWARE_FILES})
endif()
file(GLOB CAPPLAN_PRICE_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/data/prices/*.csv
     ${CMAKE_SOURCE_DIR}/data/prices/*.json)
if(CAPPLAN_PRICE_FILES)
  capplan_embed(capplan_cost_data prices BASE ${CMAKE_SOURCE_DIR}/data/prices FILES ${CAPPLAN_PRICE_FILES})
endif()
file(GLOB CAPPLAN_PERF_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/data/calibration/*.json
     ${CMAKE_SOURCE_DIR}/data/validation/*.csv ${CMAKE_SOURCE_DIR}/data/validation/*.json
     ${CMAKE_SOURCE_DIR}/data/perf/*.json)
if(CAPPLAN_PERF_FILES)
  capplan_embed(capplan_perf_data perf BASE ${CMAKE_SOURCE_DIR}/data FILES ${CAPPLAN_PERF_FILES})
endif()
file(GLOB CAPPLAN_ENGINE_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/data/engine/*.json)
if(CAPPLAN_ENGINE_FILES)
  capplan_embed(capplan_engine_data engine BASE ${CMAKE_SOURCE_DIR}/data/engine FILES ${CAPPLAN_ENGINE_FILES})
endif()
