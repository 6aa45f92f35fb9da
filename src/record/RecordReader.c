#include "config.h"

#include "record/RecordReader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record/ByteReader.h"
#include "record/Chunk.h"
#include "record/ChunkCodec.h"
#include "record/Frame.h"
#include "record/SegmentIndex.h"
#include "record/StoreDir.h"
#include "record/TickCodec.h"
#include "util/XUtils.h"

typedef struct ReaderFile {
   char name[SEGMENT_NAME_SIZE];
   int fd; /* -1 for memory */
   bool journal;
   FrameSource source;
   SegmentIndex index;
   int64_t firstUs, lastUs; /* INT64_MAX, INT64_MIN: none */
} ReaderFile;

struct RecordReader {
   char path[4096];
   ReaderFile* files;
   int fileCount;
   uint64_t sealedSeq; /* the newest chunk sealed in the segments */

   int file;  /* the file being read */
   int entry; /* its next index entry */
   bool fileStarted;
   FrameScanner scanner;
   TickCodec codec;
   bool codecBroken; /* a journal tick was lost: the ticks after it cannot be decoded */

   bool inChunk;
   ByteBuffer raw;
   ByteReader body;
   const IndexEntry* chunkEntry;

   RecordTick tick;
   RecordEvent event;
   int64_t lastGoodUs;
   int64_t skipBeforeUs;
   bool holePending;
   RecordHole hole;
   bool itemPending;
   RecordItem pending;
};

static RecordReader* RecordReader_new(const char* path) {
   RecordReader* this = xCalloc(1, sizeof(RecordReader));
   snprintf(this->path, sizeof(this->path), "%s", path);
   ByteBuffer_init(&this->raw);
   RecordTick_init(&this->tick);
   this->lastGoodUs = -1;
   this->skipBeforeUs = INT64_MIN;
   return this;
}

static ReaderFile* RecordReader_addFile(RecordReader* this, const char* name) {
   this->files = xReallocArray(this->files, (size_t)this->fileCount + 1, sizeof(ReaderFile));
   ReaderFile* f = &this->files[this->fileCount++];
   memset(f, 0, sizeof(*f));
   snprintf(f->name, sizeof(f->name), "%s", name);
   f->fd = -1;
   f->firstUs = INT64_MAX;
   f->lastUs = INT64_MIN;
   SegmentIndex_init(&f->index);
   return f;
}

/* Indexes a file added last: its chunks' span, or a journal's by decoding it. */
static void RecordReader_indexFile(RecordReader* this, ReaderFile* f) {
   SegmentIndex_build(&f->index, &f->source, false);
   f->journal = f->index.status == SEGMENT_HEADER_OK && f->index.header.journal;
   if (f->journal) {
      ChunkHeader span;
      if (SegmentIndex_collect(&f->index, &f->source, &span, NULL)) {
         f->firstUs = span.firstUs;
         f->lastUs = span.lastUs;
      }
      return;
   }
   for (int i = 0; i < f->index.count; i++) {
      const IndexEntry* e = &f->index.entries[i];
      if (e->isHole || e->frame.type != RECORD_CHUNK)
         continue;
      if (e->chunk.firstUs < f->firstUs)
         f->firstUs = e->chunk.firstUs;
      if (e->chunk.lastUs > f->lastUs)
         f->lastUs = e->chunk.lastUs;
      if (e->chunk.seq > this->sealedSeq)
         this->sealedSeq = e->chunk.seq;
   }
}

static bool RecordReader_openFileAt(RecordReader* this, int dirFd, const char* name, char* err,
                                    size_t errSize) {
   uint64_t size;
   int fd = SegmentFile_openRead(dirFd, name, &size, err, errSize);
   if (fd < 0)
      return false;
   ReaderFile* f = RecordReader_addFile(this, name);
   f->fd = fd;
   FrameSource_fd(&f->source, fd, size);
   RecordReader_indexFile(this, f);
   return true;
}

/* A newer major version anywhere in the directory refuses all of it: the
   newest data would be the part missing. */
