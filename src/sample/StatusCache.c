#include "config.h"

#include "sample/StatusCache.h"

#include <stdlib.h>
#include <string.h>

#include "util/XUtils.h"

void StatusCache_init(StatusCache* this) {
   memset(this, 0, sizeof(*this));
}

void StatusCache_done(StatusCache* this, void (*release)(void* context, int handle),
                      void* context) {
   for (int i = 0; release && i < this->count; i++)
      if (this->entries[i].handle >= 0)
         release(context, this->entries[i].handle);
   free(this->entries);
   free(this->next);
   memset(this, 0, sizeof(*this));
}

/* FNV-1a, 64 bits. The comm field is included: a rename is a change. */
uint64_t StatusCache_hash(const char* statText) {
   uint64_t h = 0xcbf29ce484222325u;
   for (const unsigned char* p = (const unsigned char*)statText; *p; p++) {
      h ^= *p;
      h *= 0x100000001b3u;
   }
   return h;
}

static const StatusCacheEntry* StatusCache_find(const StatusCache* this, pid_t pid) {
   int lo = 0, hi = this->count;
   while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (this->entries[mid].pid < pid)
         lo = mid + 1;
      else
         hi = mid;
   }
   return lo < this->count && this->entries[lo].pid == pid ? &this->entries[lo] : NULL;
}

static StatusCacheEntry* StatusCache_append(StatusCache* this) {
   if (this->nextCount == this->capacity) {
      this->capacity = this->capacity ? 2 * this->capacity : 64;
      this->next = xReallocArray(this->next, (size_t)this->capacity, sizeof(StatusCacheEntry));
      this->entries =
            xReallocArray(this->entries, (size_t)this->capacity, sizeof(StatusCacheEntry));
   }
   return &this->next[this->nextCount++];
}

int StatusCache_handle(const StatusCache* this, pid_t pid) {
   const StatusCacheEntry* e = StatusCache_find(this, pid);
   return e ? e->handle : -1;
}

bool StatusCache_reuse(StatusCache* this, pid_t pid, uint64_t statHash, int handle,
                       ProcStatus* status) {
   const StatusCacheEntry* found = StatusCache_find(this, pid);
   if (!found || found->statHash != statHash || found->age + 1 >= STATUS_CACHE_REFRESH)
      return false;
   StatusCacheEntry old = *found; /* appending may move the arrays */
   StatusCacheEntry* e = StatusCache_append(this);
   *e = old;
   e->age++;
   e->handle = handle;
   *status = e->status;
   return true;
}

void StatusCache_store(StatusCache* this, pid_t pid, uint64_t statHash, int handle,
                       const ProcStatus* status) {
   bool known = StatusCache_find(this, pid) != NULL;
   StatusCacheEntry* e = StatusCache_append(this);
   /* A first reading starts at an age set by the PID, so that the forced
      refreshes of a tree found at once fall on different ticks. */
   *e = (StatusCacheEntry){.pid = pid,
                           .statHash = statHash,
                           .age = known ? 0 : (unsigned)pid % STATUS_CACHE_REFRESH,
                           .handle = handle,
                           .status = *status};
}

static int StatusCache_compare(const void* a, const void* b) {
   pid_t x = ((const StatusCacheEntry*)a)->pid, y = ((const StatusCacheEntry*)b)->pid;
   return (x > y) - (x < y);
}

void StatusCache_endTick(StatusCache* this, void (*release)(void* context, int handle),
                         void* context) {
   if (this->nextCount > 1)
      qsort(this->next, (size_t)this->nextCount, sizeof(StatusCacheEntry), StatusCache_compare);
   /* Both arrays are sorted: one merge finds the handles left behind. */
   for (int i = 0, j = 0; release && i < this->count; i++) {
      const StatusCacheEntry* old = &this->entries[i];
      while (j < this->nextCount && this->next[j].pid < old->pid)
         j++;
      bool kept = j < this->nextCount && this->next[j].pid == old->pid &&
                  this->next[j].handle == old->handle;
      if (!kept && old->handle >= 0)
         release(context, old->handle);
   }
   StatusCacheEntry* swap = this->entries;
   this->entries = this->next;
   this->count = this->nextCount;
   this->next = swap;
   this->nextCount = 0;
}
