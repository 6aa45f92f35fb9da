#ifndef HEADER_Replay
#define HEADER_Replay
/* A recording played back as the live model: a time cursor over a
   recording (record/RecordReader.h) that gives, at each position, the
   Machine the live leaktop had then, rebuilt by feeding the classifier the
   recorded samples through a ReplaySource (sample/ReplaySource.h). The
   dashboard, --batch's writer and `leaktop dump` read that Machine as they
   read a live one. The events of the whole recording are listed for the
   event jumps, and the holes for the lost ranges. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "CommandLine.h"
#include "model/Machine.h"
#include "record/RecordEvent.h"

typedef enum ReplayEventKind {
   REPLAY_EVENT_START = 2, /* the format's event kinds (doc/recording-format.md) */
   REPLAY_EVENT_EXIT,
   REPLAY_EVENT_VERDICT,
   REPLAY_EVENT_SNAPSHOT,
   REPLAY_EVENT_PROFILE,
   REPLAY_EVENT_OOM_KILL,
   REPLAY_EVENT_RECORDER_START,
   REPLAY_EVENT_DEPLOY,
} ReplayEventKind;

typedef struct ReplayEvent {
   int64_t wallUs;
   ReplayEventKind kind;
   pid_t pid; /* the process, or the tree's root; 0 for the host */
   unsigned long long startTicks;
   int order;      /* in the order written, for events of one tick */
   char text[192]; /* one line for the status line: "worker 4242 OOM-killed (killed by SIGKILL)" */
} ReplayEvent;

typedef struct ReplayLost {
   int64_t fromUs, toUs; /* -1: open at the recording's start or end */
   char why[320];        /* file, bytes, and what was wrong */
} ReplayLost;

typedef struct Replay Replay;

/* path: a recording directory or one segment or journal file. opts gives
   the tick, the smaps interval and the growth window the model is built
   with (a recording's own, from its host info, replace them; see
   Replay_options). NULL with the reader's message in err (empty directory,
   not a recording, newer format, nothing recorded). */
Replay* Replay_open(const char* path, const Options* opts, char* err, size_t errSize);
/* The same, with nothing before sinceUs: the model at the newest data is
   built from what was recorded since (a live leaktop's history, which must
   start in this boot). */
Replay* Replay_openSince(const char* path, const Options* opts, int64_t sinceUs, char* err,
                         size_t errSize);
void Replay_delete(Replay* this);

/* The recording it was opened on, as given. */
const char* Replay_path(const Replay* this);

/* The options the model runs with: the caller's, with the recording's tick,
   smaps interval and growth window. */
const Options* Replay_options(const Replay* this);

/* The first and the newest recorded tick. */
void Replay_span(const Replay* this, int64_t* firstUs, int64_t* lastUs);

/* Builds the model at the newest tick at or before wallUs. False, with a
   message saying the recording's span, when wallUs is before its first tick
   or after its newest ("15:00 is after the recording's end (14:32:10 CET)";
   the model is left as it was). */
bool Replay_seek(Replay* this, int64_t wallUs, char* err, size_t errSize);
/* The newest data (End). */
void Replay_seekEnd(Replay* this);
/* One recorded tick forward or back; false at either end. */
bool Replay_forward(Replay* this);
bool Replay_back(Replay* this);

/* The model at the cursor: never NULL after Replay_open; a new Machine after
   a seek or a step back, so do not keep it across those. */
Machine* Replay_machine(const Replay* this);

/* Gives a snapshot event's inline result to its process in machine, as a
   live snapshot's answer is given (the recorder does this too, so that
   what it exports knows native growth). False when the event has none or
   its process is not in machine. */
bool Replay_giveSnapshot(Machine* machine, const RecordEvent* e);
/* The wall time of the tick shown. */
int64_t Replay_cursor(const Replay* this);

/* Every event of the recording, oldest first. */
int Replay_eventCount(const Replay* this);
const ReplayEvent* Replay_event(const Replay* this, int index);
/* The first event after the cursor (direction 1) or before it (-1), the
   one it becomes the current event; when the cursor is at the current
   event's time, the next one in the list, so that events of one tick are
   each visited. NULL when none. */
const ReplayEvent* Replay_nextEvent(Replay* this, int direction);

/* The time ranges lost to damage, oldest first. */
int Replay_lostCount(const Replay* this);
const ReplayLost* Replay_lost(const Replay* this, int index);

#endif