static bool RecordReader_checkVersions(RecordReader* this, int dirFd, const StoreListing* listing,
                                       char* err, size_t errSize) {
   SegmentHeader* header = xMalloc(sizeof(SegmentHeader));
   bool ok = true;
   for (unsigned t = 0; t < RECORD_TIERS && ok; t++) {
      for (int i = -1; i < listing->count[t] && ok; i++) {
         char name[SEGMENT_NAME_SIZE], why[256];
         if (i < 0 && !listing->journal[t])
            continue;
         SegmentFile_name(name, sizeof(name), t, i < 0 ? 0 : listing->seqs[t][i], i < 0);
         uint64_t size;
         if (SegmentFile_peekHeader(dirFd, name, header, &size, why, sizeof(why)) ==
             SEGMENT_HEADER_NEWER) {
            snprintf(err, errSize, "%s/%s", this->path, why);
            ok = false;
         }
      }
   }
   free(header);
   return ok;
}

static bool RecordReader_openDir(RecordReader* this, int dirFd, unsigned tier, char* err,
                                 size_t errSize) {
   StoreListing listing;
   if (!StoreDir_list(dirFd, &listing, err, errSize))
      return false;
   bool ok = false;
   if (StoreListing_empty(&listing))
      snprintf(err, errSize, "no recording in %s: the directory is empty", this->path);
   else if (!StoreListing_isRecording(&listing))
      snprintf(err, errSize, "%s is not a leaktop recording (no %s, no 1s-*.seg or 1m-*.seg)",
               this->path, STORE_LOCK_NAME);
   else if (!listing.count[0] && !listing.count[1] && !listing.journal[0] && !listing.journal[1])
      snprintf(err, errSize, "%s holds no recorded data yet", this->path);
   else
      ok = RecordReader_checkVersions(this, dirFd, &listing, err, errSize);
   if (ok && tier < RECORD_TIERS) {
      char name[SEGMENT_NAME_SIZE], why[sizeof(((SegmentIndex*)0)->error)];
      for (int i = 0; i <= listing.count[tier]; i++) {
         bool journal = i == listing.count[tier];
         if (journal && !listing.journal[tier])
            break;
         SegmentFile_name(name, sizeof(name), tier, journal ? 0 : listing.seqs[tier][i], journal);
         /* A file that cannot be opened is a hole, not a refusal. */
         if (!RecordReader_openFileAt(this, dirFd, name, why, sizeof(why))) {
            ReaderFile* f = RecordReader_addFile(this, name);
            snprintf(f->index.error, sizeof(f->index.error), "%s", why);
         }
      }
   }
   StoreListing_done(&listing);
   return ok;
}

/* A single file must be a segment or journal whose header reads. */
static bool RecordReader_checkSingle(const RecordReader* this, char* err, size_t errSize) {
   const ReaderFile* f = &this->files[0];
   if (f->index.status == SEGMENT_HEADER_OK)
      return true;
   if (f->index.status == SEGMENT_HEADER_NEWER)
      snprintf(err, errSize, "%s: %s", this->path, f->index.error);
   else if (!f->index.magic)
      snprintf(err, errSize, "%s is not a leaktop recording (no segment header)", this->path);
   else
      snprintf(err, errSize, "%s: both copies of the segment header are damaged (%s)", this->path,
               f->index.error);
   return false;
}

RecordReader* RecordReader_open(const char* path, unsigned tier, char* err, size_t errSize) {
   struct stat st;
   if (stat(path, &st) < 0) {
      snprintf(err, errSize, "cannot read %s: %s", path, strerror(errno));
      return NULL;
   }
   RecordReader* this = RecordReader_new(path);
   bool ok;
   if (S_ISDIR(st.st_mode)) {
      int dirFd = StoreDir_open(path, false, err, errSize);
      ok = dirFd >= 0 && RecordReader_openDir(this, dirFd, tier, err, errSize);
      if (dirFd >= 0)
         close(dirFd);
   } else {
      ok = RecordReader_openFileAt(this, AT_FDCWD, path, err, errSize) &&
           RecordReader_checkSingle(this, err, errSize);
      if (ok) {
         const char* base = strrchr(path, '/');
         snprintf(this->files[0].name, sizeof(this->files[0].name), "%s", base ? base + 1 : path);
      }
   }
   if (!ok) {
      RecordReader_delete(this);
      return NULL;
   }
   return this;
}

