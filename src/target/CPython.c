#include "config.h"

#include "target/CPython.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "target/CPythonLayout.h"
#include "target/ElfSymbols.h"
#include "target/LineTable.h"
#include "util/XUtils.h"

/* Bounds on what a damaged or changing target can make leaktop read. */
#define MAX_INTERPRETERS 64
#define MAX_THREADS      4096
#define MAX_DEPTH        4096
#define MAX_STRING       4096
#define MAX_LINETABLE    65536
#define CODE_CACHE_SLOTS 512
#define MAX_TSTATE_READ  512

typedef struct {
   uint64_t addr; /* 0: empty */
   char* qualname;
   char* filename;
   uint8_t* linetable;
   size_t linetableLen;
   int firstLine;
} CodeInfo;

struct CPython_ {
   RemoteMemory* mem;
   CPythonLayout layout;
   uint64_t runtime;
   ElfSymbols* elf; /* the interpreter's file, for CPython_symbol */
   uint64_t bias;
   uint64_t codeType;  /* &PyCode_Type in the target, 0 if unknown */
   size_t frameRead;   /* bytes of a _PyInterpreterFrame that hold the fields used */
   size_t tstateRead;  /* the same for a PyThreadState */
   int64_t pthreadTid; /* the TID's offset in glibc's struct pthread, or LAYOUT_NONE */
   char version[32];
   CodeInfo codes[CODE_CACHE_SLOTS];
};

static uint64_t CPython_u64(const uint8_t* block, int64_t at) {
   uint64_t v;
   memcpy(&v, block + at, sizeof(v));
   return v;
}

/* ---- locating the runtime ------------------------------------------------ */

/* The files the interpreter may live in, most specific first: a mapped
   libpython (a PIE launcher maps a python3.X without one too), a mapped
   python executable (also when a dynamic loader runs it), the executable
   (a static interpreter under another name). Returns how many. */
static int CPython_homes(pid_t pid, const ProcMaps* maps, const char* homes[3], char* exe,
                         size_t exeSize) {
   int n = 0;
   const char* lib = ProcMaps_libpython(maps);
   const char* python = ProcMaps_pythonExecutable(maps);
   if (lib)
      homes[n++] = lib;
   if (python)
      homes[n++] = python;
   char link[64];
   snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
   ssize_t len = readlink(link, exe, exeSize - 1);
   if (len > 0) {
      exe[len] = '\0';
      if (!python || strcmp(exe, python) != 0)
         homes[n++] = exe;
   }
   return n;
}

/* Version from the Py_Version symbol (3.11+: PY_VERSION_HEX). */
static bool CPython_readVersion(RemoteMemory* mem, const ElfSymbols* elf, uint64_t bias, int* minor,
                                char* out, size_t outSize) {
   uint64_t addr, size;
   uint32_t hex;
   if (!ElfSymbols_find(elf, "Py_Version", &addr, &size) ||
       !RemoteMemory_read(mem, addr + bias, &hex, sizeof(hex)))
      return false;
   *minor = (int)((hex >> 16) & 0xff);
   snprintf(out, outSize, "%u.%u.%u", hex >> 24, (hex >> 16) & 0xff, (hex >> 8) & 0xff);
   return (hex >> 24) == 3;
}

/* The layout of the interpreter whose _PyRuntime is at runtime: the table
   it publishes (3.13+), else the built-in one for its Py_Version. */
static bool CPython_findLayout(RemoteMemory* mem, uint64_t runtime, const ElfSymbols* elf,
                               uint64_t bias, CPythonLayout* layout, char* version,
                               size_t versionSize, char* err, size_t errSize) {
   uint8_t table[DEBUG_OFFSETS_SIZE];
   if (!RemoteMemory_read(mem, runtime, table, sizeof(table))) {
      snprintf(err, errSize, "cannot read _PyRuntime at %#llx: %s", (unsigned long long)runtime,
               strerror(errno));
      return false;
   }
   int minor = 0;
   if (memcmp(table, DEBUG_OFFSETS_COOKIE, 8) == 0) {
      uint64_t hex = CPython_u64(table, 8);
      snprintf(version, versionSize, "%u.%u.%u", (unsigned)(hex >> 24) & 0xff,
               (unsigned)(hex >> 16) & 0xff, (unsigned)(hex >> 8) & 0xff);
      return CPythonLayout_fromDebugOffsets(table, sizeof(table), layout, err, errSize);
   }
   if (!CPython_readVersion(mem, elf, bias, &minor, version, versionSize)) {
      snprintf(err, errSize,
               "CPython older than 3.11 or of unknown version (no Py_Version); "
               "supported: " CPYTHON_SUPPORTED);
      return false;
   }
   const CPythonLayout* builtin = CPythonLayout_forMinor(minor);
   if (!builtin) {
      snprintf(err, errSize, "CPython %s is not supported (supported: %s)", version,
               CPYTHON_SUPPORTED);
      return false;
   }
   *layout = *builtin;
   return true;
}

