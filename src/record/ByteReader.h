#ifndef HEADER_ByteReader
#define HEADER_ByteReader
/* A cursor over bytes read from a recording, which may be anything: every
   read is bounded by the end, and the first failure sticks (ok turns false
   and every later read gives 0), so a decoder checks once at the end. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ByteReader {
   const uint8_t* at;
   const uint8_t* end;
   bool ok;
} ByteReader;

void ByteReader_init(ByteReader* this, const uint8_t* data, size_t size);

static inline size_t ByteReader_left(const ByteReader* this) {
   return (size_t)(this->end - this->at);
}

uint64_t ByteReader_varint(ByteReader* this);
/* A varint that must not exceed max. */
uint64_t ByteReader_bounded(ByteReader* this, uint64_t max);
uint8_t ByteReader_byte(ByteReader* this);
uint16_t ByteReader_u16(ByteReader* this);
uint32_t ByteReader_u32(ByteReader* this);
uint64_t ByteReader_u64(ByteReader* this);

/* A string (varint length, bytes) of at most max bytes; *data points into
   the input. */
void ByteReader_string(ByteReader* this, const uint8_t** data, size_t* size, size_t max);

/* A string copied into out (size bytes), NUL-terminated; longer ones fail. */
void ByteReader_text(ByteReader* this, char* out, size_t size);

static inline uint32_t ByteReader_le32(const uint8_t* p) {
   return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#endif
