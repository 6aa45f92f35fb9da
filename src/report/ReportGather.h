#ifndef HEADER_ReportGather
#define HEADER_ReportGather
/* A report's model read from a recording: the replayed model tick by tick
   over the window, the recording's events and lost ranges in it, and the
   heap snapshots and stack profiles its result events hold inline (read
   from the recording itself: the replay gives processes only their newest
   snapshot). The `leaktop report` command and the dashboard's report key
   share it. */

#include <stdint.h>
#include <sys/types.h>

#include "replay/Replay.h"
#include "report/ReportModel.h"

/* Steps replay (its cursor at the window's start) through from..to into
   model, which it initializes; path is the recording replay was opened on.
   root, when not 0, keeps only the tree of that master PID (and the host's
   events). Lost ranges are also said on stderr when loud. */
void ReportGather_run(Replay* replay, const char* path, int64_t from, int64_t to, pid_t root,
                      bool loud, ReportModel* model);

#endif
