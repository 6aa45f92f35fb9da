#include "config.h"

#include "record/TierWriter.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record/Chunk.h"
#include "record/Frame.h"
#include "record/RecordFormat.h"
#include "util/XUtils.h"

void RecordLog_printf(RecordLog log, void* ctx, const char* fmt, ...) {
   if (!log)
      return;
   char msg[512];
   va_list ap;
   va_start(ap, fmt);
   vsnprintf(msg, sizeof(msg), fmt, ap);
   va_end(ap);
   log(ctx, msg);
}

#define TierWriter_log(this, ...)                                                                  \
   RecordLog_printf((this)->config.log, (this)->config.logCtx, __VA_ARGS__)

static void TierWriter_addClosed(TierWriter* this, uint64_t seq, int64_t startUs, uint64_t bytes) {
   if (this->closedCount == this->closedCapacity) {
      this->closedCapacity = this->closedCapacity ? this->closedCapacity * 2 : 16;
      this->closed = xReallocArray(this->closed, (size_t)this->closedCapacity, sizeof(TierSegment));
   }
   this->closed[this->closedCount++] =
         (TierSegment){.seq = seq, .startUs = startUs, .bytes = bytes};
}

/* The header of a new segment or of the journal, from what this writer writes. */
static void TierWriter_headerFor(const TierWriter* this, SegmentHeader* out, bool journal,
                                 uint64_t segmentSeq, int64_t createdUs) {
   *out = this->header;
   out->journal = journal;
   out->segmentSeq = segmentSeq;
   out->chunkSeq = journal ? this->nextChunkSeq : 0;
   out->createdUs = createdUs;
   out->codec = this->config.codec->id;
}

/* Seals body as one chunk into target. Returns 0 or errno. */
static int TierWriter_writeChunk(TierWriter* this, SegmentFile* target, const ChunkHeader* chunk,
                                 const uint8_t* body) {
   ByteBuffer* frame = &this->frame;
   ByteBuffer_clear(frame);
   size_t start = Frame_begin(frame);
   Chunk_encodeHeader(chunk, frame);
   char err[160];
   if (!this->config.codec->compress(this->config.level, body, chunk->rawSize, frame, err,
                                     sizeof(err))) {
      TierWriter_log(this, "cannot compress a chunk: %s", err);
      return EINVAL;
   }
   Frame_finish(frame, start, RECORD_CHUNK);
   int error;
   if (!SegmentFile_append(target, frame->data, frame->length, &error))
      return error;
   /* Durable before the journal that also holds it is emptied. */
   if (this->config.sync && fdatasync(target->fd) < 0)
      return errno;
   return 0;
}

static bool TierWriter_createSegment(TierWriter* this, const SegmentHeader* like, int64_t startUs,
                                     SegmentFile* out, char* err, size_t errSize) {
   SegmentHeader header = *like;
   header.journal = false;
   header.chunkSeq = 0;
   header.segmentSeq = this->nextSegmentSeq++;
   header.createdUs = startUs;
   char name[SEGMENT_NAME_SIZE];
   SegmentFile_name(name, sizeof(name), header.tier, header.segmentSeq, false);
   return SegmentFile_create(out, this->dirFd, name, &header, err, errSize);
}

/* The journal starts again, holding the next chunk (or nothing). */
static void TierWriter_restartJournal(TierWriter* this) {
   SegmentHeader header;
   TierWriter_headerFor(this, &header, true,
                        this->segment.fd >= 0 ? this->header.segmentSeq : this->nextSegmentSeq,
                        this->segmentStartUs);
   int error;
   this->journalBroken = !SegmentFile_restart(&this->journal, &header, &error);
   if (this->journalBroken)
      TierWriter_log(this, "cannot reset %s: %s", this->journal.name, strerror(error));
}

/* ---- recovery --------------------------------------------------------- */

