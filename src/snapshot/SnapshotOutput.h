#ifndef HEADER_SnapshotOutput
#define HEADER_SnapshotOutput
/* A snapshot and its diff as the operator reads them: text for an 80-column
   terminal, or one JSON object for machines. */

#include <stddef.h>
#include <stdio.h>

#include "snapshot/Snapshot.h"
#include "snapshot/SnapshotDiff.h"

/* The diff's verdict in one line, sizes in MiB so RSS and the Python heap
   read side by side: "native growth: RSS +38.2 MiB, Python heap +0.1 MiB
   (allocated blocks +0.3%)". "" when the diff is not comparable. */
void SnapshotOutput_verdict(const SnapshotDiff* diff, char* buf, size_t size);

/* The snapshot alone: figures, tracemalloc, top types, lines, tracebacks. */
void SnapshotOutput_snapshotText(const Snapshot* s, FILE* out);

/* The diff alone: what it was compared with, the verdict, what grew. */
void SnapshotOutput_diffText(const SnapshotDiff* diff, FILE* out);

/* The snapshot, then the diff when there is one (diff may be NULL). */
void SnapshotOutput_text(const Snapshot* s, const SnapshotDiff* diff, FILE* out);

/* {"snapshot": {...}, "diff": {...} or null}, one line. */
void SnapshotOutput_json(const Snapshot* s, const SnapshotDiff* diff, FILE* out);

#endif
