/* leaktop replay [--dir DIR | FILE] [-t TIME]: the dashboard over a recording, with a time cursor.
 */
#include "config.h"

#include "cmd/Command.h"

#include "CommandLine.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/StoreDir.h"
#include "replay/Replay.h"
#include "ui/ScreenManager.h"
#include "ui/TerminalCheck.h"
#include "util/TimeSpec.h"
#include "util/XUtils.h"

/* A shorter window has too few ticks for a slope, as on the live screen. */
#define REPLAY_WINDOW_MIN 10

typedef struct ReplayOptions {
   Options opts;     /* the display options; Replay_open adds the recording's tick */
   const char* path; /* --dir DIR or the FILE operand; NULL: the default directory */
   const char* time; /* -t TIME, NULL: the newest data */
   double window;    /* -w, 0: the recording's growth window */
} ReplayOptions;

static void ReplayCommand_usage(FILE* out) {
   fputs("Usage: leaktop replay [--dir DIR | FILE] [-t TIME] [OPTION]...\n"
         "The dashboard, detail view, charts and verdicts over a recording that\n"
         "`leaktop record` made, at a time cursor: t/T a tick back/forward, [/] the\n"
         "previous/next event, b a time, Space play/pause, x the speed (x1, x10, x60),\n"
         "End the newest data. Stacks, profiles and heap snapshot requests need the\n"
         "live process and are refused; recorded snapshots show in the detail view.\n"
         "\n"
         "      --dir=DIR        the recording directory; default /var/lib/leaktop as\n"
         "                       root, else $XDG_STATE_HOME/leaktop/recordings\n"
         "                       (~/.local/state/leaktop/recordings)\n"
         "  FILE                 one segment or journal file of a recording instead\n"
         "  -t, --time=TIME      start at TIME: 14:05, 14:05:30 (the latest such time),\n"
         "                       2h ago, 1h30m ago, 2026-12-04T14:05 (Z or +01:00 for\n"
         "                       another zone), @SECONDS; default: the newest data\n"
         "  -w, --window=DURATION growth window shown: 60, 5m, 1h (default: the\n"
         "                       recording's)\n"
         "  -s, --sort=COLUMN    initial sort column, as the dashboard's --sort\n"
         "      --flat           start in the flat view (F toggles)\n"
         "      --no-color       no colours (also when NO_COLOR is set)\n"
         "      --no-mouse       do not capture the mouse\n"
         "  -h, --help           display this help and exit\n"
         "\n"
         "Exit status: 0 on success, 1 when the recording cannot be read or TIME is\n"
         "outside it, 2 on a usage error.\n",
         out);
}

enum { OPT_DIR = 256, OPT_FLAT, OPT_NO_COLOR, OPT_NO_MOUSE };

/* One option from getopt_long: -1 to go on, else the exit status. */
static int ReplayCommand_option(int c, const char* arg, ReplayOptions* ro) {
   switch (c) {
   case OPT_DIR:
      ro->path = arg;
      break;
   case 't':
      ro->time = arg;
      break;
   case 'w':
      if (!CommandLine_parseDuration(arg, &ro->window) || ro->window < REPLAY_WINDOW_MIN)
         return Command_usageError(&ReplayCommand_entry,
                                   "--window takes a duration of at least 10 s (60, 5m, 1h)");
      break;
   case 's':
      ro->opts.sortColumn = arg;
      break;
   case OPT_FLAT:
      ro->opts.flatView = true;
      break;
   case OPT_NO_COLOR:
      ro->opts.noColor = true;
      break;
   case OPT_NO_MOUSE:
      ro->opts.noMouse = true;
      break;
   case 'h':
      ReplayCommand_usage(stdout);
      return 0;
   default:
      return Command_tryHelp(&ReplayCommand_entry);
   }
   return -1;
}

/* -1 to go on, else the exit status. */
static int ReplayCommand_parse(int argc, char** argv, ReplayOptions* ro) {
   static const struct option longOptions[] = {
         {"dir", required_argument, NULL, OPT_DIR},
         {"time", required_argument, NULL, 't'},
         {"window", required_argument, NULL, 'w'},
         {"sort", required_argument, NULL, 's'},
         {"flat", no_argument, NULL, OPT_FLAT},
         {"no-color", no_argument, NULL, OPT_NO_COLOR},
         {"no-colour", no_argument, NULL, OPT_NO_COLOR},
         {"no-mouse", no_argument, NULL, OPT_NO_MOUSE},
         {"help", no_argument, NULL, 'h'},
         {NULL, 0, NULL, 0},
   };
   memset(ro, 0, sizeof(*ro));
   /* What the model is built with until the recording's own replace them. */
   CommandLine_defaults(&ro->opts);
   const char* noColor = getenv("NO_COLOR");
   ro->opts.noColor = noColor && noColor[0];
   optind = 1;
   int c;
   while ((c = getopt_long(argc, argv, "t:w:s:h", longOptions, NULL)) != -1) {
      int status = ReplayCommand_option(c, optarg, ro);
      if (status >= 0)
         return status;
   }
   if (optind < argc && ro->path)
      return Command_usageError(&ReplayCommand_entry, "give --dir DIR or FILE, not both");
   if (argc - optind > 1)
      return Command_usageError(&ReplayCommand_entry, "one recording at a time");
   if (optind < argc)
      ro->path = argv[optind];
   return -1;
}

/* Puts the cursor at -t's time; false with the message on stderr. */
static bool ReplayCommand_start(Replay* replay, const char* time) {
   char err[512];
   int64_t at;
   if (!TimeSpec_parse(time, (int64_t)(XUtils_wallNow() * 1e6), &at, err, sizeof(err)) ||
       !Replay_seek(replay, at, err, sizeof(err))) {
      fprintf(stderr, "leaktop replay: %s\n", err);
      return false;
   }
   return true;
}

static int ReplayCommand_run(int argc, char** argv) {
   ReplayOptions ro;
   int status = ReplayCommand_parse(argc, argv, &ro);
   if (status >= 0)
      return status;
   char dir[4096], err[512] = "";
   if (!ro.path) {
      if (!StoreDir_default(dir, sizeof(dir), err, sizeof(err))) {
         fprintf(stderr, "leaktop replay: %s\n", err);
         return 1;
      }
      ro.path = dir;
   }
   Replay* replay = Replay_open(ro.path, &ro.opts, err, sizeof(err));
   if (!replay) {
      fprintf(stderr, "leaktop replay: %s\n", err);
      return 1;
   }
   if (ro.time && !ReplayCommand_start(replay, ro.time)) {
      status = 1;
   } else if (!TerminalCheck_usable("leaktop dump", err, sizeof(err))) {
      fprintf(stderr, "leaktop replay: %s\n", err);
      status = 1;
   } else {
      status = ScreenManager_replay(replay, ro.window);
   }
   Replay_delete(replay);
   return status;
}

const Command ReplayCommand_entry = {
      .name = "replay",
      .usage = "[--dir DIR | FILE] [-t TIME] [OPTION]...",
      .summary = "the dashboard over a recording, with a time cursor (t/T, [/], b, Space)",
      .flags = CMD_READS_RECORDING,
      .run = ReplayCommand_run,
};
