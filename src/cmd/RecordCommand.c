/* leaktop record [TARGET]...: the flight recorder; it samples the chosen trees every tick into a
 * recording directory (doc/recording-format.md) until SIGTERM or SIGINT. */
#include "config.h"

#include "cmd/Command.h"

#include "CommandLine.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "export/Exporter.h"
#include "export/MetricsServer.h"
#include "model/Machine.h"
#include "record/Recorder.h"
#include "record/ResultEvents.h"
#include "record/Store.h"
#include "record/StoreDir.h"
#include "replay/Replay.h"
#include "replay/ReplayPrime.h"
#include "sample/SampleSource.h"
#include "util/Format.h"
#include "util/XUtils.h"

/* Below this a cap holds little more than the two journals and one segment
   of each tier: the oldest data would go at every append. */
#define RECORD_MIN_MAX_BYTES (1ULL << 20)
/* --group names, one per target tree. */
#define RECORD_GROUP_NAMES_MAX 32

typedef struct RecordOptions {
   Options opts;
   const char* dir; /* NULL: the default */
   unsigned long long maxBytes;
   const char* listen;   /* --listen ADDR:PORT, NULL for none */
   const char* textfile; /* --textfile PATH, NULL for none */
   const char* groupNames[RECORD_GROUP_NAMES_MAX];
   int groupNameCount;
   bool exportPid;
} RecordOptions;

static volatile sig_atomic_t RecordCommand_stop;

static void RecordCommand_onSignal(int sig) {
   (void)sig;
   RecordCommand_stop = 1;
}

static void RecordCommand_usage(FILE* out) {
   fputs("Usage: leaktop record [PATTERN]... [--dir DIR] [-d SECONDS] [--smaps-interval S]\n"
         "                      [--max-size SIZE] [--listen ADDR:PORT] [--textfile PATH]\n"
         "   or: leaktop record -p PID[,PID...] [OPTION]...\n"
         "Record the memory of Python service trees, every tick, into a recording that\n"
         "leaktop replay and leaktop dump read. It runs in the foreground until SIGTERM\n"
         "or SIGINT. With no target, every Python service tree is recorded as trees\n"
         "appear and disappear; a PATTERN selects trees as the dashboard's does.\n"
         "\n"
         "  -p, --pid=PID[,PID...]   record the subtree of each PID\n"
         "      --dir=DIR            the recording directory (created 0700); default\n"
         "                           " STORE_DIR_SYSTEM " as root, else\n"
         "                           $XDG_STATE_HOME/leaktop/recordings\n"
         "                           (~/.local/state/leaktop/recordings)\n"
         "  -d, --delay=SECONDS      seconds between ticks (default 1)\n"
         "      --smaps-interval=S   seconds between PSS/USS/swap reads (default 10)\n"
         "      --max-size=SIZE      the cap on the directory: 256M, 1G, 512K or bytes\n"
         "                           (default 256M, at least 1M); the oldest data goes\n"
         "      --traffic=SOURCE     the traffic signal, as the dashboard takes it\n"
         "      --listen=ADDR:PORT   serve Prometheus metrics at http://ADDR:PORT/metrics\n"
         "                           (OpenMetrics or text 0.0.4, as the scraper asks);\n"
         "                           ADDR is 127.0.0.1 when only :PORT is given\n"
         "      --textfile=PATH      write the metrics to PATH (a .prom file) every tick,\n"
         "                           atomically, for node_exporter's textfile collector\n"
         "      --group=NAME         the group label of the next target's tree (default:\n"
         "                           the master's command name); repeat per target\n"
         "      --export-pid         also export leaktop_worker_info{pid} per slot\n"
         "  -h, --help               display this help and exit\n"
         "\n"
         "A second recorder on the same directory is refused. A full disk costs the\n"
         "oldest data, never the recorder. Exit status: 0 after SIGTERM or SIGINT,\n"
         "1 when the directory or a target is refused, 2 on a usage error.\n",
         out);
}

enum {
   OPT_DIR = 256,
   OPT_SMAPS_INTERVAL,
   OPT_MAX_SIZE,
   OPT_TRAFFIC,
   OPT_LISTEN,
   OPT_TEXTFILE,
   OPT_GROUP,
   OPT_EXPORT_PID
};

