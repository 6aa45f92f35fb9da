#ifndef HEADER_StackMerge
#define HEADER_StackMerge
/* Frame lists, and merging a native stack with the Python frames the
   interpreter's eval loop was running (pure). */

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

/* The name of the C function that runs Python frames in 3.11-3.14. */
#define STACK_EVAL_FUNCTION "_PyEval_EvalFrameDefault"
/* The opcode handlers of 3.14's tail-calling eval loop: each runs on top
   of _PyEval_EvalFrameDefault and is part of that call. */
#define STACK_TAIL_CALL_PREFIX "_TAIL_CALL_"

/* Writes native with each eval-loop frame replaced by the Python frames
   that call ran: from the next unused one up to and including the next
   entry frame (py-spy --native style). The eval frame is the native frame
   whose stack holds the entry frame's shim (3.12+ keep it in a local of
   _PyEval_EvalFrameDefault), so an eval loop without a symbol (a stripped
   .cold part) is found too; without those addresses, it is the frame named
   _PyEval_EvalFrameDefault. A tail-call handler right above a merged eval
   frame is dropped with it. Python frames left over (a native stack cut
   short) go after the last native frame; an eval frame with no Python
   frames left stays as it is. Returns the number of eval frames that got
   Python frames. */
int StackMerge_merge(const FrameList* native, const FrameList* python, FrameList* out);

#endif
