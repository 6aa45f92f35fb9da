#include "config.h"

#include "stacks/StackProfile.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/XUtils.h"

void StackProfile_done(StackProfile* p) {
   for (int i = 0; i < p->count; i++) {
      free(p->stacks[i].thread);
      free(p->stacks[i].key);
   }
   free(p->stacks);
   free(p->index);
   free(p->threadPauses);
   free(p->samplePauses);
   memset(p, 0, sizeof(*p));
}

static void StackProfile_clean(char* name) {
   for (unsigned char* c = (unsigned char*)name; *c; c++) {
      if (*c == ';')
         *c = ':';
      else if (*c < 0x20 || *c == 0x7f)
         *c = '?';
   }
}

void StackProfile_frameName(const StackFrame* f, char* buf, size_t size) {
   if (f->kind == FRAME_PYTHON && f->line >= 0)
      snprintf(buf, size, "%s (%s:%d)", f->function, f->file, f->line);
   else if (f->kind == FRAME_PYTHON)
      snprintf(buf, size, "%s (%s)", f->function, f->file);
   else if (f->function)
      snprintf(buf, size, "%s (%s)", f->function, f->file ? f->file : "?");
   else if (f->file)
      snprintf(buf, size, "%s+%#llx", f->file, (unsigned long long)f->offset);
   else
      snprintf(buf, size, "%#llx", (unsigned long long)f->pc);
   StackProfile_clean(buf);
}

static char* StackProfile_key(const FrameList* frames) {
   size_t len = 0, size = 256;
   char* key = xMalloc(size);
   key[0] = '\0';
   for (int i = frames->count - 1; i >= 0; i--) {
      char name[512];
      StackProfile_frameName(&frames->frames[i], name, sizeof(name));
      size_t n = strlen(name) + 1;
      if (len + n + 1 > size) {
         size = (len + n + 1) * 2;
         key = xReallocArray(key, size, 1);
      }
      len += (size_t)snprintf(key + len, size - len, "%s%s", len ? ";" : "", name);
   }
   return key;
}

static void StackProfile_push(double** values, long* count, double v) {
   *values = xReallocArray(*values, (size_t)*count + 1, sizeof(double));
   (*values)[(*count)++] = v;
}

/* FNV-1a over the thread, the key and the idle flag. */
static uint64_t StackProfile_hash(const char* thread, const char* key, bool idle) {
   uint64_t h = 14695981039346656037ULL;
   for (const char* s = thread; *s; s++)
      h = (h ^ (unsigned char)*s) * 1099511628211ULL;
   h = (h ^ 0xff) * 1099511628211ULL;
   for (const char* s = key; *s; s++)
      h = (h ^ (unsigned char)*s) * 1099511628211ULL;
   return (h ^ (idle ? 1u : 2u)) * 1099511628211ULL;
}

/* The slot of (thread, key, idle): where it is, or the empty one it goes to. */
static int StackProfile_slot(const StackProfile* p, const char* thread, const char* key,
                             bool idle) {
   int mask = p->indexSize - 1;
   int at = (int)(StackProfile_hash(thread, key, idle) & (uint64_t)mask);
   while (p->index[at]) {
      const ProfileStack* s = &p->stacks[p->index[at] - 1];
      if (s->idle == idle && strcmp(s->key, key) == 0 && strcmp(s->thread, thread) == 0)
         break;
      at = (at + 1) & mask;
   }
   return at;
}

/* Keeps the index at most half full. */
static void StackProfile_grow(StackProfile* p) {
   if (2 * (p->count + 1) <= p->indexSize)
      return;
   free(p->index);
   p->indexSize = p->indexSize ? p->indexSize * 2 : 64;
   p->index = xCalloc((size_t)p->indexSize, sizeof(int));
   for (int i = 0; i < p->count; i++) {
      const ProfileStack* s = &p->stacks[i];
      p->index[StackProfile_slot(p, s->thread, s->key, s->idle)] = i + 1;
   }
}

void StackProfile_add(StackProfile* p, const StackDump* dump) {
   p->samples++;
   if (dump->native)
      StackProfile_push(&p->samplePauses, &p->samplePauseCount, dump->pauseMs);
   for (int i = 0; i < dump->count; i++) {
      const StackThread* t = &dump->threads[i];
      if (dump->native && t->pauseMs > 0)
         StackProfile_push(&p->threadPauses, &p->threadPauseCount, t->pauseMs);
      if (t->frames.count == 0)
         continue;
      char thread[96];
      snprintf(thread, sizeof(thread), "thread %d (%s)", (int)t->tid, t->name);
      StackProfile_clean(thread);
      /* An unknown state ('?') is not taken for idle: it would hide the stack. */
      bool idle = t->state != 'R' && t->state != '?';
      char* key = StackProfile_key(&t->frames);
      StackProfile_grow(p);
      int slot = StackProfile_slot(p, thread, key, idle);
      if (p->index[slot]) {
         free(key);
      } else {
         p->stacks = xReallocArray(p->stacks, (size_t)p->count + 1, sizeof(ProfileStack));
         p->stacks[p->count] = (ProfileStack){.thread = xStrdup(thread), .idle = idle, .key = key};
         p->index[slot] = ++p->count;
      }
      p->stacks[p->index[slot] - 1].count++;
      p->total++;
   }
}

static int StackProfile_byValue(const void* a, const void* b) {
   double x = *(const double*)a, y = *(const double*)b;
   return (x > y) - (x < y);
}

double StackProfile_quantile(double* values, long count, double q) {
   if (count == 0)
      return 0.0;
   qsort(values, (size_t)count, sizeof(double), StackProfile_byValue);
   long i = (long)(q * (double)(count - 1) + 0.5);
   return values[i];
}
