#include "config.h"

#include "inject/SnapshotJob.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inject/AgentClient.h"
#include "inject/Bootstrap.h"
#include "inject/CollectorSource.h"
#include "inject/PendingCall.h"
#include "inject/RemoteExec.h"
#include "inject/RequestFile.h"
#include "sample/ProcFiles.h"
#include "sample/ProcParse.h"
#include "snapshot/ResultFile.h"
#include "target/CPython.h"
#include "target/TargetAccess.h"
#include "util/XUtils.h"

/* How often a waiting job reads again what the main thread is doing. */
#define DESCRIBE_EVERY_S 0.25
/* An agent answers within the collector's own deadline plus transport. */
#define AGENT_SLACK_MS 3000
/* How long an earlier request still waiting in the worker is given to run
   before leaktop gives up queueing its own, and how often it looks. */
#define BUSY_WAIT_S  1.0
#define BUSY_POLL_MS 20

typedef enum { ROUTE_AGENT, ROUTE_PENDING_CALL, ROUTE_REMOTE_EXEC } SnapshotRoute;

struct SnapshotJob_ {
   pid_t pid;
   pid_t nsPid;
   uid_t euid;
   unsigned seq;
   SnapshotRoute route;
   InjectReport report;
   double startedAt;
   bool queued;           /* injected, to be withdrawn if it is never answered */
   char requestPath[512]; /* PEP 768: the script, as the worker sees it */
   bool done;
   char* result;
   size_t resultLen;
   bool gunicornWinch;  /* a gunicorn worker that handles SIGWINCH */
   char mainDoing[400]; /* "in select(), under ...": refreshed every DESCRIBE_EVERY_S */
   double describedAt;
   ProcMaps maps;
   RemoteMemory mem;
   CPython* py;
};

/* The facts about the target read from its status file. */
static bool SnapshotJob_status(SnapshotJob* job, char* err, size_t errSize) {
   char text[4096];
   if (ProcFiles_read(job->pid, "status", text, sizeof(text)) <= 0) {
      snprintf(err, errSize, "process %d does not exist", (int)job->pid);
      return false;
   }
   char state = ProcParse_statusState(text);
   if (state == 'T' || state == 't') {
      snprintf(err, errSize,
               "process %d is stopped (SIGSTOP or a debugger): it could not run a request; "
               "resume it first (kill -CONT %d)",
               (int)job->pid, (int)job->pid);
      return false;
   }
   job->nsPid = ProcParse_nsPid(text, job->pid);
   job->euid = ProcParse_effectiveUid(text);
   uint64_t caught = ProcParse_hexMask(text, "SigCgt");
   char command[4096] = "", name[64];
   ProcFiles_command(job->pid, command, sizeof(command), name, sizeof(name));
   job->gunicornWinch = (caught & (1ULL << (SIGWINCH - 1))) && strstr(command, "gunicorn");
   return true;
}

static SnapshotJob* SnapshotJob_new(pid_t pid, const SnapshotRequest* req) {
   SnapshotJob* job = xCalloc(1, sizeof(SnapshotJob));
   job->pid = pid;
   job->seq = req->seq;
   job->startedAt = XUtils_monotonicNow();
   InjectReport_init(&job->report);
   RemoteMemory_init(&job->mem, pid);
   return job;
}

static bool SnapshotJob_askAgent(SnapshotJob* job, const SnapshotRequest* req) {
   char json[512], err[256];
   SnapshotRequest_json(req, json, sizeof(json));
   char* reply = NULL;
   AgentStatus status =
         AgentClient_request(job->pid, json, req->deadlineMs + AGENT_SLACK_MS,
                             (size_t)req->maxBytes + 65536, &reply, err, sizeof(err));
   if (status != AGENT_ANSWERED)
      return false;
   job->route = ROUTE_AGENT;
   job->result = reply;
   job->resultLen = strlen(reply);
   job->done = true;
   return true;
}

/* The main thread's Python frames, read without stopping it: an index
   into *threads (freed by the caller with CPython_freeThreads), or -1. */
static int SnapshotJob_mainThread(SnapshotJob* job, PyThreadStack** threads, int* count) {
   char err[128];
   *threads = NULL;
   *count = job->py ? CPython_threads(job->py, threads, err, sizeof(err)) : 0;
   for (int i = 0; i < *count; i++)
      if ((pid_t)(*threads)[i].nativeTid == job->nsPid)
         return i;
   return -1;
}

/* Whether the main thread is running a collector (an earlier request). */
static bool SnapshotJob_collectorRunning(SnapshotJob* job) {
   PyThreadStack* threads;
   int count;
   int at = SnapshotJob_mainThread(job, &threads, &count);
   bool running = false;
   for (int f = 0; at >= 0 && f < threads[at].frames.count && !running; f++) {
      const char* file = threads[at].frames.frames[f].file;
      running = file && strcmp(file, BOOTSTRAP_FILENAME) == 0;
   }
   if (count > 0)
      CPython_freeThreads(threads, count);
   return running;
}

