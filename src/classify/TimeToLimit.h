#ifndef HEADER_TimeToLimit
#define HEADER_TimeToLimit
/* When memory growing at the current slope reaches the limit it lives
   under: the tree's cgroup limit, or the host's available memory. */

#include <stdbool.h>
#include <stdint.h>

#include "sample/Cgroup.h"

/* Projections beyond this are not shown: not an on-call matter. */
#define TIME_TO_LIMIT_MAX_SECONDS (24 * 3600.0)

/* KiB left before the tighter of the two limits; NAN when neither is known. */
double TimeToLimit_headroomKiB(const CgroupStatus* cgroup, bool hostKnown,
                               uint64_t memAvailableKiB);

/* Seconds until growth (KiB/min) uses up headroomKiB; NAN when not growing,
   when the headroom is unknown, or beyond TIME_TO_LIMIT_MAX_SECONDS. */
double TimeToLimit_seconds(double growthKiBPerMin, double headroomKiB);

#endif
