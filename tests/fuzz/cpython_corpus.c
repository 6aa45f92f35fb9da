/* Seeds for fuzz_cpython: well-formed interpreters laid out with the
   built-in layouts of 3.11 and 3.12 (target/CPythonLayout.c), and with the
   _Py_DebugOffsets tables of real 3.13, 3.14 and 3.15 builds
   (DebugOffsetsTables.c) at the start of their runtime, so that the
   fuzzer starts from memory that reads back to stacks and mutates from
   there. Each: one interpreter, the GIL held by its first thread, and
   threads whose frames name code objects with ASCII and UCS-2 names and
   a line table; and the damage the fuzzer found crashes on, kept as seeds
   so that make check's sanitizer build replays them: a bad line table and
   instruction pointer, and rings of thread states and of frames (which
   once cost 4096 threads of 4096 frames). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "DebugOffsetsTables.h"
#include "FakeMemory.h"
#include "fuzz_driver.h"
#include "target/CPythonLayout.h"

#define SEED_RUNTIME       0x10000u
#define SEED_INTERP        0x20000u
#define SEED_GIL           0x28000u
#define SEED_THREAD        0x30000u /* + 0x1000 per thread */
#define SEED_FRAME         0x40000u /* + 0x100 per frame */
#define SEED_CODE          0x50000u /* + 0x1000 per code object */
#define SEED_TYPE          0x7000u  /* &PyCode_Type, as fuzz_cpython says for odd layouts */
#define SEED_RUNTIME_BYTES 1024     /* the table, and 3.15's interpreters.head at 0x3a8 */
#define SEED_INTERP_BYTES  0x2000   /* 3.13+ keep the GIL in the interpreter, at 0x1e48 */

typedef struct SeedBuilder {
   uint8_t buf[65536];
   size_t at;
   bool damaged; /* the regressions the fuzzer found, in the innermost frame */
   bool ring;    /* the last thread's next and the outermost frame's previous lead back */
} SeedBuilder;

static void put64(uint8_t* block, int64_t at, uint64_t value) {
   memcpy(block + at, &value, sizeof(value));
}

static void SeedBuilder_region(SeedBuilder* b, uint64_t addr, const void* bytes, size_t len) {
   FakeMemory_putRegion(b->buf, &b->at, addr, bytes, (uint16_t)len);
}

/* A compact str: ASCII (kind 1) or UCS-2 (kind 2), state bits kind:3 at 2,
   compact at 5, ascii at 6 (cpython/unicodeobject.h, 3.11-3.15). */
static void SeedBuilder_string(SeedBuilder* b, const CPythonLayout* l, uint64_t addr,
                               const char* text, bool wide) {
   uint8_t obj[256] = {0};
   size_t n = strlen(text);
   uint32_t state = (wide ? 2u : 1u) << 2 | 1u << 5 | (wide ? 0u : 1u) << 6;
   put64(obj, l->strLength, n);
   memcpy(obj + l->strState, &state, sizeof(state));
   int64_t data = wide ? l->strCompactSize : l->strAsciiSize;
   for (size_t i = 0; i < n; i++) {
      if (wide) {
         obj[data + 2 * (int64_t)i] = (uint8_t)text[i];
         obj[data + 2 * (int64_t)i + 1] = i == 0 ? 0x04 : 0; /* a Cyrillic first letter */
      } else {
         obj[data + (int64_t)i] = (uint8_t)text[i];
      }
   }
   SeedBuilder_region(b, addr, obj, (size_t)data + n * (wide ? 2 : 1) + 2);
}

/* Code object k at SEED_CODE + k * 0x1000, with its names and line table
   after it. */
static uint64_t SeedBuilder_code(SeedBuilder* b, const CPythonLayout* l, int k) {
   uint64_t addr = SEED_CODE + (uint64_t)k * 0x1000;
   uint8_t head[512] = {0};
   put64(head, 8, SEED_TYPE); /* ob_type */
   int32_t firstLine = 10 * (k + 1);
   memcpy(head + l->coFirstlineno, &firstLine, sizeof(firstLine));
   put64(head, l->coQualname, addr + 0x200);
   put64(head, l->coFilename, addr + 0x400);
   /* Damaged: a code object without a line table. */
   put64(head, l->coLinetable, b->damaged && k == 0 ? 0 : addr + 0x600);
   SeedBuilder_region(b, addr, head, (size_t)l->coCodeAdaptive + 16);
   char name[32];
   snprintf(name, sizeof(name), "handler_%d", k);
   SeedBuilder_string(b, l, addr + 0x200, name, k % 2 == 1);
   SeedBuilder_string(b, l, addr + 0x400, "/srv/app/views.py", false);
   /* Two entries of Objects/locations.md's "no column" form (code 13): one
      code unit each, line deltas +1 and +2. */
   uint8_t bytes[64] = {0};
   static const uint8_t table[] = {0x80 | 13 << 3, 0x02, 0x80 | 13 << 3, 0x04};
   put64(bytes, l->bytesSize, sizeof(table));
   memcpy(bytes + l->bytesData, table, sizeof(table));
   SeedBuilder_region(b, addr + 0x600, bytes, (size_t)l->bytesData + sizeof(table));
   return addr;
}

/* Thread t's frames: depth of them, the middle one a shim where the
   layout has shims; where f_executable is a tagged _PyStackRef (3.14+),
   the code pointers carry the tag bits, and the outermost frame is
   followed by a second shim as 3.15's thread-state base frame is. Returns
   the innermost frame's address. */
