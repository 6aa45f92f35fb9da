#ifndef HEADER_ResultEvents
#define HEADER_ResultEvents
/* The snapshots and stack profiles any leaktop of this user took, as
   `leaktop record` keeps them (doc/recording-format.md, EVENT kinds 5 and
   6): the snapshot store and the profile store are watched for files new
   since the recorder started, and each new result of a recorded process
   becomes an event of the next tick, with its result inline when it is
   small. Cheap by construction: one listing per store per poll, at most
   RESULTEVENTS_MAX_PER_POLL files read, none ever read twice. */

#include <stdbool.h>

#include "record/Recorder.h"

/* Files read per store per poll: a burst of results (a periodic snapshot
   of every worker) is spread over the next polls. */
#define RESULTEVENTS_MAX_PER_POLL 8

typedef struct ResultEvents ResultEvents;

/* Results named before since (wall seconds) are not recorded. log, when
   set, is told once why a store cannot be used. */
ResultEvents* ResultEvents_new(double since, void (*log)(void* ctx, const char* message),
                               void* ctx);
void ResultEvents_delete(ResultEvents* this);

/* Adds an event to recorder (after its Recorder_capture, before its
   Recorder_write) for each new result of a process it records. Returns
   how many. */
int ResultEvents_poll(ResultEvents* this, Recorder* recorder);

#endif
