#include "config.h"

#include "target/CPythonLayout.h"

#include <stdio.h>
#include <string.h>

/* Neither table has PEP 768 fields nor a tagged f_code. */
#define CPYTHON_LAYOUT_PRE_314                                                                     \
   .interpThreadsMain = LAYOUT_NONE, .frCodeMask = ~(uint64_t)0, .tsEvalBreaker = LAYOUT_NONE,     \
   .tsRemoteDebuggerSupport = LAYOUT_NONE, .interpRemoteDebuggingEnabled = LAYOUT_NONE,            \
   .rdsPendingCall = LAYOUT_NONE, .rdsScriptPath = LAYOUT_NONE, .rdsScriptPathSize = LAYOUT_NONE

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
      .gilLocked = 0x178,       /* _PyRuntimeState.ceval.gil.locked */
      .gilHolder = 0x170,       /* _PyRuntimeState.ceval.gil.last_holder */
      .tsNext = 0x08,           /* PyThreadState.next */
      .tsInterp = 0x10,         /* PyThreadState.interp */
      .tsThreadId = 0x98,       /* PyThreadState.thread_id */
      .tsNativeThreadId = 0xa0, /* PyThreadState.native_thread_id */
      .tsCframe = 0x38,         /* PyThreadState.cframe */
      .tsCurrentFrame = 0x08,   /* _PyCFrame.current_frame */
      .frCode = 0x20,           /* _PyInterpreterFrame.f_code */
      .frPrevious = 0x30,       /* _PyInterpreterFrame.previous */
      .frInstr = 0x38,          /* _PyInterpreterFrame.prev_instr */
      .frIsEntry = 0x44,        /* _PyInterpreterFrame.is_entry */
      .frOwner = 0x45,          /* _PyInterpreterFrame.owner */
      .ownerShim = LAYOUT_NONE, /* 3.11 has no shim frames */
      .coFilename = 0x70,       /* PyCodeObject.co_filename */
      .coQualname = 0x80,       /* PyCodeObject.co_qualname */
      .coLinetable = 0x88,      /* PyCodeObject.co_linetable */
      .coFirstlineno = 0x48,    /* PyCodeObject.co_firstlineno */
      .coCodeAdaptive = 0xb8,   /* PyCodeObject.co_code_adaptive */
      .bytesSize = 0x10,        /* PyVarObject.ob_size */
      .bytesData = 0x20,        /* PyBytesObject.ob_sval */
      .strLength = 0x10,        /* PyASCIIObject.length */
      .strState = 0x20,         /* PyASCIIObject.state */
      .strAsciiSize = 48,       /* sizeof(PyASCIIObject), with wstr */
      .strCompactSize = 72,     /* sizeof(PyCompactUnicodeObject) */
      CPYTHON_LAYOUT_PRE_314,
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
      .ownerShim = 3,           /* FRAME_OWNED_BY_CSTACK, the last owner value */
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
      CPYTHON_LAYOUT_PRE_314,
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

/* Byte positions of the entries leaktop uses inside _Py_DebugOffsets
   (Include/internal/pycore_debug_offsets.h, every entry a uint64_t); 0
   (the cookie's position) where a version has no such entry. */
typedef struct {
   int minor;
   size_t tableSize;
   size_t rtSize, rtInterpretersHead;
   size_t interpSize, interpNext, interpThreadsHead, interpThreadsMain, gilLocked, gilHolder;
   size_t tsSize, tsNext, tsInterp, tsCurrentFrame, tsThreadId, tsNativeThreadId;
   size_t frameSize, framePrevious, frameExecutable, frameInstrPtr, frameOwner;
   size_t codeSize, codeFilename, codeQualname, codeLinetable, codeFirstlineno, codeAdaptive;
   size_t bytesSize, bytesObSize, bytesObSval;
   size_t unicodeSize, unicodeState, unicodeLength, unicodeAsciiSize;
   size_t unicodeCompactSize; /* 3.15 */
   /* debugger_support (3.14) */
   size_t evalBreaker, remoteDebuggerSupport, remoteDebuggingEnabled;
   size_t pendingCall, scriptPath, scriptPathSize;
   /* The tag bits of f_executable, a _PyStackRef from 3.14 on, cleared to
      get the code object (not a table entry: Py_TAG_BITS of the default
      build, Include/internal/pycore_stackref.h). */
   uint64_t codeTagBits;
} DebugOffsetsMap;

/* 3.13: positions read with gdb ptype/o from pyenv 3.13.0's DWARF, matching
   research/python_stacks.md §5; sizeof 584. */