static bool RecordCommand_group(const char* name, RecordOptions* ro) {
   if (!name[0] || strpbrk(name, "\"\\\n")) {
      fprintf(stderr,
              "leaktop record: --group '%s': a name is not empty and has no quote, "
              "backslash or newline\n",
              name);
      return false;
   }
   if (ro->groupNameCount == RECORD_GROUP_NAMES_MAX) {
      fprintf(stderr, "leaktop record: at most %d --group names\n", RECORD_GROUP_NAMES_MAX);
      return false;
   }
   ro->groupNames[ro->groupNameCount++] = name;
   return true;
}

static bool RecordCommand_maxSize(const char* text, unsigned long long* bytes) {
   if (!CommandLine_parseSize(text, bytes)) {
      fprintf(stderr, "leaktop record: invalid size '%s' (e.g. 256M, 1G, 512K or bytes)\n", text);
      return false;
   }
   if (*bytes < RECORD_MIN_MAX_BYTES) {
      fprintf(stderr,
              "leaktop record: --max-size %s is below the store's minimum of 1M: a smaller cap "
              "would delete the oldest data at every tick\n",
              text);
      return false;
   }
   return true;
}

/* One option: -1 to go on, else the exit status. */
static int RecordCommand_option(int c, const char* arg, RecordOptions* ro) {
   bool ok = true;
   switch (c) {
   case 'p':
      ok = CommandLine_parsePids(arg, &ro->opts);
      break;
   case 'd':
      ok = CommandLine_durationOption(arg, 0.1, "delay", " (seconds, at least 0.1)",
                                      &ro->opts.delay);
      break;
   case OPT_SMAPS_INTERVAL:
      ok = CommandLine_durationOption(arg, 0, "smaps interval", "", &ro->opts.smapsInterval);
      break;
   case OPT_DIR:
      ro->dir = arg;
      break;
   case OPT_MAX_SIZE:
      ok = RecordCommand_maxSize(arg, &ro->maxBytes);
      break;
   case OPT_TRAFFIC:
      ro->opts.traffic = arg;
      break;
   case OPT_LISTEN: {
      char host[64], err[256];
      unsigned port;
      ok = MetricsServer_parseSpec(arg, host, sizeof(host), &port, err, sizeof(err));
      if (!ok)
         fprintf(stderr, "leaktop record: --listen %s\n", err);
      ro->listen = arg;
      break;
   }
   case OPT_TEXTFILE:
      ro->textfile = arg;
      break;
   case OPT_GROUP:
      ok = RecordCommand_group(arg, ro);
      break;
   case OPT_EXPORT_PID:
      ro->exportPid = true;
      break;
   case 'h':
      RecordCommand_usage(stdout);
      return 0;
   default:
      ok = false;
   }
   return ok ? -1 : Command_tryHelp(&RecordCommand_entry);
}

static int RecordCommand_parse(int argc, char** argv, RecordOptions* ro) {
   static const struct option longOptions[] = {
         {"pid", required_argument, NULL, 'p'},
         {"dir", required_argument, NULL, OPT_DIR},
         {"delay", required_argument, NULL, 'd'},
         {"smaps-interval", required_argument, NULL, OPT_SMAPS_INTERVAL},
         {"max-size", required_argument, NULL, OPT_MAX_SIZE},
         {"traffic", required_argument, NULL, OPT_TRAFFIC},
         {"listen", required_argument, NULL, OPT_LISTEN},
         {"textfile", required_argument, NULL, OPT_TEXTFILE},
         {"group", required_argument, NULL, OPT_GROUP},
         {"export-pid", no_argument, NULL, OPT_EXPORT_PID},
         {"help", no_argument, NULL, 'h'},
         {NULL, 0, NULL, 0},
   };
   memset(ro, 0, sizeof(*ro));
   CommandLine_defaults(&ro->opts);
   ro->maxBytes = STORE_DEFAULT_MAX_BYTES;
   optind = 1;
   int c;
   while ((c = getopt_long(argc, argv, "p:d:h", longOptions, NULL)) != -1) {
      int status = RecordCommand_option(c, optarg, ro);
      if (status >= 0)
         return status;
   }
   return CommandLine_targets(argc, argv, optind, false, &ro->opts, &RecordCommand_entry);
}

