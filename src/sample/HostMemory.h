#ifndef HEADER_HostMemory
#define HEADER_HostMemory
/* Host-wide memory through libproc2's meminfo interface. */

#include <stdbool.h>
#include <stdint.h>

/* MemTotal and MemAvailable in KiB; false when /proc/meminfo is unreadable. */
bool HostMemory_read(uint64_t* totalKiB, uint64_t* availableKiB);
void HostMemory_done(void);

#endif
