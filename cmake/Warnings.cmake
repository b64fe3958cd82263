# scc_warnings: the warning set every target of the project is built with.
# -Wnull-dereference is left out: GCC 12 reports false positives in CLI11's headers
# in optimised builds.
add_library(scc_warnings INTERFACE)
target_compile_options(scc_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(SCC_WARNINGS_AS_ERRORS)
  target_compile_options(scc_warnings INTERFACE -Werror)
endif()
