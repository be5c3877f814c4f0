# Optional and required third-party pieces, all from Debian packages.

if(DREAM_STATIC)
  # -static needs a static archive of every library linked; OpenBLAS's would
  # drag in gfortran/quadmath, and the sanitizers' runtimes are shared only.
  if(DREAM_BLAS)
    message(FATAL_ERROR "DREAM_STATIC=ON links the tools with -static: configure with -DDREAM_BLAS=OFF "
                        "(the built-in GEMM) as well")
  endif()
  if(DREAM_SANITIZE)
    message(FATAL_ERROR "DREAM_STATIC=ON and DREAM_SANITIZE=ON do not go together (ASan needs shared linking)")
  endif()
endif()

if(DREAM_OPENMP)
  find_package(OpenMP REQUIRED COMPONENTS CXX)
  if(DREAM_STATIC)
    # FindOpenMP links libgomp.so by full path, which -static rejects; linking
    # with -fopenmp lets the gcc driver pick libgomp.a instead.
    set_target_properties(OpenMP::OpenMP_CXX PROPERTIES INTERFACE_LINK_LIBRARIES "" INTERFACE_LINK_OPTIONS -fopenmp)
  endif()
endif()

if(DREAM_BLAS)
  # Debian's libopenblas-dev; the pkg-config / FindBLAS routes both work, we
  # prefer an explicit search so the cblas.h we compile against matches.
  find_path(DREAM_CBLAS_INCLUDE cblas.h
    PATHS /usr/include/x86_64-linux-gnu/openblas-pthread /usr/include/aarch64-linux-gnu/openblas-pthread
          /usr/include/openblas /usr/include)
  find_library(DREAM_OPENBLAS_LIB NAMES openblas
    PATHS /usr/lib/x86_64-linux-gnu/openblas-pthread /usr/lib/aarch64-linux-gnu/openblas-pthread)
  if(NOT DREAM_CBLAS_INCLUDE OR NOT DREAM_OPENBLAS_LIB)
    message(FATAL_ERROR "DREAM_BLAS=ON but OpenBLAS was not found: apt-get install libopenblas-dev, "
                        "or configure with -DDREAM_BLAS=OFF to use the built-in GEMM")
  endif()
endif()

find_path(DREAM_STB_INCLUDE stb_image.h PATHS /usr/include/stb)
if(NOT DREAM_STB_INCLUDE)
  message(FATAL_ERROR "stb_image.h not found: apt-get install libstb-dev")
endif()

# Helper: one static library per folder from the .cpp files it holds.
function(dream_folder_library name)
  file(GLOB _srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(NOT _srcs)  # a folder not yet written still yields a (empty) library
    set(_srcs ${CMAKE_CURRENT_BINARY_DIR}/${name}_empty.cpp)
    file(WRITE ${_srcs} "// ${name} has no sources yet\n")
  endif()
  add_library(${name} STATIC ${_srcs})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
endfunction()
