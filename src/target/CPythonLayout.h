#ifndef HEADER_CPythonLayout
#define HEADER_CPythonLayout
/* Where the fields leaktop reads sit in CPython's structures (x86_64): a
   table per minor version for 3.11 and 3.12, and for 3.13, 3.14 and 3.15
   the table the interpreter itself publishes (_Py_DebugOffsets at the start of
   _PyRuntime). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where the GIL's locked flag and last holder live. */
typedef enum {
   GIL_IN_RUNTIME,     /* _PyRuntime.ceval.gil (3.11) */
   GIL_VIA_INTERP_PTR, /* *(interp + gilPointer) (3.12) */
   GIL_IN_INTERP,      /* interp->_gil, the main interpreter's own (3.13+) */
} GilPlace;

#define LAYOUT_NONE (-1)

typedef struct {
   int minor;
   /* _PyRuntimeState */
   int64_t rtInterpretersHead;
   /* PyInterpreterState */
   int64_t interpNext;
   int64_t interpThreadsHead;
   int64_t interpThreadsMain; /* 3.14+ */
   GilPlace gilPlace;
   int64_t gilPointer; /* GIL_VIA_INTERP_PTR only */
   int64_t gilLocked;  /* relative to the GIL's base (runtime, gil struct or interp) */
   int64_t gilHolder;
   /* PyThreadState */
   int64_t tsNext;
   int64_t tsInterp;
   int64_t tsThreadId; /* pthread_self() of the thread that made it */
   int64_t tsNativeThreadId;
   int64_t tsCframe;       /* LAYOUT_NONE: current_frame is in the tstate */
   int64_t tsCurrentFrame; /* in the _PyCFrame, or in the tstate */
   /* _PyInterpreterFrame */
   int64_t frCode;
   uint64_t frCodeMask; /* clears the tag bits of a _PyStackRef (3.14+) */
   int64_t frPrevious;
   int64_t frInstr;   /* prev_instr (3.11, 3.12) or instr_ptr (3.13+) */
   int64_t frIsEntry; /* 3.11 only */
   int64_t frOwner;
   int ownerShim; /* owner values from this one up are shims, not Python
                     code; LAYOUT_NONE in 3.11 */
   /* PyCodeObject */
   int64_t coFilename;
   int64_t coQualname;
   int64_t coLinetable;
   int64_t coFirstlineno;
   int64_t coCodeAdaptive; /* also the size of the header read at once */
   /* PyBytesObject, PyASCIIObject */
   int64_t bytesSize;
   int64_t bytesData;
   int64_t strLength;
   int64_t strState;
   int64_t strAsciiSize;   /* data of compact ASCII strings */
   int64_t strCompactSize; /* data of other compact strings */
   /* PEP 768 remote execution (3.14+, LAYOUT_NONE before) */
   int64_t tsEvalBreaker;                /* PyThreadState.eval_breaker */
   int64_t tsRemoteDebuggerSupport;      /* PyThreadState.remote_debugger_support */
   int64_t interpRemoteDebuggingEnabled; /* PyInterpreterState.config.remote_debug */
   int64_t rdsPendingCall;               /* _PyRemoteDebuggerSupport.debugger_pending_call */
   int64_t rdsScriptPath;                /* _PyRemoteDebuggerSupport.debugger_script_path */
   int64_t rdsScriptPathSize;            /* its size (_Py_MAX_SCRIPT_PATH_SIZE) */
} CPythonLayout;

/* The built-in table for 3.MINOR, or NULL (3.13+ use the debug offsets). */
const CPythonLayout* CPythonLayout_forMinor(int minor);

#define DEBUG_OFFSETS_COOKIE "xdebugpy"
/* Bytes of _Py_DebugOffsets leaktop reads: 3.15's whole table, the
   largest (3.13's is 584, 3.14's 760). */
#define DEBUG_OFFSETS_SIZE 888

/* Fills layout from a _Py_DebugOffsets table of 3.13, 3.14 or 3.15 read from the
   target (table starts with the cookie). False, with the reason in err,
   when the version is another, the build is free-threaded, or an offset
   does not fit the structure size the table itself reports. */
bool CPythonLayout_fromDebugOffsets(const uint8_t* table, size_t len, CPythonLayout* layout,
                                    char* err, size_t errSize);

/* For refusals. */
#define CPYTHON_SUPPORTED "3.11, 3.12, 3.13, 3.14 and 3.15"

#endif
