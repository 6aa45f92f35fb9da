#include "config.h"

#include "sample/ProcSampler.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <libproc2/pids.h>

#include "sample/ProcFiles.h"
#include "sample/StatusCache.h"
#include "util/XUtils.h"

/* procps-ng 4.0.5 dropped PIDS_VAL's info argument (procps issue #332). */
#ifdef PIDS_VAL_HAS_INFO
#define SAMPLER_VAL(index, type, stack, info) PIDS_VAL(index, type, stack, info)
#else
#define SAMPLER_VAL(index, type, stack, info) PIDS_VAL(index, type, stack)
#endif

/* Stat files kept open at most: a tick then reads each with one pread(),
   where an open() would walk /proc's directories (with close, a third of
   a tick's cost at 1000 processes). */
#define SAMPLER_MAX_OPEN_STATS 16384

/* libproc2 rejects a select of more than FILL_ID_MAX (255) PIDs. */
#define SAMPLER_SELECT_MAX 255

enum { SMAPS_PID, SMAPS_RSS, SMAPS_PSS, SMAPS_USS, SMAPS_SWAP, SMAPS_ITEMS };
static enum pids_item ProcSampler_smapsItems[SMAPS_ITEMS] = {
      PIDS_ID_PID, PIDS_SMAP_RSS, PIDS_SMAP_PSS, PIDS_SMAP_PRV_TOTAL, PIDS_SMAP_SWAP};

enum { LIST_PID, LIST_PPID, LIST_BEGAN, LIST_STATE, LIST_RSS, LIST_FLAGS, LIST_ITEMS };
static enum pids_item ProcSampler_listItems[LIST_ITEMS] = {
      PIDS_ID_PID, PIDS_ID_PPID, PIDS_TICS_BEGAN, PIDS_STATE, PIDS_RSS, PIDS_FLAGS};

struct ProcSampler {
   struct pids_info* smaps;
   struct pids_info* list;
   FdProbe* fds;
   ProcSample* listed;
   int listedCapacity;
   long pageKiB;
   StatusCache statuses; /* also holds each process's open stat file */
   int openStats;        /* stat files held open */
   int maxOpenStats;     /* below RLIMIT_NOFILE */
};

static void ProcSampler_closeStat(void* context, int fd) {
   ProcSampler* this = context;
   close(fd);
   this->openStats--;
}

ProcSampler* ProcSampler_new(void) {
   ProcSampler* this = xCalloc(1, sizeof(*this));
   this->pageKiB = sysconf(_SC_PAGESIZE) / 1024;
   StatusCache_init(&this->statuses);
   this->fds = FdProbe_new();
   /* Raising the soft limit to the hard one is open to any process: it is
      what lets a big tree's stat files stay open. Room is left for the
      rest of leaktop's files. */
   struct rlimit limit;
   if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
      rlim_t wanted = limit.rlim_max < SAMPLER_MAX_OPEN_STATS + 512 ? limit.rlim_max
                                                                    : SAMPLER_MAX_OPEN_STATS + 512;
      if (limit.rlim_cur < wanted) {
         limit.rlim_cur = wanted;
         setrlimit(RLIMIT_NOFILE, &limit);
         getrlimit(RLIMIT_NOFILE, &limit);
      }
      this->maxOpenStats = limit.rlim_cur > 512 ? (int)(limit.rlim_cur - 512) : 0;
   }
   return this;
}

void ProcSampler_delete(ProcSampler* this) {
   if (!this)
      return;
   if (this->smaps)
      procps_pids_unref(&this->smaps);
   if (this->list)
      procps_pids_unref(&this->list);
   free(this->listed);
   FdProbe_delete(this->fds);
   StatusCache_done(&this->statuses, ProcSampler_closeStat, this);
   free(this);
}

static struct pids_info* ProcSampler_context(struct pids_info** slot, enum pids_item* items,
                                             int count) {
   if (!*slot && procps_pids_new(slot, items, count) < 0)
      *slot = NULL;
   return *slot;
}

