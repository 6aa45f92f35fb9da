#include "config.h"

#include "stacks/StackMerge.h"

#include <stdlib.h>
#include <string.h>

#include "util/XUtils.h"

void FrameList_add(FrameList* list, const StackFrame* frame) {
   if (list->count == list->capacity) {
      list->capacity = list->capacity ? list->capacity * 2 : 32;
      list->frames = xReallocArray(list->frames, (size_t)list->capacity, sizeof(StackFrame));
   }
   StackFrame* copy = &list->frames[list->count++];
   *copy = *frame;
   copy->function = frame->function ? xStrdup(frame->function) : NULL;
   copy->file = frame->file ? xStrdup(frame->file) : NULL;
}

void FrameList_clear(FrameList* list) {
   for (int i = 0; i < list->count; i++) {
      free(list->frames[i].function);
      free(list->frames[i].file);
   }
   free(list->frames);
   memset(list, 0, sizeof(*list));
}

static bool StackMerge_isEval(const StackFrame* frame) {
   return frame->kind == FRAME_NATIVE && frame->function &&
          strcmp(frame->function, STACK_EVAL_FUNCTION) == 0;
}

int StackMerge_merge(const FrameList* native, const FrameList* python, FrameList* out) {
   int next = 0, merged = 0;
   for (int i = 0; i < native->count; i++) {
      const StackFrame* frame = &native->frames[i];
      if (!StackMerge_isEval(frame) || next >= python->count) {
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