RecordReader* RecordReader_openMemory(const uint8_t* data, size_t size, const char* name, char* err,
                                      size_t errSize) {
   RecordReader* this = RecordReader_new(name);
   ReaderFile* f = RecordReader_addFile(this, name);
   FrameSource_memory(&f->source, data, size);
   RecordReader_indexFile(this, f);
   if (!RecordReader_checkSingle(this, err, errSize)) {
      RecordReader_delete(this);
      return NULL;
   }
   return this;
}

static void RecordReader_endFile(RecordReader* this) {
   if (this->fileStarted) {
      FrameScanner_done(&this->scanner);
      TickCodec_done(&this->codec);
   }
   this->fileStarted = false;
   this->inChunk = false;
}

void RecordReader_delete(RecordReader* this) {
   if (!this)
      return;
   RecordReader_endFile(this);
   for (int i = 0; i < this->fileCount; i++) {
      if (this->files[i].fd >= 0)
         close(this->files[i].fd);
      SegmentIndex_done(&this->files[i].index);
   }
   free(this->files);
   ByteBuffer_done(&this->raw);
   RecordTick_done(&this->tick);
   free(this);
}

bool RecordReader_span(const RecordReader* this, int64_t* firstUs, int64_t* lastUs) {
   *firstUs = INT64_MAX;
   *lastUs = INT64_MIN;
   for (int i = 0; i < this->fileCount; i++) {
      const ReaderFile* f = &this->files[i];
      if (f->journal && f->index.header.chunkSeq <= this->sealedSeq)
         continue;
      if (f->firstUs < *firstUs)
         *firstUs = f->firstUs;
      if (f->lastUs > *lastUs)
         *lastUs = f->lastUs;
   }
   return *firstUs <= *lastUs;
}

int RecordReader_indexHoles(const RecordReader* this, RecordHole* out, int max) {
   int n = 0;
   int64_t before = -1;
   for (int i = 0; i < this->fileCount && n < max; i++) {
      const ReaderFile* f = &this->files[i];
      const SegmentIndex* index = &f->index;
      for (int e = 0; e < index->count && n < max; e++) {
         const IndexEntry* entry = &index->entries[e];
         if (!entry->isHole) {
            if (entry->frame.type == RECORD_CHUNK)
               before = entry->chunk.lastUs;
            continue;
         }
         /* The newest file's tail is the one being written. */
         if (entry->hole.tail && i == this->fileCount - 1)
            continue;
         int64_t after = -1;
         for (int k = e + 1; k < index->count && after < 0; k++)
            if (!index->entries[k].isHole && index->entries[k].frame.type == RECORD_CHUNK)
               after = index->entries[k].chunk.firstUs;
         RecordHole* h = &out[n++];
         *h = (RecordHole){.start = entry->hole.start,
                           .end = entry->hole.end,
                           .fromUs = before,
                           .toUs = after,
                           .tail = entry->hole.tail};
         snprintf(h->file, sizeof(h->file), "%s", f->name);
         snprintf(h->why, sizeof(h->why), "%s",
                  entry->hole.error  ? strerror(entry->hole.error)
                  : entry->hole.tail ? "an incomplete tail"
                                     : "damaged bytes");
      }
   }
   return n;
}

/* ---- iteration -------------------------------------------------------- */

static void RecordReader_addHole(RecordReader* this, const ReaderFile* f, uint64_t start,
                                 uint64_t end, bool tail, const char* why) {
   if (this->holePending) {
      this->hole.end = end;
      this->hole.tail = tail;
      return;
   }
   this->holePending = true;
   this->hole = (RecordHole){
         .start = start, .end = end, .fromUs = this->lastGoodUs, .toUs = -1, .tail = tail};
   snprintf(this->hole.file, sizeof(this->hole.file), "%s", f->name);
   snprintf(this->hole.why, sizeof(this->hole.why), "%s", why);
}