static const DebugOffsetsMap DebugOffsets_313 = {
      .minor = 13,
      .tableSize = 584,
      .rtSize = 24,
      .rtInterpretersHead = 40,
      .interpSize = 48,
      .interpNext = 64,
      .interpThreadsHead = 72,
      .gilLocked = 136, /* interpreter_state.gil_runtime_state_locked */
      .gilHolder = 144, /* interpreter_state.gil_runtime_state_holder */
      .tsSize = 152,
      .tsNext = 168,
      .tsInterp = 176,
      .tsCurrentFrame = 184,
      .tsThreadId = 192,
      .tsNativeThreadId = 200,
      .frameSize = 224,
      .framePrevious = 232,
      .frameExecutable = 240,
      .frameInstrPtr = 248,
      .frameOwner = 264,
      .codeSize = 272,
      .codeFilename = 280,
      .codeQualname = 296,
      .codeLinetable = 304,
      .codeFirstlineno = 312,
      .codeAdaptive = 344,
      .bytesSize = 512,
      .bytesObSize = 520,
      .bytesObSval = 528,
      .unicodeSize = 536,
      .unicodeState = 544,
      .unicodeLength = 552,
      .unicodeAsciiSize = 560,
      .codeTagBits = 0, /* f_executable is a plain PyObject* */
};

/* 3.14: positions counted in v3.14's struct (Debian's libpython3.14-dev
   3.14.10 header). New against 3.13: interpreter_state threads_main,
   code_object_generation and tlbc_generation; interpreter_frame
   stackpointer and tlbc_index; code_object co_tlbc; set_object,
   gen_object, llist_node and debugger_support; sizeof 760. */
static const DebugOffsetsMap DebugOffsets_314 = {
      .minor = 14,
      .tableSize = 760,
      .rtSize = 24,
      .rtInterpretersHead = 40,
      .interpSize = 48,
      .interpNext = 64,
      .interpThreadsHead = 72,
      .interpThreadsMain = 80,
      .gilLocked = 144, /* interpreter_state.gil_runtime_state_locked */
      .gilHolder = 152, /* interpreter_state.gil_runtime_state_holder */
      .tsSize = 176,
      .tsNext = 192,
      .tsInterp = 200,
      .tsCurrentFrame = 208,
      .tsThreadId = 216,
      .tsNativeThreadId = 224,
      .frameSize = 248,
      .framePrevious = 256,
      .frameExecutable = 264,
      .frameInstrPtr = 272,
      .frameOwner = 288,
      .codeSize = 312,
      .codeFilename = 320,
      .codeQualname = 336,
      .codeLinetable = 344,
      .codeFirstlineno = 352,
      .codeAdaptive = 384,
      .bytesSize = 592,
      .bytesObSize = 600,
      .bytesObSval = 608,
      .unicodeSize = 616,
      .unicodeState = 624,
      .unicodeLength = 632,
      .unicodeAsciiSize = 640,
      .evalBreaker = 712,            /* debugger_support.eval_breaker */
      .remoteDebuggerSupport = 720,  /* debugger_support.remote_debugger_support */
      .remoteDebuggingEnabled = 728, /* debugger_support.remote_debugging_enabled */
      .pendingCall = 736,            /* debugger_support.debugger_pending_call */
      .scriptPath = 744,             /* debugger_support.debugger_script_path */
      .scriptPathSize = 752,         /* debugger_support.debugger_script_path_size */
      .codeTagBits = 1,              /* Py_TAG_BITS = 1 (3.14 pycore_stackref.h) */
};

/* 3.15: positions counted in Debian sid's libpython3.15-dev 3.15.2-1
   header, and the values checked against a running python3.15 3.15.2's
   _PyRuntime. New against 3.14: thread_state base_frame,
   last_profiled_frame and last_profiled_frame_seq (after current_frame,
   moving thread_id and all that follows by 24), holds_gil, gil_requested,
   current_exception and exc_state; err_stackitem; type_object
   tp_basicsize and tp_dictoffset; heap_type_object; unicode_object
   compactunicodeobject_size; gc frame, generation_stats_size and
   generation_stats; sizeof 888. */
