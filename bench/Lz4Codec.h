#ifndef HEADER_Lz4Codec
#define HEADER_Lz4Codec
/* lz4 as a chunk codec (id 2), for bench/record_codec's comparison with
   zstd only: leaktop writes zstd (doc/recording-format.md, "Compression").
   level 0 is lz4's fast mode, above 0 lz4hc at that level. */

#include "record/ChunkCodec.h"

extern const ChunkCodec Lz4Codec;

#endif
