#ifndef HEADER_ByteBuffer
#define HEADER_ByteBuffer
/* A growable byte string that records are encoded into: frames, chunk
   bodies, payloads. Little-endian fixed-size integers and varints. */

#include <stddef.h>
#include <stdint.h>

typedef struct ByteBuffer {
   uint8_t* data;
   size_t length;
   size_t capacity;
} ByteBuffer;

void ByteBuffer_init(ByteBuffer* this);
void ByteBuffer_done(ByteBuffer* this);

static inline void ByteBuffer_clear(ByteBuffer* this) {
   this->length = 0;
}

/* Makes room for extra more bytes. */
void ByteBuffer_reserve(ByteBuffer* this, size_t extra);

/* Appends size bytes left for the caller to fill; returns where they start. */
uint8_t* ByteBuffer_grow(ByteBuffer* this, size_t size);

void ByteBuffer_put(ByteBuffer* this, const void* data, size_t size);
void ByteBuffer_putByte(ByteBuffer* this, uint8_t b);
void ByteBuffer_putVarint(ByteBuffer* this, uint64_t v);
/* A string: varint length, then the bytes. */
void ByteBuffer_putString(ByteBuffer* this, const void* data, size_t size);
void ByteBuffer_putU16(ByteBuffer* this, uint16_t v);
void ByteBuffer_putU32(ByteBuffer* this, uint32_t v);
void ByteBuffer_putU64(ByteBuffer* this, uint64_t v);

static inline void ByteBuffer_le32(uint8_t* out, uint32_t v) {
   out[0] = (uint8_t)v;
   out[1] = (uint8_t)(v >> 8);
   out[2] = (uint8_t)(v >> 16);
   out[3] = (uint8_t)(v >> 24);
}

#endif
