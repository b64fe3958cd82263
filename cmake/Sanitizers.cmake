# scc_options: build options shared by every target (sanitizers).
add_library(scc_options INTERFACE)
# The libFuzzer build (fuzz/CMakeLists.txt) instruments everything for coverage and runs it
# under ASan+UBSan; it needs clang (CC=clang CXX=clang++ in its own build directory).
if(SCC_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SCC_BUILD_FUZZERS needs clang: configure with CC=clang CXX=clang++")
  endif()
  target_compile_options(scc_options INTERFACE -fsanitize=fuzzer-no-link)
endif()
if(SCC_ENABLE_SANITIZERS OR SCC_BUILD_FUZZERS)
  target_compile_options(scc_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(scc_options INTERFACE -fsanitize=address,undefined)
endif()
