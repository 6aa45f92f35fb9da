#include "config.h"

#include "record/Store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "record/CapPolicy.h"
#include "record/Consolidator.h"
#include "record/SegmentFile.h"
#include "record/StoreDir.h"
#include "sample/ProcFiles.h"
#include "util/Format.h"
#include "util/XUtils.h"

/* Deletions one append may make: the cap is met long before. */
#define STORE_MAX_DELETIONS 64

struct Store {
   StoreConfig config;
   char path[4096];
   int dirFd;
   int lockFd;
   RecordSchema rawSchema;
   Consolidator consolidator;
   TierWriter tiers[RECORD_TIERS];
};

void StoreConfig_defaults(StoreConfig* this, const char* dir) {
   memset(this, 0, sizeof(*this));
   this->dir = dir;
   this->maxBytes = STORE_DEFAULT_MAX_BYTES;
   this->sealTicks[RECORD_TIER_1S] = 300;
   this->sealTicks[RECORD_TIER_1M] = 60;
   this->sealBytes = 256u << 10;
   this->codec = &ChunkCodec_zstd;
   this->level = ChunkCodec_zstd.defaultLevel;
   this->sync = true;
   if (gethostname(this->host, sizeof(this->host)) < 0)
      this->host[0] = '\0';
   this->host[sizeof(this->host) - 1] = '\0';
   char boot[64];
   if (XUtils_readFileAt(AT_FDCWD, "/proc/sys/kernel/random/boot_id", boot, sizeof(boot)) > 0) {
      boot[strcspn(boot, "\n")] = '\0';
      snprintf(this->bootId, sizeof(this->bootId), "%s", boot);
   }
   this->bootTimeUs = (int64_t)(ProcFiles_bootTime() * 1e6);
   long hz = sysconf(_SC_CLK_TCK);
   this->hertz = hz > 0 ? (uint64_t)hz : 100;
   snprintf(this->writer, sizeof(this->writer), "%s %s", PACKAGE_NAME, PACKAGE_VERSION);
}

#define Store_log(this, ...)                                                                       \
   RecordLog_printf((this)->config.log, (this)->config.logCtx, __VA_ARGS__)

static uint64_t Store_segmentBytes(const StoreConfig* config) {
   if (config->segmentBytes)
      return config->segmentBytes;
   uint64_t bytes = config->maxBytes / 32;
   if (bytes < (64u << 10))
      bytes = 64u << 10;
   if (bytes > (16u << 20))
      bytes = 16u << 20;
   return bytes;
}

/* The segments of one tier, each with its size and first time; a newer
   major version anywhere refuses the directory. */
static bool Store_readTier(Store* this, const StoreListing* listing, unsigned tier,
                           TierSegment** out, char* err, size_t errSize) {
   int n = listing->count[tier];
   *out = n ? xCalloc((size_t)n, sizeof(TierSegment)) : NULL;
   for (int i = 0; i < n; i++) {
      char name[SEGMENT_NAME_SIZE], why[256];
      SegmentFile_name(name, sizeof(name), tier, listing->seqs[tier][i], false);
      SegmentHeader* header = xMalloc(sizeof(SegmentHeader));
      uint64_t size;
      SegmentHeaderStatus status =
            SegmentFile_peekHeader(this->dirFd, name, header, &size, why, sizeof(why));
      (*out)[i] = (TierSegment){.seq = listing->seqs[tier][i],
                                .startUs = status == SEGMENT_HEADER_OK ? header->createdUs : 0,
                                .bytes = size};
      free(header);
      if (status == SEGMENT_HEADER_NEWER) {
         snprintf(err, errSize, "%s/%s; refusing to mix versions in it", this->path, why);
         return false;
      }
   }
   return true;
}

static bool Store_openTiers(Store* this, const StoreListing* listing, char* err, size_t errSize) {
   SegmentHeader* header = xCalloc(1, sizeof(SegmentHeader));
   *header = (SegmentHeader){.major = RECORD_FORMAT_MAJOR, .minor = RECORD_FORMAT_MINOR};
   snprintf(header->host, sizeof(header->host), "%s", this->config.host);
   snprintf(header->bootId, sizeof(header->bootId), "%s", this->config.bootId);
   snprintf(header->writer, sizeof(header->writer), "%s", this->config.writer);
   header->bootTimeUs = this->config.bootTimeUs;
   header->hertz = this->config.hertz;
   bool ok = true;
   for (unsigned t = 0; t < RECORD_TIERS && ok; t++) {
      header->tier = t;
      header->schema = t == RECORD_TIER_1S ? this->rawSchema : this->consolidator.schema;
      TierConfig tc = {
            .segmentBytes = Store_segmentBytes(&this->config),
            .sealTicks = this->config.sealTicks[t],
            .sealBytes = this->config.sealBytes,
            .codec = this->config.codec,
            .level = this->config.level,
            .sync = this->config.sync,
            .log = this->config.log,
            .logCtx = this->config.logCtx,
      };
      TierSegment* existing;
      ok = Store_readTier(this, listing, t, &existing, err, errSize) &&
           TierWriter_open(&this->tiers[t], this->dirFd, &tc, header, existing, listing->count[t],
                           err, errSize);
      free(existing);
   }
   free(header);
   return ok;
}

