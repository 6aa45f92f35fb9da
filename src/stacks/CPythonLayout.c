#include "config.h"

#include "stacks/CPythonLayout.h"

#include <stdio.h>
#include <string.h>

/* CPython 3.11, x86_64. Checked with offsetof() against Debian's
   libpython3.11-dev 3.11.2 internal headers, against py-spy, pystack and
   austin, and by walking live /usr/bin/python3.11 and pyenv 3.11.7
   (research/python_stacks.md §3.1). */
static const CPythonLayout CPythonLayout_311 = {
      .minor = 11,
      .rtInterpretersHead = 0x28, /* _PyRuntimeState.interpreters.head */
      .interpNext = 0x0,          /* PyInterpreterState.next */
      .interpThreadsHead = 0x10,  /* PyInterpreterState.threads.head */
      .gilPlace = GIL_IN_RUNTIME,
      .gilPointer = LAYOUT_NONE,
      .gilLocked = 0x178,         /* _PyRuntimeState.ceval.gil.locked */
      .gilHolder = 0x170,         /* _PyRuntimeState.ceval.gil.last_holder */
      .tsNext = 0x08,             /* PyThreadState.next */
      .tsInterp = 0x10,           /* PyThreadState.interp */
      .tsThreadId = 0x98,         /* PyThreadState.thread_id */
      .tsNativeThreadId = 0xa0,   /* PyThreadState.native_thread_id */
      .tsCframe = 0x38,           /* PyThreadState.cframe */
      .tsCurrentFrame = 0x08,     /* _PyCFrame.current_frame */
      .frCode = 0x20,             /* _PyInterpreterFrame.f_code */
      .frPrevious = 0x30,         /* _PyInterpreterFrame.previous */
      .frInstr = 0x38,            /* _PyInterpreterFrame.prev_instr */
      .frIsEntry = 0x44,          /* _PyInterpreterFrame.is_entry */
      .frOwner = 0x45,            /* _PyInterpreterFrame.owner */
      .ownerCstack = LAYOUT_NONE, /* 3.11 has no shim frames */
      .coFilename = 0x70,         /* PyCodeObject.co_filename */
      .coQualname = 0x80,         /* PyCodeObject.co_qualname */
      .coLinetable = 0x88,        /* PyCodeObject.co_linetable */
      .coFirstlineno = 0x48,      /* PyCodeObject.co_firstlineno */
      .coCodeAdaptive = 0xb8,     /* PyCodeObject.co_code_adaptive */
      .bytesSize = 0x10,          /* PyVarObject.ob_size */
      .bytesData = 0x20,          /* PyBytesObject.ob_sval */
      .strLength = 0x10,          /* PyASCIIObject.length */
      .strState = 0x20,           /* PyASCIIObject.state */
      .strAsciiSize = 48,         /* sizeof(PyASCIIObject), with wstr */
      .strCompactSize = 72,       /* sizeof(PyCompactUnicodeObject) */
};

/* CPython 3.12, x86_64. Read with gdb ptype/o from the DWARF of pyenv's
   3.12.1 libpython3.12.so; agrees with py-spy's bindgen of 3.12.0 and
   pystack (research/python_stacks.md §4, which settles co_code_adaptive
   at 0xc0). */
static const CPythonLayout CPythonLayout_312 = {
      .minor = 12,
      .rtInterpretersHead = 0x28, /* _PyRuntimeState.interpreters.head */
      .interpNext = 0x0,          /* PyInterpreterState.next */
      .interpThreadsHead = 0x48,  /* PyInterpreterState.threads.head */
      .gilPlace = GIL_VIA_INTERP_PTR,
      .gilPointer = 0x180,      /* PyInterpreterState.ceval.gil */
      .gilLocked = 0x10,        /* struct _gil_runtime_state.locked */
      .gilHolder = 0x08,        /* struct _gil_runtime_state.last_holder */
      .tsNext = 0x08,           /* PyThreadState.next */
      .tsInterp = 0x10,         /* PyThreadState.interp */
      .tsThreadId = 0x88,       /* PyThreadState.thread_id */
      .tsNativeThreadId = 0x90, /* PyThreadState.native_thread_id */
      .tsCframe = 0x38,         /* PyThreadState.cframe */
      .tsCurrentFrame = 0x0,    /* _PyCFrame.current_frame */
      .frCode = 0x0,            /* _PyInterpreterFrame.f_code */
      .frPrevious = 0x08,       /* _PyInterpreterFrame.previous */
      .frInstr = 0x38,          /* _PyInterpreterFrame.prev_instr */
      .frIsEntry = LAYOUT_NONE, /* is_entry became shim frames */
      .frOwner = 0x46,          /* _PyInterpreterFrame.owner */
      .ownerCstack = 3,         /* FRAME_OWNED_BY_CSTACK */
      .coFilename = 0x70,       /* PyCodeObject.co_filename */
      .coQualname = 0x80,       /* PyCodeObject.co_qualname */
      .coLinetable = 0x88,      /* PyCodeObject.co_linetable */
      .coFirstlineno = 0x44,    /* PyCodeObject.co_firstlineno */
      .coCodeAdaptive = 0xc0,   /* PyCodeObject.co_code_adaptive */
      .bytesSize = 0x10,        /* PyVarObject.ob_size */
      .bytesData = 0x20,        /* PyBytesObject.ob_sval */
      .strLength = 0x10,        /* PyASCIIObject.length */
      .strState = 0x20,         /* PyASCIIObject.state */
      .strAsciiSize = 40,       /* sizeof(PyASCIIObject): wstr is gone */
      .strCompactSize = 56,     /* sizeof(PyCompactUnicodeObject) */
};