/* Opens the next file; false after the last. */
static bool RecordReader_startFile(RecordReader* this) {
   RecordReader_endFile(this);
   while (this->file < this->fileCount) {
      ReaderFile* f = &this->files[this->file];
      /* A journal whose chunk was sealed already: the writer died between
         the seal and the journal's reset. */
      if (f->journal && f->index.header.chunkSeq <= this->sealedSeq) {
         this->file++;
         continue;
      }
      if (f->index.status != SEGMENT_HEADER_OK) {
         RecordReader_addHole(this, f, 0, f->source.size, true, f->index.error);
         this->file++;
         continue;
      }
      FrameScanner_init(&this->scanner, &f->source, 0);
      TickCodec_init(&this->codec, &f->index.header.schema);
      this->codecBroken = false;
      this->fileStarted = true;
      this->entry = 0;
      return true;
   }
   return false;
}

/* Opens a chunk for reading: its payload CRC, its codec, its body. */
static void RecordReader_openChunk(RecordReader* this, const ReaderFile* f, const IndexEntry* e) {
   const uint8_t* payload = FrameScanner_payload(&this->scanner, &e->frame);
   char why[200];
   const ChunkCodec* codec = ChunkCodec_byId(e->chunk.codec);
   if (!payload) {
      snprintf(why, sizeof(why), "a chunk fails its CRC");
   } else if (!codec) {
      snprintf(why, sizeof(why), "a chunk uses codec %u, which this leaktop does not read",
               e->chunk.codec);
   } else {
      ByteBuffer_clear(&this->raw);
      uint8_t* out = ByteBuffer_grow(&this->raw, (size_t)e->chunk.rawSize + 1);
      char err[160];
      if (codec->decompress(payload + CHUNK_HEADER_SIZE, e->frame.length - CHUNK_HEADER_SIZE, out,
                            e->chunk.rawSize, err, sizeof(err))) {
         ByteReader_init(&this->body, out, e->chunk.rawSize);
         TickCodec_reset(&this->codec);
         this->codecBroken = false;
         this->inChunk = true;
         this->chunkEntry = e;
         return;
      }
      snprintf(why, sizeof(why), "a chunk does not decompress: %s", err);
   }
   RecordReader_addHole(this, f, e->frame.offset, FrameRef_end(&e->frame), false, why);
}

/* Decodes one record; returns its item type, or END when it gave none. */
static RecordItemType RecordReader_decode(RecordReader* this, unsigned type, const uint8_t* data,
                                          size_t size, RecordItem* out) {
   if (type == RECORD_TICK && !this->codecBroken &&
       TickCodec_decode(&this->codec, data, size, &this->tick)) {
      out->tick = &this->tick;
      return RECORD_ITEM_TICK;
   }
   if (type == RECORD_EVENT && RecordEvent_decode(&this->event, data, size)) {
      out->event = &this->event;
      return RECORD_ITEM_EVENT;
   }
   return RECORD_ITEM_END;
}

static RecordItemType RecordReader_fromChunk(RecordReader* this, RecordItem* out) {
   const ReaderFile* f = &this->files[this->file];
   unsigned type;
   const uint8_t* data;
   size_t size;
   while (Chunk_nextRecord(&this->body, &type, &data, &size)) {
      if (type != RECORD_TICK && type != RECORD_EVENT)
         continue;
      RecordItemType got = RecordReader_decode(this, type, data, size, out);
      if (got != RECORD_ITEM_END)
         return got;
      break;
   }
   if (!this->body.ok || ByteReader_left(&this->body) > 0)
      RecordReader_addHole(this, f, this->chunkEntry->frame.offset,
                           FrameRef_end(&this->chunkEntry->frame), false,
                           "a chunk holds a malformed record");
   this->inChunk = false;
   return RECORD_ITEM_END;
}

static RecordItemType RecordReader_fromFrame(RecordReader* this, const ReaderFile* f,
                                             const IndexEntry* e, RecordItem* out) {
   const uint8_t* payload = FrameScanner_payload(&this->scanner, &e->frame);
   RecordItemType got =
         payload ? RecordReader_decode(this, e->frame.type, payload, e->frame.length, out)
                 : RECORD_ITEM_END;
   if (got == RECORD_ITEM_END) {
      const char* why = !payload ? "a record fails its CRC"
                        : this->codecBroken && e->frame.type == RECORD_TICK
                              ? "ticks after a lost one"
                              : "a malformed record";
      RecordReader_addHole(this, f, e->frame.offset, FrameRef_end(&e->frame), false, why);
      if (e->frame.type == RECORD_TICK)
         this->codecBroken = true;
   }
   return got;
}