/* Where glibc keeps a thread's kernel TID in its struct pthread (what
   pthread_self() points to), from the descriptor libc publishes for
   libthread_db: _thread_db_pthread_tid = {bit size, count, offset} (glibc
   nptl_db/structs.def and db_info.c; 32, 1, 0x2d0 in Debian 12's 2.36).
   LAYOUT_NONE without a glibc that has it (musl, a static build). */
static int64_t CPython_pthreadTidOffset(pid_t pid, const ProcMaps* maps, RemoteMemory* mem) {
   const char* libc = ProcMaps_library(maps, "libc.so");
   if (!libc)
      return LAYOUT_NONE;
   char file[PATH_MAX + 32];
   ProcMaps_targetPath(maps, pid, libc, file, sizeof(file));
   ElfSymbols* elf = ElfSymbols_open(file);
   if (!elf)
      return LAYOUT_NONE;
   uint64_t addr, size;
   uint32_t desc[3];
   bool ok =
         ElfSymbols_find(elf, "_thread_db_pthread_tid", &addr, &size) &&
         RemoteMemory_read(mem, addr + ProcMaps_fileBase(maps, libc) - ElfSymbols_firstLoad(elf),
                           desc, sizeof(desc));
   ElfSymbols_close(elf);
   return ok && desc[0] == 32 && desc[1] == 1 && desc[2] < 4096 ? (int64_t)desc[2] : LAYOUT_NONE;
}

CPython* CPython_attach(pid_t pid, const ProcMaps* maps, RemoteMemory* mem, bool* found, char* err,
                        size_t errSize) {
   *found = false;
   char exe[PATH_MAX], file[PATH_MAX + 32];
   const char* homes[3];
   int count = CPython_homes(pid, maps, homes, exe, sizeof(exe));
   const char* home = NULL;
   ElfSymbols* elf = NULL;
   uint64_t addr, size;
   for (int i = 0; i < count && !home; i++) {
      ProcMaps_targetPath(maps, pid, homes[i], file, sizeof(file));
      elf = ElfSymbols_open(file);
      if (elf && (ElfSymbols_find(elf, "_PyRuntime", &addr, &size) ||
                  ElfSymbols_section(elf, ".PyRuntime", &addr, &size)))
         home = homes[i];
      else if (elf)
         ElfSymbols_close(elf);
   }
   if (!home)
      return NULL;
   *found = true;
   uint64_t base = ProcMaps_fileBase(maps, home);
   uint64_t bias = base - ElfSymbols_firstLoad(elf);
   CPythonLayout layout;
   char version[32] = "";
   CPython* py = NULL;
   if (base == 0)
      snprintf(err, errSize, "%s is not mapped at file offset 0", home);
   else if (CPython_findLayout(mem, addr + bias, elf, bias, &layout, version, sizeof(version), err,
                               errSize)) {
      uint64_t codeType = 0, codeTypeSize;
      if (ElfSymbols_find(elf, "PyCode_Type", &codeType, &codeTypeSize))
         codeType += bias;
      py = CPython_open(mem, addr + bias, &layout, version, codeType, err, errSize);
   }
   if (!py) {
      ElfSymbols_close(elf);
      return NULL;
   }
   py->elf = elf;
   py->bias = bias;
   py->pthreadTid = CPython_pthreadTidOffset(pid, maps, mem);
   return py;
}

CPython* CPython_open(RemoteMemory* mem, uint64_t runtime, const CPythonLayout* layout,
                      const char* version, uint64_t codeType, char* err, size_t errSize) {
   CPython* py = xCalloc(1, sizeof(CPython));
   py->mem = mem;
   py->runtime = runtime;
   py->layout = *layout;
   py->codeType = codeType;
   py->pthreadTid = LAYOUT_NONE;
   snprintf(py->version, sizeof(py->version), "%s", version);
   const CPythonLayout* l = &py->layout;
   int64_t last = l->frCode;
   int64_t fields[] = {l->frPrevious, l->frInstr, l->frOwner, l->frIsEntry};
   for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
      last = fields[i] > last ? fields[i] : last;
   py->frameRead = (size_t)last + sizeof(uint64_t);
   int64_t tsFields[] = {l->tsNext,     l->tsInterp,       l->tsNativeThreadId,
                         l->tsThreadId, l->tsCurrentFrame, l->tsCframe};
   last = 0;
   for (size_t i = 0; i < sizeof(tsFields) / sizeof(tsFields[0]); i++)
      last = tsFields[i] > last ? tsFields[i] : last;
   py->tstateRead = (size_t)last + sizeof(uint64_t);
   if (py->tstateRead > MAX_TSTATE_READ) {
      snprintf(err, errSize, "CPython %s's thread state offsets are out of range", py->version);
      CPython_free(py);
      return NULL;
   }
   return py;
}