const CPythonLayout* CPythonLayout_forMinor(int minor) {
   switch (minor) {
   case 11:
      return &CPythonLayout_311;
   case 12:
      return &CPythonLayout_312;
   default:
      return NULL;
   }
}

/* Byte positions of the entries leaktop uses inside 3.13's
   _Py_DebugOffsets (Include/internal/pycore_debug_offsets.h, every entry a
   uint64_t; positions read with gdb ptype/o from pyenv 3.13.0's DWARF and
   matching research/python_stacks.md §5). */
enum {
   DO_VERSION = 8,
   DO_FREE_THREADED = 16,
   DO_RT_SIZE = 24,
   DO_RT_INTERPRETERS_HEAD = 40,
   DO_INTERP_SIZE = 48,
   DO_INTERP_NEXT = 64,
   DO_INTERP_THREADS_HEAD = 72,
   DO_INTERP_GIL_LOCKED = 136,
   DO_INTERP_GIL_HOLDER = 144,
   DO_TS_SIZE = 152,
   DO_TS_NEXT = 168,
   DO_TS_INTERP = 176,
   DO_TS_CURRENT_FRAME = 184,
   DO_TS_THREAD_ID = 192,
   DO_TS_NATIVE_THREAD_ID = 200,
   DO_FRAME_SIZE = 224,
   DO_FRAME_PREVIOUS = 232,
   DO_FRAME_EXECUTABLE = 240,
   DO_FRAME_INSTR_PTR = 248,
   DO_FRAME_OWNER = 264,
   DO_CODE_SIZE = 272,
   DO_CODE_FILENAME = 280,
   DO_CODE_QUALNAME = 296,
   DO_CODE_LINETABLE = 304,
   DO_CODE_FIRSTLINENO = 312,
   DO_CODE_ADAPTIVE = 344,
   DO_BYTES_SIZE = 512,
   DO_BYTES_OB_SIZE = 520,
   DO_BYTES_OB_SVAL = 528,
   DO_UNICODE_SIZE = 536,
   DO_UNICODE_STATE = 544,
   DO_UNICODE_LENGTH = 552,
   DO_UNICODE_ASCII_SIZE = 560,
};

static uint64_t CPythonLayout_u64(const uint8_t* table, size_t at) {
   uint64_t v;
   memcpy(&v, table + at, sizeof(v));
   return v;
}

/* One offset of a structure whose size the table gives at sizeAt; false
   when it would not fit (a damaged or foreign table). */
static bool CPythonLayout_field(const uint8_t* table, size_t sizeAt, size_t at, int64_t* out) {
   uint64_t size = CPythonLayout_u64(table, sizeAt);
   uint64_t off = CPythonLayout_u64(table, at);
   if (size > (1u << 20) || off + sizeof(uint64_t) > size)
      return false;
   *out = (int64_t)off;
   return true;
}

