#include "config.h"

#include "record/Chunk.h"

#include "record/Frame.h"

void Chunk_encodeHeader(const ChunkHeader* this, ByteBuffer* out) {
   size_t start = out->length;
   ByteBuffer_putU64(out, this->seq);
   ByteBuffer_putU64(out, (uint64_t)this->firstUs);
   ByteBuffer_putU64(out, (uint64_t)this->lastUs);
   ByteBuffer_putU32(out, this->ticks);
   ByteBuffer_putU32(out, this->events);
   ByteBuffer_putU32(out, this->rawSize);
   ByteBuffer_putByte(out, this->codec);
   ByteBuffer_put(out, "\0\0\0", 3);
   ByteBuffer_putU32(out, Frame_crc(out->data + start, CHUNK_HEADER_SIZE - 4));
}

bool Chunk_decodeHeader(ChunkHeader* this, const uint8_t* data, size_t size) {
   if (size < CHUNK_HEADER_SIZE ||
       ByteReader_le32(data + CHUNK_HEADER_SIZE - 4) != Frame_crc(data, CHUNK_HEADER_SIZE - 4))
      return false;
   ByteReader in;
   ByteReader_init(&in, data, CHUNK_HEADER_SIZE);
   this->seq = ByteReader_u64(&in);
   this->firstUs = (int64_t)ByteReader_u64(&in);
   this->lastUs = (int64_t)ByteReader_u64(&in);
   this->ticks = ByteReader_u32(&in);
   this->events = ByteReader_u32(&in);
   this->rawSize = ByteReader_u32(&in);
   this->codec = ByteReader_byte(&in);
   return this->rawSize <= CHUNK_MAX_RAW && this->firstUs <= this->lastUs;
}

void Chunk_putRecord(ByteBuffer* body, unsigned type, const uint8_t* payload, size_t size) {
   ByteBuffer_putVarint(body, type);
   ByteBuffer_putString(body, payload, size);
}

bool Chunk_nextRecord(ByteReader* in, unsigned* type, const uint8_t** payload, size_t* size) {
   if (!in->ok || ByteReader_left(in) == 0)
      return false;
   *type = (unsigned)ByteReader_bounded(in, 0xff);
   ByteReader_string(in, payload, size, CHUNK_MAX_RAW);
   return in->ok;
}
