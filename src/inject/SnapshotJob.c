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
#include "inject/ThreadWaits.h"
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
/* How long a PEP 768 request waits in one thread before it moves on to the
   next (each move stops the worker's threads for a fraction of a
   millisecond). */
#define MOVE_EVERY_S 0.2
/* Where any thread may answer: how often leaktop looks at what every
   thread waits in, and after how long without any of them waking it says
   so instead of waiting out the timeout. */
#define WAITS_EVERY_S  0.1
#define IDLE_VERDICT_S 0.5

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
   uint64_t target;       /* PEP 768: the thread state holding the request */
   double movedAt;
   ThreadWaits waits; /* the last look at every thread, valid when waitsRead */
   ThreadWaits look;
   bool waitsRead;
   bool rebase;       /* a move stopped the threads: look again before comparing */
   double waitsAt;    /* when waits was read */
   double stillSince; /* since when no thread has woken */
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

/* Whether a thread is running a collector (an earlier request). */
static bool SnapshotJob_collectorRunning(SnapshotJob* job) {
   PyThreadStack* threads;
   int count;
   SnapshotJob_mainThread(job, &threads, &count);
   bool running = false;
   for (int t = 0; t < count && !running; t++) {
      for (int f = 0; f < threads[t].frames.count && !running; f++) {
         const char* file = threads[t].frames.frames[f].file;
         running = file && strcmp(file, BOOTSTRAP_FILENAME) == 0;
      }
   }
   if (count > 0)
      CPython_freeThreads(threads, count);
   return running;
}

/* Whether any thread of the worker may run the request (3.12+), not only
   its main thread (3.11). */
static bool SnapshotJob_anyThread(const SnapshotJob* job) {
   return job->route == ROUTE_REMOTE_EXEC ||
          (job->route == ROUTE_PENDING_CALL && CPython_minor(job->py) >= 12);
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
               ? RemoteExec_inject(job->pid, job->py, &job->mem, job->requestPath, &job->target,
                                   &job->report, err, errSize)
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
               "an earlier snapshot request has been waiting in process %d, %s not run Python "
               "code since; wait for it, or wake the worker%s",
               (int)job->pid,
               SnapshotJob_anyThread(job) ? "none of whose threads has" : "whose main thread has",
               job->gunicornWinch && !wake ? " (--wake)" : "");
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
   job->startedAt = job->movedAt = XUtils_monotonicNow();
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

/* The name of system call nr, or "system call NR" written into buf. */
static const char* SnapshotJob_callName(long nr, char* buf, size_t size) {
   const char* name = SnapshotJob_syscallName(nr);
   if (name)
      return name;
   snprintf(buf, size, "system call %ld", nr);
   return buf;
}

/* ", under f (file:line)" for a thread's innermost Python frame, or "". */
static void SnapshotJob_under(const FrameList* frames, char* out, size_t size) {
   out[0] = '\0';
   if (frames->count == 0)
      return;
   const StackFrame* f = &frames->frames[0];
   snprintf(out, size, ", under %s (%s:%d)", f->function ? f->function : "?",
            f->file ? f->file : "?", f->line);
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
      if (n > 0 && strncmp(text, "running", 7) != 0)
         doing = SnapshotJob_callName(strtol(text, NULL, 10), number, sizeof(number));
      char where[320] = "";
      PyThreadStack* threads;
      int count;
      int at = SnapshotJob_mainThread(job, &threads, &count);
      if (at >= 0)
         SnapshotJob_under(&threads[at].frames, where, sizeof(where));
      if (count > 0)
         CPython_freeThreads(threads, count);
      snprintf(job->mainDoing, sizeof(job->mainDoing), "%s%s%s", doing ? "in " : "running",
               doing ? doing : "", where);
   }
   snprintf(out, size, "waiting %.1f s for %s, which is %s", SnapshotJob_age(job),
            SnapshotJob_anyThread(job) ? "a thread to run Python code; the main thread"
                                       : "the main thread",
            job->mainDoing);
}