/* The newest chunk sequence of the tier: it continues across restarts. */
static void TierWriter_findChunkSeq(TierWriter* this, const SegmentIndex* newest,
                                    const TierSegment* existing, int count) {
   if (newest->chunks) {
      this->nextChunkSeq = newest->lastChunkSeq + 1;
      return;
   }
   for (int i = count - 2; i >= 0; i--) {
      char name[SEGMENT_NAME_SIZE], err[200];
      SegmentFile_name(name, sizeof(name), this->header.tier, existing[i].seq, false);
      SegmentFile f;
      if (!SegmentFile_open(&f, this->dirFd, name, err, sizeof(err)))
         continue;
      SegmentIndex index;
      SegmentIndex_init(&index);
      SegmentFile_index(&f, &index, false);
      SegmentFile_close(&f);
      bool found = index.chunks > 0;
      if (found)
         this->nextChunkSeq = index.lastChunkSeq + 1;
      SegmentIndex_done(&index);
      if (found)
         return;
   }
}

/* Opens the newest segment: its torn tail is cut, and it stays active when
   it holds what this writer writes. False only for a newer format. */
static bool TierWriter_openNewest(TierWriter* this, const TierSegment* existing, int count,
                                  char* err, size_t errSize) {
   const TierSegment* newest = &existing[count - 1];
   char name[SEGMENT_NAME_SIZE];
   SegmentFile_name(name, sizeof(name), this->header.tier, newest->seq, false);
   SegmentFile f;
   if (!SegmentFile_open(&f, this->dirFd, name, err, errSize)) {
      TierWriter_log(this, "%s", err);
      return true;
   }
   SegmentIndex index;
   SegmentIndex_init(&index);
   SegmentFile_index(&f, &index, true);
   bool ok = index.status != SEGMENT_HEADER_NEWER;
   if (!ok)
      snprintf(err, errSize, "%s: %s", name, index.error);
   if (index.status == SEGMENT_HEADER_OK) {
      if (index.validEnd < f.size) {
         TierWriter_log(this, "%s: truncated a torn tail of %llu bytes", name,
                        (unsigned long long)(f.size - index.validEnd));
         SegmentFile_truncate(&f, index.validEnd, err, errSize);
      }
      TierWriter_findChunkSeq(this, &index, existing, count);
      if (SegmentHeader_continues(&index.header, &this->header)) {
         this->segment = f;
         this->header.segmentSeq = newest->seq;
         this->segmentStartUs = index.header.createdUs;
         this->closedCount--;
      }
   } else if (ok) {
      TierWriter_log(this, "%s cannot be continued: %s", name, index.error);
   }
   if (this->segment.fd != f.fd) {
      if (this->closedCount > 0)
         this->closed[this->closedCount - 1].bytes = f.size;
      SegmentFile_close(&f);
   }
   SegmentIndex_done(&index);
   return ok;
}

/* Seals what a journal left behind, into the segment it belongs to. */
static void TierWriter_recoverJournal(TierWriter* this, const SegmentIndex* index) {
   ChunkHeader chunk;
   FrameSource source;
   FrameSource_fd(&source, this->journal.fd, this->journal.size);
   ByteBuffer_clear(&this->body);
   if (!SegmentIndex_collect(index, &source, &chunk, &this->body))
      return;
   chunk.codec = (uint8_t)this->config.codec->id;
   chunk.seq =
         index->header.chunkSeq > this->nextChunkSeq ? index->header.chunkSeq : this->nextChunkSeq;
   SegmentFile target = {.fd = -1};
   bool active = this->segment.fd >= 0 && SegmentHeader_continues(&index->header, &this->header);
   char err[256];
   if (!active &&
       !TierWriter_createSegment(this, &index->header, chunk.firstUs, &target, err, sizeof(err))) {
      TierWriter_log(this, "lost %u ticks of %s: %s", chunk.ticks, this->journal.name, err);
      return;
   }
   int error =
         TierWriter_writeChunk(this, active ? &this->segment : &target, &chunk, this->body.data);
   if (error)
      TierWriter_log(this, "lost %u ticks of %s: %s", chunk.ticks, this->journal.name,
                     strerror(error));
   else
      this->nextChunkSeq = chunk.seq + 1;
   if (target.fd >= 0) {
      /* A segment made for the journal alone may well be the one to go on with. */
      if (this->segment.fd < 0 && SegmentHeader_continues(&index->header, &this->header)) {
         this->segment = target;
         this->header.segmentSeq = this->nextSegmentSeq - 1;
         this->segmentStartUs = chunk.firstUs;
      } else {
         TierWriter_addClosed(this, this->nextSegmentSeq - 1, chunk.firstUs, target.size);
         SegmentFile_close(&target);
      }
   }
   if (!error)
      TierWriter_log(this, "%s: sealed %u ticks and %u events left by the last writer",
                     this->journal.name, chunk.ticks, chunk.events);
}