static bool Store_prepare(Store* this, char* err, size_t errSize) {
   StoreListing listing;
   if (!StoreDir_list(this->dirFd, &listing, err, errSize))
      return false;
   bool ok = StoreListing_empty(&listing) || StoreListing_isRecording(&listing);
   if (!ok)
      snprintf(err, errSize,
               "%s is not a leaktop recording (no %s, no 1s-*.seg or 1m-*.seg): record into an "
               "empty or new directory",
               this->path, STORE_LOCK_NAME);
   if (ok) {
      this->lockFd = StoreDir_lock(this->dirFd, this->path, err, errSize);
      ok = this->lockFd >= 0 && Store_openTiers(this, &listing, err, errSize);
   }
   StoreListing_done(&listing);
   return ok;
}

Store* Store_open(const StoreConfig* config, char* err, size_t errSize) {
   Store* this = xCalloc(1, sizeof(Store));
   this->config = *config;
   this->lockFd = -1;
   if (!this->config.codec)
      this->config.codec = &ChunkCodec_zstd;
   snprintf(this->path, sizeof(this->path), "%s", config->dir);
   RecordSchema_raw(&this->rawSchema);
   Consolidator_init(&this->consolidator, &this->rawSchema);
   for (int t = 0; t < RECORD_TIERS; t++)
      this->tiers[t].segment.fd = this->tiers[t].journal.fd = -1;
   this->dirFd = StoreDir_open(config->dir, true, err, errSize);
   if (this->dirFd < 0 || !Store_prepare(this, err, errSize)) {
      for (int t = 0; t < RECORD_TIERS; t++)
         TierWriter_close(&this->tiers[t]);
      Consolidator_done(&this->consolidator);
      if (this->lockFd >= 0)
         close(this->lockFd);
      if (this->dirFd >= 0)
         close(this->dirFd);
      free(this);
      return NULL;
   }
   return this;
}

const RecordSchema* Store_schema(const Store* this) {
   return &this->rawSchema;
}

uint64_t Store_bytes(const Store* this) {
   /* The lock file holds a PID: a few bytes, counted all the same. */
   uint64_t total = 16;
   for (int t = 0; t < RECORD_TIERS; t++)
      total += TierWriter_bytes(&this->tiers[t]);
   return total;
}

static int Store_capSegments(const Store* this, CapSegment* out, int capacity,
                             uint64_t* otherBytes) {
   int n = 0;
   *otherBytes = 16;
   for (unsigned t = 0; t < RECORD_TIERS; t++) {
      const TierWriter* tw = &this->tiers[t];
      *otherBytes += tw->journal.size;
      int first = n;
      for (int i = 0; i < tw->closedCount && n < capacity; i++)
         out[n++] = (CapSegment){.tier = t,
                                 .startUs = tw->closed[i].startUs,
                                 .bytes = tw->closed[i].bytes,
                                 .closed = true};
      if (tw->segment.fd >= 0 && n < capacity)
         out[n++] =
               (CapSegment){.tier = t, .startUs = tw->segmentStartUs, .bytes = tw->segment.size};
      for (int i = first; i < n; i++)
         out[i].endUs = i + 1 < n ? out[i + 1].startUs : INT64_MAX;
   }
   return n;
}

static void Store_describeDeletion(const Store* this, const char* name, const TierSegment* s,
                                   const char* why) {
   char size[32], when[40] = "";
   Format_size(size, sizeof(size), s->bytes / 1024);
   time_t secs = (time_t)(s->startUs / 1000000);
   struct tm tm;
   if (s->startUs > 0 && gmtime_r(&secs, &tm))
      strftime(when, sizeof(when), " from %Y-%m-%d %H:%M:%S UTC", &tm);
   Store_log(this, "deleted %s (%s%s) %s", name, size, when, why);
}