/* "thread 12 in accept4(), under serve (app.py:3); thread 14 ..." for
   every thread of waits, with its innermost Python frame. */
static void SnapshotJob_describeAll(SnapshotJob* job, const ThreadWaits* waits, char* out,
                                    size_t size) {
   PyThreadStack* threads;
   int count;
   SnapshotJob_mainThread(job, &threads, &count);
   size_t at = 0;
   out[0] = '\0';
   for (int i = 0; i < waits->count && at < size; i++) {
      const ThreadWait* w = &waits->threads[i];
      char call[48], where[320] = "";
      const char* name = SnapshotJob_callName(w->syscall, call, sizeof(call));
      for (int t = 0; t < count; t++)
         if ((pid_t)threads[t].nativeTid == w->nsTid)
            SnapshotJob_under(&threads[t].frames, where, sizeof(where));
      int n = snprintf(out + at, size - at, "%sthread %d in %s%s", i ? "; " : "", (int)w->nsTid,
                       name, where);
      at += n > 0 ? (size_t)n : 0;
   }
   if (count > 0)
      CPython_freeThreads(threads, count);
}

/* Where any thread may answer: every WAITS_EVERY_S, whether no thread of
   the worker has woken for IDLE_VERDICT_S, each waiting in a system call
   (then msg says where each one waits). A PEP 768 request moves on to the
   next thread between two looks; that stop wakes every thread, so the
   next look, at the next poll, starts afresh, keeping the time waited. */
static bool SnapshotJob_idle(SnapshotJob* job, char* msg, size_t msgSize) {
   double now = XUtils_monotonicNow();
   if (job->rebase) {
      job->rebase = false;
      job->waitsRead = ThreadWaits_read(job->pid, &job->waits);
      return false;
   }
   if (job->waitsRead && now - job->waitsAt < WAITS_EVERY_S)
      return false;
   bool read = ThreadWaits_read(job->pid, &job->look);
   if (!job->waitsRead || !read || !ThreadWaits_still(&job->waits, &job->look))
      job->stillSince = now;
   job->waits = job->look;
   job->waitsRead = read;
   job->waitsAt = now;
   if (read && now - job->stillSince >= IDLE_VERDICT_S) {
      char where[400];
      SnapshotJob_describeAll(job, &job->waits, where, sizeof(where));
      snprintf(msg, msgSize, "every thread of %d waits in C and none has woken for %.1f s: %s",
               (int)job->pid, now - job->stillSince, where);
      return true;
   }
   if (job->route == ROUTE_REMOTE_EXEC && now - job->movedAt >= MOVE_EVERY_S) {
      job->movedAt = now;
      RemoteExec_move(job->pid, job->py, &job->mem, job->requestPath, &job->target);
      job->rebase = true;
   }
   return false;
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
   if (SnapshotJob_anyThread(job) && SnapshotJob_idle(job, msg, msgSize))
      return SNAPSHOT_JOB_IDLE;
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

const char* SnapshotJob_fate(const SnapshotJob* job) {
   if (SnapshotJob_withdraws(job))
      return "the request is withdrawn";
   return SnapshotJob_anyThread(job)
                ? "the request stays queued and runs when a thread next runs Python code"
                : "the request stays queued and runs when the main thread next runs Python code";
}

void SnapshotJob_free(SnapshotJob* job) {
   if (!job)
      return;
   if (!job->done && job->queued && job->route == ROUTE_REMOTE_EXEC) {
      RemoteExec_withdraw(job->pid, job->py, &job->mem, job->requestPath, job->target);
      RequestFile_remove(job->pid, job->nsPid, job->seq);
   }
   CPython_free(job->py);
   ProcMaps_done(&job->maps);
   RemoteMemory_done(&job->mem);
   free(job->result);
   free(job);
}