static void CPython_clearCode(CodeInfo* code) {
   free(code->qualname);
   free(code->filename);
   free(code->linetable);
   memset(code, 0, sizeof(*code));
}

void CPython_free(CPython* py) {
   if (!py)
      return;
   for (int i = 0; i < CODE_CACHE_SLOTS; i++)
      CPython_clearCode(&py->codes[i]);
   if (py->elf)
      ElfSymbols_close(py->elf);
   free(py);
}

const char* CPython_version(const CPython* py) {
   return py->version;
}

int CPython_minor(const CPython* py) {
   return py->layout.minor;
}

const CPythonLayout* CPython_layout(const CPython* py) {
   return &py->layout;
}

bool CPython_symbol(const CPython* py, const char* name, uint64_t* addr) {
   uint64_t at, size;
   if (!py->elf || !ElfSymbols_find(py->elf, name, &at, &size))
      return false;
   *addr = at + py->bias;
   return true;
}

uint64_t CPython_runtime(const CPython* py) {
   return py->runtime;
}

uint64_t CPython_mainInterpreter(const CPython* py) {
   /* New interpreters are pushed at the head: the main one, created
      first, is the last of the list. */
   uint64_t interp = 0, next = 0;
   if (!RemoteMemory_readU64(py->mem, py->runtime + (uint64_t)py->layout.rtInterpretersHead, &next))
      return 0;
   for (int i = 0; next && i < MAX_INTERPRETERS; i++) {
      interp = next;
      if (!RemoteMemory_readU64(py->mem, interp + (uint64_t)py->layout.interpNext, &next))
         return 0;
   }
   return next ? 0 : interp;
}

/* ---- objects ----------------------------------------------------------- */

static void CPython_putUtf8(char* out, size_t* at, uint32_t c) {
   if (c < 0x80) {
      out[(*at)++] = (char)c;
   } else if (c < 0x800) {
      out[(*at)++] = (char)(0xc0 | (c >> 6));
      out[(*at)++] = (char)(0x80 | (c & 0x3f));
   } else if (c < 0x10000) {
      out[(*at)++] = (char)(0xe0 | (c >> 12));
      out[(*at)++] = (char)(0x80 | ((c >> 6) & 0x3f));
      out[(*at)++] = (char)(0x80 | (c & 0x3f));
   } else {
      out[(*at)++] = (char)(0xf0 | ((c >> 18) & 0x07));
      out[(*at)++] = (char)(0x80 | ((c >> 12) & 0x3f));
      out[(*at)++] = (char)(0x80 | ((c >> 6) & 0x3f));
      out[(*at)++] = (char)(0x80 | (c & 0x3f));
   }
}

/* A str object as UTF-8 (malloc'd), or NULL. Compact strings only: code
   names and file names always are. state: interned:2, kind:3, compact:1,
   ascii:1 (cpython/unicodeobject.h, 3.11-3.15; the free-threaded
   build, refused, keeps interned apart). */
static char* CPython_string(CPython* py, uint64_t obj) {
   const CPythonLayout* l = &py->layout;
   uint8_t head[128];
   if (!obj || l->strCompactSize > (int64_t)sizeof(head) ||
       !RemoteMemory_read(py->mem, obj, head, (size_t)l->strAsciiSize))
      return NULL;
   uint64_t length = CPython_u64(head, l->strLength);
   uint32_t state;
   memcpy(&state, head + l->strState, sizeof(state));
   unsigned kind = (state >> 2) & 7, compact = (state >> 5) & 1, ascii = (state >> 6) & 1;
   if (!compact || length > MAX_STRING || (kind != 1 && kind != 2 && kind != 4))
      return NULL;
   uint64_t data = obj + (uint64_t)(ascii ? l->strAsciiSize : l->strCompactSize);
   uint8_t raw[MAX_STRING * 4];
   if (!RemoteMemory_read(py->mem, data, raw, (size_t)length * kind))
      return NULL;
   char* out = xMalloc((size_t)length * 4 + 1);
   size_t at = 0;
   for (uint64_t i = 0; i < length; i++) {
      uint32_t c = kind == 1   ? raw[i]
                   : kind == 2 ? (uint32_t)(raw[2 * i] | raw[2 * i + 1] << 8)
                               : (uint32_t)(raw[4 * i] | raw[4 * i + 1] << 8 |
                                            raw[4 * i + 2] << 16 | (uint32_t)raw[4 * i + 3] << 24);
      CPython_putUtf8(out, &at, c > 0x10ffff ? '?' : c);
   }
   out[at] = '\0';
   return out;
}

