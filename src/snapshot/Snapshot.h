#ifndef HEADER_Snapshot
#define HEADER_Snapshot
/* A worker's heap snapshot: the result JSON a collector inside the target
   writes (doc/snapshot-protocol.md), parsed into bounded,
   printable fields, and written back as the same JSON for the store and
   --json. Everything in it came from the target, so the parser treats the
   text as hostile: lists and strings are capped, control bytes replaced,
   numbers range-checked. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct json_object;

/* The contract's result bound (max_bytes, 1 MiB) plus slack for the
   collector's last entry written before it notices the bound. */
#define SNAPSHOT_TEXT_MAX (1024 * 1024 + 64 * 1024)
/* The contract caps "top" at 200; more entries than that is not a
   collector's output. */
#define SNAPSHOT_LIST_MAX 200
/* The collector lists every type, up to 5000. */
#define SNAPSHOT_TYPES_MAX  5000
#define SNAPSHOT_FRAMES_MAX 64
#define SNAPSHOT_ERRORS_MAX 32
/* Bytes kept of a type name, a file path, an error message. */
#define SNAPSHOT_NAME_MAX  256
#define SNAPSHOT_PATH_MAX  512
#define SNAPSHOT_ERROR_MAX 256
/* Bytes kept of a line's source text (the collector sends 120 characters). */
#define SNAPSHOT_SOURCE_MAX 256
/* Counts and sizes above 2^53 are not exact in JSON readers, and no heap
   comes near them: a larger number is a malformed field. */
#define SNAPSHOT_NUMBER_MAX (INT64_C(1) << 53)

/* Numbers are -1 when unknown (the part failed or the field is absent). */
typedef struct {
   char* name; /* "module.QualName", as the collector names it */
   int64_t count;
   int64_t shallow; /* estimated bytes of the objects themselves; -1 unknown */
} SnapshotType;

typedef struct {
   char* file;
   int line;
   int64_t size; /* bytes still allocated from this line */
   int64_t count;
   char* text; /* the line's source, printable; NULL unknown */
} SnapshotLine;

typedef struct {
   char* file;
   int line;
} SnapshotFrame;

typedef struct {
   int64_t size, count;
   SnapshotFrame* frames; /* most recent call first, as tracemalloc orders them */
   int frameCount;
} SnapshotTraceback;

typedef struct Snapshot {
   long seq;         /* leaktop's request number */
   pid_t pid;        /* os.getpid(): the pid in the target's namespace */
   double time;      /* wall clock, seconds since the epoch; NAN unknown */
   char python[32];  /* "3.11.2"; "" unknown */
   double elapsedMs; /* the collector's own run time; NAN unknown */
   bool truncated;   /* lists or strings were cut (by the collector or here) */
   int64_t rssKiB;
   int64_t allocatedBlocks;

   int64_t gcCounts[3];
   int64_t gcGarbage, gcObjects;
   int gcEnabled; /* 1, 0, or -1 unknown */

   SnapshotType* types; /* by count, largest first */
   int typeCount;
   /* Distinct types the collector counted; -1 unknown (an older result
      that listed only the top N). typeCount == typesTotal: every type is
      listed, so one absent had none. */
   int64_t typesTotal;

   bool tracemallocKnown;
   bool tracing;
   int frames;                     /* tracemalloc's traceback limit */
   int64_t traced, peak, overhead; /* bytes */
   SnapshotLine* lines;            /* by size, largest first */
   int lineCount;
   SnapshotTraceback* tracebacks;
   int tracebackCount;

   int64_t trimBeforeKiB, trimAfterKiB; /* RSS around malloc_trim(0) */

   char** errors; /* the collector's, plus "result: ..." for fields refused here */
   int errorCount;

   /* leaktop's own additions, not the collector's: the worker generation
      this snapshot belongs to. The caller sets them after parsing a
      target's result; 0 when unknown. */
   pid_t hostPid;
   unsigned long long startTicks;
   /* How it was asked ("agent", "pending call", "remote exec"), so that a
      recorder reading the store can say so; "" unknown. */
   char route[32];
   /* Its number in the generation's series, 1 for the first stored
      (SnapshotStore_exchange sets it); 0 unknown. */
   long number;
} Snapshot;

/* Parses a result text of len bytes. False, with a message in err, when it
   is not JSON, is cut short, is larger than SNAPSHOT_TEXT_MAX, or is not a
   leaktop snapshot ("leaktop_snapshot": 1, seq and pid). Fields of the
   wrong type are left unknown and noted in errors. */
bool Snapshot_parse(const char* text, size_t len, Snapshot* out, char* err, size_t errSize);

void Snapshot_done(Snapshot* s);

/* The snapshot as the contract's result object (plus host_pid,
   start_ticks and leaktop_route when known); a new reference. Snapshot_parse reads it back. */
struct json_object* Snapshot_toJson(const Snapshot* s);

/* The same as text, allocated. */
char* Snapshot_serialize(const Snapshot* s);

/* A JSON number written with this many decimals (json-c writes 17
   significant digits); NULL (JSON null) when v is not finite. */
struct json_object* Snapshot_jsonReal(double v, int decimals);

#endif
