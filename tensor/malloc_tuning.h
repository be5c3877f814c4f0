#pragma once
// Keeping freed memory in the process, instead of giving it back to the
// operating system after every DeepDream step (glibc's malloc).
//
// A dream step allocates and frees the same large tensors every time. glibc
// serves a block above its mmap threshold (128 KiB at first, rising to the
// largest such block freed, at most 32 MiB) with a mapping of its own,
// unmapped when freed, and trims the top of its heap once more than twice
// that threshold is free there. The next step's tensors then fault every
// page in again, each zeroed by the kernel. With both thresholds at 1 GiB,
// freed blocks stay in the heap and the next allocations reuse them, of
// whatever size: the default dream of a 1024x768 image went from 460,000 page
// faults and 7.6 s to 56,000 and 6.9 s (2 threads), at the same peak RSS.
//
// Process-wide, so it is for programs to call (the dream tools and benches),
// not for the library to impose on an application that embeds it. With
// another C library (musl, macOS) it does nothing.
namespace dream {

void keep_freed_memory();

}  // namespace dream
