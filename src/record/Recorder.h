#ifndef HEADER_Recorder
#define HEADER_Recorder
/* What `leaktop record` stores of the live model: after each Machine_scan,
   one RecordTick (every field of the 1 s tier, doc/recording-format.md)
   and the EVENTs that scan observed (infos, process starts and exits,
   verdict changes, OOM kills), found by comparing the model with what the
   previous scan left. Pure mapping: nothing is read or written here but
   the model and the Store given to Recorder_write. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "model/Machine.h"
#include "record/RecordEvent.h"
#include "record/RecordSchema.h"
#include "record/RecordTick.h"
#include "record/Store.h"

/* traffic_delta is stored as llround(delta x scale): the cpu source counts
   CPU seconds, which would round to nothing as integers. */
#define RECORDER_SCALE_COUNT   1
#define RECORDER_SCALE_CPU_SEC 1000

typedef struct Recorder Recorder;

/* Ticks follow schema (Store_schema()); pid and writer go in the
   recorder_start event the first capture opens with. */
Recorder* Recorder_new(const RecordSchema* schema, pid_t pid, const char* writer);
void Recorder_delete(Recorder* this);

/* Maps the model after a scan: the tick, and the events of that scan,
   stamped with the tick's wall time. */
void Recorder_capture(Recorder* this, const Machine* machine);

const RecordTick* Recorder_tick(const Recorder* this);
int Recorder_eventCount(const Recorder* this);
const RecordEvent* Recorder_event(const Recorder* this, int index);

/* An event observed outside the model (a snapshot or profile result) for
   the next Recorder_write; its bytes are copied. NULL when the process is
   not one of the recorded trees'. */
RecordEvent* Recorder_addProcessEvent(Recorder* this, unsigned kind, pid_t pid,
                                      unsigned long long startTicks);
/* Copies bytes for an attribute of an event added above. */
void Recorder_addBytes(Recorder* this, RecordEvent* event, unsigned id, const void* bytes,
                       size_t size);

/* Is (pid, startTicks) a process of the last capture? */
bool Recorder_records(const Recorder* this, pid_t pid, unsigned long long startTicks);

/* Appends the captured events, then the tick: the contract replay relies on
   (events of a scan come before its TICK). Returns 0 or the first errno. */
int Recorder_write(const Recorder* this, Store* store);

/* The traffic scale of the machine's source (host info attribute 7). */
int Recorder_trafficScale(const Machine* machine);

#endif
