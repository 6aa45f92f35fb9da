/* leaktop dump [--dir DIR | FILE] [--from TIME] [--to TIME] [--format jsonl|csv]: a recording
   as JSON Lines in the --batch schema, one object per tick, or as CSV, one row per process per
   tick, for scripts and reports. */
#include "config.h"

#include "cmd/Command.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/Classifier.h"
#include "model/Machine.h"
#include "output/Batch.h"
#include "replay/Replay.h"
#include "replay/ReplayWindow.h"

typedef enum DumpFormat { DUMP_JSONL, DUMP_CSV } DumpFormat;

typedef struct DumpOptions {
   const char* path;
   const char* from;
   const char* to;
   DumpFormat format;
} DumpOptions;

static void DumpCommand_usage(FILE* out) {
   fputs("Usage: leaktop dump [--dir DIR | FILE] [--from TIME] [--to TIME] [--format jsonl|csv]\n"
         "Writes a recording that `leaktop record` made to stdout: JSON Lines in the\n"
         "schema of `leaktop --batch`, one object per tick (the verdicts recomputed from\n"
         "the recorded samples, as replay does), or CSV, one row per process per tick.\n"
         "Where only the 1 min consolidation is left, its ticks are written. The time\n"
         "ranges lost to damage are said on stderr.\n"
         "\n"
         "      --dir=DIR        the recording directory; default /var/lib/leaktop as\n"
         "                       root, else $XDG_STATE_HOME/leaktop/recordings\n"
         "  FILE                 one segment or journal file of a recording instead\n"
         "      --from=TIME      the first tick written (default: the recording's start)\n"
         "      --to=TIME        the last (default: the newest data); TIME is 14:05,\n"
         "                       14:05:30, 2h ago, 2026-12-04T14:05[Z|+01:00], @SECONDS\n"
         "      --format=FORMAT  jsonl (default) or csv\n"
         "  -h, --help           display this help and exit\n"
         "\n"
         "Exit status: 0 on success, also when parts were lost (said on stderr); 1 when\n"
         "the recording cannot be read or the times are outside it; 2 on a usage error.\n",
         out);
}

enum { OPT_DIR = 256, OPT_FROM, OPT_TO, OPT_FORMAT };