static uint64_t SeedBuilder_frames(SeedBuilder* b, const CPythonLayout* l, int t, int depth) {
   uint64_t first = SEED_FRAME + (uint64_t)t * 0x1000;
   uint64_t tags = ~l->frCodeMask;
   uint64_t base = tags ? first + (uint64_t)depth * 0x100 : 0;
   for (int d = 0; d < depth; d++) {
      uint8_t f[256] = {0};
      uint64_t code = SeedBuilder_code(b, l, t * 8 + d);
      put64(f, l->frCode, code | (d % 2 ? tags & 1 : tags));
      put64(f, l->frPrevious,
            d + 1 < depth ? first + (uint64_t)(d + 1) * 0x100
            : b->ring     ? first
                          : base);
      /* Damaged: an instruction pointer far below its code, whose
         distance from it does not fit a signed 64-bit difference. */
      put64(f, l->frInstr,
            b->damaged && d == 1 ? 0x8000000000001000u : code + (uint64_t)l->coCodeAdaptive + 2);
      if (l->ownerShim != LAYOUT_NONE && d == 1)
         f[l->frOwner] = (uint8_t)l->ownerShim;
      if (l->frIsEntry != LAYOUT_NONE)
         f[l->frIsEntry] = d == depth - 1;
      SeedBuilder_region(b, first + (uint64_t)d * 0x100, f, 0x60);
   }
   if (base) {
      uint8_t f[256] = {0};
      f[l->frOwner] = (uint8_t)l->ownerShim;
      SeedBuilder_region(b, base, f, 0x60);
   }
   return first;
}

/* table: the _Py_DebugOffsets the runtime starts with, or NULL. */
static void SeedBuilder_interpreter(SeedBuilder* b, const CPythonLayout* l, const uint8_t* table,
                                    int threads) {
   uint8_t runtime[SEED_RUNTIME_BYTES] = {0};
   if (table)
      memcpy(runtime, table, DEBUG_OFFSETS_SIZE);
   put64(runtime, l->rtInterpretersHead, SEED_INTERP);
   static uint8_t interp[SEED_INTERP_BYTES];
   memset(interp, 0, sizeof(interp));
   put64(interp, l->interpNext, 0);
   put64(interp, l->interpThreadsHead, SEED_THREAD);
   uint8_t gil[0x40] = {0};
   uint8_t* gilBase = l->gilPlace == GIL_IN_RUNTIME  ? runtime
                      : l->gilPlace == GIL_IN_INTERP ? interp
                                                     : gil;
   int32_t locked = 1;
   memcpy(gilBase + l->gilLocked, &locked, sizeof(locked));
   put64(gilBase, l->gilHolder, SEED_THREAD);
   if (l->gilPlace == GIL_VIA_INTERP_PTR)
      put64(interp, l->gilPointer, SEED_GIL);
   SeedBuilder_region(b, SEED_RUNTIME, runtime, sizeof(runtime));
   SeedBuilder_region(b, SEED_INTERP, interp, sizeof(interp));
   SeedBuilder_region(b, SEED_GIL, gil, sizeof(gil));
   for (int t = 0; t < threads; t++) {
      uint64_t addr = SEED_THREAD + (uint64_t)t * 0x1000;
      uint8_t ts[0x100] = {0};
      put64(ts, l->tsNext, t + 1 < threads ? addr + 0x1000 : b->ring ? SEED_THREAD : 0);
      put64(ts, l->tsInterp, SEED_INTERP);
      put64(ts, l->tsThreadId, 0);
      put64(ts, l->tsNativeThreadId, 4242 + (uint64_t)t);
      uint64_t frame = SeedBuilder_frames(b, l, t, 3 + t);
      if (l->tsCframe == LAYOUT_NONE) {
         put64(ts, l->tsCurrentFrame, frame);
      } else {
         uint8_t cframe[0x20] = {0};
         put64(cframe, l->tsCurrentFrame, frame);
         put64(ts, l->tsCframe, addr + 0x800);
         SeedBuilder_region(b, addr + 0x800, cframe, sizeof(cframe));
      }
      SeedBuilder_region(b, addr, ts, sizeof(ts));
   }
}

int FuzzTarget_makeCorpus(const char* dir) {
   static const int minors[] = {11, 12, 13, 14, 15};
   for (size_t i = 0; i < sizeof(minors) / sizeof(minors[0]); i++) {
      uint8_t table[DEBUG_OFFSETS_SIZE];
      CPythonLayout layout;
      char err[256];
      const CPythonLayout* builtin = CPythonLayout_forMinor(minors[i]);
      if (builtin)
         layout = *builtin;
      else if (!DebugOffsetsTables_fill(minors[i], table) ||
               !CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)))
         return 1;
      for (int variant = 0; variant < 4; variant++) {
         static SeedBuilder b;
         int threads = variant == 1 || variant == 3 ? 2 : 1;
         b.at = 0;
         b.damaged = variant == 2;
         b.ring = variant == 3;
         b.buf[b.at++] = (uint8_t)minors[i];
         SeedBuilder_interpreter(&b, &layout, builtin ? NULL : table, threads);
         char path[4200];
         if (b.damaged)
            snprintf(path, sizeof(path), "%s/cpython-3%d-damaged", dir, minors[i]);
         else if (b.ring)
            snprintf(path, sizeof(path), "%s/cpython-3%d-ring", dir, minors[i]);
         else
            snprintf(path, sizeof(path), "%s/cpython-3%d-%dthreads", dir, minors[i], threads);
         FILE* f = fopen(path, "wb");
         if (!f || fwrite(b.buf, 1, b.at, f) != b.at) {
            if (f)
               fclose(f);
            return 1;
         }
         fclose(f);
      }
   }
   return 0;
}
