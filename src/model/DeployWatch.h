#ifndef HEADER_DeployWatch
#define HEADER_DeployWatch
/* Deploys of a service tree: "new code at T", from what the sample source
   tells of its processes (sample/CodeProbe.h), and whether a growth began
   after it. New code runs when
   - the master exec'd anew: in place (same PID and start time, a new exec
     image: uwsgi's reload), or as a child of the old master running the
     same program from an exec of its own (gunicorn's USR2);
   - a worker started after the code files changed (gunicorn's HUP, a
     recycled worker, a restart): it loaded the new files. With an
     application preloaded in the master (gunicorn --preload, uwsgi without
     --lazy-apps) a forked worker runs the old code, yet is reported: that
     cannot be told from outside.
   Times are wall clock seconds. Pure logic. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "classify/Classifier.h"
#include "sample/CodeProbe.h"

#define DEPLOY_EVENTS_KEPT   8
#define DEPLOY_MASTERS_KEPT  4
#define DEPLOY_FILE_SIZE     CODE_PROBE_NAME_SIZE
#define DEPLOY_DESCRIBE_SIZE 160

typedef enum DeployKind {
   DEPLOY_CODE_CHANGED = 1, /* a worker started after its code files changed */
   DEPLOY_REEXEC,           /* the master exec'd anew in place */
   DEPLOY_NEW_MASTER,       /* a new master exec'd as a child of the old one */
} DeployKind;

typedef struct DeployEvent {
   double wall; /* when the new code began to run */
   DeployKind kind;
   pid_t pid; /* the process that ran it first */
   unsigned long long startTicks;
   double codeChanged;          /* when the code files changed, NAN when they were not seen to */
   char file[DEPLOY_FILE_SIZE]; /* the newest of them, "" unknown */
} DeployEvent;

typedef struct DeployWatch {
   double lastProbe; /* when the root was last observed, NAN never */
   /* The root's exec image, as last seen. */
   bool execKnown;
   uint64_t execId, exeId;
   /* The code files, as last scanned. */
   bool codeKnown;
   uint64_t fingerprint;
   double newestChange;
   double lastScan;
   /* A change no process is known to run yet. */
   bool pending;
   double changedAt;
   char changedFile[DEPLOY_FILE_SIZE];
   /* New masters already reported. */
   pid_t masters[DEPLOY_MASTERS_KEPT];
   unsigned long long masterStarts[DEPLOY_MASTERS_KEPT];
   int masterNext;

   double wallOffset; /* wall clock minus the monotonic one, at the last tick */

   DeployEvent events[DEPLOY_EVENTS_KEPT]; /* ring, newest at head */
   int head, kept;
   unsigned total; /* events ever, also those the ring passed over */
} DeployWatch;

void DeployWatch_init(DeployWatch* this);

/* The root's facts at wall time now. The first are the baseline; then a
   new exec image is a re-exec, and changed files wait for a process that
   loads them. */
void DeployWatch_observeRoot(DeployWatch* this, pid_t pid, unsigned long long startTicks,
                             const CodeFacts* facts, double now);
/* A direct child of the root: a new master when it runs the root's
   program (the same executable file) from an exec image of its own. */
void DeployWatch_observeChild(DeployWatch* this, pid_t pid, unsigned long long startTicks,
                              double startWall, const CodeFacts* facts);
typedef struct DeployProcess {
   pid_t pid;
   unsigned long long startTicks;
   double startWall;
} DeployProcess;

/* True while the code files changed and no process is known to run them:
   only then are the workers worth a look. */
static inline bool DeployWatch_waiting(const DeployWatch* this) {
   return this->pending;
}
/* The processes of the tree other than the root: the first to start after
   a change of the code files runs the new code. */
void DeployWatch_observeWorkers(DeployWatch* this, const DeployProcess* procs, int n);

/* The tick's clocks, so that the wall times above can be compared with
   the monotonic ones of the classifiers. */
void DeployWatch_setClock(DeployWatch* this, double now, double wall);
/* wall as a monotonic time. */
double DeployWatch_monotonic(const DeployWatch* this, double wall);

/* Adds an event found elsewhere (played from a recording). */
void DeployWatch_add(DeployWatch* this, const DeployEvent* event);

/* Newest first, age 0 the newest; NULL past the kept ones. */
const DeployEvent* DeployWatch_event(const DeployWatch* this, int age);

/* "new-master"; NULL for an unknown kind. */
const char* DeployWatch_kindName(DeployKind kind);
/* One line: what ran new code, and which file had changed when. */
void DeployWatch_describe(const DeployEvent* event, char* out, size_t size);

typedef enum DeployTiming {
   DEPLOY_GROWTH_UNKNOWN, /* no growth, or it cannot be told */
   DEPLOY_GROWTH_AFTER,   /* the growth began after the deploy */
   DEPLOY_GROWTH_BEFORE,  /* it was already under way */
} DeployTiming;

/* Whether the growth g's classifier sees began after a deploy at
   deployMono (monotonic, the classifier's clock): its current run of new
   highs of the floor began after it. */
DeployTiming DeployWatch_growthTiming(const GrowthClassifier* g, double deployMono);

#endif
