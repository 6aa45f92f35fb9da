#include "config.h"

#include "record/ChunkCodec.h"

#include <stdio.h>
#include <string.h>

#include <zstd.h>

static bool ChunkCodec_copy(int level, const uint8_t* in, size_t size, ByteBuffer* out, char* err,
                            size_t errSize) {
   (void)level;
   (void)err;
   (void)errSize;
   ByteBuffer_put(out, in, size);
   return true;
}

static bool ChunkCodec_uncopy(const uint8_t* in, size_t size, uint8_t* out, size_t rawSize,
                              char* err, size_t errSize) {
   if (size != rawSize) {
      snprintf(err, errSize, "stored body of %zu bytes, %zu expected", size, rawSize);
      return false;
   }
   if (size)
      memcpy(out, in, size);
   return true;
}

const ChunkCodec ChunkCodec_none = {
      .name = "none",
      .id = CHUNK_CODEC_NONE,
      .compress = ChunkCodec_copy,
      .decompress = ChunkCodec_uncopy,
};

static bool ChunkCodec_zstdCompress(int level, const uint8_t* in, size_t size, ByteBuffer* out,
                                    char* err, size_t errSize) {
   size_t bound = ZSTD_compressBound(size);
   ByteBuffer_reserve(out, bound);
   size_t n = ZSTD_compress(out->data + out->length, bound, in, size, level);
   if (ZSTD_isError(n)) {
      snprintf(err, errSize, "zstd: %s", ZSTD_getErrorName(n));
      return false;
   }
   out->length += n;
   return true;
}

static bool ChunkCodec_zstdDecompress(const uint8_t* in, size_t size, uint8_t* out, size_t rawSize,
                                      char* err, size_t errSize) {
   /* The frame says its own size: refuse one that disagrees before
      decoding it into a buffer sized by the chunk header. */
   unsigned long long content = ZSTD_getFrameContentSize(in, size);
   if (content != rawSize) {
      snprintf(err, errSize, "zstd frame of %llu bytes, %zu expected", content, rawSize);
      return false;
   }
   size_t n = ZSTD_decompress(out, rawSize, in, size);
   if (ZSTD_isError(n) || n != rawSize) {
      snprintf(err, errSize, "zstd: %s", ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short body");
      return false;
   }
   return true;
}

const ChunkCodec ChunkCodec_zstd = {
      .name = "zstd",
      .id = CHUNK_CODEC_ZSTD,
      .defaultLevel = 3,
      .compress = ChunkCodec_zstdCompress,
      .decompress = ChunkCodec_zstdDecompress,
};

static const ChunkCodec* ChunkCodec_registered[4];

void ChunkCodec_register(const ChunkCodec* codec) {
   for (size_t i = 0; i < sizeof(ChunkCodec_registered) / sizeof(ChunkCodec_registered[0]); i++) {
      if (!ChunkCodec_registered[i] || ChunkCodec_registered[i]->id == codec->id) {
         ChunkCodec_registered[i] = codec;
         return;
      }
   }
}

const ChunkCodec* ChunkCodec_byId(unsigned id) {
   if (id == CHUNK_CODEC_NONE)
      return &ChunkCodec_none;
   if (id == CHUNK_CODEC_ZSTD)
      return &ChunkCodec_zstd;
   for (size_t i = 0; i < sizeof(ChunkCodec_registered) / sizeof(ChunkCodec_registered[0]); i++)
      if (ChunkCodec_registered[i] && ChunkCodec_registered[i]->id == id)
         return ChunkCodec_registered[i];
   return NULL;
}