long ProcSampler_hertz(void) {
   static long hertz;
   if (!hertz)
      hertz = sysconf(_SC_CLK_TCK);
   return hertz;
}

/* procps_pids_select() over any number of PIDs, one chunk at a time: calls
   visit for every stack found. */
static void ProcSampler_selectAll(struct pids_info* info, const pid_t* pids, int n,
                                  void (*visit)(struct pids_info*, struct pids_stack*, void*),
                                  void* context) {
   for (int start = 0; start < n; start += SAMPLER_SELECT_MAX) {
      int chunk = n - start < SAMPLER_SELECT_MAX ? n - start : SAMPLER_SELECT_MAX;
      struct pids_fetch* fetch =
            procps_pids_select(info, (unsigned*)(pids + start), chunk, PIDS_SELECT_PID);
      if (!fetch)
         continue;
      for (int i = 0; fetch->stacks[i]; i++)
         visit(info, fetch->stacks[i], context);
   }
}

/* /proc/PID/stat into text, through the file kept open for pid, else a
   new one (kept when there is room); *fd gets the one to keep, -1 none.
   A kept file of a process that ended fails to read: its PID may now be
   another process's, so it is opened anew (and the old one released). */
static bool ProcSampler_readStat(ProcSampler* this, pid_t pid, char* text, size_t size, int* fd) {
   *fd = StatusCache_handle(&this->statuses, pid);
   if (*fd >= 0) {
      ssize_t n = pread(*fd, text, size - 1, 0);
      if (n > 0) {
         text[n] = '\0';
         return true;
      }
      *fd = -1;
   }
   if (this->openStats >= this->maxOpenStats)
      return ProcFiles_read(pid, "stat", text, size) > 0;
   char path[64];
   snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
   int opened = open(path, O_RDONLY | O_CLOEXEC);
   if (opened < 0)
      return false;
   ssize_t n = pread(opened, text, size - 1, 0);
   if (n <= 0) {
      close(opened);
      return false;
   }
   text[n] = '\0';
   *fd = opened;
   this->openStats++;
   return true;
}

int ProcSampler_sample(ProcSampler* this, const pid_t* pids, int n, ProcSample* out) {
   /* Not libproc2's select: in 4.0.2 it reads status twice per PID (once
      only to learn the TGID) and parses it with sscanf, and it has no context
      switches; one read of stat, and of status only when stat changed
      (sample/StatusCache.h), give everything. */
   int found = 0;
   for (int i = 0; i < n; i++) {
      char text[4096];
      ProcStat stat;
      ProcStatus status;
      int fd;
      if (!ProcSampler_readStat(this, pids[i], text, sizeof(text), &fd))
         continue;
      uint64_t statHash = StatusCache_hash(text);
      bool parsed = ProcParse_stat(text, &stat);
      if (!parsed || !StatusCache_reuse(&this->statuses, pids[i], statHash, fd, &status)) {
         if (!parsed || ProcFiles_read(pids[i], "status", text, sizeof(text)) <= 0) {
            /* Not kept: released at the end of the tick, unless the cache
               holds it from an earlier one (then it goes too). */
            if (fd >= 0 && fd != StatusCache_handle(&this->statuses, pids[i]))
               ProcSampler_closeStat(this, fd);
            continue;
         }
         ProcParse_status(text, &status);
         int fds = ProcFiles_fdCount(pids[i]);
         status.fds = fds >= 0 ? fds : -(errno ? errno : EIO);
         StatusCache_store(&this->statuses, pids[i], statHash, fd, &status);
      }
      ProcSample* p = &out[found++];
      memset(p, 0, sizeof(*p));
      p->pid = pids[i];
      p->ppid = stat.ppid;
      p->startTicks = stat.startTicks;
      p->state = stat.state;
      p->flags = stat.flags;
      p->cpuTicks = stat.cpuTicks;
      p->memKnown = status.memKnown && stat.state != 'Z';
      p->rssKiB = status.rssKiB;
      p->anonKiB = status.anonKiB;
      p->fileKiB = status.fileKiB;
      p->shmemKiB = status.shmemKiB;
      p->ctxKnown = status.ctxKnown;
      p->ctxVoluntary = status.ctxVoluntary;
      p->ctxInvoluntary = status.ctxInvoluntary;
      p->threads = stat.threads;
      p->fdKnown = status.fds >= 0;
      p->fds = status.fds >= 0 ? (uint32_t)status.fds : 0;
      p->fdErr = status.fds < 0 ? -status.fds : 0;
      p->statHash = statHash;
   }
   StatusCache_endTick(&this->statuses, ProcSampler_closeStat, this);
   return found;
}

