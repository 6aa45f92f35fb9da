#include "config.h"

#include "target/FrameList.h"

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
