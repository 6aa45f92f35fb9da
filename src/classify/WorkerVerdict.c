#include "config.h"

#include "classify/WorkerVerdict.h"

#include <stdio.h>

const char* WorkerVerdict_suffix(SnapshotVerdict snapshot, bool brief) {
   switch (snapshot) {
   case SNAPSHOT_VERDICT_NATIVE:
      return brief ? "+native" : " + native growth";
   case SNAPSHOT_VERDICT_ALLOCATOR:
      return brief ? "+alloc" : " + allocator retention";
   default:
      return NULL;
   }
}

void WorkerVerdict_compose(const char* base, SnapshotVerdict snapshot, bool brief, char* buf,
                           size_t size) {
   const char* suffix = WorkerVerdict_suffix(snapshot, brief);
   snprintf(buf, size, "%s%s", base, suffix ? suffix : "");
}
