// The project's single stb_image / stb_image_write implementation (Debian's
// libstb-dev headers). It sits in a file of its own so the build can relax
// checks that are about stb's code, not ours: stb_image_write's JPEG bit
// writer shifts a signed int into the sign bit, which UBSan reports under
// C++17 (defined behaviour since C++20); dream/CMakeLists.txt compiles this
// file with -fno-sanitize=shift-base. Its compiler warnings are silenced
// here for the same reason.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wdouble-promotion"
#pragma GCC diagnostic ignored "-Wconversion"
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
#pragma GCC diagnostic pop
