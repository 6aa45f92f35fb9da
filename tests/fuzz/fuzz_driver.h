#ifndef HEADER_fuzz_driver
#define HEADER_fuzz_driver
/* What a fuzz target gives fuzz_driver.c, and what the driver lends the
   targets' seed makers. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

/* Writes the target's seeds into dir; 0 on success. Weak: a target whose
   seeds are files of the tree has none. */
int FuzzTarget_makeCorpus(const char* dir) __attribute__((weak));

/* The whole file, allocated; false when it cannot be read. */
bool FuzzDriver_readFile(const char* path, uint8_t** data, size_t* size);

#endif
