/* leaktop snapshot PID: a CPython worker reports its own heap, compared with
   the previous snapshot of the same worker generation. */
#include "config.h"

#include "cmd/Command.h"

#include "CommandLine.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inject/SnapshotJob.h"
#include "sample/ProcFiles.h"
#include "snapshot/Snapshot.h"
#include "snapshot/SnapshotDiff.h"
#include "snapshot/SnapshotOutput.h"
#include "snapshot/SnapshotStore.h"
#include "util/XUtils.h"

#define POLL_MS         5
#define WAKE_AFTER_S    0.3
#define SAY_WAITING_S   1.0
#define DEFAULT_TIMEOUT 10.0
#define EXIT_TIMED_OUT  3

typedef struct {
   pid_t pid;
   SnapshotRequest req;
   bool json;
   bool wake;
   double timeout;
   double every; /* seconds between periodic snapshots; 0: one */
   long count;   /* periodic snapshots to take; 0: until interrupted */
} SnapshotOptions;

static void SnapshotCommand_usage(FILE* out) {
   fputs("Usage: leaktop snapshot PID [OPTION]...\n"
         "Ask a CPython worker to report its own heap: allocated blocks, gc object\n"
         "counts per type, tracemalloc's top lines when it traces, RSS; and compare\n"
         "with the previous snapshot of the same worker (types and lines that grew,\n"
         "Python heap against RSS: native growth).\n"
         "\n"
         "  --json                  one JSON object (snapshot and diff)\n"
         "  --top N                 lines and tracebacks shown (default 25); every type\n"
         "                          is counted and diffed, the 25 most numerous listed\n"
         "  --frames N              also the top tracebacks, N frames deep\n"
         "  --start-tracemalloc[=N] start tracemalloc (N frames, default 1) first, so\n"
         "                          the next snapshot can show which lines grew\n"
         "  --stop-tracemalloc      stop tracemalloc afterwards\n"
         "  --trim                  call malloc_trim(0) and report the RSS it returned\n"
         "  --wake                  if the main thread is blocked, send the worker's own\n"
         "                          harmless wake-up (gunicorn: SIGWINCH)\n"
         "  --timeout SECS          wait this long for the answer (default 10)\n"
         "  --every SECS            take a snapshot every SECS seconds\n"
         "  --count N               with --every, stop after N snapshots\n"
         "  -h, --help              display this help and exit\n"
         "\n"
         "The worker is asked through its agent when it imported leaktop_agent,\n"
         "else by the remote execution of CPython 3.14+ (PEP 768), else (3.11 to 3.13) by\n"
         "appending a call to the interpreter's pending-call queue while its threads\n"
         "are stopped for well under a millisecond. The request runs between two\n"
         "bytecodes in the first thread that runs Python code (3.11: the main\n"
         "thread), never at an arbitrary instruction. When every thread waits in C\n"
         "(3.12+), leaktop says where each one waits and exits with status 3.\n",
         out);
}

