#include "config.h"

#include "Lz4Codec.h"

#include <stdio.h>

#include <lz4.h>
#include <lz4hc.h>

static bool Lz4Codec_compress(int level, const uint8_t* in, size_t size, ByteBuffer* out, char* err,
                              size_t errSize) {
   int bound = LZ4_compressBound((int)size);
   ByteBuffer_reserve(out, (size_t)bound);
   char* dst = (char*)out->data + out->length;
   int n = level > 0 ? LZ4_compress_HC((const char*)in, dst, (int)size, bound, level)
                     : LZ4_compress_default((const char*)in, dst, (int)size, bound);
   if (n <= 0) {
      snprintf(err, errSize, "lz4 could not compress %zu bytes", size);
      return false;
   }
   out->length += (size_t)n;
   return true;
}

static bool Lz4Codec_decompress(const uint8_t* in, size_t size, uint8_t* out, size_t rawSize,
                                char* err, size_t errSize) {
   int n = LZ4_decompress_safe((const char*)in, (char*)out, (int)size, (int)rawSize);
   if (n != (int)rawSize) {
      snprintf(err, errSize, "lz4: %d bytes out of %zu", n, rawSize);
      return false;
   }
   return true;
}

const ChunkCodec Lz4Codec = {
      .name = "lz4",
      .id = CHUNK_CODEC_LZ4,
      .defaultLevel = 0,
      .compress = Lz4Codec_compress,
      .decompress = Lz4Codec_decompress,
};
