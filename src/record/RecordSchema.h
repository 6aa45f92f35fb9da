#ifndef HEADER_RecordSchema
#define HEADER_RecordSchema
/* The field table a segment carries in its header: for each scope (host,
   tree, process) the fields of its rows, each with a stable id, the
   statistic it is (raw, or a consolidated min/max/last/mean/sum), a kind,
   a cadence, a name and a unit. A reader decodes every field through it,
   known or not. The 1 s tier's table is built in; the 1 min tier's is
   derived from it (doc/recording-format.md, "Consolidation tiers"). */

#include <stdbool.h>
#include <stddef.h>

#include "record/ByteBuffer.h"
#include "record/ByteReader.h"

#define RECORD_FIELDS_MAX 64

typedef enum RecordScope {
   RECORD_SCOPE_HOST,
   RECORD_SCOPE_TREE,
   RECORD_SCOPE_PROCESS,
   RECORD_SCOPES,
} RecordScope;

typedef enum FieldKind {
   FIELD_GAUGE,   /* a level: min, max, last and mean consolidate it */
   FIELD_COUNTER, /* only grows (or a running maximum): last */
   FIELD_AMOUNT,  /* what happened during the tick: sum */
   FIELD_ENUM,    /* a state or an identity: last */
} FieldKind;

typedef enum FieldCadence {
   CADENCE_TICK,   /* carried from tick to tick until it changes */
   CADENCE_SAMPLE, /* present only in the ticks it was read in */
} FieldCadence;

typedef enum FieldStat {
   STAT_RAW,
   STAT_MIN,
   STAT_MAX,
   STAT_LAST,
   STAT_MEAN,
   STAT_SUM,
} FieldStat;

/* Field ids of the 1 s tier, per scope. In RecordSchema_raw() the field
   with id i sits at index i - 1 of its scope. */
typedef enum HostFieldId {
   RF_HOST_TICK = 1,
   RF_HOST_MEM_AVAILABLE,
   RF_HOST_MEM_TOTAL,
} HostFieldId;

typedef enum TreeFieldId {
   RF_TREE_CGROUP_CURRENT = 1,
   RF_TREE_TRAFFIC_DELTA,
   RF_TREE_CGROUP_LIMIT,
   RF_TREE_OOM_KILLS,
   RF_TREE_VERDICT,
   RF_TREE_TRAFFIC_IDLE,
   RF_TREE_TRAFFIC_SPLIT,
   RF_TREE_ROOT_EXITED,
   RF_TREE_EXITED_TOTAL,
} TreeFieldId;

typedef enum ProcessFieldId {
   RF_PROC_CPU_TICKS = 1,
   RF_PROC_CTX_VOLUNTARY,
   RF_PROC_CTX_INVOLUNTARY,
   RF_PROC_RSS,
   RF_PROC_RSS_ANON,
   RF_PROC_TRAFFIC_DELTA,
   RF_PROC_RSS_FILE,
   RF_PROC_PSS,
   RF_PROC_USS,
   RF_PROC_SWAP,
   RF_PROC_RSS_SHMEM,
   RF_PROC_PEAK_RSS,
   RF_PROC_STATE,
   RF_PROC_IDLE,
   RF_PROC_VERDICT,
   RF_PROC_VERDICT_REASON,
   RF_PROC_SNAPSHOT_VERDICT,
   RF_PROC_SMAPS_ERRNO,
   RF_PROC_PPID,
   RF_PROC_ROLE,
   RF_PROC_GENERATION,
   RF_PROC_DEPTH,
} ProcessFieldId;

/* Every consolidated scope ends with this one: the 1 s ticks a row was in. */
#define RF_TICKS 63

#define RECORD_FIELD_NAME_SIZE 40
#define RECORD_FIELD_UNIT_SIZE 24

typedef struct RecordField {
   unsigned id;
   unsigned stat;
   unsigned kind;
   unsigned cadence;
   char name[RECORD_FIELD_NAME_SIZE];
   char unit[RECORD_FIELD_UNIT_SIZE];
} RecordField;

typedef struct RecordSchema {
   int count[RECORD_SCOPES];
   RecordField fields[RECORD_SCOPES][RECORD_FIELDS_MAX];
} RecordSchema;

/* The 1 s tier's table, as this leaktop writes it. */
void RecordSchema_raw(RecordSchema* out);

/* The 1 min tier's table for the 1 s table raw. */
void RecordSchema_consolidated(const RecordSchema* raw, RecordSchema* out);

/* The index of (id, stat) in scope, or -1 when the table has no such field. */
int RecordSchema_find(const RecordSchema* this, RecordScope scope, unsigned id, unsigned stat);

bool RecordSchema_equal(const RecordSchema* a, const RecordSchema* b);

void RecordSchema_encode(const RecordSchema* this, ByteBuffer* out);
/* False when the table is malformed or uses a cadence this version cannot
   decode; in reports why. */
bool RecordSchema_decode(RecordSchema* this, ByteReader* in, char* err, size_t errSize);

#endif
