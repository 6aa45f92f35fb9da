#include "config.h"

#include "record/ByteBuffer.h"

#include <stdlib.h>
#include <string.h>

#include "record/Varint.h"
#include "util/XUtils.h"

void ByteBuffer_init(ByteBuffer* this) {
   *this = (ByteBuffer){0};
}

void ByteBuffer_done(ByteBuffer* this) {
   free(this->data);
   *this = (ByteBuffer){0};
}

void ByteBuffer_reserve(ByteBuffer* this, size_t extra) {
   if (this->capacity - this->length >= extra)
      return;
   size_t capacity = this->capacity ? this->capacity : 256;
   while (capacity - this->length < extra)
      capacity *= 2;
   this->data = xReallocArray(this->data, capacity, 1);
   this->capacity = capacity;
}

uint8_t* ByteBuffer_grow(ByteBuffer* this, size_t size) {
   ByteBuffer_reserve(this, size);
   uint8_t* at = this->data + this->length;
   this->length += size;
   return at;
}

void ByteBuffer_put(ByteBuffer* this, const void* data, size_t size) {
   if (size)
      memcpy(ByteBuffer_grow(this, size), data, size);
}

void ByteBuffer_putByte(ByteBuffer* this, uint8_t b) {
   *ByteBuffer_grow(this, 1) = b;
}

void ByteBuffer_putVarint(ByteBuffer* this, uint64_t v) {
   ByteBuffer_reserve(this, VARINT_MAX_BYTES);
   this->length += Varint_put(this->data + this->length, v);
}

void ByteBuffer_putString(ByteBuffer* this, const void* data, size_t size) {
   ByteBuffer_putVarint(this, size);
   ByteBuffer_put(this, data, size);
}

void ByteBuffer_putU16(ByteBuffer* this, uint16_t v) {
   uint8_t* at = ByteBuffer_grow(this, 2);
   at[0] = (uint8_t)v;
   at[1] = (uint8_t)(v >> 8);
}

void ByteBuffer_putU32(ByteBuffer* this, uint32_t v) {
   ByteBuffer_le32(ByteBuffer_grow(this, 4), v);
}

void ByteBuffer_putU64(ByteBuffer* this, uint64_t v) {
   ByteBuffer_putU32(this, (uint32_t)v);
   ByteBuffer_putU32(this, (uint32_t)(v >> 32));
}
