#ifndef HEADER_RecordFormat
#define HEADER_RecordFormat
/* The constants of the recording format (doc/recording-format.md), in one
   place for the writer, the reader and the tests. The magic, the frame
   header and the HEADER record's first four bytes are frozen in every
   version, so that any reader can tell what version a file is. */

#define RECORD_MAGIC      "\x89LTREC\r\n"
#define RECORD_MAGIC_SIZE 8

#define RECORD_FORMAT_MAJOR 1
#define RECORD_FORMAT_MINOR 0

typedef enum RecordType {
   RECORD_HEADER = 1,
   RECORD_CHUNK = 2,
   RECORD_TICK = 3,
   RECORD_EVENT = 4,
} RecordType;

typedef enum RecordTier {
   RECORD_TIER_1S = 0,
   RECORD_TIER_1M = 1,
   RECORD_TIERS,
} RecordTier;

/* The wall-clock span of one consolidated tick of the 1 min tier. */
#define RECORD_MINUTE_US 60000000LL

/* Keys one chunk may number per scope; the writer seals before. With the
   row bound below, they cap what a reader allocates for a hostile chunk. */
#define RECORD_MAX_KEYS 32768
/* Rows one tick may hold per scope: a larger tick is refused. */
#define RECORD_MAX_ROWS 16384

#endif
