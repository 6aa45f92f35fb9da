#ifndef HEADER_CapPolicy
#define HEADER_CapPolicy
/* Which segment the size cap deletes next (doc/recording-format.md, "The
   size cap"): the oldest 1 s data first, before its 1 min consolidation;
   the 1 min tier's oldest only when no closed 1 s segment is left or the
   1 min tier holds more than half the cap. Pure logic. */

#include <stdbool.h>
#include <stdint.h>

typedef struct CapSegment {
   unsigned tier;
   int64_t startUs;
   int64_t endUs; /* the next segment's start in its tier; INT64_MAX for the newest */
   uint64_t bytes;
   bool closed; /* the active segment of a tier is not */
} CapSegment;

typedef enum CapAction {
   CAP_KEEP,   /* under the cap, or nothing can go */
   CAP_DELETE, /* delete the oldest closed segment of tier */
   CAP_ROLL,   /* close tier's active segment, so that it can go next */
} CapAction;

typedef struct CapChoice {
   CapAction action;
   unsigned tier;
} CapChoice;

/* segments: both tiers, each oldest first; otherBytes: what is never
   deleted (journals, the lock). */
CapChoice CapPolicy_choose(const CapSegment* segments, int count, uint64_t otherBytes,
                           uint64_t cap);

#endif