typedef struct SmapsVisit {
   SmapsSample* out;
   int n;
} SmapsVisit;

static void ProcSampler_visitSmaps(struct pids_info* info, struct pids_stack* s, void* context) {
   (void)info;
   SmapsVisit* v = context;
   pid_t pid = SAMPLER_VAL(SMAPS_PID, s_int, s, info);
   for (int i = 0; i < v->n; i++) {
      SmapsSample* out = &v->out[i];
      if (out->pid != pid)
         continue;
      /* libproc2 leaves an unreadable smaps_rollup as zeros; a process with
         memory always has a non-zero Rss there, so zero means "could not
         read", and an open() tells why. */
      if (SAMPLER_VAL(SMAPS_RSS, ul_int, s, info) == 0) {
         int err = ProcFiles_smapsAccess(pid);
         out->err = err ? err : ENODATA;
      } else {
         out->known = true;
         out->err = 0;
         out->pssKiB = SAMPLER_VAL(SMAPS_PSS, ul_int, s, info);
         out->ussKiB = SAMPLER_VAL(SMAPS_USS, ul_int, s, info);
         out->swapKiB = SAMPLER_VAL(SMAPS_SWAP, ul_int, s, info);
      }
      return;
   }
}

void ProcSampler_smaps(ProcSampler* this, const pid_t* pids, int n, SmapsSample* out) {
   for (int i = 0; i < n; i++) {
      out[i] = (SmapsSample){.pid = pids[i], .known = false, .err = ESRCH};
   }
   struct pids_info* info = ProcSampler_context(&this->smaps, ProcSampler_smapsItems, SMAPS_ITEMS);
   if (!info)
      return;
   SmapsVisit visit = {out, n};
   ProcSampler_selectAll(info, pids, n, ProcSampler_visitSmaps, &visit);
}

void ProcSampler_fds(ProcSampler* this, const pid_t* pids, int n, FdSample* out) {
   FdProbe_read(this->fds, pids, n, out);
}

int ProcSampler_listAll(ProcSampler* this, ProcSample** out) {
   struct pids_info* info = ProcSampler_context(&this->list, ProcSampler_listItems, LIST_ITEMS);
   *out = this->listed;
   if (!info)
      return 0;
   struct pids_fetch* fetch = procps_pids_reap(info, PIDS_FETCH_TASKS_ONLY);
   if (!fetch)
      return 0;
   int total = fetch->counts->total;
   if (total > this->listedCapacity) {
      this->listedCapacity = total + 64;
      this->listed = xReallocArray(this->listed, (size_t)this->listedCapacity, sizeof(ProcSample));
   }
   int n = 0;
   for (int i = 0; fetch->stacks[i] && n < total; i++) {
      struct pids_stack* s = fetch->stacks[i];
      ProcSample* p = &this->listed[n++];
      memset(p, 0, sizeof(*p));
      p->pid = SAMPLER_VAL(LIST_PID, s_int, s, info);
      p->ppid = SAMPLER_VAL(LIST_PPID, s_int, s, info);
      p->startTicks = SAMPLER_VAL(LIST_BEGAN, ull_int, s, info);
      p->state = SAMPLER_VAL(LIST_STATE, s_ch, s, info);
      p->rssKiB = SAMPLER_VAL(LIST_RSS, ul_int, s, info) * (unsigned long)this->pageKiB;
      p->flags = SAMPLER_VAL(LIST_FLAGS, ul_int, s, info);
      p->memKnown = p->rssKiB > 0;
   }
   *out = this->listed;
   return n;
}
