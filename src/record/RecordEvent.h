#ifndef HEADER_RecordEvent
#define HEADER_RecordEvent
/* EVENT records (doc/recording-format.md, "EVENT"): what happened at a
   time (a process started or ended, a verdict changed, a snapshot was
   taken, new code ran), and the info that holds until it changes (names, command lines,
   the traffic source). A list of numbered attributes, numbers or bytes,
   so a reader skips what it does not know. Pure logic. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record/ByteBuffer.h"
#include "record/RecordSchema.h"

#define RECORD_EVENT_ATTRS_MAX 32
/* A snapshot or profile result larger than this is a marker only. */
#define RECORD_EVENT_INLINE_MAX (64u << 10)

typedef enum RecordEventKind {
   EVENT_INFO = 1,
   EVENT_PROCESS_START,
   EVENT_PROCESS_EXIT,
   EVENT_VERDICT_CHANGE,
   EVENT_SNAPSHOT,
   EVENT_PROFILE,
   EVENT_OOM_KILL,
   EVENT_RECORDER_START,
   EVENT_DEPLOY,
} RecordEventKind;

/* Attribute ids, per kind (and for info, per scope). */
enum {
   ATTR_HOST_TRAFFIC_SOURCE = 1,
   ATTR_HOST_TRAFFIC_UNIT,
   ATTR_HOST_NOTICE,
   ATTR_HOST_INTERVAL_US,
   ATTR_HOST_SMAPS_INTERVAL_US,
   ATTR_HOST_GROWTH_WINDOW_US,
   /* traffic_delta fields hold the traffic times this: 1 for counts of
      requests or connections, 1000 for CPU seconds. */
   ATTR_HOST_TRAFFIC_SCALE,
};
enum { ATTR_TREE_NAME = 1, ATTR_TREE_CGROUP_PATH, ATTR_TREE_CGROUP_VERSION };
enum { ATTR_PROCESS_NAME = 1, ATTR_PROCESS_CMDLINE };
enum { ATTR_START_PPID = 1, ATTR_START_GENERATION };
enum {
   ATTR_EXIT_HOW = 1,
   ATTR_EXIT_CODE,
   ATTR_EXIT_TEXT,
   ATTR_EXIT_LIFETIME_US,
   ATTR_EXIT_PEAK_RSS,
   ATTR_EXIT_GENERATION,
   ATTR_EXIT_NAME,
};
enum { EXIT_HOW_UNKNOWN, EXIT_HOW_EXITED, EXIT_HOW_SIGNAL, EXIT_HOW_OOM_KILL };
enum { ATTR_VERDICT_FROM = 1, ATTR_VERDICT_TO, ATTR_VERDICT_REASON };
enum {
   ATTR_RESULT_STATUS = 1,
   ATTR_RESULT_SUMMARY,
   ATTR_RESULT_ROUTE,
   ATTR_RESULT_INLINE,
   ATTR_RESULT_SIZE,
};
enum { ATTR_OOM_COUNT = 1 };
enum { ATTR_RECORDER_PID = 1, ATTR_RECORDER_WRITER };
/* The kind numbers are the format's (doc/recording-format.md), not DeployKind's. */
enum {
   ATTR_DEPLOY_KIND = 1,
   ATTR_DEPLOY_TIME_US,
   ATTR_DEPLOY_PID,
   ATTR_DEPLOY_START,
   ATTR_DEPLOY_CODE_CHANGED_US,
   ATTR_DEPLOY_FILE,
};
enum { DEPLOY_KIND_CODE_CHANGED = 1, DEPLOY_KIND_REEXEC, DEPLOY_KIND_NEW_MASTER };

typedef struct RecordAttr {
   unsigned id;
   bool isBytes;
   int64_t number;
   const uint8_t* bytes; /* not owned: the caller's, or the decoded payload's */
   size_t size;
} RecordAttr;

typedef struct RecordEvent {
   int64_t wallUs;
   unsigned kind;
   RecordScope scope;
   uint64_t key[2]; /* pid and start ticks of the tree's root or the process */
   int attrCount;
   RecordAttr attrs[RECORD_EVENT_ATTRS_MAX];
} RecordEvent;

void RecordEvent_init(RecordEvent* this, unsigned kind, RecordScope scope, uint64_t pid,
                      uint64_t startTicks, int64_t wallUs);

/* Attributes beyond RECORD_EVENT_ATTRS_MAX are dropped. */
void RecordEvent_addNumber(RecordEvent* this, unsigned id, int64_t number);
void RecordEvent_addBytes(RecordEvent* this, unsigned id, const void* bytes, size_t size);
void RecordEvent_addText(RecordEvent* this, unsigned id, const char* text);

/* The attribute id, or NULL. */
const RecordAttr* RecordEvent_attr(const RecordEvent* this, unsigned id);
/* Copies a bytes attribute into out as text (NUL-terminated, cut to fit);
   false when absent. */
bool RecordEvent_text(const RecordEvent* this, unsigned id, char* out, size_t size);

void RecordEvent_encode(const RecordEvent* this, ByteBuffer* out);
/* The attributes' bytes point into data. False when malformed. */
bool RecordEvent_decode(RecordEvent* this, const uint8_t* data, size_t size);

#endif