/* The store's messages (full disk, dropped data, a torn tail cut), with the
   time, so that a journal or a log file says when. */
static void RecordCommand_log(void* ctx, const char* message) {
   (void)ctx;
   char stamp[32];
   time_t now = time(NULL);
   struct tm tm;
   if (!localtime_r(&now, &tm) || !strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S%z", &tm))
      snprintf(stamp, sizeof(stamp), "@%lld", (long long)now);
   fprintf(stderr, "leaktop record: %s %s\n", stamp, message);
}

static void RecordCommand_signals(void) {
   struct sigaction sa;
   memset(&sa, 0, sizeof(sa));
   sa.sa_handler = RecordCommand_onSignal;
   sigemptyset(&sa.sa_mask);
   /* No SA_RESTART: the wait between ticks ends at once. */
   sigaction(SIGTERM, &sa, NULL);
   sigaction(SIGINT, &sa, NULL);
   signal(SIGPIPE, SIG_IGN);
}

/* Sleeps until next (monotonic), or until a signal asks to stop. */
static void RecordCommand_waitUntil(struct timespec* next, double delay) {
   long long ns = next->tv_nsec + (long long)(delay * 1e9);
   next->tv_sec += (time_t)(ns / 1000000000LL);
   next->tv_nsec = (long)(ns % 1000000000LL);
   struct timespec now;
   clock_gettime(CLOCK_MONOTONIC, &now);
   /* Far behind (a suspend, a stopped process): start the schedule again
      rather than catch up with a burst of ticks. */
   if (now.tv_sec > next->tv_sec + 5)
      *next = now;
   while (!RecordCommand_stop &&
          clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, next, NULL) == EINTR)
      ;
}

static void RecordCommand_announce(const RecordOptions* ro, const char* dir,
                                   const Exporter* exporter) {
   char cap[32];
   Format_size(cap, sizeof(cap), ro->maxBytes / 1024);
   const Options* o = &ro->opts;
   const char* what = o->mode == TARGET_PIDS       ? "the subtrees of the PIDs given"
                      : o->mode == TARGET_PATTERNS ? "the trees matching the patterns given"
                                                   : "every Python service tree";
   printf("leaktop record: recording %s into %s (cap %s, a tick every %g s, smaps every %g s)\n",
          what, dir, cap, o->delay, o->smapsInterval);
   const char* address = exporter ? Exporter_address(exporter) : NULL;
   if (address)
      printf("leaktop record: serving metrics at http://%s/metrics\n", address);
   if (ro->textfile)
      printf("leaktop record: writing metrics to %s every tick\n", ro->textfile);
   fflush(stdout);
   if (exporter && !Exporter_loopback(exporter))
      fprintf(stderr,
              "leaktop record: the metrics listen on %s, which is not a loopback address: "
              "anyone who can reach it reads them\n",
              address);
}

/* The snapshots a poll found go to their processes too, as in replay: a
   worker's verdict then knows whether its growth is native. */
static void RecordCommand_giveSnapshots(Machine* machine, const Recorder* recorder) {
   for (int i = 0; i < Recorder_eventCount(recorder); i++)
      Replay_giveSnapshot(machine, Recorder_event(recorder, i));
}

/* Ticks until a signal, or until every explicit target has ended. The
   result stores are looked at once per smaps round: a snapshot or profile
   is a marker at the tick it is noticed, a few seconds late at most. */