/* Deletes (or closes, to delete next) by the cap's rules until the store
   fits under cap; false when nothing more can go. */
static bool Store_shrink(Store* this, uint64_t cap, const char* why) {
   int capacity = 8;
   for (int t = 0; t < RECORD_TIERS; t++)
      capacity += this->tiers[t].closedCount;
   CapSegment* segments = xCalloc((size_t)capacity, sizeof(CapSegment));
   bool freed = false;
   for (int round = 0; round < STORE_MAX_DELETIONS; round++) {
      uint64_t other;
      int n = Store_capSegments(this, segments, capacity, &other);
      CapChoice c = CapPolicy_choose(segments, n, other, cap);
      if (c.action == CAP_KEEP)
         break;
      if (c.action == CAP_ROLL) {
         if (!TierWriter_roll(&this->tiers[c.tier]))
            break;
         continue;
      }
      TierSegment gone;
      char name[SEGMENT_NAME_SIZE];
      if (!TierWriter_deleteOldest(&this->tiers[c.tier], &gone, name, sizeof(name)))
         break;
      Store_describeDeletion(this, name, &gone, why);
      freed = true;
   }
   free(segments);
   return freed;
}

static void Store_enforceCap(Store* this) {
   if (Store_bytes(this) <= this->config.maxBytes)
      return;
   char why[96], cap[32];
   Format_size(cap, sizeof(cap), this->config.maxBytes / 1024);
   snprintf(why, sizeof(why), "to stay under the %s cap", cap);
   Store_shrink(this, this->config.maxBytes, why);
}

static bool Store_diskFull(int error) {
   return error == ENOSPC || error == EDQUOT;
}

/* A write of tier failed: on a full disk the oldest data makes room and a
   pending seal is tried again; what still cannot be written is dropped. */
static int Store_recover(Store* this, unsigned tier, int error) {
   TierWriter* tw = &this->tiers[tier];
   const char* name = tier == RECORD_TIER_1S ? "1 s" : "1 min";
   if (error == E2BIG) {
      Store_log(this, "a tick of more than %d processes or trees is not recorded", RECORD_MAX_ROWS);
      return error;
   }
   if (!Store_diskFull(error)) {
      Store_log(this, "cannot write the %s tier: %s", name, strerror(error));
      return error;
   }
   uint64_t bytes = Store_bytes(this);
   bool freed = Store_shrink(this, bytes > 0 ? bytes - 1 : 0, "because the disk is full");
   if (!TierWriter_sealDue(tw)) {
      if (!freed)
         Store_log(this, "disk full: the %s tier's open chunk is kept in memory", name);
      return 0;
   }
   error = TierWriter_seal(tw);
   if (!error)
      return 0;
   uint32_t lost = TierWriter_dropChunk(tw);
   Store_log(this, "disk full: dropped %u ticks of the %s tier (%s)", lost, name, strerror(error));
   return Store_diskFull(error) ? 0 : error;
}

int Store_appendTick(Store* this, const RecordTick* tick) {
   int result = 0;
   const RecordTick* minute = Consolidator_add(&this->consolidator, tick);
   int error = TierWriter_appendTick(&this->tiers[RECORD_TIER_1S], tick);
   if (error)
      result = Store_recover(this, RECORD_TIER_1S, error);
   if (minute && (error = TierWriter_appendTick(&this->tiers[RECORD_TIER_1M], minute)) != 0 &&
       (error = Store_recover(this, RECORD_TIER_1M, error)) != 0 && !result)
      result = error;
   Store_enforceCap(this);
   return result;
}

int Store_appendEvent(Store* this, const RecordEvent* event) {
   int result = 0;
   /* Events outlive the seconds: both tiers keep them. */
   for (unsigned t = 0; t < RECORD_TIERS; t++) {
      int error = TierWriter_appendEvent(&this->tiers[t], event);
      if (error && (error = Store_recover(this, t, error)) != 0 && !result)
         result = error;
   }
   Store_enforceCap(this);
   return result;
}

int Store_close(Store* this) {
   if (!this)
      return 0;
   int result = 0;
   const RecordTick* minute = Consolidator_flush(&this->consolidator);
   if (minute)
      result = TierWriter_appendTick(&this->tiers[RECORD_TIER_1M], minute);
   for (int t = 0; t < RECORD_TIERS; t++) {
      int error = TierWriter_close(&this->tiers[t]);
      if (error && !result)
         result = error;
   }
   Consolidator_done(&this->consolidator);
   close(this->lockFd);
   close(this->dirFd);
   free(this);
   return result;
}