/* The next good item in write order, holes gathered on the way. */
static RecordItemType RecordReader_step(RecordReader* this, RecordItem* out) {
   for (;;) {
      if (this->inChunk) {
         RecordItemType got = RecordReader_fromChunk(this, out);
         if (got != RECORD_ITEM_END)
            return got;
         continue;
      }
      if (!this->fileStarted && !RecordReader_startFile(this))
         return RECORD_ITEM_END;
      ReaderFile* f = &this->files[this->file];
      if (this->entry >= f->index.count) {
         RecordReader_endFile(this);
         this->file++;
         continue;
      }
      const IndexEntry* e = &f->index.entries[this->entry++];
      if (e->isHole) {
         const char* why = e->hole.error  ? strerror(e->hole.error)
                           : e->hole.tail ? "an incomplete tail"
                                          : "damaged bytes";
         RecordReader_addHole(this, f, e->hole.start, e->hole.end, e->hole.tail, why);
         if (f->journal)
            this->codecBroken = true;
      } else if (e->frame.type == RECORD_CHUNK) {
         RecordReader_openChunk(this, f, e);
      } else if (e->frame.type == RECORD_TICK || e->frame.type == RECORD_EVENT) {
         RecordItemType got = RecordReader_fromFrame(this, f, e, out);
         if (got != RECORD_ITEM_END)
            return got;
      }
   }
}

static int64_t RecordItem_time(const RecordItem* item) {
   return item->type == RECORD_ITEM_TICK ? item->tick->wallUs : item->event->wallUs;
}

RecordItemType RecordReader_next(RecordReader* this, RecordItem* out) {
   if (this->itemPending) {
      this->itemPending = false;
      *out = this->pending;
      this->lastGoodUs = RecordItem_time(out);
      return out->type;
   }
   for (;;) {
      memset(out, 0, sizeof(*out));
      out->type = RecordReader_step(this, out);
      if (out->type == RECORD_ITEM_END) {
         if (!this->holePending)
            return RECORD_ITEM_END;
         this->holePending = false;
         *out = (RecordItem){.type = RECORD_ITEM_HOLE, .hole = this->hole};
         return RECORD_ITEM_HOLE;
      }
      out->header = &this->files[this->file].index.header;
      int64_t time = RecordItem_time(out);
      /* An info holds from where it stands: the ones before wallUs still
         name what follows. */
      bool info = out->type == RECORD_ITEM_EVENT && out->event->kind == EVENT_INFO;
      if (time < this->skipBeforeUs && !info) {
         this->holePending = false;
         continue;
      }
      if (this->holePending) {
         this->holePending = false;
         this->hole.toUs = time;
         this->pending = *out;
         this->itemPending = true;
         *out = (RecordItem){.type = RECORD_ITEM_HOLE, .hole = this->hole};
         return RECORD_ITEM_HOLE;
      }
      this->lastGoodUs = time;
      return out->type;
   }
}

bool RecordReader_seek(RecordReader* this, int64_t wallUs) {
   RecordReader_endFile(this);
   this->holePending = this->itemPending = false;
   this->lastGoodUs = -1;
   this->skipBeforeUs = wallUs;
   for (int i = 0; i < this->fileCount; i++) {
      const ReaderFile* f = &this->files[i];
      if (f->lastUs < wallUs)
         continue;
      this->file = i;
      if (!RecordReader_startFile(this))
         return false;
      if (this->file != i)
         continue;
      /* The first chunk that reaches wallUs; a journal is read from its start. */
      for (int e = 0; e < f->index.count && !f->journal; e++) {
         const IndexEntry* entry = &f->index.entries[e];
         if (!entry->isHole && entry->frame.type == RECORD_CHUNK && entry->chunk.lastUs >= wallUs) {
            this->entry = e;
            break;
         }
      }
      return true;
   }
   this->file = this->fileCount;
   return false;
}
