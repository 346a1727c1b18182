# baton's pure logic: compiled freestanding into the trampoline (trampoline/CMakeLists.txt)
# and hosted into the CLI and the host tests (lib/CMakeLists.txt).  No hardware access here.
set(BATON_LIB_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/e820.cpp
  ${CMAKE_CURRENT_LIST_DIR}/plan.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sha256.cpp
  ${CMAKE_CURRENT_LIST_DIR}/zero_page.cpp
  ${CMAKE_CURRENT_LIST_DIR}/placement.cpp
  ${CMAKE_CURRENT_LIST_DIR}/acpi.cpp
  ${CMAKE_CURRENT_LIST_DIR}/acpi_table.cpp
  ${CMAKE_CURRENT_LIST_DIR}/madt.cpp
  ${CMAKE_CURRENT_LIST_DIR}/srat.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mcfg.cpp
  ${CMAKE_CURRENT_LIST_DIR}/topology.cpp)
