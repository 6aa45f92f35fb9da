#ifndef HEADER_ChunkCodec
#define HEADER_ChunkCodec
/* How sealed chunk bodies are compressed: a class of two functions per
   codec, named by the id a chunk header carries. leaktop writes zstd; "none"
   stores bodies as they are, for tests that need to see into them. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record/ByteBuffer.h"

typedef enum ChunkCodecId {
   CHUNK_CODEC_NONE = 0,
   CHUNK_CODEC_ZSTD = 1,
   CHUNK_CODEC_LZ4 = 2,
} ChunkCodecId;

typedef struct ChunkCodec {
   const char* name;
   unsigned id;
   int defaultLevel;
   /* Appends the compressed form of in to out. */
   bool (*compress)(int level, const uint8_t* in, size_t size, ByteBuffer* out, char* err,
                    size_t errSize);
   /* Decompresses in into exactly rawSize bytes at out; false when in is
      not that. */
   bool (*decompress)(const uint8_t* in, size_t size, uint8_t* out, size_t rawSize, char* err,
                      size_t errSize);
} ChunkCodec;

extern const ChunkCodec ChunkCodec_none;
extern const ChunkCodec ChunkCodec_zstd;

/* The codec of id that this leaktop reads, or NULL. */
const ChunkCodec* ChunkCodec_byId(unsigned id);

#endif