static uint8_t* CPython_bytes(CPython* py, uint64_t obj, size_t* len) {
   const CPythonLayout* l = &py->layout;
   uint64_t size;
   if (!obj || !RemoteMemory_readU64(py->mem, obj + (uint64_t)l->bytesSize, &size) ||
       size > MAX_LINETABLE)
      return NULL;
   uint8_t* out = xMalloc(size ? size : 1);
   if (!RemoteMemory_read(py->mem, obj + (uint64_t)l->bytesData, out, size)) {
      free(out);
      return NULL;
   }
   *len = size;
   return out;
}

/* The code object's names and line table, cached by address. NULL when it
   is not a code object or does not read back. */
static const CodeInfo* CPython_code(CPython* py, uint64_t addr) {
   CodeInfo* slot = &py->codes[(addr >> 4) % CODE_CACHE_SLOTS];
   if (slot->addr == addr)
      return slot;
   const CPythonLayout* l = &py->layout;
   uint8_t head[512];
   if ((size_t)l->coCodeAdaptive > sizeof(head) ||
       !RemoteMemory_read(py->mem, addr, head, (size_t)l->coCodeAdaptive))
      return NULL;
   if (py->codeType && CPython_u64(head, 8) != py->codeType) /* PyObject.ob_type */
      return NULL;
   CodeInfo code = {.addr = addr};
   int32_t firstLine;
   memcpy(&firstLine, head + l->coFirstlineno, sizeof(firstLine));
   code.firstLine = firstLine;
   code.qualname = CPython_string(py, CPython_u64(head, l->coQualname));
   code.filename = CPython_string(py, CPython_u64(head, l->coFilename));
   code.linetable = CPython_bytes(py, CPython_u64(head, l->coLinetable), &code.linetableLen);
   if (!code.qualname || !code.filename) {
      CPython_clearCode(&code);
      return NULL;
   }
   CPython_clearCode(slot);
   *slot = code;
   return slot;
}

/* ---- threads and frames ------------------------------------------------ */

uint64_t CPython_gilHolder(CPython* py, uint64_t interp) {
   const CPythonLayout* l = &py->layout;
   uint64_t base = l->gilPlace == GIL_IN_RUNTIME ? py->runtime : interp;
   if (l->gilPlace == GIL_VIA_INTERP_PTR &&
       !RemoteMemory_readU64(py->mem, interp + (uint64_t)l->gilPointer, &base))
      return 0;
   int32_t locked = 0;
   uint64_t holder = 0;
   if (!base || !RemoteMemory_read(py->mem, base + (uint64_t)l->gilLocked, &locked, 4) || !locked ||
       !RemoteMemory_readU64(py->mem, base + (uint64_t)l->gilHolder, &holder))
      return 0;
   return holder;
}

/* ts: the thread state's first tstateRead bytes. */
static uint64_t CPython_currentFrame(CPython* py, const uint8_t* ts) {
   const CPythonLayout* l = &py->layout;
   if (l->tsCframe == LAYOUT_NONE)
      return CPython_u64(ts, l->tsCurrentFrame);
   uint64_t cframe = CPython_u64(ts, l->tsCframe), frame = 0;
   if (!cframe || !RemoteMemory_readU64(py->mem, cframe + (uint64_t)l->tsCurrentFrame, &frame))
      return 0;
   return frame;
}

uint64_t CPython_pthreadTid(CPython* py, const PyThreadStack* thread) {
   int32_t tid = 0;
   if (py->pthreadTid == LAYOUT_NONE || !thread->pthread ||
       !RemoteMemory_read(py->mem, thread->pthread + (uint64_t)py->pthreadTid, &tid, sizeof(tid)))
      return 0;
   return tid > 0 ? (uint64_t)tid : 0;
}

