#ifndef HEADER_SampleSource
#define HEADER_SampleSource
/* Where the model's samples come from. Machine asks a SampleSource for each
   tick's facts (the host listing, the tracked processes' stat and status,
   smaps, children, cgroup and host memory, how a process ended, the
   traffic) and cannot tell whether they are read from /proc now
   (LiveSource), played from a recording, or scripted by a test. Each
   source is a table of functions, as the traffic sources are. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sample/Cgroup.h"
#include "sample/FdProbe.h"
#include "sample/ProcSampler.h"

/* The optional per-process reads, one bit each: what is shown (columns),
   stored (the recorder) or printed (--batch) asks for its bits, and
   Machine makes a read only when its bit is set. */
typedef enum ScanFlag {
   SCAN_SMAPS = 1u << 0, /* smaps_rollup: PSS, USS, swap (walks the page tables) */
   SCAN_FDS = 1u << 1,   /* each fd's kind and the socket tables (sample/FdProbe.h) */
} ScanFlag;
#define SCAN_ALL ((unsigned)(SCAN_SMAPS | SCAN_FDS))

typedef struct SampleSource SampleSource;
struct TrafficSource;
struct CodeFacts;
struct DeployEvent;

typedef struct SampleSourceClass {
   const char* name;
   /* The time of this tick: monotonic seconds and seconds since the epoch. */
   void (*clock)(SampleSource* this, double* monotonic, double* wall);
   /* Every process on the host with stat's fields (pid, ppid, start,
      state, flags, RSS), for discovery; valid until the next call. */
   int (*listHost)(SampleSource* this, ProcSample** out);
   /* The printable command line and the program's name; false when gone. */
   bool (*command)(SampleSource* this, pid_t pid, char* text, size_t textSize, char* name,
                   size_t nameSize);
   bool (*isPython)(SampleSource* this, pid_t pid);
   /* A recording's trees: discovery adopts the trees rooted at the PIDs
      this names, at every tick, whatever the targets. NULL for a host,
      which is searched for Python trees or patterns. */
   bool (*isRoot)(SampleSource* this, pid_t pid);
   /* Appends pid's children to *pids (n used of *capacity); returns the new n. */
   int (*children)(SampleSource* this, pid_t pid, pid_t** pids, int n, int* capacity);
   /* This tick's samples of the given PIDs (those that exist, any order). */
   int (*sample)(SampleSource* this, const pid_t* pids, int n, ProcSample* out);
   /* smaps_rollup of the given PIDs; out[i] belongs to pids[i]. A source
      with isRoot is asked every tick and answers unread where it holds
      no reading. */
   void (*smaps)(SampleSource* this, const pid_t* pids, int n, SmapsSample* out);
   /* What the fds of the given PIDs are; out[i] belongs to pids[i]. NULL
      for a source that holds no such readings. */
   void (*fds)(SampleSource* this, const pid_t* pids, int n, FdSample* out);
   /* pid's RLIMIT_NOFILE soft limit (*unlimited when none); false when
      unknown. NULL for a source that holds none. */
   bool (*openFilesLimit)(SampleSource* this, pid_t pid, uint64_t* soft, bool* unlimited);
   void (*locateCgroup)(SampleSource* this, pid_t pid, CgroupStatus* out);
   void (*refreshCgroup)(SampleSource* this, CgroupStatus* status);
   /* MemTotal and MemAvailable; false when unknown. */
   bool (*hostMemory)(SampleSource* this, uint64_t* totalKiB, uint64_t* availableKiB);
   /* How the zombie pid ended ("exit 0", "killed by SIGKILL"); false when
      that cannot be told. */
   bool (*exitOf)(SampleSource* this, pid_t pid, char* how, size_t size);
   /* Why pid, asked for by the user, is not among the listed processes. */
   void (*explainAbsent)(SampleSource* this, pid_t pid, char* err, size_t errSize);
   /* The traffic signal for spec (--traffic, NULL to choose); NULL with a
      message in err when this source cannot give it. */
   struct TrafficSource* (*newTraffic)(SampleSource* this, const char* spec, char* err,
                                       size_t errSize);
   /* What tells new code in pid (sample/CodeProbe.h), with files its code
      files too; false when gone. NULL for a source that cannot probe. */
   bool (*code)(SampleSource* this, pid_t pid, bool files, struct CodeFacts* out);
   /* The deploys (model/DeployWatch.h) a recording holds for the tree
      rooted at (pid, start) in this tick, up to max; NULL for a source
      whose deploys are found by probing. */
   int (*deploys)(SampleSource* this, pid_t pid, unsigned long long start, struct DeployEvent* out,
                  int max);
   void (*delete)(SampleSource* this);
} SampleSourceClass;

struct SampleSource {
   const SampleSourceClass* klass;
   double bootTime; /* seconds since the epoch at boot, for start times */
   long hertz;      /* clock ticks per second of startTicks and cpuTicks */
   pid_t self;      /* leaktop's own PID when it is among the samples, else 0 */
   void* priv;      /* the source's own state */
};

void SampleSource_delete(SampleSource* this);

#endif
