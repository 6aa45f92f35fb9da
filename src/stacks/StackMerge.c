#include "config.h"

#include "stacks/StackMerge.h"

#include <stdlib.h>
#include <string.h>

#include "util/XUtils.h"

static bool StackMerge_named(const StackFrame* frame, const char* name, size_t len) {
   return frame->kind == FRAME_NATIVE && frame->function &&
          strncmp(frame->function, name, len) == 0;
}

/* Does native frame i run the Python frames from python->frames[next]? */
static bool StackMerge_runs(const FrameList* native, int i, const FrameList* python, int next) {
   const StackFrame* frame = &native->frames[i];
   const StackFrame* entry = NULL;
   for (int k = next; k < python->count && !entry; k++)
      entry = python->frames[k].entry ? &python->frames[k] : NULL;
   if (frame->kind == FRAME_NATIVE && entry && entry->shim && frame->sp && i + 1 < native->count &&
       native->frames[i + 1].sp)
      return entry->shim >= frame->sp && entry->shim < native->frames[i + 1].sp;
   return StackMerge_named(frame, STACK_EVAL_FUNCTION, sizeof(STACK_EVAL_FUNCTION));
}

int StackMerge_merge(const FrameList* native, const FrameList* python, FrameList* out) {
   int next = 0, merged = 0;
   for (int i = 0; i < native->count; i++) {
      const StackFrame* frame = &native->frames[i];
      if (next < python->count &&
          StackMerge_named(frame, STACK_TAIL_CALL_PREFIX, strlen(STACK_TAIL_CALL_PREFIX)) &&
          i + 1 < native->count && StackMerge_runs(native, i + 1, python, next))
         continue;
      if (next >= python->count || !StackMerge_runs(native, i, python, next)) {
         FrameList_add(out, frame);
         continue;
      }
      merged++;
      while (next < python->count) {
         const StackFrame* py = &python->frames[next++];
         FrameList_add(out, py);
         if (py->entry)
            break;
      }
   }
   while (next < python->count)
      FrameList_add(out, &python->frames[next++]);
   return merged;
}
