# scc_options: build options shared by every target (sanitizers).
add_library(scc_options INTERFACE)
if(SCC_ENABLE_SANITIZERS)
  target_compile_options(scc_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(scc_options INTERFACE -fsanitize=address,undefined)
endif()