static int DumpCommand_parse(int argc, char** argv, DumpOptions* d) {
   static const struct option longOptions[] = {
         {"dir", required_argument, NULL, OPT_DIR}, {"from", required_argument, NULL, OPT_FROM},
         {"to", required_argument, NULL, OPT_TO},   {"format", required_argument, NULL, OPT_FORMAT},
         {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
   };
   memset(d, 0, sizeof(*d));
   optind = 1;
   int c;
   while ((c = getopt_long(argc, argv, "h", longOptions, NULL)) != -1) {
      switch (c) {
      case OPT_DIR:
         d->path = optarg;
         break;
      case OPT_FROM:
         d->from = optarg;
         break;
      case OPT_TO:
         d->to = optarg;
         break;
      case OPT_FORMAT:
         if (strcmp(optarg, "jsonl") == 0)
            d->format = DUMP_JSONL;
         else if (strcmp(optarg, "csv") == 0)
            d->format = DUMP_CSV;
         else
            return Command_usageError(&DumpCommand_entry, "--format takes jsonl or csv");
         break;
      case 'h':
         DumpCommand_usage(stdout);
         return 0;
      default:
         return Command_tryHelp(&DumpCommand_entry);
      }
   }
   if (optind < argc && d->path)
      return Command_usageError(&DumpCommand_entry, "give --dir DIR or FILE, not both");
   if (argc - optind > 1)
      return Command_usageError(&DumpCommand_entry, "one recording at a time");
   if (optind < argc)
      d->path = argv[optind];
   return -1;
}

/* ---- CSV ---------------------------------------------------------------- */

static const char DumpCommand_csvHeader[] =
      "time,tree,pid,start_ticks,ppid,name,role,generation,state,rss_kib,rss_anon_kib,"
      "rss_file_kib,rss_shmem_kib,peak_rss_kib,pss_kib,uss_kib,swap_kib,cpu_pct,"
      "ctx_voluntary,ctx_involuntary,traffic_delta,idle,growth_kib_per_min,verdict\n";

/* A text field: quoted, quotes doubled (RFC 4180). */
static void DumpCommand_csvText(FILE* out, const char* text) {
   fputc('"', out);
   for (const char* c = text; *c; c++) {
      if (*c == '"')
         fputc('"', out);
      fputc(*c, out);
   }
   fputc('"', out);
}

static void DumpCommand_csvKnown(FILE* out, bool known, uint64_t value) {
   if (known)
      fprintf(out, ",%llu", (unsigned long long)value);
   else
      fputc(',', out);
}

static void DumpCommand_csvReal(FILE* out, bool known, double value, int decimals) {
   if (known && isfinite(value))
      fprintf(out, ",%.*f", decimals, value);
   else
      fputc(',', out);
}

static void DumpCommand_csvTick(const Machine* m, FILE* out) {
   for (int t = 0; t < m->treeCount; t++) {
      const ProcessTree* tree = m->trees[t];
      for (int i = 0; i < tree->count; i++) {
         const Process* p = tree->procs[i];
         if (!p->seen)
            continue;
         fprintf(out, "%.3f,%d,%d,%llu,%d,", m->wallNow, (int)ProcessTree_root(tree)->pid,
                 (int)p->pid, p->startTicks, (int)p->ppid);
         DumpCommand_csvText(out, p->name);
         fprintf(out, ",%s,%u,%c", Process_roleName(p->role), p->generation,
                 p->state ? p->state : '?');
         DumpCommand_csvKnown(out, p->memKnown, p->rssKiB);
         DumpCommand_csvKnown(out, p->memKnown, p->anonKiB);
         DumpCommand_csvKnown(out, p->memKnown, p->fileKiB);
         DumpCommand_csvKnown(out, p->memKnown, p->shmemKiB);
         DumpCommand_csvKnown(out, true, p->peakRssKiB);
         DumpCommand_csvKnown(out, p->smapsKnown, p->pssKiB);
         DumpCommand_csvKnown(out, p->smapsKnown, p->ussKiB);
         DumpCommand_csvKnown(out, p->smapsKnown, p->swapKiB);
         DumpCommand_csvReal(out, p->cpuKnown, p->cpuPercent, 1);
         DumpCommand_csvKnown(out, p->ctxKnown, p->ctxVoluntary);
         DumpCommand_csvKnown(out, p->ctxKnown, p->ctxInvoluntary);
         DumpCommand_csvReal(out, p->trafficKnown, p->trafficDelta, 3);
         fprintf(out, ",%d", p->idle ? 1 : 0);
         DumpCommand_csvReal(out, true, Process_growthPerMinute(p, m->opts->growthWindow), 1);
         fputc(',', out);
         DumpCommand_csvText(out, Classifier_label(p->growth.verdict));
         fputc('\n', out);
      }
   }
}

/* ---- the run ------------------------------------------------------------ */

static void DumpCommand_sayLost(const Replay* replay) {
   for (int i = 0; i < Replay_lostCount(replay); i++) {
      char line[512];
      ReplayWindow_lostText(replay, i, line, sizeof(line));
      fprintf(stderr, "leaktop dump: %s\n", line);
   }
}

static int DumpCommand_run(int argc, char** argv) {
   DumpOptions d;
   int status = DumpCommand_parse(argc, argv, &d);
   if (status >= 0)
      return status;
   char err[512] = "";
   int64_t from, to;
   Replay* replay = ReplayWindow_open(d.path, d.from, d.to, &from, &to, err, sizeof(err));
   if (!replay) {
      fprintf(stderr, "leaktop dump: %s\n", err);
      return 1;
   }
   if (d.format == DUMP_CSV)
      fputs(DumpCommand_csvHeader, stdout);
   bool more = true;
   if (Replay_cursor(replay) < from)
      more = Replay_forward(replay);
   while (more && Replay_cursor(replay) <= to) {
      if (d.format == DUMP_CSV)
         DumpCommand_csvTick(Replay_machine(replay), stdout);
      else
         Batch_writeTick(Replay_machine(replay), stdout);
      more = Replay_forward(replay);
   }
   fflush(stdout);
   DumpCommand_sayLost(replay);
   Replay_delete(replay);
   return ferror(stdout) ? 1 : 0;
}

const Command DumpCommand_entry = {
      .name = "dump",
      .usage = "[--dir DIR | FILE] [--from TIME] [--to TIME] [--format jsonl|csv]",
      .summary = "a recording as JSON Lines (the --batch schema) or CSV, for scripts",
      .flags = CMD_READS_RECORDING,
      .run = DumpCommand_run,
};