static void RecordCommand_loop(Machine* machine, Recorder* recorder, Store* store,
                               Exporter* exporter, const Options* opts) {
   struct timespec next;
   clock_gettime(CLOCK_MONOTONIC, &next);
   ResultEvents* results = ResultEvents_new(XUtils_wallNow(), RecordCommand_log, NULL);
   double lastPoll = -1;
   unsigned long long writeErrors = 0;
   while (!RecordCommand_stop) {
      Machine_scan(machine);
      Recorder_capture(recorder, machine);
      double now = XUtils_monotonicNow();
      if (lastPoll < 0 || now - lastPoll >= opts->smapsInterval) {
         if (ResultEvents_poll(results, recorder) > 0)
            RecordCommand_giveSnapshots(machine, recorder);
         lastPoll = now;
      }
      if (Recorder_write(recorder, store) != 0)
         writeErrors++;
      if (exporter)
         Exporter_tick(exporter, machine, Store_bytes(store), writeErrors);
      if (Machine_allTargetsGone(machine)) {
         fputs("leaktop record: every target has ended; the recording is closed\n", stderr);
         break;
      }
      RecordCommand_waitUntil(&next, opts->delay);
   }
   ResultEvents_delete(results);
}

static int RecordCommand_record(RecordOptions* ro, const char* dir) {
   StoreConfig config;
   StoreConfig_defaults(&config, dir);
   config.maxBytes = ro->maxBytes;
   config.log = RecordCommand_log;
   char err[1024] = "";
   Machine* machine = Machine_new(&ro->opts, err, sizeof(err));
   if (!machine) {
      fprintf(stderr, "leaktop record: %s\n", err);
      return 1;
   }
   /* Everything a tick stores, smaps_rollup included; the fds' kinds are
      not stored (doc/recording-format.md), so they are not read. */
   machine->scanFlags = SCAN_SMAPS;
   /* Before the store, so that a port in use leaves no directory behind. */
   Exporter* exporter = NULL;
   if (ro->listen || ro->textfile) {
      ExporterConfig ec = {.listen = ro->listen,
                           .textfile = ro->textfile,
                           .groupNames = ro->groupNames,
                           .groupNameCount = ro->groupNameCount,
                           .exportPid = ro->exportPid,
                           .log = RecordCommand_log};
      exporter = Exporter_new(&ec, err, sizeof(err));
      if (!exporter) {
         fprintf(stderr, "leaktop record: %s\n", err);
         Machine_delete(machine);
         return 1;
      }
   }
   Store* store = Store_open(&config, err, sizeof(err));
   if (!store) {
      fprintf(stderr, "leaktop record: %s\n", err);
      Exporter_delete(exporter);
      Machine_delete(machine);
      return 1;
   }
   Recorder* recorder = Recorder_new(Store_schema(store), getpid(), config.writer);
   /* After a crash or a restart the classifier goes on from the recorded
      history rather than from zero. */
   char note[600];
   ReplayPrime_fromDir(machine, dir, note, sizeof(note));
   if (note[0])
      fprintf(stderr, "leaktop record: %s\n", note);
   RecordCommand_announce(ro, dir, exporter);
   RecordCommand_loop(machine, recorder, store, exporter, &ro->opts);
   int rc = Store_close(store);
   if (rc != 0)
      fprintf(stderr, "leaktop record: the recording's last data could not be written: %s\n",
              strerror(rc));
   Recorder_delete(recorder);
   Exporter_delete(exporter);
   Machine_delete(machine);
   return 0;
}

static int RecordCommand_run(int argc, char** argv) {
   RecordOptions ro;
   int status = RecordCommand_parse(argc, argv, &ro);
   if (status >= 0) {
      CommandLine_done(&ro.opts);
      return status;
   }
   char dir[4096];
   char err[512];
   if (ro.dir) {
      snprintf(dir, sizeof(dir), "%s", ro.dir);
   } else if (!StoreDir_default(dir, sizeof(dir), err, sizeof(err))) {
      fprintf(stderr, "leaktop record: %s\n", err);
      CommandLine_done(&ro.opts);
      return 1;
   }
   RecordCommand_signals();
   status = RecordCommand_record(&ro, dir);
   CommandLine_done(&ro.opts);
   return status;
}

const Command RecordCommand_entry = {
      .name = "record",
      .usage = "[PATTERN]... [-p PID] [--dir DIR] [-d SECONDS] [--max-size SIZE]",
      .summary = "record the trees every tick into a recording, until SIGTERM",
      .flags = 0,
      .run = RecordCommand_run,
};
