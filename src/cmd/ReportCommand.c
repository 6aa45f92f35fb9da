/* leaktop report [--dir DIR | FILE] [--from TIME] [--to TIME] [--html FILE] [--md FILE]
   [--redact]: an incident report of a recording, for the team that owns the service. */
#include "config.h"

#include "cmd/Command.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record/StoreDir.h"
#include "replay/Replay.h"
#include "replay/ReplayWindow.h"
#include "report/ReportGather.h"
#include "report/ReportHtml.h"
#include "report/ReportMarkdown.h"
#include "report/ReportModel.h"
#include "util/XUtils.h"

typedef struct ReportOptions {
   const char* path;
   const char* from;
   const char* to;
   const char* html;
   const char* markdown; /* "-": stdout; both NULL: Markdown to stdout */
   bool redact;
} ReportOptions;

static void ReportCommand_usage(FILE* out) {
   fputs("Usage: leaktop report [--dir DIR | FILE] [--from TIME] [--to TIME] [--html FILE]\n"
         "                      [--md FILE] [--redact]\n"
         "Writes an incident report of a recording that `leaktop record` made: per service\n"
         "tree its verdict and next step, peak memory, limit, OOM kills and restarts; a\n"
         "table of the processes (those that grew first) with their memory, growth,\n"
         "traffic and verdicts; the timeline of events; per process its RSS and traffic\n"
         "over the window; the heap snapshot diffs and the stack profiles (flame graphs)\n"
         "recorded in it; and where the facts came from. The verdicts are recomputed\n"
         "from the recorded samples, as replay does. The HTML is one file that opens\n"
         "offline (no network reference; its one script, for zoom and search, is\n"
         "optional), prints to PDF and stays under 2 MiB, lowering its resolution past\n"
         "that and saying so; the Markdown is for a ticket. Without --html or --md, the\n"
         "Markdown goes to stdout. The dashboard's E key writes the same of a tree.\n"
         "\n"
         "      --dir=DIR      the recording directory; default /var/lib/leaktop as root,\n"
         "                     else $XDG_STATE_HOME/leaktop/recordings\n"
         "  FILE               one segment or journal file of a recording instead\n"
         "      --from=TIME    the window's start (default: the recording's start)\n"
         "      --to=TIME      its end (default: the newest data); TIME is 14:05,\n"
         "                     14:05:30, 2h ago, 2026-12-04T14:05[Z|+01:00], @SECONDS\n"
         "      --html=FILE    write the HTML to FILE (created 0600, never through a\n"
         "                     link; - for stdout)\n"
         "      --md=FILE      write the Markdown to FILE (the same way)\n"
         "      --redact       leave out command-line arguments, which may hold secrets\n"
         "  -h, --help         display this help and exit\n"
         "\n"
         "Exit status: 0 on success, also when parts were lost (said in the report and\n"
         "on stderr); 1 when the recording cannot be read, the times are outside it or\n"
         "the file cannot be written; 2 on a usage error.\n",
         out);
}

enum { OPT_DIR = 256, OPT_FROM, OPT_TO, OPT_HTML, OPT_MD, OPT_REDACT };

