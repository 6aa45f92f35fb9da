#ifndef HEADER_WorkerVerdict
#define HEADER_WorkerVerdict
/* A worker's verdict is the growth classifier's, plus what its heap
   snapshots said when they settle where the growth is: RSS grew and the
   Python heap did not (native growth), or malloc_trim gave the growth back
   (allocator retention). Pure: labels in, text out. */

#include <stdbool.h>
#include <stddef.h>

#include "snapshot/SnapshotDiff.h"

/* What a snapshot verdict adds: brief for a table cell ("+native"), else
   for a sentence (" + native growth"); NULL when it adds nothing (steady,
   Python growth, unknown: the classifier's label already says it). */
const char* WorkerVerdict_suffix(SnapshotVerdict snapshot, bool brief);

/* base followed by the suffix, in buf: "grows/time+native",
   "grows with time + native growth". */
void WorkerVerdict_compose(const char* base, SnapshotVerdict snapshot, bool brief, char* buf,
                           size_t size);

#endif
