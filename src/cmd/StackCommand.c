/* leaktop stack PID: the stack of every thread of one process, once or sampled. */
#include "config.h"

#include "cmd/Command.h"

#include "CommandLine.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sample/ProcFiles.h"
#include "target/CPythonLayout.h"
#include "stacks/ProfileStore.h"
#include "stacks/ProfileTree.h"
#include "target/PtraceThreads.h"
#include "stacks/StackOutput.h"
#include "stacks/StackProfile.h"
#include "stacks/StackSession.h"
#include "util/XUtils.h"

#define DEFAULT_RATE_HZ 100.0
#define MAX_RATE_HZ     1000.0
#define TOP_STACKS      10

typedef struct {
   pid_t pid;
   bool pythonOnly;
   bool json;
   double duration; /* seconds; 0 for one dump */
   double rate;     /* samples per second */
   const char* folded;
} StackOptions;

static void StackCommand_usage(FILE* out) {
   fputs("Usage: leaktop stack PID [--python-only] [--json]\n"
         "       leaktop stack PID --duration SECONDS [--rate HZ] [--folded FILE]\n"
         "                     [--python-only]\n"
         "Print the stack of every thread of process PID: native frames (libunwind)\n"
         "merged with the CPython frames each interpreter loop runs (function, file,\n"
         "line), the thread's name and state, and which thread holds the GIL.\n"
         "With --duration, sample the stacks instead and print the top stacks with\n"
         "the share of samples each was seen in.\n"
         "\n"
         "  --python-only     read only the interpreter's memory; never stops the target\n"
         "  --json            one JSON object instead of text (one dump)\n"
         "  --duration SECS   sample for this long\n"
         "  --rate HZ         samples per second (default 100)\n"
         "  --folded FILE     also write the profile in the folded-stack format\n"
         "                    (flamegraph.pl, speedscope); - for standard output\n"
         "  -h, --help        display this help and exit\n"
         "\n"
         "Without --python-only each sample stops every thread with ptrace only while\n"
         "its registers and stack are copied (well under a millisecond), resumes it,\n"
         "and unwinds afterwards. CPython " CPYTHON_SUPPORTED " are\n"
         "supported; other processes get native frames only.\n",
         out);
}

static int StackCommand_parse(int argc, char** argv, StackOptions* opts) {
   static const struct option longOptions[] = {
         {"python-only", no_argument, NULL, 'P'},
         {"json", no_argument, NULL, 'j'},
         {"duration", required_argument, NULL, 'd'},
         {"rate", required_argument, NULL, 'r'},
         {"folded", required_argument, NULL, 'f'},
         {"help", no_argument, NULL, 'h'},
         {NULL, 0, NULL, 0},
   };
   memset(opts, 0, sizeof(*opts));
   opts->rate = DEFAULT_RATE_HZ;
   bool rateGiven = false;
   optind = 1;
   int c;
   while ((c = getopt_long(argc, argv, "h", longOptions, NULL)) != -1) {
      switch (c) {
      case 'P':
         opts->pythonOnly = true;
         break;
      case 'j':
         opts->json = true;
         break;
      case 'd':
         if (!CommandLine_number(optarg, 0.001, 86400.0, &opts->duration))
            return Command_usageError(&StackCommand_entry, "--duration takes seconds, more than 0");
         break;
      case 'r':
         if (!CommandLine_number(optarg, 0.1, MAX_RATE_HZ, &opts->rate))
            return Command_usageError(&StackCommand_entry,
                                      "--rate takes samples per second, 0.1 to 1000");
         rateGiven = true;
         break;
      case 'f':
         opts->folded = optarg;
         break;
      case 'h':
         StackCommand_usage(stdout);
         return 0;
      default:
         return Command_tryHelp(&StackCommand_entry);
      }
   }
   if (opts->duration == 0 && (rateGiven || opts->folded))
      return Command_usageError(&StackCommand_entry, "--rate and --folded need --duration");
   if (opts->duration > 0 && opts->json)
      return Command_usageError(&StackCommand_entry,
                                "--json prints one dump: leave out --duration");
   const char* why = NULL;
   opts->pid = CommandLine_pidOperand(argc, argv, optind, &why);
   if (!opts->pid)
      return Command_usageError(&StackCommand_entry, why);
   return -1;
}

/* The generation of opts->pid, for the profile store; 0 (said) when the
   process has ended. */
static unsigned long long StackCommand_startTicks(const StackOptions* opts) {
   ProcStat stat;
   ProcStatus status;
   if (ProcFiles_sample(opts->pid, &stat, &status))
      return stat.startTicks;
   fprintf(stderr, "leaktop stack: profile not stored: process %d has ended\n", (int)opts->pid);
   return 0;
}

/* The profile's folded stacks into the profile store, so that a recorder
   running on the host keeps them; a failure is said, not fatal. */
static void StackCommand_save(const StackOptions* opts, const StackProfile* profile,
                              const ProfileTree* tree, const StackDump* last, double took) {
   unsigned long long startTicks = StackCommand_startTicks(opts);
   if (!startTicks)
      return;
   ProfileInfo info;
   ProfileStore_describe(&info, opts->pid, startTicks, profile, last, took, opts->pythonOnly);
   char err[512];
   if (!ProfileStore_saveTree(&info, tree, err, sizeof(err)))
      fprintf(stderr, "leaktop stack: profile not stored: %s\n", err);
}

