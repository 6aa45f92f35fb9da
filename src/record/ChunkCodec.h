#ifndef HEADER_ChunkCodec
#define HEADER_ChunkCodec
/* How sealed chunk bodies are compressed: a class of two functions per
   codec, named by the id a chunk header carries. leaktop writes zstd, which
   bench/record_codec measured against lz4 (doc/recording-format.md,
   "Compression"); "none" is there for tests and the fuzzer's seeds, which
   need bodies they can see into. */

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

/* Adds a codec that ChunkCodec_byId knows from now on: how
   bench/record_codec reads its lz4 chunks back through the real reader,
   without leaktop itself depending on liblz4. At most 4. */
void ChunkCodec_register(const ChunkCodec* codec);

#endif
