#include "config.h"

#include "record/RecordEvent.h"

#include <stdint.h>
#include <string.h>

#include "record/ByteReader.h"
#include "record/Varint.h"

enum { ATTR_TAG_NUMBER, ATTR_TAG_BYTES };

void RecordEvent_init(RecordEvent* this, unsigned kind, RecordScope scope, uint64_t pid,
                      uint64_t startTicks, int64_t wallUs) {
   this->wallUs = wallUs;
   this->kind = kind;
   this->scope = scope;
   this->key[0] = scope == RECORD_SCOPE_HOST ? 0 : pid;
   this->key[1] = scope == RECORD_SCOPE_HOST ? 0 : startTicks;
   this->attrCount = 0;
}

static RecordAttr* RecordEvent_add(RecordEvent* this, unsigned id) {
   if (this->attrCount == RECORD_EVENT_ATTRS_MAX)
      return NULL;
   RecordAttr* a = &this->attrs[this->attrCount++];
   *a = (RecordAttr){.id = id};
   return a;
}

void RecordEvent_addNumber(RecordEvent* this, unsigned id, int64_t number) {
   RecordAttr* a = RecordEvent_add(this, id);
   if (a)
      a->number = number;
}

void RecordEvent_addBytes(RecordEvent* this, unsigned id, const void* bytes, size_t size) {
   RecordAttr* a = RecordEvent_add(this, id);
   if (!a)
      return;
   a->isBytes = true;
   a->bytes = bytes;
   a->size = size;
}

void RecordEvent_addText(RecordEvent* this, unsigned id, const char* text) {
   RecordEvent_addBytes(this, id, text, strlen(text));
}

const RecordAttr* RecordEvent_attr(const RecordEvent* this, unsigned id) {
   for (int i = 0; i < this->attrCount; i++)
      if (this->attrs[i].id == id)
         return &this->attrs[i];
   return NULL;
}

bool RecordEvent_text(const RecordEvent* this, unsigned id, char* out, size_t size) {
   const RecordAttr* a = RecordEvent_attr(this, id);
   if (!a || !a->isBytes) {
      out[0] = '\0';
      return false;
   }
   size_t n = a->size < size ? a->size : size - 1;
   if (n)
      memcpy(out, a->bytes, n);
   out[n] = '\0';
   return true;
}

void RecordEvent_encode(const RecordEvent* this, ByteBuffer* out) {
   ByteBuffer_putVarint(out, (uint64_t)this->wallUs);
   ByteBuffer_putVarint(out, this->kind);
   ByteBuffer_putVarint(out, (uint64_t)this->scope);
   if (this->scope != RECORD_SCOPE_HOST) {
      ByteBuffer_putVarint(out, this->key[0]);
      ByteBuffer_putVarint(out, this->key[1]);
   }
   ByteBuffer_putVarint(out, (uint64_t)this->attrCount);
   for (int i = 0; i < this->attrCount; i++) {
      const RecordAttr* a = &this->attrs[i];
      ByteBuffer_putVarint(out, a->id);
      ByteBuffer_putVarint(out, a->isBytes ? ATTR_TAG_BYTES : ATTR_TAG_NUMBER);
      if (a->isBytes)
         ByteBuffer_putString(out, a->bytes, a->size);
      else
         ByteBuffer_putVarint(out, Varint_zigzag((uint64_t)a->number));
   }
}

bool RecordEvent_decode(RecordEvent* this, const uint8_t* data, size_t size) {
   ByteReader in;
   ByteReader_init(&in, data, size);
   uint64_t wall = ByteReader_bounded(&in, INT64_MAX);
   unsigned kind = (unsigned)ByteReader_bounded(&in, 0xffff);
   RecordScope scope = (RecordScope)ByteReader_bounded(&in, RECORD_SCOPE_PROCESS);
   uint64_t pid = 0, start = 0;
   if (scope != RECORD_SCOPE_HOST) {
      pid = ByteReader_varint(&in);
      start = ByteReader_varint(&in);
   }
   RecordEvent_init(this, kind, scope, pid, start, (int64_t)wall);
   uint64_t count = ByteReader_bounded(&in, RECORD_EVENT_ATTRS_MAX);
   for (uint64_t i = 0; i < count && in.ok; i++) {
      RecordAttr* a = &this->attrs[this->attrCount++];
      *a = (RecordAttr){.id = (unsigned)ByteReader_bounded(&in, 0xffff)};
      uint64_t tag = ByteReader_varint(&in);
      if (tag == ATTR_TAG_BYTES) {
         a->isBytes = true;
         ByteReader_string(&in, &a->bytes, &a->size, SIZE_MAX);
      } else if (tag == ATTR_TAG_NUMBER) {
         a->number = (int64_t)Varint_unzigzag(ByteReader_varint(&in));
      } else {
         in.ok = false;
      }
   }
   if (!in.ok)
      this->attrCount = 0;
   return in.ok && ByteReader_left(&in) == 0;
}