static void CPython_frames(CPython* py, uint64_t frame, FrameList* out, int* budget) {
   const CPythonLayout* l = &py->layout;
   for (int depth = 0; frame && depth<MAX_DEPTH&& * budget> 0; depth++) {
      uint8_t f[256];
      if (!RemoteMemory_read(py->mem, frame, f, py->frameRead))
         return;
      uint64_t codeAddr = CPython_u64(f, l->frCode) & l->frCodeMask;
      int owner = f[l->frOwner];
      if (l->ownerShim != LAYOUT_NONE && owner >= l->ownerShim) {
         /* A shim: the frames above it ran in one C-level eval call,
            whose C stack holds it. The first shim below a frame is that
            call's: 3.15 ends every chain with one more, the base frame
            embedded in the thread state (_PyThreadStateImpl.base_frame,
            Include/internal/pycore_tstate.h), on no C stack. */
         if (out->count > 0 && !out->frames[out->count - 1].entry) {
            out->frames[out->count - 1].entry = true;
            out->frames[out->count - 1].shim = frame;
         }
      } else if (codeAddr) {
         const CodeInfo* code = CPython_code(py, codeAddr);
         /* Unsigned: a damaged frame's pointer is any 64-bit value. */
         uint64_t instr = CPython_u64(f, l->frInstr);
         uint64_t start = codeAddr + (uint64_t)l->coCodeAdaptive;
         int lasti = instr < start                   ? -1
                     : (instr - start) / 2 > INT_MAX ? INT_MAX
                                                     : (int)((instr - start) / 2);
         StackFrame sf = {
               .kind = FRAME_PYTHON,
               .function = code ? code->qualname : "<unreadable>",
               .file = code ? code->filename : "?",
               .line = code ? LineTable_line(code->linetable, code->linetableLen, code->firstLine,
                                             lasti)
                            : -1,
               .entry = l->frIsEntry != LAYOUT_NONE && f[l->frIsEntry],
         };
         FrameList_add(out, &sf);
         (*budget)--;
      }
      uint64_t previous = CPython_u64(f, l->frPrevious);
      if (previous == frame)
         return;
      frame = previous;
   }
}

/* Linear: thread lists are short, and MAX_THREADS bounds a damaged one. */
static bool CPython_seen(const uint64_t* seen, int count, uint64_t tstate) {
   for (int i = 0; i < count; i++)
      if (seen[i] == tstate)
         return true;
   return false;
}

int CPython_threads(CPython* py, PyThreadStack** threads, char* err, size_t errSize) {
   const CPythonLayout* l = &py->layout;
   *threads = NULL;
   int count = 0;
   uint64_t interp = 0;
   if (!RemoteMemory_readU64(py->mem, py->runtime + (uint64_t)l->rtInterpretersHead, &interp)) {
      snprintf(err, errSize, "cannot read the interpreter list: %s", strerror(errno));
      return -1;
   }
   int budget = CPYTHON_MAX_FRAMES;
   uint64_t* seen = NULL; /* thread states read, to end a ring */
   for (int i = 0; interp && i < MAX_INTERPRETERS; i++) {
      uint64_t holder = CPython_gilHolder(py, interp);
      uint64_t tstate = 0;
      if (!RemoteMemory_readU64(py->mem, interp + (uint64_t)l->interpThreadsHead, &tstate))
         break;
      for (int t = 0; tstate && t < MAX_THREADS && !CPython_seen(seen, count, tstate); t++) {
         uint8_t state[MAX_TSTATE_READ];
         if (!RemoteMemory_read(py->mem, tstate, state, py->tstateRead) ||
             CPython_u64(state, l->tsInterp) != interp) {
            snprintf(err, errSize,
                     "thread state %#llx does not belong to interpreter %#llx "
                     "(the interpreter changed while being read, or a layout "
                     "mismatch for CPython %s)",
                     (unsigned long long)tstate, (unsigned long long)interp, py->version);
            CPython_freeThreads(*threads, count);
            *threads = NULL;
            free(seen);
            return -1;
         }
         *threads = xReallocArray(*threads, (size_t)count + 1, sizeof(PyThreadStack));
         seen = xReallocArray(seen, (size_t)count + 1, sizeof(*seen));
         seen[count] = tstate;
         PyThreadStack* out = &(*threads)[count++];
         memset(out, 0, sizeof(*out));
         out->nativeTid = CPython_u64(state, l->tsNativeThreadId);
         out->pthread = CPython_u64(state, l->tsThreadId);
         out->gil = holder == tstate;
         CPython_frames(py, CPython_currentFrame(py, state), &out->frames, &budget);
         tstate = CPython_u64(state, l->tsNext);
      }
      if (!RemoteMemory_readU64(py->mem, interp + (uint64_t)l->interpNext, &interp))
         break;
   }
   free(seen);
   return count;
}

void CPython_freeThreads(PyThreadStack* threads, int count) {
   for (int i = 0; i < count; i++)
      FrameList_clear(&threads[i].frames);
   free(threads);
}
