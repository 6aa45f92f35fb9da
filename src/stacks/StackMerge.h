#ifndef HEADER_StackMerge
#define HEADER_StackMerge
/* Merging a native stack with the Python frames the interpreter's eval
   loop was running (pure). */

#include "target/FrameList.h"

/* The name of the C function that runs Python frames in 3.11-3.15. */
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
