#ifndef HEADER_SnapshotRequest
#define HEADER_SnapshotRequest
/* What a snapshot asks the worker for (the request object of
   doc/snapshot-protocol.md: the same fields whichever route carries it). */

#include <stdbool.h>
#include <stddef.h>

typedef struct {
   unsigned seq;         /* names the result file; echoed back */
   int top;              /* types, lines and tracebacks reported */
   int frames;           /* 0: lines only; N: also tracebacks of N frames */
   int startTracemalloc; /* N > 0: tracemalloc.start(N) first */
   bool stopTracemalloc; /* stop tracing afterwards */
   bool trim;            /* malloc_trim(0), RSS before and after */
   int deadlineMs;       /* the collector's own time budget */
   long maxBytes;        /* the result's size bound */
} SnapshotRequest;

/* Defaults: top 25, lines only, 2 s, 1 MiB. */
void SnapshotRequest_init(SnapshotRequest* req, unsigned seq);

/* A request number no earlier run of leaktop used (milliseconds of the
   wall clock): results are named by it in a directory every run shares. */
unsigned SnapshotRequest_freshSeq(void);

/* The request as a Python dict literal (for injected text). */
void SnapshotRequest_python(const SnapshotRequest* req, char* out, size_t size);
/* The request as one JSON line (for the agent). */
void SnapshotRequest_json(const SnapshotRequest* req, char* out, size_t size);

#endif
