#include "config.h"

#include "inject/SnapshotRequest.h"

#include <stdio.h>

#include "util/XUtils.h"

void SnapshotRequest_init(SnapshotRequest* req, unsigned seq) {
   *req = (SnapshotRequest){
         .seq = seq,
         .top = 25,
         .deadlineMs = 2000,
         .maxBytes = 1024 * 1024,
   };
}

unsigned SnapshotRequest_freshSeq(void) {
   return (unsigned)((unsigned long long)(XUtils_wallNow() * 1000.0) & 0x3fffffff);
}

/* One format for both: Python's and JSON's literals differ only in their
   booleans. */
static void SnapshotRequest_format(const SnapshotRequest* req, const char* yes, const char* no,
                                   char* out, size_t size) {
   snprintf(out, size,
            "{\"seq\": %u, \"top\": %d, \"frames\": %d, \"start_tracemalloc\": %d, "
            "\"stop_tracemalloc\": %s, \"trim\": %s, \"deadline_ms\": %d, \"max_bytes\": %ld}",
            req->seq, req->top, req->frames, req->startTracemalloc, req->stopTracemalloc ? yes : no,
            req->trim ? yes : no, req->deadlineMs, req->maxBytes);
}

void SnapshotRequest_python(const SnapshotRequest* req, char* out, size_t size) {
   SnapshotRequest_format(req, "True", "False", out, size);
}

void SnapshotRequest_json(const SnapshotRequest* req, char* out, size_t size) {
   SnapshotRequest_format(req, "true", "false", out, size);
}
