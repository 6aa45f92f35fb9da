#ifndef HEADER_SegmentFile
#define HEADER_SegmentFile
/* One segment or journal file of a recording directory, for its writer:
   created 0600 with O_EXCL, opened with O_NOFOLLOW relative to the
   directory's descriptor, appended to with one write() per frame, rolled
   back when a write comes up short, and truncated after its last intact
   frame when a crash left a torn tail. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record/ByteBuffer.h"
#include "record/SegmentHeader.h"
#include "record/SegmentIndex.h"

#define SEGMENT_NAME_SIZE 32

typedef struct SegmentFile {
   int fd; /* -1: none */
   char name[SEGMENT_NAME_SIZE];
   uint64_t size;
} SegmentFile;

/* "1s-0000000007.seg", "1m.journal". */
void SegmentFile_name(char* out, size_t size, unsigned tier, uint64_t seq, bool journal);
/* The tier and sequence of a segment's name; false for any other name. */
bool SegmentFile_parseName(const char* name, unsigned* tier, uint64_t* seq);

/* The magic and both copies of the header: how every file starts. */
void SegmentFile_encodeStart(const SegmentHeader* header, ByteBuffer* out);

/* Creates name (which must not exist) and writes its start. */
bool SegmentFile_create(SegmentFile* this, int dirFd, const char* name, const SegmentHeader* header,
                        char* err, size_t errSize);

/* Opens an existing file for appending, refusing links, other owners and
   anything but a regular file; a mode open to others is closed to 0600. */
bool SegmentFile_open(SegmentFile* this, int dirFd, const char* name, char* err, size_t errSize);

/* Indexes the open file (checking every payload, with verify). */
void SegmentFile_index(const SegmentFile* this, SegmentIndex* index, bool verify);

/* Cuts the file to size; a torn tail goes this way. */
bool SegmentFile_truncate(SegmentFile* this, uint64_t size, char* err, size_t errSize);

/* Empties the file and writes its start again (a journal after a seal). */
bool SegmentFile_restart(SegmentFile* this, const SegmentHeader* header, int* error);

/* Appends data with one write(). On failure the file is cut back to its
   size before, so no partial frame remains, and *error has the errno. */
bool SegmentFile_append(SegmentFile* this, const uint8_t* data, size_t size, int* error);

/* Opens name in dirFd to read: a regular file, never through a link.
   Returns the descriptor and its size, or -1 with a message. */
int SegmentFile_openRead(int dirFd, const char* name, uint64_t* size, char* err, size_t errSize);

/* Reads the header of a file of the directory from its first bytes,
   without keeping it open; *size gets its size. */
SegmentHeaderStatus SegmentFile_peekHeader(int dirFd, const char* name, SegmentHeader* header,
                                           uint64_t* size, char* err, size_t errSize);

void SegmentFile_close(SegmentFile* this);

#endif