/* Queues text by the interpreter's route. */
static InjectOutcome SnapshotJob_queue(SnapshotJob* job, const char* text, size_t len, char* err,
                                       size_t errSize) {
   if (CPython_minor(job->py) < 14) {
      job->route = ROUTE_PENDING_CALL;
      return PendingCall_inject(job->pid, job->py, &job->maps, &job->mem, text, len, &job->report,
                                err, errSize);
   }
   job->route = ROUTE_REMOTE_EXEC;
   InjectOutcome outcome =
         RequestFile_write(job->pid, job->nsPid, job->seq, text, len, job->requestPath,
                           sizeof(job->requestPath), err, errSize)
               ? RemoteExec_inject(job->pid, job->py, &job->mem, job->requestPath, &job->report,
                                   err, errSize)
               : INJECT_REFUSED;
   if (outcome != INJECT_QUEUED)
      RequestFile_remove(job->pid, job->nsPid, job->seq);
   return outcome;
}

static bool SnapshotJob_inject(SnapshotJob* job, const SnapshotRequest* req, bool wake, char* err,
                               size_t errSize) {
   if (!ProcMaps_read(&job->maps, job->pid)) {
      TargetAccess_explain(job->pid, errno, err, errSize);
      return false;
   }
   bool found = false;
   err[0] = '\0';
   job->py = CPython_attach(job->pid, &job->maps, &job->mem, &found, err, errSize);
   if (!job->py) {
      if (!found)
         snprintf(err, errSize,
                  "process %d is not a Python process (no CPython interpreter in its memory map)",
                  (int)job->pid);
      return false;
   }
   ResultFile_removeStale(job->pid, job->euid, job->nsPid);
   char literal[512];
   SnapshotRequest_python(req, literal, sizeof(literal));
   size_t len;
   char* text = Bootstrap_build(CollectorSource_text, literal, &len);
   InjectOutcome outcome = SnapshotJob_queue(job, text, len, err, errSize);
   /* An earlier request still waiting (its leaktop timed out or was
      killed) runs at the worker's next safe point: ours goes in after it
      has run, not while it runs, since 3.14 would run ours inside it,
      where the modules it is importing are half initialised. */
   double until = XUtils_monotonicNow() + BUSY_WAIT_S;
   bool woken = false;
   while (outcome == INJECT_BUSY && XUtils_monotonicNow() < until) {
      if (wake && !woken)
         woken = SnapshotJob_wake(job);
      XUtils_sleepMs(BUSY_POLL_MS);
      if (!SnapshotJob_collectorRunning(job))
         outcome = SnapshotJob_queue(job, text, len, err, errSize);
   }
   int saved = errno;
   free(text);
   if (outcome == INJECT_BUSY)
      snprintf(err, errSize,
               "an earlier snapshot request has been waiting in process %d, whose main thread "
               "has not run Python code since; wait for it, or wake the worker%s",
               (int)job->pid, job->gunicornWinch && !wake ? " (--wake)" : "");
   else if (outcome == INJECT_REFUSED && saved == EPERM)
      TargetAccess_explain(job->pid, EPERM, err, errSize);
   job->queued = outcome == INJECT_QUEUED;
   return job->queued;
}

SnapshotJob* SnapshotJob_start(pid_t pid, const SnapshotRequest* req, bool wake, char* err,
                               size_t errSize) {
   char command[64];
   if (!TargetAccess_check(pid, true, command, sizeof(command), err, errSize))
      return NULL;
   SnapshotJob* job = SnapshotJob_new(pid, req);
   if (!SnapshotJob_status(job, err, errSize) ||
       (!SnapshotJob_askAgent(job, req) && !SnapshotJob_inject(job, req, wake, err, errSize))) {
      SnapshotJob_free(job);
      return NULL;
   }
   job->startedAt = XUtils_monotonicNow();
   return job;
}

/* A name for the system calls a waiting worker usually sits in. */
static const char* SnapshotJob_syscallName(long nr) {
   static const struct {
      long nr;
      const char* name;
   } names[] = {
         {0, "read()"},
         {7, "poll()"},
         {23, "select()"},
         {35, "nanosleep()"},
         {43, "accept()"},
         {45, "recvfrom()"},
         {47, "recvmsg()"},
         {61, "wait4()"},
         {202, "futex() (a lock or a join)"},
         {230, "clock_nanosleep() (a sleep)"},
         {232, "epoll_wait()"},
         {270, "pselect6()"},
         {271, "ppoll()"},
         {281, "epoll_pwait()"},
         {288, "accept4()"},
         {441, "epoll_pwait2()"},
   };
   for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
      if (names[i].nr == nr)
         return names[i].name;
   return NULL;
}