static const DebugOffsetsMap DebugOffsets_315 = {
      .minor = 15,
      .tableSize = DEBUG_OFFSETS_SIZE,
      .rtSize = 24,
      .rtInterpretersHead = 40,
      .interpSize = 48,
      .interpNext = 64,
      .interpThreadsHead = 72,
      .interpThreadsMain = 80,
      .gilLocked = 144, /* interpreter_state.gil_runtime_state_locked */
      .gilHolder = 152, /* interpreter_state.gil_runtime_state_holder */
      .tsSize = 176,
      .tsNext = 192,
      .tsInterp = 200,
      .tsCurrentFrame = 208,
      .tsThreadId = 240,
      .tsNativeThreadId = 248,
      .frameSize = 312,
      .framePrevious = 320,
      .frameExecutable = 328,
      .frameInstrPtr = 336,
      .frameOwner = 352,
      .codeSize = 376,
      .codeFilename = 384,
      .codeQualname = 400,
      .codeLinetable = 408,
      .codeFirstlineno = 416,
      .codeAdaptive = 448,
      .bytesSize = 688,
      .bytesObSize = 696,
      .bytesObSval = 704,
      .unicodeSize = 712,
      .unicodeState = 720,
      .unicodeLength = 728,
      .unicodeAsciiSize = 736,
      .unicodeCompactSize = 744,     /* unicode_object.compactunicodeobject_size */
      .evalBreaker = 840,            /* debugger_support.eval_breaker */
      .remoteDebuggerSupport = 848,  /* debugger_support.remote_debugger_support */
      .remoteDebuggingEnabled = 856, /* debugger_support.remote_debugging_enabled */
      .pendingCall = 864,            /* debugger_support.debugger_pending_call */
      .scriptPath = 872,             /* debugger_support.debugger_script_path */
      .scriptPathSize = 880,         /* debugger_support.debugger_script_path_size */
      /* Py_TAG_BITS = 3 (3.15 pycore_stackref.h: Py_TAG_REFCNT 1, and 2
         and 3 for invalid and tagged-int references, never a code
         object's); the default build's PyStackRef_AsPyObjectBorrow clears
         only the refcount bit, but a pointer has neither. */
      .codeTagBits = 3,
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
   /* Not off + 8 > size: a damaged offset near 2^64 would wrap past it. */
   if (size > (1u << 20) || off > size || size - off < sizeof(uint64_t))
      return false;
   *out = (int64_t)off;
   return true;
}

/* The PEP 768 entries. The remote debugger support block lies inside the
   thread state, so its two fields, the path included, must too. */
static bool CPythonLayout_remoteDebug(const uint8_t* table, const DebugOffsetsMap* map,
                                      CPythonLayout* layout) {
   if (!CPythonLayout_field(table, map->tsSize, map->evalBreaker, &layout->tsEvalBreaker) ||
       !CPythonLayout_field(table, map->tsSize, map->remoteDebuggerSupport,
                            &layout->tsRemoteDebuggerSupport) ||
       !CPythonLayout_field(table, map->interpSize, map->remoteDebuggingEnabled,
                            &layout->interpRemoteDebuggingEnabled))
      return false;
   uint64_t tsSize = CPythonLayout_u64(table, map->tsSize);
   uint64_t rds = (uint64_t)layout->tsRemoteDebuggerSupport;
   uint64_t pending = CPythonLayout_u64(table, map->pendingCall);
   uint64_t path = CPythonLayout_u64(table, map->scriptPath);
   uint64_t pathSize = CPythonLayout_u64(table, map->scriptPathSize);
   if (pathSize < 2 || pathSize > 4096 || pending > tsSize || path > tsSize ||
       rds + pending + sizeof(int32_t) > tsSize || rds + path + pathSize > tsSize)
      return false;
   layout->rdsPendingCall = (int64_t)pending;
   layout->rdsScriptPath = (int64_t)path;
   layout->rdsScriptPathSize = (int64_t)pathSize;
   return true;
}