static bool TierWriter_openJournal(TierWriter* this, char* err, size_t errSize) {
   char name[SEGMENT_NAME_SIZE];
   SegmentFile_name(name, sizeof(name), this->header.tier, 0, true);
   if (SegmentFile_open(&this->journal, this->dirFd, name, err, errSize)) {
      SegmentIndex index;
      SegmentIndex_init(&index);
      SegmentFile_index(&this->journal, &index, true);
      if (index.status == SEGMENT_HEADER_NEWER) {
         snprintf(err, errSize, "%s: %s", name, index.error);
         SegmentIndex_done(&index);
         return false;
      }
      /* A chunk sequence already sealed: the last writer died between the
         seal and the journal's reset. */
      if (index.status == SEGMENT_HEADER_OK && index.header.journal &&
          index.header.tier == this->header.tier && index.header.chunkSeq >= this->nextChunkSeq)
         TierWriter_recoverJournal(this, &index);
      SegmentIndex_done(&index);
   } else if (!SegmentFile_create(&this->journal, this->dirFd, name, &this->header, err, errSize)) {
      return false;
   }
   TierWriter_restartJournal(this);
   return true;
}

bool TierWriter_open(TierWriter* this, int dirFd, const TierConfig* config,
                     const SegmentHeader* header, const TierSegment* existing, int existingCount,
                     char* err, size_t errSize) {
   memset(this, 0, sizeof(*this));
   this->dirFd = dirFd;
   this->config = *config;
   this->header = *header;
   this->segment.fd = this->journal.fd = -1;
   this->nextSegmentSeq = existingCount ? existing[existingCount - 1].seq + 1 : 1;
   this->nextChunkSeq = 1;
   ByteBuffer_init(&this->body);
   ByteBuffer_init(&this->record);
   ByteBuffer_init(&this->frame);
   TickCodec_init(&this->codec, &this->header.schema);
   KeyMap_init(&this->lastKeys[0]);
   KeyMap_init(&this->lastKeys[1]);
   for (int i = 0; i < existingCount; i++)
      TierWriter_addClosed(this, existing[i].seq, existing[i].startUs, existing[i].bytes);
   bool ok =
         existingCount == 0 || TierWriter_openNewest(this, existing, existingCount, err, errSize);
   ok = ok && TierWriter_openJournal(this, err, errSize);
   if (!ok)
      TierWriter_close(this);
   return ok;
}

/* ---- appending -------------------------------------------------------- */

/* One record into the open chunk and the journal. */
static int TierWriter_put(TierWriter* this, unsigned type, int64_t time) {
   Chunk_putRecord(&this->body, type, this->record.data, this->record.length);
   if (time < this->firstUs)
      this->firstUs = time;
   if (time > this->lastUs)
      this->lastUs = time;
   if (this->journalBroken)
      return 0;
   ByteBuffer_clear(&this->frame);
   size_t start = Frame_begin(&this->frame);
   ByteBuffer_put(&this->frame, this->record.data, this->record.length);
   Frame_finish(&this->frame, start, (uint8_t)type);
   int error;
   if (SegmentFile_append(&this->journal, this->frame.data, this->frame.length, &error))
      return 0;
   /* Later ticks are deltas against this one: the journal must stop here. */
   this->journalBroken = true;
   return error;
}

