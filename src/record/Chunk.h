#ifndef HEADER_Chunk
#define HEADER_Chunk
/* A sealed chunk (doc/recording-format.md, "Chunks and compression"): a
   44-byte header with its own CRC, so the time index can be built from
   headers alone, then the compressed body; the body is TICK and EVENT
   records back to back, each as varint type, varint length, payload. Pure
   logic. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record/ByteBuffer.h"
#include "record/ByteReader.h"

#define CHUNK_HEADER_SIZE 44
/* No chunk body is larger before compression: it bounds what a reader
   allocates for one. */
#define CHUNK_MAX_RAW (4u << 20)

typedef struct ChunkHeader {
   uint64_t seq;
   int64_t firstUs, lastUs;
   uint32_t ticks;
   uint32_t events;
   uint32_t rawSize;
   uint8_t codec;
} ChunkHeader;

void Chunk_encodeHeader(const ChunkHeader* this, ByteBuffer* out);
/* False when its CRC does not match or the body size is out of bounds. */
bool Chunk_decodeHeader(ChunkHeader* this, const uint8_t* data, size_t size);

/* Appends one record to a body. */
void Chunk_putRecord(ByteBuffer* body, unsigned type, const uint8_t* payload, size_t size);

/* The next record of a body: false at the end, and at a malformed record
   (then in->ok is false). */
bool Chunk_nextRecord(ByteReader* in, unsigned* type, const uint8_t** payload, size_t* size);

#endif