static int SnapshotCommand_parse(int argc, char** argv, SnapshotOptions* opts) {
   static const struct option longOptions[] = {
         {"json", no_argument, NULL, 'j'},
         {"top", required_argument, NULL, 'n'},
         {"frames", required_argument, NULL, 'f'},
         {"start-tracemalloc", optional_argument, NULL, 's'},
         {"stop-tracemalloc", no_argument, NULL, 'S'},
         {"trim", no_argument, NULL, 't'},
         {"wake", no_argument, NULL, 'w'},
         {"timeout", required_argument, NULL, 'T'},
         {"every", required_argument, NULL, 'e'},
         {"count", required_argument, NULL, 'c'},
         {"help", no_argument, NULL, 'h'},
         {NULL, 0, NULL, 0},
   };
   memset(opts, 0, sizeof(*opts));
   SnapshotRequest_init(&opts->req, 0);
   opts->timeout = DEFAULT_TIMEOUT;
   double v;
   optind = 1;
   int c;
   while ((c = getopt_long(argc, argv, "h", longOptions, NULL)) != -1) {
      switch (c) {
      case 'j':
         opts->json = true;
         break;
      case 'n':
         if (!CommandLine_number(optarg, 1, 200, &v))
            return Command_usageError(&SnapshotCommand_entry, "--top takes a count from 1 to 200");
         opts->req.top = (int)v;
         break;
      case 'f':
         if (!CommandLine_number(optarg, 1, 100, &v))
            return Command_usageError(&SnapshotCommand_entry,
                                      "--frames takes a depth from 1 to 100");
         opts->req.frames = (int)v;
         break;
      case 's':
         v = 1;
         if (optarg && !CommandLine_number(optarg, 1, 100, &v))
            return Command_usageError(&SnapshotCommand_entry,
                                      "--start-tracemalloc takes frames from 1 to 100");
         opts->req.startTracemalloc = (int)v;
         break;
      case 'S':
         opts->req.stopTracemalloc = true;
         break;
      case 't':
         opts->req.trim = true;
         break;
      case 'w':
         opts->wake = true;
         break;
      case 'T':
         if (!CommandLine_number(optarg, 0.1, 3600, &opts->timeout))
            return Command_usageError(&SnapshotCommand_entry,
                                      "--timeout takes seconds, 0.1 to 3600");
         break;
      case 'e':
         if (!CommandLine_number(optarg, 1, 86400, &opts->every))
            return Command_usageError(&SnapshotCommand_entry, "--every takes seconds, 1 to 86400");
         break;
      case 'c':
         if (!CommandLine_number(optarg, 1, 1e9, &v))
            return Command_usageError(&SnapshotCommand_entry,
                                      "--count takes a number of snapshots");
         opts->count = (long)v;
         break;
      case 'h':
         SnapshotCommand_usage(stdout);
         return 0;
      default:
         return Command_tryHelp(&SnapshotCommand_entry);
      }
   }
   if (opts->count && !opts->every)
      return Command_usageError(&SnapshotCommand_entry, "--count needs --every");
   if (opts->req.frames > 0 && opts->req.startTracemalloc > 0 &&
       opts->req.frames > opts->req.startTracemalloc)
      opts->req.startTracemalloc = opts->req.frames;
   const char* why = NULL;
   opts->pid = CommandLine_pidOperand(argc, argv, optind, &why);
   if (!opts->pid)
      return Command_usageError(&SnapshotCommand_entry, why);
   return -1;
}

/* Waits for the job's answer, saying once what the worker is doing when
   it takes a while, and waking it when asked to. */
static SnapshotJobState SnapshotCommand_wait(SnapshotJob* job, const SnapshotOptions* opts) {
   bool said = false, woken = false;
   char msg[512];
   for (;;) {
      SnapshotJobState state = SnapshotJob_poll(job, msg, sizeof(msg));
      if (state == SNAPSHOT_JOB_FAILED)
         fprintf(stderr, "leaktop snapshot: %s\n", msg);
      if (state == SNAPSHOT_JOB_IDLE) {
         fprintf(stderr, "leaktop snapshot: %s; %s\n", msg, SnapshotJob_fate(job));
         return SNAPSHOT_JOB_WAITING;
      }
      if (state != SNAPSHOT_JOB_WAITING)
         return state;
      double age = SnapshotJob_age(job);
      int sig;
      const char* wake = SnapshotJob_wakeSignal(job, &sig);
      if (opts->wake && wake && !woken && age >= WAKE_AFTER_S) {
         woken = SnapshotJob_wake(job);
         if (woken)
            fprintf(stderr, "leaktop snapshot: %s; sent %s\n", msg, wake);
      }
      if (!said && age >= SAY_WAITING_S) {
         said = true;
         fprintf(stderr, "leaktop snapshot: %s\n", msg);
         if (wake && !opts->wake)
            fprintf(stderr, "leaktop snapshot: --wake would send %s\n", wake);
      }
      if (age >= opts->timeout) {
         fprintf(stderr, "leaktop snapshot: no answer within %.1f s; %s\n", opts->timeout,
                 SnapshotJob_fate(job));
         return SNAPSHOT_JOB_WAITING;
      }
      XUtils_sleepMs(POLL_MS);
   }
}