/* A chunk starts with the infos it needs to be read alone. */
static int TierWriter_startChunk(TierWriter* this, int64_t time) {
   this->chunkOpen = true;
   ByteBuffer_clear(&this->body);
   TickCodec_reset(&this->codec);
   this->ticks = this->events = 0;
   this->firstUs = INT64_MAX;
   this->lastUs = INT64_MIN;
   int result = 0;
   for (int i = 0; i < this->infoCount; i++) {
      RecordEvent info;
      const ByteBuffer* p = &this->infos[i].payload;
      if (!RecordEvent_decode(&info, p->data, p->length))
         continue;
      info.wallUs = time;
      ByteBuffer_clear(&this->record);
      RecordEvent_encode(&info, &this->record);
      int error = TierWriter_put(this, RECORD_EVENT, time);
      if (error && !result)
         result = error;
      this->events++;
   }
   return result;
}

bool TierWriter_sealDue(const TierWriter* this) {
   return this->chunkOpen && (this->ticks >= (uint32_t)this->config.sealTicks ||
                              this->body.length >= this->config.sealBytes);
}

int TierWriter_appendTick(TierWriter* this, const RecordTick* tick) {
   if (tick->procCount > RECORD_MAX_ROWS || tick->treeCount > RECORD_MAX_ROWS)
      return E2BIG;
   /* Its new keys must not take the chunk past what a reader accepts. */
   if (this->chunkOpen &&
       TickCodec_keyCount(&this->codec) + tick->procCount + tick->treeCount > RECORD_MAX_KEYS) {
      int error = TierWriter_seal(this);
      if (error)
         return error;
   }
   int result = this->chunkOpen ? 0 : TierWriter_startChunk(this, tick->wallUs);
   ByteBuffer_clear(&this->record);
   TickCodec_encode(&this->codec, tick, &this->record);
   int error = TierWriter_put(this, RECORD_TICK, tick->wallUs);
   if (error && !result)
      result = error;
   this->ticks++;
   KeyMap_clear(&this->lastKeys[0]);
   KeyMap_clear(&this->lastKeys[1]);
   for (int t = 0; t < tick->treeCount; t++)
      KeyMap_put(&this->lastKeys[0], tick->trees[t].row.key[0], tick->trees[t].row.key[1], t);
   for (int p = 0; p < tick->procCount; p++)
      KeyMap_put(&this->lastKeys[1], tick->procs[p].key[0], tick->procs[p].key[1], p);
   if (TierWriter_sealDue(this)) {
      error = TierWriter_seal(this);
      if (error && !result)
         result = error;
   }
   return result;
}

static void TierWriter_rememberInfo(TierWriter* this, const RecordEvent* info) {
   TierInfo* slot = NULL;
   for (int i = 0; i < this->infoCount && !slot; i++) {
      TierInfo* t = &this->infos[i];
      if (t->scope == info->scope && t->key[0] == info->key[0] && t->key[1] == info->key[1])
         slot = t;
   }
   if (!slot) {
      if (this->infoCount == this->infoCapacity) {
         this->infoCapacity = this->infoCapacity ? this->infoCapacity * 2 : 16;
         this->infos = xReallocArray(this->infos, (size_t)this->infoCapacity, sizeof(TierInfo));
      }
      slot = &this->infos[this->infoCount++];
      slot->scope = info->scope;
      slot->key[0] = info->key[0];
      slot->key[1] = info->key[1];
      ByteBuffer_init(&slot->payload);
   }
   ByteBuffer_clear(&slot->payload);
   RecordEvent_encode(info, &slot->payload);
}

int TierWriter_appendEvent(TierWriter* this, const RecordEvent* event) {
   int result = this->chunkOpen ? 0 : TierWriter_startChunk(this, event->wallUs);
   if (event->kind == EVENT_INFO)
      TierWriter_rememberInfo(this, event);
   ByteBuffer_clear(&this->record);
   RecordEvent_encode(event, &this->record);
   int error = TierWriter_put(this, RECORD_EVENT, event->wallUs);
   this->events++;
   return result ? result : error;
}

