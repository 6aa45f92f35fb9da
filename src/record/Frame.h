#ifndef HEADER_Frame
#define HEADER_Frame
/* The framing of every record (doc/recording-format.md, "Framing"): a
   16-byte header (sync bytes, type, flags, payload length, payload CRC,
   header CRC) and the payload. A scanner walks the frames of a file through
   a FrameSource, reads a file or a buffer alike, and reports the bytes it
   cannot read as holes: it resynchronises on the next header whose sync
   bytes and CRC match, so one bad byte costs one hole. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "record/ByteBuffer.h"

#define FRAME_HEADER_SIZE 16
#define FRAME_MAX_PAYLOAD (16u << 20)
#define FRAME_SYNC0       0x4C
#define FRAME_SYNC1       0xD3

uint32_t Frame_crc(const uint8_t* data, size_t size);

/* Starts a frame at the end of out: the header is left to Frame_finish,
   the payload is what the caller appends. Returns the frame's offset. */
size_t Frame_begin(ByteBuffer* out);
/* Fills in the header of the frame begun at start (its payload is the rest
   of out). */
void Frame_finish(ByteBuffer* out, size_t start, uint8_t type);

typedef struct FrameRef {
   uint64_t offset; /* of the header */
   uint8_t type;
   uint32_t length; /* of the payload */
   uint32_t payloadCrc;
} FrameRef;

static inline uint64_t FrameRef_end(const FrameRef* f) {
   return f->offset + FRAME_HEADER_SIZE + f->length;
}

/* Checks the 16 header bytes at h (sync, header CRC, length bound). */
bool Frame_parseHeader(const uint8_t* h, uint64_t offset, FrameRef* out);

/* Random access to the bytes of one file. read gives up to size bytes at
   offset (fewer only at the end), or -1 with errno. */
typedef struct FrameSource {
   ssize_t (*read)(void* ctx, uint64_t offset, uint8_t* buf, size_t size);
   void* ctx;
   uint64_t size;
} FrameSource;

void FrameSource_memory(FrameSource* this, const uint8_t* data, size_t size);
/* fd must stay open while the source is used; size is the file's size. */
void FrameSource_fd(FrameSource* this, int fd, uint64_t size);

typedef struct FrameHole {
   uint64_t start, end; /* bytes [start, end) could not be read */
   bool tail;           /* it reaches the end of the file: torn, or being written */
   int error;           /* errno of a failed read, 0 for damaged bytes */
} FrameHole;

typedef enum FrameStep {
   FRAME_STEP_END,
   FRAME_STEP_FRAME,
   FRAME_STEP_HOLE,
} FrameStep;

typedef struct FrameScanner {
   const FrameSource* source;
   uint64_t at;
   uint8_t* window; /* for resynchronisation */
   ByteBuffer payload;
} FrameScanner;

void FrameScanner_init(FrameScanner* this, const FrameSource* source, uint64_t start);
void FrameScanner_done(FrameScanner* this);

/* The next frame (its header checked, the scanner past it) or hole. */
FrameStep FrameScanner_next(FrameScanner* this, FrameRef* frame, FrameHole* hole);

/* Reads the payload of frame and checks its CRC: NULL when it does not
   match or cannot be read. Valid until the next call. */
const uint8_t* FrameScanner_payload(FrameScanner* this, const FrameRef* frame);

/* Reads the first size bytes of the payload of frame, unchecked (the
   payload CRC covers it all): for chunk headers, which carry their own CRC. */
bool FrameScanner_peek(FrameScanner* this, const FrameRef* frame, uint8_t* out, size_t size);

#endif