static int StackCommand_dump(StackSession* session, const StackOptions* opts) {
   StackDump dump = {0};
   char err[512] = "";
   if (!StackSession_sample(session, &dump, err, sizeof(err))) {
      fprintf(stderr, "leaktop stack: %s\n", err);
      StackDump_done(&dump);
      return 1;
   }
   if (dump.warning[0])
      fprintf(stderr, "leaktop stack: %s\n", dump.warning);
   if (opts->json)
      StackOutput_json(&dump, stdout);
   else
      StackOutput_text(&dump, stdout);
   fflush(stdout);
   unsigned long long startTicks = StackCommand_startTicks(opts);
   if (startTicks &&
       !ProfileStore_saveDump(opts->pid, startTicks, &dump, opts->pythonOnly, err, sizeof(err)))
      fprintf(stderr, "leaktop stack: profile not stored: %s\n", err);
   StackDump_done(&dump);
   return 0;
}

static void StackCommand_sleepUntil(double when) {
   double left = when - XUtils_monotonicNow();
   if (left <= 0)
      return;
   struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
   while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
   }
}

/* Samples for opts->duration at opts->rate into profile; false (err set)
   when not a single sample could be taken. */
static bool StackCommand_sampleLoop(StackSession* session, const StackOptions* opts,
                                    StackProfile* profile, StackDump* last, char* err,
                                    size_t errSize) {
   double start = XUtils_monotonicNow(), period = 1.0 / opts->rate;
   double next = start;
   while (XUtils_monotonicNow() < start + opts->duration) {
      if (!StackSession_sample(session, last, err, errSize))
         break; /* the process exited: keep what was sampled */
      StackProfile_add(profile, last);
      next += period;
      if (next < XUtils_monotonicNow())
         next = XUtils_monotonicNow(); /* behind: no burst to catch up */
      StackCommand_sleepUntil(next);
   }
   PtraceThreads_release();
   return profile->samples > 0;
}

static int StackCommand_profile(StackSession* session, const StackOptions* opts) {
   StackProfile profile = {0};
   StackDump last = {0};
   char err[512] = "";
   double start = XUtils_monotonicNow();
   if (!StackCommand_sampleLoop(session, opts, &profile, &last, err, sizeof(err))) {
      fprintf(stderr, "leaktop stack: %s\n", err);
      StackDump_done(&last);
      return 1;
   }
   double took = XUtils_monotonicNow() - start;
   /* Every thread's stack counts, idle ones too: what the top stacks say. */
   ProfileTree tree;
   ProfileTree_build(&tree, &profile, false, true);
   int status = 0;
   if (opts->folded) {
      bool toStdout = strcmp(opts->folded, "-") == 0;
      FILE* f = toStdout ? stdout : fopen(opts->folded, "w");
      if (!f) {
         fprintf(stderr, "leaktop stack: cannot write %s: %s\n", opts->folded, strerror(errno));
         status = 1;
      } else {
         ProfileTree_folded(&tree, f);
         if (!toStdout && fclose(f) != 0) {
            fprintf(stderr, "leaktop stack: cannot write %s: %s\n", opts->folded, strerror(errno));
            status = 1;
         }
      }
   }
   if (!opts->folded || strcmp(opts->folded, "-") != 0) {
      printf("Profile of process %d (%s)", (int)last.pid, last.command);
      if (last.python[0])
         printf(", CPython %s", last.python);
      printf(": %ld samples in %.1f s (%.0f Hz asked), %s\n", profile.samples, took, opts->rate,
             opts->pythonOnly ? "Python frames only, never stopped" : "native frames");
      if (profile.samplePauseCount > 0) {
         double sMed = StackProfile_quantile(profile.samplePauses, profile.samplePauseCount, 0.5);
         double sP99 = StackProfile_quantile(profile.samplePauses, profile.samplePauseCount, 0.99);
         double tMed = StackProfile_quantile(profile.threadPauses, profile.threadPauseCount, 0.5);
         double tP99 = StackProfile_quantile(profile.threadPauses, profile.threadPauseCount, 0.99);
         printf("Pause per thread per sample: median %.3f ms, p99 %.3f ms; "
                "per sample: median %.3f ms, p99 %.3f ms\n",
                tMed, tP99, sMed, sP99);
      }
      ProfileTree_top(&tree, TOP_STACKS, stdout);
   }
   fflush(stdout);
   StackCommand_save(opts, &profile, &tree, &last, took);
   ProfileTree_done(&tree);
   StackProfile_done(&profile);
   StackDump_done(&last);
   return status;
}

static int StackCommand_run(int argc, char** argv) {
   StackOptions opts;
   int status = StackCommand_parse(argc, argv, &opts);
   if (status >= 0)
      return status;
   char err[512] = "";
   StackSession* session = StackSession_open(opts.pid, opts.pythonOnly, err, sizeof(err));
   if (!session) {
      fprintf(stderr, "leaktop stack: %s\n", err);
      return 1;
   }
   status = opts.duration > 0 ? StackCommand_profile(session, &opts)
                              : StackCommand_dump(session, &opts);
   StackSession_free(session);
   return status;
}

const Command StackCommand_entry = {
      .name = "stack",
      .usage = "PID [OPTION]...",
      .summary = "print every thread's stack, native and Python frames merged, or profile",
      .flags = CMD_NEEDS_PID | CMD_STOPS_TARGET,
      .run = StackCommand_run,
};
