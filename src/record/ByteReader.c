#include "config.h"

#include "record/ByteReader.h"

#include <string.h>

#include "record/Varint.h"

void ByteReader_init(ByteReader* this, const uint8_t* data, size_t size) {
   this->at = data;
   this->end = data + size;
   this->ok = data != NULL || size == 0;
}

static bool ByteReader_need(ByteReader* this, size_t size) {
   if (this->ok && ByteReader_left(this) >= size)
      return true;
   this->ok = false;
   return false;
}

uint64_t ByteReader_varint(ByteReader* this) {
   uint64_t v = 0;
   if (this->ok && !Varint_get(&this->at, this->end, &v))
      this->ok = false;
   return this->ok ? v : 0;
}

uint64_t ByteReader_bounded(ByteReader* this, uint64_t max) {
   uint64_t v = ByteReader_varint(this);
   if (v > max)
      this->ok = false;
   return this->ok ? v : 0;
}

uint8_t ByteReader_byte(ByteReader* this) {
   return ByteReader_need(this, 1) ? *this->at++ : 0;
}

uint16_t ByteReader_u16(ByteReader* this) {
   if (!ByteReader_need(this, 2))
      return 0;
   uint16_t v = (uint16_t)(this->at[0] | this->at[1] << 8);
   this->at += 2;
   return v;
}

uint32_t ByteReader_u32(ByteReader* this) {
   if (!ByteReader_need(this, 4))
      return 0;
   uint32_t v = ByteReader_le32(this->at);
   this->at += 4;
   return v;
}

uint64_t ByteReader_u64(ByteReader* this) {
   uint64_t low = ByteReader_u32(this);
   return low | (uint64_t)ByteReader_u32(this) << 32;
}

void ByteReader_string(ByteReader* this, const uint8_t** data, size_t* size, size_t max) {
   uint64_t n = ByteReader_bounded(this, max);
   *data = NULL;
   *size = 0;
   if (!ByteReader_need(this, (size_t)n))
      return;
   *data = this->at;
   *size = (size_t)n;
   this->at += n;
}

void ByteReader_text(ByteReader* this, char* out, size_t size) {
   const uint8_t* data;
   size_t n;
   ByteReader_string(this, &data, &n, size - 1);
   if (n)
      memcpy(out, data, n);
   out[n] = '\0';
}