/* Parses, compares with the previous snapshot of this worker generation,
   prints, and stores. */
static int SnapshotCommand_report(const SnapshotJob* job, const SnapshotOptions* opts,
                                  unsigned long long startTicks, double took) {
   size_t len;
   const char* text = SnapshotJob_result(job, &len);
   Snapshot snap;
   char err[512];
   if (!Snapshot_parse(text, len, &snap, err, sizeof(err))) {
      fprintf(stderr, "leaktop snapshot: the worker's answer is not usable: %s\n", err);
      return 1;
   }
   snap.hostPid = opts->pid;
   snap.startTicks = startTicks;
   snprintf(snap.route, sizeof(snap.route), "%s", SnapshotJob_route(job));
   Snapshot before;
   bool haveBefore;
   if (!SnapshotStore_exchange(&snap, &before, &haveBefore, err, sizeof(err)))
      fprintf(stderr, "leaktop snapshot: not stored: %s\n", err);
   SnapshotDiff diff = {0};
   if (haveBefore)
      SnapshotDiff_compute(&before, &snap, &diff);
   const InjectReport* report = SnapshotJob_report(job);
   if (opts->json) {
      SnapshotOutput_json(&snap, haveBefore ? &diff : NULL, stdout);
   } else {
      printf("Snapshot of %d via %s: answered in %.0f ms", (int)opts->pid, SnapshotJob_route(job),
             took * 1000.0);
      if (report->threads > 0)
         printf(", %d thread%s paused %.2f ms at most", report->threads,
                report->threads == 1 ? "" : "s", report->pauseMs);
      printf("\n");
      SnapshotOutput_text(&snap, haveBefore ? &diff : NULL, stdout);
   }
   if (haveBefore) {
      SnapshotDiff_done(&diff);
      Snapshot_done(&before);
   }
   Snapshot_done(&snap);
   fflush(stdout);
   return 0;
}

static int SnapshotCommand_once(SnapshotOptions* opts, unsigned seq) {
   ProcStat stat;
   ProcStatus status;
   if (!ProcFiles_sample(opts->pid, &stat, &status)) {
      fprintf(stderr, "leaktop snapshot: process %d does not exist\n", (int)opts->pid);
      return 1;
   }
   opts->req.seq = seq;
   char err[512] = "";
   double started = XUtils_monotonicNow();
   SnapshotJob* job = SnapshotJob_start(opts->pid, &opts->req, opts->wake, err, sizeof(err));
   if (!job) {
      fprintf(stderr, "leaktop snapshot: %s\n", err);
      return 1;
   }
   SnapshotJobState state = SnapshotCommand_wait(job, opts);
   int exitStatus =
         state == SNAPSHOT_JOB_DONE
               ? SnapshotCommand_report(job, opts, stat.startTicks, XUtils_monotonicNow() - started)
         : state == SNAPSHOT_JOB_WAITING ? EXIT_TIMED_OUT
                                         : 1;
   SnapshotJob_free(job);
   return exitStatus;
}

static int SnapshotCommand_run(int argc, char** argv) {
   SnapshotOptions opts;
   int status = SnapshotCommand_parse(argc, argv, &opts);
   if (status >= 0)
      return status;
   unsigned seq = SnapshotRequest_freshSeq();
   for (long taken = 0;; taken++) {
      status = SnapshotCommand_once(&opts, seq + (unsigned)taken);
      /* Tracing starts once; later snapshots of the series only read it. */
      opts.req.startTracemalloc = 0;
      if (!opts.every || status == 1 || (opts.count && taken + 1 >= opts.count))
         return status;
      XUtils_sleepMs((int)(opts.every * 1000.0));
   }
}

const Command SnapshotCommand_entry = {
      .name = "snapshot",
      .usage = "PID [OPTION]...",
      .summary = "have a CPython worker report its heap and what grew since the last one",
      .flags = CMD_NEEDS_PID | CMD_STOPS_TARGET,
      .run = SnapshotCommand_run,
};