bool CPythonLayout_fromDebugOffsets(const uint8_t* table, size_t len, CPythonLayout* layout,
                                    char* err, size_t errSize) {
   if (len < DebugOffsets_313.tableSize || memcmp(table, DEBUG_OFFSETS_COOKIE, 8) != 0) {
      snprintf(err, errSize, "no _Py_DebugOffsets table at _PyRuntime");
      return false;
   }
   uint64_t version = CPythonLayout_u64(table, 8);
   int major = (int)((version >> 24) & 0xff), minor = (int)((version >> 16) & 0xff);
   const DebugOffsetsMap* map = major != 3    ? NULL
                                : minor == 13 ? &DebugOffsets_313
                                : minor == 14 ? &DebugOffsets_314
                                : minor == 15 ? &DebugOffsets_315
                                              : NULL;
   if (!map) {
      snprintf(err, errSize, "CPython %d.%d is not supported (supported: %s)", major, minor,
               CPYTHON_SUPPORTED);
      return false;
   }
   if (len < map->tableSize) {
      snprintf(err, errSize, "CPython 3.%d's _Py_DebugOffsets table is cut short", minor);
      return false;
   }
   if (CPythonLayout_u64(table, 16)) {
      snprintf(err, errSize,
               "free-threaded CPython 3.%d (python3.%dt) is not supported; supported: the "
               "default builds of %s",
               minor, minor, CPYTHON_SUPPORTED);
      return false;
   }
   memset(layout, 0, sizeof(*layout));
   layout->minor = minor;
   layout->gilPlace = GIL_IN_INTERP;
   layout->gilPointer = LAYOUT_NONE;
   layout->tsCframe = LAYOUT_NONE;
   layout->frIsEntry = LAYOUT_NONE;
   layout->frCodeMask = ~map->codeTagBits;
   /* 3.13: FRAME_OWNED_BY_CSTACK = 3 marks shims. 3.14: the eval loop's
      entry frame is FRAME_OWNED_BY_INTERPRETER = 3, and CSTACK became 4;
      both are "incomplete" (owner >= FRAME_OWNED_BY_INTERPRETER,
      _PyFrame_IsIncomplete in pycore_interpframe.h). 3.15 dropped CSTACK:
      INTERPRETER = 3 is the last owner (pycore_interpframe_structs.h). */
   layout->ownerShim = 3;
   const struct {
      size_t sizeAt, at;
      int64_t* out;
   } fields[] = {
         {map->rtSize, map->rtInterpretersHead, &layout->rtInterpretersHead},
         {map->interpSize, map->interpNext, &layout->interpNext},
         {map->interpSize, map->interpThreadsHead, &layout->interpThreadsHead},
         {map->interpSize, map->gilLocked, &layout->gilLocked},
         {map->interpSize, map->gilHolder, &layout->gilHolder},
         {map->tsSize, map->tsNext, &layout->tsNext},
         {map->tsSize, map->tsInterp, &layout->tsInterp},
         {map->tsSize, map->tsCurrentFrame, &layout->tsCurrentFrame},
         {map->tsSize, map->tsThreadId, &layout->tsThreadId},
         {map->tsSize, map->tsNativeThreadId, &layout->tsNativeThreadId},
         {map->frameSize, map->framePrevious, &layout->frPrevious},
         {map->frameSize, map->frameExecutable, &layout->frCode},
         {map->frameSize, map->frameInstrPtr, &layout->frInstr},
         {map->frameSize, map->frameOwner, &layout->frOwner},
         {map->codeSize, map->codeFilename, &layout->coFilename},
         {map->codeSize, map->codeQualname, &layout->coQualname},
         {map->codeSize, map->codeLinetable, &layout->coLinetable},
         {map->codeSize, map->codeFirstlineno, &layout->coFirstlineno},
         {map->bytesSize, map->bytesObSize, &layout->bytesSize},
         {map->unicodeSize, map->unicodeState, &layout->strState},
         {map->unicodeSize, map->unicodeLength, &layout->strLength},
   };
   for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
      if (!CPythonLayout_field(table, fields[i].sizeAt, fields[i].at, fields[i].out)) {
         snprintf(err, errSize, "CPython 3.%d's _Py_DebugOffsets entry at byte %zu is out of range",
                  minor, fields[i].at);
         return false;
      }
   }
   layout->interpThreadsMain = LAYOUT_NONE;
   layout->tsEvalBreaker = layout->tsRemoteDebuggerSupport = LAYOUT_NONE;
   layout->interpRemoteDebuggingEnabled = LAYOUT_NONE;
   layout->rdsPendingCall = layout->rdsScriptPath = layout->rdsScriptPathSize = LAYOUT_NONE;
   if (map->interpThreadsMain &&
       (!CPythonLayout_field(table, map->interpSize, map->interpThreadsMain,
                             &layout->interpThreadsMain) ||
        !CPythonLayout_remoteDebug(table, map, layout))) {
      snprintf(err, errSize,
               "CPython 3.%d's _Py_DebugOffsets remote debugging entries are out of range", minor);
      return false;
   }
   /* These are positions at or past the end of their structure; unsigned,
      so a damaged one never passes as negative. 3.15 publishes
      sizeof(PyCompactUnicodeObject); before, it is PyASCIIObject with
      utf8_length and utf8 added. */
   uint64_t adaptive = CPythonLayout_u64(table, map->codeAdaptive);
   uint64_t sval = CPythonLayout_u64(table, map->bytesObSval);
   uint64_t ascii = CPythonLayout_u64(table, map->unicodeAsciiSize);
   uint64_t compact =
         map->unicodeCompactSize ? CPythonLayout_u64(table, map->unicodeCompactSize) : ascii + 16;
   if (adaptive == 0 || adaptive > 4096 || sval > 4096 || ascii > 4096 || compact < ascii ||
       compact > 4096) {
      snprintf(err, errSize, "CPython 3.%d's _Py_DebugOffsets sizes are out of range", minor);
      return false;
   }
   layout->coCodeAdaptive = (int64_t)adaptive;
   layout->bytesData = (int64_t)sval;
   layout->strAsciiSize = (int64_t)ascii;
   layout->strCompactSize = (int64_t)compact;
   return true;
}