/* Infos of keys gone by the end of a chunk are not repeated in the next. */
static void TierWriter_pruneInfos(TierWriter* this) {
   int kept = 0;
   for (int i = 0; i < this->infoCount; i++) {
      TierInfo* t = &this->infos[i];
      bool keep = t->scope == RECORD_SCOPE_HOST ||
                  KeyMap_get(&this->lastKeys[t->scope == RECORD_SCOPE_TREE ? 0 : 1], t->key[0],
                             t->key[1]) >= 0;
      if (keep)
         this->infos[kept++] = *t;
      else
         ByteBuffer_done(&t->payload);
   }
   this->infoCount = kept;
}

static void TierWriter_endChunk(TierWriter* this) {
   this->chunkOpen = false;
   ByteBuffer_clear(&this->body);
   TierWriter_pruneInfos(this);
}

int TierWriter_seal(TierWriter* this) {
   if (!this->chunkOpen)
      return 0;
   if (this->segment.fd < 0) {
      char err[256];
      if (!TierWriter_createSegment(this, &this->header, this->firstUs, &this->segment, err,
                                    sizeof(err))) {
         int error = errno ? errno : EIO;
         TierWriter_log(this, "%s", err);
         return error;
      }
      this->header.segmentSeq = this->nextSegmentSeq - 1;
      this->segmentStartUs = this->firstUs;
   }
   ChunkHeader chunk = {
         .seq = this->nextChunkSeq,
         .firstUs = this->firstUs,
         .lastUs = this->lastUs,
         .ticks = this->ticks,
         .events = this->events,
         .rawSize = (uint32_t)this->body.length,
         .codec = (uint8_t)this->config.codec->id,
   };
   int error = TierWriter_writeChunk(this, &this->segment, &chunk, this->body.data);
   if (error)
      return error;
   this->nextChunkSeq++;
   TierWriter_endChunk(this);
   if (this->segment.size >= this->config.segmentBytes)
      TierWriter_roll(this);
   TierWriter_restartJournal(this);
   return 0;
}

uint32_t TierWriter_dropChunk(TierWriter* this) {
   uint32_t ticks = this->chunkOpen ? this->ticks : 0;
   if (this->chunkOpen) {
      TierWriter_endChunk(this);
      TierWriter_restartJournal(this);
   }
   return ticks;
}

bool TierWriter_roll(TierWriter* this) {
   if (this->segment.fd < 0)
      return false;
   TierWriter_addClosed(this, this->header.segmentSeq, this->segmentStartUs, this->segment.size);
   SegmentFile_close(&this->segment);
   return true;
}

bool TierWriter_deleteOldest(TierWriter* this, TierSegment* deleted, char* name, size_t nameSize) {
   if (this->closedCount == 0)
      return false;
   *deleted = this->closed[0];
   SegmentFile_name(name, nameSize, this->header.tier, deleted->seq, false);
   if (unlinkat(this->dirFd, name, 0) < 0 && errno != ENOENT)
      TierWriter_log(this, "cannot delete %s: %s", name, strerror(errno));
   memmove(this->closed, this->closed + 1, (size_t)(this->closedCount - 1) * sizeof(TierSegment));
   this->closedCount--;
   return true;
}

uint64_t TierWriter_bytes(const TierWriter* this) {
   uint64_t total = this->journal.size + (this->segment.fd >= 0 ? this->segment.size : 0);
   for (int i = 0; i < this->closedCount; i++)
      total += this->closed[i].bytes;
   return total;
}

int TierWriter_close(TierWriter* this) {
   int error = this->journal.fd >= 0 ? TierWriter_seal(this) : 0;
   SegmentFile_close(&this->segment);
   SegmentFile_close(&this->journal);
   for (int i = 0; i < this->infoCount; i++)
      ByteBuffer_done(&this->infos[i].payload);
   free(this->infos);
   free(this->closed);
   ByteBuffer_done(&this->body);
   ByteBuffer_done(&this->record);
   ByteBuffer_done(&this->frame);
   TickCodec_done(&this->codec);
   KeyMap_done(&this->lastKeys[0]);
   KeyMap_done(&this->lastKeys[1]);
   memset(this, 0, sizeof(*this));
   this->segment.fd = this->journal.fd = -1;
   return error;
}
