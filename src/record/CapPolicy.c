#include "config.h"

#include "record/CapPolicy.h"

#include <stddef.h>

#include "record/RecordFormat.h"

CapChoice CapPolicy_choose(const CapSegment* segments, int count, uint64_t otherBytes,
                           uint64_t cap) {
   uint64_t total = otherBytes;
   uint64_t tierBytes[RECORD_TIERS] = {0};
   const CapSegment* oldest[RECORD_TIERS] = {NULL};
   const CapSegment* active[RECORD_TIERS] = {NULL};
   for (int i = 0; i < count; i++) {
      const CapSegment* s = &segments[i];
      unsigned t = s->tier < RECORD_TIERS ? s->tier : RECORD_TIER_1S;
      total += s->bytes;
      tierBytes[t] += s->bytes;
      if (s->closed && !oldest[t])
         oldest[t] = s;
      if (!s->closed)
         active[t] = s;
   }
   CapChoice keep = {CAP_KEEP, 0};
   if (total <= cap)
      return keep;
   const CapSegment* seconds = oldest[RECORD_TIER_1S];
   const CapSegment* minutes = oldest[RECORD_TIER_1M];
   if (minutes && tierBytes[RECORD_TIER_1M] > cap / 2) {
      /* Never a minute's consolidation while its seconds are kept. */
      if (seconds && seconds->startUs < minutes->endUs)
         return (CapChoice){CAP_DELETE, RECORD_TIER_1S};
      return (CapChoice){CAP_DELETE, RECORD_TIER_1M};
   }
   if (seconds)
      return (CapChoice){CAP_DELETE, RECORD_TIER_1S};
   if (minutes)
      return (CapChoice){CAP_DELETE, RECORD_TIER_1M};
   const CapSegment* s = active[RECORD_TIER_1S];
   const CapSegment* m = active[RECORD_TIER_1M];
   if (s && (!m || s->bytes >= m->bytes))
      return (CapChoice){CAP_ROLL, RECORD_TIER_1S};
   if (m)
      return (CapChoice){CAP_ROLL, RECORD_TIER_1M};
   return keep;
}
