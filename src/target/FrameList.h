#ifndef HEADER_FrameList
#define HEADER_FrameList
/* A stack as a list of frames, Python and native alike: what the CPython
   reader and the native unwinder produce, and what stacks/ merges and
   prints. */

#include <stdbool.h>
#include <stdint.h>

typedef enum {
   FRAME_PYTHON,
   FRAME_NATIVE,
} FrameKind;

typedef struct {
   FrameKind kind;
   char* function;  /* Python: qualified name; native: symbol, NULL if unknown */
   char* file;      /* Python: file name; native: module base name, NULL if unmapped */
   int line;        /* Python only; -1 when unknown */
   uint64_t pc;     /* native only */
   uint64_t offset; /* native: from the symbol, or from the module when no symbol */
   uint64_t sp;     /* native: the stack pointer in this frame, 0 if unknown */
   bool entry;      /* Python: outermost frame of one C-level eval call */
   uint64_t shim;   /* Python entry frame: where that call's shim frame is, 0 if unknown */
} StackFrame;

typedef struct {
   StackFrame* frames; /* innermost first */
   int count;
   int capacity;
} FrameList;

/* Appends a copy of frame (its strings duplicated). */
void FrameList_add(FrameList* list, const StackFrame* frame);
void FrameList_clear(FrameList* list);

#endif
