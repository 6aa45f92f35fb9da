#ifndef HEADER_RecordReader
#define HEADER_RecordReader
/* Reads a recording: a directory (one tier of it: its segments in order,
   then its journal) or a single segment or journal file. It gives ticks
   and events in write order and, in their place, the holes: damaged or
   missing bytes, each with the time range lost between the good records
   around it. It refuses, with a message saying which, an empty directory,
   one that is not a recording, and a newer format version. The time
   index is built from the chunk headers when it opens. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record/RecordEvent.h"
#include "record/RecordFormat.h"
#include "record/RecordTick.h"
#include "record/SegmentFile.h"
#include "record/SegmentHeader.h"

typedef enum RecordItemType {
   RECORD_ITEM_END,
   RECORD_ITEM_TICK,
   RECORD_ITEM_EVENT,
   RECORD_ITEM_HOLE,
} RecordItemType;

typedef struct RecordHole {
   char file[SEGMENT_NAME_SIZE]; /* where it starts */
   uint64_t start, end;  /* bytes of that file; end is in another file when it spans files */
   int64_t fromUs, toUs; /* the good records around it; -1: the recording's start or end */
   bool tail;            /* it runs to the end of the file: torn, or being written */
   char why[200];
} RecordHole;

typedef struct RecordItem {
   RecordItemType type;
   const SegmentHeader* header; /* the file's: host, boot, field table */
   const RecordTick* tick;      /* valid until the next call */
   const RecordEvent* event;
   RecordHole hole;
} RecordItem;

typedef struct RecordReader RecordReader;

/* path: a recording directory (tier: which of its tiers) or one file. */
RecordReader* RecordReader_open(const char* path, unsigned tier, char* err, size_t errSize);

/* The bytes of one segment or journal file (the fuzzer's entry). */
RecordReader* RecordReader_openMemory(const uint8_t* data, size_t size, const char* name, char* err,
                                      size_t errSize);

void RecordReader_delete(RecordReader* this);

RecordItemType RecordReader_next(RecordReader* this, RecordItem* out);

/* The wall-clock span of the sealed chunks and the journal; false when
   nothing is recorded. */
bool RecordReader_span(const RecordReader* this, int64_t* firstUs, int64_t* lastUs);

/* The holes the time index shows (damaged frame headers, torn files), up
   to max, without reading a chunk: a damaged chunk body is found only when
   it is read (RECORD_ITEM_HOLE). The tail being written is not one. */
int RecordReader_indexHoles(const RecordReader* this, RecordHole* out, int max);

/* Goes to the chunk holding wallUs (or the first after it); items before
   wallUs are skipped, but for the infos, which name what follows. False when nothing is recorded
   from wallUs on. */
bool RecordReader_seek(RecordReader* this, int64_t wallUs);

#endif
