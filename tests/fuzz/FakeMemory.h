#ifndef HEADER_FakeMemory
#define HEADER_FakeMemory
/* A fake address space for the fuzz targets that decode another process's
   memory: it stands in for target/RemoteMemory (process_vm_readv, the
   library boundary) and serves reads from regions laid out in the fuzz
   input. A read succeeds when it lies inside one region, else it fails
   with EFAULT, as an unmapped or torn read of a live target does.

   Input layout: records of a little-endian u64 address, a u16 length and
   that many bytes, to the end of the input (a torn record is dropped). */

#include <stddef.h>
#include <stdint.h>

#define FAKE_MEMORY_REGIONS 256

/* Lays out the regions of data (which must outlive the reads); returns how
   many. The first region's address is where a target's root object is. */
int FakeMemory_load(const uint8_t* data, size_t size);
uint64_t FakeMemory_firstAddress(void);

/* Seed makers: appends one region record to buf at *at (buf holds at least
 *at + 10 + len bytes). */
void FakeMemory_putRegion(uint8_t* buf, size_t* at, uint64_t addr, const void* bytes, uint16_t len);

#endif
