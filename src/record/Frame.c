#include "config.h"

#include "record/Frame.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "record/ByteReader.h"
#include "util/XUtils.h"

/* Resynchronisation reads this much at a time. */
#define FRAME_WINDOW (64u << 10)

uint32_t Frame_crc(const uint8_t* data, size_t size) {
   uLong crc = crc32(0L, Z_NULL, 0);
   /* zlib takes lengths as uInt; payloads are far below 4 GiB, but be exact. */
   while (size > 0) {
      uInt n = size > 0x40000000u ? 0x40000000u : (uInt)size;
      crc = crc32(crc, data, n);
      data += n;
      size -= n;
   }
   return (uint32_t)crc;
}

size_t Frame_begin(ByteBuffer* out) {
   size_t start = out->length;
   ByteBuffer_grow(out, FRAME_HEADER_SIZE);
   return start;
}

void Frame_finish(ByteBuffer* out, size_t start, uint8_t type) {
   uint8_t* h = out->data + start;
   const uint8_t* payload = h + FRAME_HEADER_SIZE;
   size_t length = out->length - start - FRAME_HEADER_SIZE;
   h[0] = FRAME_SYNC0;
   h[1] = FRAME_SYNC1;
   h[2] = type;
   h[3] = 0;
   ByteBuffer_le32(h + 4, (uint32_t)length);
   ByteBuffer_le32(h + 8, Frame_crc(payload, length));
   ByteBuffer_le32(h + 12, Frame_crc(h, 12));
}

bool Frame_parseHeader(const uint8_t* h, uint64_t offset, FrameRef* out) {
   if (h[0] != FRAME_SYNC0 || h[1] != FRAME_SYNC1)
      return false;
   if (ByteReader_le32(h + 12) != Frame_crc(h, 12))
      return false;
   uint32_t length = ByteReader_le32(h + 4);
   if (length > FRAME_MAX_PAYLOAD || h[2] == 0)
      return false;
   *out = (FrameRef){
         .offset = offset, .type = h[2], .length = length, .payloadCrc = ByteReader_le32(h + 8)};
   return true;
}

static ssize_t FrameSource_copy(void* ctx, uint64_t offset, uint8_t* buf, size_t size) {
   if (size)
      memcpy(buf, (const uint8_t*)ctx + offset, size);
   return (ssize_t)size;
}

void FrameSource_memory(FrameSource* this, const uint8_t* data, size_t size) {
   this->read = FrameSource_copy;
   this->ctx = (void*)(uintptr_t)data;
   this->size = size;
}

static ssize_t FrameSource_pread(void* ctx, uint64_t offset, uint8_t* buf, size_t size) {
   int fd = (int)(intptr_t)ctx;
   size_t done = 0;
   while (done < size) {
      ssize_t n = pread(fd, buf + done, size - done, (off_t)(offset + done));
      if (n < 0 && errno == EINTR)
         continue;
      if (n < 0)
         return -1;
      if (n == 0)
         break;
      done += (size_t)n;
   }
   return (ssize_t)done;
}

void FrameSource_fd(FrameSource* this, int fd, uint64_t size) {
   this->read = FrameSource_pread;
   this->ctx = (void*)(intptr_t)fd;
   this->size = size;
}

/* Reads exactly size bytes at offset, which the caller knows lie within
   the source; false (errno set, 0 for a file that shrank) otherwise. */
static bool FrameScanner_read(const FrameScanner* this, uint64_t offset, uint8_t* buf,
                              size_t size) {
   const FrameSource* src = this->source;
   if (offset > src->size || size > src->size - offset) {
      errno = 0;
      return false;
   }
   ssize_t n = src->read(src->ctx, offset, buf, size);
   if (n == (ssize_t)size)
      return true;
   if (n >= 0)
      errno = 0;
   return false;
}

void FrameScanner_init(FrameScanner* this, const FrameSource* source, uint64_t start) {
   this->source = source;
   this->at = start;
   this->window = NULL;
   ByteBuffer_init(&this->payload);
}

void FrameScanner_done(FrameScanner* this) {
   free(this->window);
   this->window = NULL;
   ByteBuffer_done(&this->payload);
}

/* A header at offset whose whole frame lies within the source. */
static bool FrameScanner_fits(const FrameScanner* this, const uint8_t* h, uint64_t offset,
                              FrameRef* out) {
   return Frame_parseHeader(h, offset, out) &&
          out->length <= this->source->size - offset - FRAME_HEADER_SIZE;
}

/* The next frame header at or after from; false at the end (*error set
   when a read failed). */
static bool FrameScanner_resync(FrameScanner* this, uint64_t from, FrameRef* found, int* error) {
   uint64_t size = this->source->size;
   if (!this->window)
      this->window = xMalloc(FRAME_WINDOW);
   uint64_t at = from;
   while (at < size && size - at >= FRAME_HEADER_SIZE) {
      size_t want = size - at > FRAME_WINDOW ? FRAME_WINDOW : (size_t)(size - at);
      if (!FrameScanner_read(this, at, this->window, want)) {
         *error = errno ? errno : EIO;
         return false;
      }
      size_t last = want - FRAME_HEADER_SIZE; /* the last position a header fits at */
      for (size_t i = 0; i <= last;) {
         const uint8_t* s = memchr(this->window + i, FRAME_SYNC0, last + 1 - i);
         if (!s)
            break;
         i = (size_t)(s - this->window);
         if (FrameScanner_fits(this, s, at + i, found))
            return true;
         i++;
      }
      /* The next window starts just after the last position tried. */
      at += last + 1;
   }
   return false;
}

FrameStep FrameScanner_next(FrameScanner* this, FrameRef* frame, FrameHole* hole) {
   uint64_t size = this->source->size;
   if (this->at >= size)
      return FRAME_STEP_END;
   uint8_t h[FRAME_HEADER_SIZE];
   int error = 0;
   if (size - this->at >= FRAME_HEADER_SIZE) {
      if (FrameScanner_read(this, this->at, h, sizeof(h))) {
         if (FrameScanner_fits(this, h, this->at, frame)) {
            this->at = FrameRef_end(frame);
            return FRAME_STEP_FRAME;
         }
      } else {
         error = errno ? errno : EIO;
      }
   }
   FrameRef next;
   *hole = (FrameHole){.start = this->at, .end = size, .tail = true, .error = error};
   if (!error && FrameScanner_resync(this, this->at + 1, &next, &hole->error)) {
      hole->end = next.offset;
      hole->tail = false;
   }
   this->at = hole->end;
   return FRAME_STEP_HOLE;
}

const uint8_t* FrameScanner_payload(FrameScanner* this, const FrameRef* frame) {
   ByteBuffer_clear(&this->payload);
   /* One spare byte: a zero-length payload still has an address. */
   uint8_t* buf = ByteBuffer_grow(&this->payload, (size_t)frame->length + 1);
   if (!FrameScanner_read(this, frame->offset + FRAME_HEADER_SIZE, buf, frame->length))
      return NULL;
   if (Frame_crc(buf, frame->length) != frame->payloadCrc)
      return NULL;
   return buf;
}

bool FrameScanner_peek(FrameScanner* this, const FrameRef* frame, uint8_t* out, size_t size) {
   return size <= frame->length &&
          FrameScanner_read(this, frame->offset + FRAME_HEADER_SIZE, out, size);
}