static int ReportCommand_parse(int argc, char** argv, ReportOptions* r) {
   static const struct option longOptions[] = {
         {"dir", required_argument, NULL, OPT_DIR}, {"from", required_argument, NULL, OPT_FROM},
         {"to", required_argument, NULL, OPT_TO},   {"html", required_argument, NULL, OPT_HTML},
         {"md", required_argument, NULL, OPT_MD},   {"redact", no_argument, NULL, OPT_REDACT},
         {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
   };
   memset(r, 0, sizeof(*r));
   optind = 1;
   int c;
   while ((c = getopt_long(argc, argv, "h", longOptions, NULL)) != -1) {
      switch (c) {
      case OPT_DIR:
         r->path = optarg;
         break;
      case OPT_FROM:
         r->from = optarg;
         break;
      case OPT_TO:
         r->to = optarg;
         break;
      case OPT_HTML:
         r->html = optarg;
         break;
      case OPT_MD:
         r->markdown = optarg;
         break;
      case OPT_REDACT:
         r->redact = true;
         break;
      case 'h':
         ReportCommand_usage(stdout);
         return 0;
      default:
         return Command_tryHelp(&ReportCommand_entry);
      }
   }
   if (optind < argc && r->path)
      return Command_usageError(&ReportCommand_entry, "give --dir DIR or FILE, not both");
   if (argc - optind > 1)
      return Command_usageError(&ReportCommand_entry, "one recording at a time");
   if (optind < argc)
      r->path = argv[optind];
   if (r->html && r->markdown && strcmp(r->html, "-") == 0 && strcmp(r->markdown, "-") == 0)
      return Command_usageError(&ReportCommand_entry, "only one of --html and --md can be stdout");
   if (!r->html && !r->markdown)
      r->markdown = "-";
   return -1;
}

/* A report file, private: created 0600, never through a link, and only
   ever a regular file. */
static FILE* ReportCommand_create(const char* path, char* err, size_t errSize) {
   int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
   if (fd < 0) {
      snprintf(err, errSize, "cannot write %s: %s", path,
               errno == ELOOP ? "it is a symbolic link, which leaktop does not follow"
                              : strerror(errno));
      return NULL;
   }
   struct stat st;
   FILE* f = NULL;
   if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
      snprintf(err, errSize, "cannot write %s: not a regular file", path);
   else if (fchmod(fd, 0600) != 0 || !(f = fdopen(fd, "w")))
      snprintf(err, errSize, "cannot write %s: %s", path, strerror(errno));
   if (!f)
      close(fd);
   return f;
}

/* One rendering to path ("-": stdout); false with the reason said. */
static bool ReportCommand_write(const char* path, const ReportModel* model, bool redact,
                                void (*render)(const ReportModel*, bool, FILE*)) {
   char err[512];
   bool toStdout = strcmp(path, "-") == 0;
   FILE* out = toStdout ? stdout : ReportCommand_create(path, err, sizeof(err));
   if (!out) {
      fprintf(stderr, "leaktop report: %s\n", err);
      return false;
   }
   render(model, redact, out);
   bool ok = fflush(out) == 0 && !ferror(out);
   if (!toStdout)
      ok = fclose(out) == 0 && ok;
   if (!ok)
      fprintf(stderr, "leaktop report: cannot write %s: %s\n", toStdout ? "stdout" : path,
              strerror(errno));
   else if (!toStdout)
      fprintf(stderr, "leaktop report: wrote %s\n", path);
   return ok;
}

static int ReportCommand_run(int argc, char** argv) {
   ReportOptions r;
   int status = ReportCommand_parse(argc, argv, &r);
   if (status >= 0)
      return status;
   char err[512] = "", dir[4096];
   if (!r.path) {
      if (!StoreDir_default(dir, sizeof(dir), err, sizeof(err))) {
         fprintf(stderr, "leaktop report: %s\n", err);
         return 1;
      }
      r.path = dir;
   }
   int64_t from, to;
   Replay* replay = ReplayWindow_open(r.path, r.from, r.to, &from, &to, err, sizeof(err));
   if (!replay) {
      fprintf(stderr, "leaktop report: %s\n", err);
      return 1;
   }
   ReportModel* model = xCalloc(1, sizeof(*model));
   ReportGather_run(replay, r.path, from, to, 0, true, model);
   Replay_delete(replay);
   status = 0;
   if (r.html && !ReportCommand_write(r.html, model, r.redact, ReportHtml_write))
      status = 1;
   if (r.markdown && !ReportCommand_write(r.markdown, model, r.redact, ReportMarkdown_write))
      status = 1;
   ReportModel_done(model);
   free(model);
   return status;
}

const Command ReportCommand_entry = {
      .name = "report",
      .usage = "[--dir DIR | FILE] [--from TIME] [--to TIME] [--html FILE] [--md FILE] [--redact]",
      .summary = "an incident report of a recording: one offline HTML file, Markdown for a ticket",
      .flags = CMD_READS_RECORDING,
      .run = ReportCommand_run,
};
