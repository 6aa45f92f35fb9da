#ifndef HEADER_Traffic
#define HEADER_Traffic
/* The traffic signal: per process, how much work it served in the last tick,
   from one source chosen with --traffic (or automatically). Each source is a
   table of functions, one file each; this module parses the choice, runs the
   source once per tick and derives what every source shares: totals, idle
   intervals, and the split of tree-level traffic over the workers. */

#include <stdbool.h>
#include <stddef.h>

#include "model/ProcessTree.h"
#include "sample/ProcSampler.h"

/* What a source sees in one tick. It runs before the processes are updated:
   the samples are this tick's, the processes still hold the last tick's. */
typedef struct TrafficInput {
   ProcessTree** trees;
   int treeCount;
   const ProcSample* samples; /* sorted by PID */
   int sampleCount;
   double interval; /* seconds since the last tick, 0 on the first */
} TrafficInput;

typedef struct TrafficSource TrafficSource;

typedef struct TrafficSourceClass {
   const char* name;     /* the --traffic keyword */
   const char* argument; /* what follows "name:", NULL when it takes none */
   const char* display;  /* what the screen and --batch call it */
   const char* unit;     /* of trafficDelta */
   double idlePerSecond; /* traffic at or below this rate is an idle interval */
   /* arg is what follows "name:" (non-empty), or NULL when it takes none. */
   bool (*init)(TrafficSource* this, const char* arg, char* err, size_t errSize);
   /* Sets trafficKnown and trafficDelta of the processes it has a value
      for, and of the tree for traffic it cannot attribute to a process. */
   void (*sample)(TrafficSource* this, const TrafficInput* in);
   void (*free)(TrafficSource* this);
} TrafficSourceClass;

struct TrafficSource {
   const TrafficSourceClass* klass;
   bool automatic;       /* no --traffic: cpu, the best measured source that always exists */
   char display[48];     /* klass->display, marked when chosen automatically */
   char unit[16];        /* klass->unit, or the supplier's */
   double idlePerSecond; /* klass->idlePerSecond, or the supplier's */
   void* priv;           /* the source's own state */
};

extern const TrafficSourceClass LogSource_class;
extern const TrafficSourceClass CmdSource_class;
extern const TrafficSourceClass TcpSource_class;
extern const TrafficSourceClass CpuSource_class;
extern const TrafficSourceClass IoSource_class;
extern const TrafficSourceClass UwsgiSource_class;
extern const TrafficSourceClass SuppliedSource_class;

/* Parses "log:PATH[:REGEX]", "cmd:COMMAND", "uwsgi:ADDRESS", "tcp", "io",
   "cpu"; NULL chooses
   automatically. NULL with a message in err when spec is invalid. */
TrafficSource* Traffic_new(const char* spec, char* err, size_t errSize);
void Traffic_delete(TrafficSource* this);

/* Traffic that comes with the samples (ProcSample's trafficDelta: a
   recording, a script), named and measured as the source that counted it. */
TrafficSource* Traffic_newSupplied(const char* display, const char* unit, double idlePerSecond);

/* The idle floor of the source a display name names ("tcp connections
   (auto)"), for traffic replayed under that name; 0 when none does. */
double Traffic_idleFloorOf(const char* display);

/* One tick: sets the traffic fields of every process and tree in. */
void Traffic_sample(TrafficSource* this, const TrafficInput* in);

/* "tcp connections (auto)", for the screen and --batch. */
const char* Traffic_displayName(const TrafficSource* this);
const char* Traffic_unit(const TrafficSource* this);
/* Traffic at or below this rate is an idle interval. */
double Traffic_idlePerSecond(const TrafficSource* this);

/* This tick's sample of p, NULL when p has ended (or its PID was reused). */
const ProcSample* Traffic_sampleOf(const TrafficInput* in, const Process* p);

/* The live tracked process with this PID, or NULL. */
Process* Traffic_findProcess(const TrafficInput* in, pid_t pid);

/* Adds delta to p's traffic of this tick. */
void Traffic_credit(Process* p, double delta);

/* Adds traffic no process can be named for (a log line without a PID, a
   single counter): it is one service's, and its tree the first watched. */
void Traffic_creditTree(const TrafficInput* in, double delta);

#endif
