// keep_freed_memory: with glibc's malloc, a large block is served from the
// heap rather than a mapping of its own, and once freed it stays in the heap
// for the next allocations (tensor/malloc_tuning.h). Read through glibc's own
// account of its memory, mallinfo2.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>

#include "tensor/malloc_tuning.h"

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#include <malloc.h>
#define DREAM_TEST_GLIBC_MALLOC 1
#endif

TEST_CASE("keep_freed_memory keeps a freed 48 MiB block in the heap instead of unmapping it", "[memory]") {
  dream::keep_freed_memory();
  const size_t bytes = size_t{48} << 20;  // above glibc's largest dynamic mmap threshold (32 MiB)
#if defined(DREAM_TEST_GLIBC_MALLOC)
  const struct mallinfo2 before = mallinfo2();
#endif
  void* block = std::malloc(bytes);
  REQUIRE(block != nullptr);
  std::memset(block, 1, bytes);
#if defined(DREAM_TEST_GLIBC_MALLOC)
  const struct mallinfo2 in_use = mallinfo2();
  CHECK(in_use.hblkhd == before.hblkhd);  // no mapping of its own
  CHECK(in_use.arena >= before.arena + bytes);
#endif
  std::free(block);
#if defined(DREAM_TEST_GLIBC_MALLOC)
  const struct mallinfo2 after = mallinfo2();
  CHECK(after.arena == in_use.arena);  // the heap was not trimmed
  CHECK(after.fordblks >= before.fordblks + bytes);
#else
  // Another allocator (ASan's, musl's): keep_freed_memory changes nothing;
  // allocating again still works.
  void* again = std::malloc(bytes);
  CHECK(again != nullptr);
  std::free(again);
#endif
}