bool CPythonLayout_fromDebugOffsets(const uint8_t* table, size_t len, CPythonLayout* layout,
                                    char* err, size_t errSize) {
   if (len < DEBUG_OFFSETS_SIZE || memcmp(table, DEBUG_OFFSETS_COOKIE, 8) != 0) {
      snprintf(err, errSize, "no _Py_DebugOffsets table at _PyRuntime");
      return false;
   }
   uint64_t version = CPythonLayout_u64(table, DO_VERSION);
   int major = (int)((version >> 24) & 0xff), minor = (int)((version >> 16) & 0xff);
   if (major != 3 || minor != 13) {
      snprintf(err, errSize, "CPython %d.%d is not supported (supported: %s)", major, minor,
               CPYTHON_SUPPORTED);
      return false;
   }
   if (CPythonLayout_u64(table, DO_FREE_THREADED)) {
      snprintf(err, errSize, "free-threaded CPython 3.%d (3.%dt) is not supported", minor, minor);
      return false;
   }
   memset(layout, 0, sizeof(*layout));
   layout->minor = minor;
   layout->gilPlace = GIL_IN_INTERP;
   layout->gilPointer = LAYOUT_NONE;
   layout->tsCframe = LAYOUT_NONE;
   layout->frIsEntry = LAYOUT_NONE;
   layout->ownerCstack = 3; /* 3.13 FRAME_OWNED_BY_CSTACK (pycore_frame.h) */
   const struct {
      size_t sizeAt, at;
      int64_t* out;
   } fields[] = {
         {DO_RT_SIZE, DO_RT_INTERPRETERS_HEAD, &layout->rtInterpretersHead},
         {DO_INTERP_SIZE, DO_INTERP_NEXT, &layout->interpNext},
         {DO_INTERP_SIZE, DO_INTERP_THREADS_HEAD, &layout->interpThreadsHead},
         {DO_INTERP_SIZE, DO_INTERP_GIL_LOCKED, &layout->gilLocked},
         {DO_INTERP_SIZE, DO_INTERP_GIL_HOLDER, &layout->gilHolder},
         {DO_TS_SIZE, DO_TS_NEXT, &layout->tsNext},
         {DO_TS_SIZE, DO_TS_INTERP, &layout->tsInterp},
         {DO_TS_SIZE, DO_TS_CURRENT_FRAME, &layout->tsCurrentFrame},
         {DO_TS_SIZE, DO_TS_THREAD_ID, &layout->tsThreadId},
         {DO_TS_SIZE, DO_TS_NATIVE_THREAD_ID, &layout->tsNativeThreadId},
         {DO_FRAME_SIZE, DO_FRAME_PREVIOUS, &layout->frPrevious},
         {DO_FRAME_SIZE, DO_FRAME_EXECUTABLE, &layout->frCode},
         {DO_FRAME_SIZE, DO_FRAME_INSTR_PTR, &layout->frInstr},
         {DO_FRAME_SIZE, DO_FRAME_OWNER, &layout->frOwner},
         {DO_CODE_SIZE, DO_CODE_FILENAME, &layout->coFilename},
         {DO_CODE_SIZE, DO_CODE_QUALNAME, &layout->coQualname},
         {DO_CODE_SIZE, DO_CODE_LINETABLE, &layout->coLinetable},
         {DO_CODE_SIZE, DO_CODE_FIRSTLINENO, &layout->coFirstlineno},
         {DO_BYTES_SIZE, DO_BYTES_OB_SIZE, &layout->bytesSize},
         {DO_UNICODE_SIZE, DO_UNICODE_STATE, &layout->strState},
         {DO_UNICODE_SIZE, DO_UNICODE_LENGTH, &layout->strLength},
   };
   for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
      if (!CPythonLayout_field(table, fields[i].sizeAt, fields[i].at, fields[i].out)) {
         snprintf(err, errSize, "CPython 3.%d's _Py_DebugOffsets entry at byte %zu is out of range",
                  minor, fields[i].at);
         return false;
      }
   }
   /* These are positions at or past the end of their structure. */
   layout->coCodeAdaptive = (int64_t)CPythonLayout_u64(table, DO_CODE_ADAPTIVE);
   layout->bytesData = (int64_t)CPythonLayout_u64(table, DO_BYTES_OB_SVAL);
   layout->strAsciiSize = (int64_t)CPythonLayout_u64(table, DO_UNICODE_ASCII_SIZE);
   /* PyCompactUnicodeObject adds utf8_length and utf8 to PyASCIIObject. */
   layout->strCompactSize = layout->strAsciiSize + 16;
   if (layout->coCodeAdaptive <= 0 || layout->coCodeAdaptive > 4096 || layout->bytesData > 4096 ||
       layout->strAsciiSize > 4096) {
      snprintf(err, errSize, "CPython 3.%d's _Py_DebugOffsets sizes are out of range", minor);
      return false;
   }
   return true;
}
