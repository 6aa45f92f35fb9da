#include "config.h"

#include "classify/TimeToLimit.h"

#include <math.h>

double TimeToLimit_headroomKiB(const CgroupStatus* cgroup, bool hostKnown,
                               uint64_t memAvailableKiB) {
   double headroom = hostKnown ? (double)memAvailableKiB : NAN;
   if (cgroup->found && cgroup->limited && cgroup->currentKnown) {
      double left = cgroup->limitBytes > cgroup->currentBytes
                          ? (double)(cgroup->limitBytes - cgroup->currentBytes) / 1024
                          : 0;
      headroom = isnan(headroom) ? left : fmin(headroom, left);
   }
   return headroom;
}

double TimeToLimit_seconds(double growthKiBPerMin, double headroomKiB) {
   if (!(growthKiBPerMin > 0) || !isfinite(headroomKiB))
      return NAN;
   double seconds = 60 * headroomKiB / growthKiBPerMin;
   return seconds <= TIME_TO_LIMIT_MAX_SECONDS ? seconds : NAN;
}