/* What the main thread does now, from /proc/PID/syscall and its Python
   frames (read without stopping it). Polls come every few milliseconds;
   the description is read again only every DESCRIBE_EVERY_S. */
static void SnapshotJob_describeMain(SnapshotJob* job, char* out, size_t size) {
   double now = XUtils_monotonicNow();
   if (!job->mainDoing[0] || now - job->describedAt >= DESCRIBE_EVERY_S) {
      job->describedAt = now;
      char text[256];
      ssize_t n = ProcFiles_read(job->pid, "syscall", text, sizeof(text));
      const char* doing = NULL;
      char number[48];
      if (n > 0 && strncmp(text, "running", 7) != 0) {
         long nr = strtol(text, NULL, 10);
         doing = SnapshotJob_syscallName(nr);
         if (!doing) {
            snprintf(number, sizeof(number), "system call %ld", nr);
            doing = number;
         }
      }
      char where[320] = "";
      PyThreadStack* threads;
      int count;
      int at = SnapshotJob_mainThread(job, &threads, &count);
      if (at >= 0 && threads[at].frames.count > 0) {
         const StackFrame* f = &threads[at].frames.frames[0];
         snprintf(where, sizeof(where), ", under %s (%s:%d)", f->function ? f->function : "?",
                  f->file ? f->file : "?", f->line);
      }
      if (count > 0)
         CPython_freeThreads(threads, count);
      snprintf(job->mainDoing, sizeof(job->mainDoing), "%s%s%s", doing ? "in " : "running",
               doing ? doing : "", where);
   }
   snprintf(out, size, "waiting %.1f s for the main thread, which is %s", SnapshotJob_age(job),
            job->mainDoing);
}

SnapshotJobState SnapshotJob_poll(SnapshotJob* job, char* msg, size_t msgSize) {
   msg[0] = '\0';
   if (job->done)
      return SNAPSHOT_JOB_DONE;
   ResultFileResult r;
   ResultFileStatus status = ResultFile_read(job->pid, job->euid, job->nsPid, job->seq, &r);
   if (status == RESULTFILE_READ) {
      job->result = r.text;
      job->resultLen = r.length;
      r.text = NULL;
      job->done = true;
      ResultFile_done(&r);
      if (job->route == ROUTE_REMOTE_EXEC)
         RequestFile_remove(job->pid, job->nsPid, job->seq);
      return SNAPSHOT_JOB_DONE;
   }
   bool gone = kill(job->pid, 0) < 0 && errno == ESRCH;
   if (status != RESULTFILE_ABSENT && !gone) {
      snprintf(msg, msgSize, "%s", r.message);
      ResultFile_done(&r);
      return SNAPSHOT_JOB_FAILED;
   }
   ResultFile_done(&r);
   if (gone) {
      snprintf(msg, msgSize, "process %d exited before it answered", (int)job->pid);
      return SNAPSHOT_JOB_FAILED;
   }
   SnapshotJob_describeMain(job, msg, msgSize);
   return SNAPSHOT_JOB_WAITING;
}

const char* SnapshotJob_result(const SnapshotJob* job, size_t* len) {
   *len = job->resultLen;
   return job->result;
}

const char* SnapshotJob_route(const SnapshotJob* job) {
   switch (job->route) {
   case ROUTE_AGENT:
      return "agent";
   case ROUTE_REMOTE_EXEC:
      return "remote exec (PEP 768)";
   default:
      return "pending call";
   }
}

const InjectReport* SnapshotJob_report(const SnapshotJob* job) {
   return &job->report;
}

double SnapshotJob_age(const SnapshotJob* job) {
   return XUtils_monotonicNow() - job->startedAt;
}

const char* SnapshotJob_wakeSignal(const SnapshotJob* job, int* sig) {
   if (!job->gunicornWinch || job->done)
      return NULL;
   *sig = SIGWINCH;
   return "SIGWINCH (gunicorn's worker handles it in Python and carries on)";
}

bool SnapshotJob_wake(SnapshotJob* job) {
   int sig;
   return SnapshotJob_wakeSignal(job, &sig) && kill(job->pid, sig) == 0;
}

bool SnapshotJob_withdraws(const SnapshotJob* job) {
   return job->route == ROUTE_REMOTE_EXEC;
}

void SnapshotJob_free(SnapshotJob* job) {
   if (!job)
      return;
   if (!job->done && job->queued && job->route == ROUTE_REMOTE_EXEC) {
      RemoteExec_withdraw(job->pid, job->py, &job->mem, job->requestPath);
      RequestFile_remove(job->pid, job->nsPid, job->seq);
   }
   CPython_free(job->py);
   ProcMaps_done(&job->maps);
   RemoteMemory_done(&job->mem);
   free(job->result);
   free(job);
}
