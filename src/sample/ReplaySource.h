#ifndef HEADER_ReplaySource
#define HEADER_ReplaySource
/* A SampleSource that plays a recording (doc/recording-format.md): each
   tick it answers Machine's questions from one recorded TICK, the infos
   that name its processes and trees, and the exits recorded with it.
   Machine cannot tell it from /proc, so the classifier sees the samples it
   saw live and gives the verdicts back. It is fed by the replay cursor
   (replay/Replay.h), one tick per scan, and never reads a file itself.

   Two answers differ from a live host's: the trees to watch are the ones
   recorded (SampleSource.isRoot), and smaps is answered only in the ticks
   where a reading was recorded (SmapsSample.unread elsewhere). */

#include "record/RecordEvent.h"
#include "record/RecordTick.h"
#include "record/SegmentHeader.h"
#include "sample/SampleSource.h"

SampleSource* ReplaySource_new(void);

/* An event read before the next tick: infos name processes and trees and
   describe the host; an exit says how a process ended. */
void ReplaySource_event(SampleSource* this, const RecordEvent* event);

/* The tick the next scan reads (copied), from the file whose header is
   given. */
void ReplaySource_tick(SampleSource* this, const RecordTick* tick, const SegmentHeader* header);

/* After the scan of the current tick: its exits are done with. */
void ReplaySource_scanned(SampleSource* this);

/* The recorded value of a process field (ProcessFieldId) in the current
   tick; false when the process is not in it or the value is absent. */
bool ReplaySource_processField(const SampleSource* this, pid_t pid, unsigned long long startTicks,
                               unsigned id, int64_t* value);
/* A host field (HostFieldId) of the current tick. */
bool ReplaySource_hostField(const SampleSource* this, unsigned id, int64_t* value);
/* The same for the tree rooted at (pid, startTicks) (TreeFieldId). */
bool ReplaySource_treeField(const SampleSource* this, pid_t pid, unsigned long long startTicks,
                            unsigned id, int64_t* value);

/* The host's info as recorded: the tick, smaps interval and growth window
   in seconds (0 when not recorded). */
void ReplaySource_intervals(const SampleSource* this, double* tick, double* smaps, double* window);

/* The traffic source recorded, for the status line ("" before any). */
const char* ReplaySource_trafficName(const SampleSource* this);

#endif
