#include "config.h"

#include "stacks/StackProfile.h"

#include <stdlib.h>
#include <string.h>

#include "util/XUtils.h"

void StackProfile_done(StackProfile* p) {
   for (int i = 0; i < p->count; i++)
      free(p->stacks[i].key);
   free(p->stacks);
   free(p->threadPauses);
   free(p->samplePauses);
   memset(p, 0, sizeof(*p));
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
   /* ';' separates frames and a newline ends the line in the folded format. */
   for (char* c = buf; *c; c++)
      if (*c == ';' || *c == '\n')
         *c = ':';
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
      char* key = StackProfile_key(&t->frames);
      int k = 0;
      while (k < p->count && strcmp(p->stacks[k].key, key) != 0)
         k++;
      if (k < p->count) {
         free(key);
      } else {
         p->stacks = xReallocArray(p->stacks, (size_t)p->count + 1, sizeof(ProfileStack));
         p->stacks[p->count++] = (ProfileStack){.key = key};
      }
      p->stacks[k].count++;
      p->total++;
   }
}

static int StackProfile_byCount(const void* a, const void* b) {
   const ProfileStack* x = a;
   const ProfileStack* y = b;
   if (x->count != y->count)
      return x->count < y->count ? 1 : -1;
   return strcmp(x->key, y->key);
}

void StackProfile_sort(StackProfile* p) {
   qsort(p->stacks, (size_t)p->count, sizeof(ProfileStack), StackProfile_byCount);
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

void StackProfile_folded(const StackProfile* p, FILE* out) {
   for (int i = 0; i < p->count; i++)
      fprintf(out, "%s %ld\n", p->stacks[i].key, p->stacks[i].count);
}

void StackProfile_top(const StackProfile* p, int n, FILE* out) {
   for (int i = 0; i < p->count && i < n; i++) {
      const ProfileStack* s = &p->stacks[i];
      fprintf(out, "\n#%d  %.1f%%  (%ld of %ld thread stacks)\n", i + 1,
              100.0 * (double)s->count / (double)p->total, s->count, p->total);
      /* The key is root first; the list reads innermost first, like a dump. */
      const char* end = s->key + strlen(s->key);
      while (end > s->key) {
         const char* start = end;
         while (start > s->key && start[-1] != ';')
            start--;
         fprintf(out, "  %.*s\n", (int)(end - start), start);
         end = start > s->key ? start - 1 : start;
      }
   }
}
