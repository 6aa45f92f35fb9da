#include "config.h"

#include "CommandLine.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/Command.h"
#include "util/XUtils.h"

static void CommandLine_usage(FILE* out) {
   fputs("Usage: leaktop [OPTION]... [PATTERN]...\n"
         "   or: leaktop -p PID[,PID...] [OPTION]...\n"
         "   or: leaktop --demo [OPTION]...\n"
         "   or: leaktop COMMAND [ARGUMENT]...\n"
         "Watch the memory of Python service process trees (a gunicorn, uwsgi or celery\n"
         "master and its workers) and see live which worker grows.\n"
         "\n"
         "With no target, every Python service tree on the host is shown: a Python\n"
         "process with children, with its subtree, or a lone Python process over 64 MiB.\n"
         "A PATTERN (extended regular expression) selects the trees whose root's\n"
         "command line matches; a PATTERN that is a command's name goes after --.\n"
         "\n"
         "Commands (leaktop help COMMAND shows the options of one):\n",
         out);
   Command_list(out, false);
   fputs("\n"
         "Options:\n"
         "  -p, --pid=PID[,PID...]    watch the subtree of each PID\n"
         "      --demo                start the bundled demo service (a pre-fork server\n"
         "                            with one leaking worker, plus load) and watch it;\n"
         "                            it stops when leaktop quits\n"
         "  -d, --delay=SECONDS       seconds between samples (default 1)\n"
         "      --smaps-interval=SECONDS\n"
         "                            seconds between PSS/USS/swap reads (default 10);\n"
         "                            these walk the target's page tables\n"
         "  -w, --window=DURATION     growth window: 60, 5m, 15m, 1h (default 5m)\n"
         "  -n, --iterations=COUNT    exit after COUNT samples\n"
         "  -b, --batch               print one JSON object per sample (JSON Lines)\n"
         "                            instead of the interactive screen\n"
         "  -s, --sort=COLUMN         initial sort column (pid, rss, pss, uss, swap,\n"
         "                            growth, verdict, ttl, cpu, age)\n"
         "  -t, --flat                start in the flat view instead of the tree view\n"
         "      --traffic=SOURCE      traffic signal per worker: log:PATH[:REGEX] (an\n"
         "                            access log with the worker PID in its lines),\n"
         "                            cmd:COMMAND (prints PID COUNT lines or a\n"
         "                            number), uwsgi:ADDRESS (uwsgi's --stats\n"
         "                            server), tcp (new TCP connections), io (read\n"
         "                            syscalls: celery prefork tasks) or cpu;\n"
         "                            default: cpu\n"
         "      --snapshot-every=DURATION\n"
         "                            heap snapshots (key i) of the selected worker\n"
         "                            every DURATION (at least 2 s); with --batch, of\n"
         "                            every worker in turn; default: only on request\n"
         "      --no-color            no colours (also when NO_COLOR is set)\n"
         "      --no-mouse            do not capture the mouse\n"
         "  -h, --help                display this help and exit\n"
         "  -V, --version             output version information and exit\n"
         "\n"
         "Exit status: 0 on success, 1 when a target does not exist or cannot be\n"
         "watched, 2 on a usage error.\n"
         "\n"
         "Full documentation: man leaktop\n",
         out);
}

static void CommandLine_version(void) {
   printf("leaktop %s\n"
          "License: GPL-2.0-or-later. This is free software: you are free to change and\n"
          "redistribute it. There is NO WARRANTY, to the extent permitted by law.\n",
          PACKAGE_VERSION);
}

bool CommandLine_parseDuration(const char* text, double* seconds) {
   char* end;
   errno = 0;
   double v = strtod(text, &end);
   if (end == text || errno != 0 || !(v > 0) || v > 1e7)
      return false;
   if (*end == 's' || *end == '\0')
      ;
   else if (*end == 'm')
      v *= 60;
   else if (*end == 'h')
      v *= 3600;
   else
      return false;
   if (*end && end[1] != '\0')
      return false;
   *seconds = v;
   return true;
}

bool CommandLine_number(const char* text, double min, double max, double* out) {
   char* end = NULL;
   errno = 0;
   double v = strtod(text, &end);
   if (errno || end == text || *end || !(v >= min && v <= max))
      return false;
   *out = v;
   return true;
}

pid_t CommandLine_pidOperand(int argc, char** argv, int first, const char** why) {
   char* end = NULL;
   long pid = first == argc - 1 ? strtol(argv[first], &end, 10) : 0;
   if (!end || *end || pid <= 0 || pid > 0x3fffffff) {
      *why = first == argc ? "which process? give a PID" : "give exactly one PID (a number)";
      return 0;
   }
   return (pid_t)pid;
}

bool CommandLine_parsePids(const char* text, Options* opts) {
   char* copy = xStrdup(text);
   char* save = NULL;
   bool ok = true;
   for (char* tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
      char* end;
      errno = 0;
      long v = strtol(tok, &end, 10);
      if (*end || errno || v <= 0 || v > INT_MAX) {
         fprintf(stderr, "leaktop: invalid PID '%s'\n", tok);
         ok = false;
         break;
      }
      opts->pids = xReallocArray(opts->pids, (size_t)opts->pidCount + 1, sizeof(pid_t));
      opts->pids[opts->pidCount++] = (pid_t)v;
   }
   free(copy);
   if (ok && opts->pidCount == 0) {
      fputs("leaktop: -p needs at least one PID\n", stderr);
      ok = false;
   }
   return ok;
}

enum {
   OPT_DEMO = 256,
   OPT_SMAPS_INTERVAL,
   OPT_NO_COLOR,
   OPT_NO_MOUSE,
   OPT_TRAFFIC,
   OPT_SNAPSHOT_EVERY
};

/* Periodic snapshots closer than this would keep a worker busy answering. */
#define SNAPSHOT_EVERY_MIN 2.0

bool CommandLine_durationOption(const char* text, double min, const char* what, const char* hint,
                                double* seconds) {
   double v;
   if (!CommandLine_parseDuration(text, &v) || v < min) {
      fprintf(stderr, "leaktop: invalid %s '%s'%s\n", what, text, hint);
      return false;
   }
   *seconds = v;
   return true;
}

static bool CommandLine_iterations(const char* text, long* count) {
   char* end;
   errno = 0;
   long v = strtol(text, &end, 10);
   if (*end || errno || v <= 0) {
      fprintf(stderr, "leaktop: invalid iteration count '%s'\n", text);
      return false;
   }
   *count = v;
   return true;
}

/* One option from getopt_long: -1 to go on, else the exit status. */
static int CommandLine_option(int c, const char* arg, Options* opts, bool* demo) {
   bool ok = true;
   switch (c) {
   case 'p':
      ok = CommandLine_parsePids(arg, opts);
      break;
   case OPT_DEMO:
      *demo = true;
      break;
   case 'd':
      ok = CommandLine_durationOption(arg, 0.1, "delay", " (seconds, at least 0.1)", &opts->delay);
      break;
   case OPT_SMAPS_INTERVAL:
      ok = CommandLine_durationOption(arg, 0, "smaps interval", "", &opts->smapsInterval);
      break;
   case 'w':
      ok = CommandLine_durationOption(arg, 10, "window", " (e.g. 60, 5m, 1h; at least 10 s)",
                                      &opts->growthWindow);
      break;
   case 'n':
      ok = CommandLine_iterations(arg, &opts->iterations);
      break;
   case 'b':
      opts->batch = true;
      break;
   case 's':
      opts->sortColumn = arg;
      break;
   case 't':
      opts->flatView = true;
      break;
   case OPT_NO_COLOR:
      opts->noColor = true;
      break;
   case OPT_NO_MOUSE:
      opts->noMouse = true;
      break;
   case OPT_TRAFFIC:
      opts->traffic = arg;
      break;
   case OPT_SNAPSHOT_EVERY:
      ok = CommandLine_durationOption(arg, SNAPSHOT_EVERY_MIN, "snapshot interval",
                                      " (e.g. 30, 5m; at least 2 s)", &opts->snapshotEvery);
      break;
   case 'h':
      CommandLine_usage(stdout);
      return 0;
   case 'V':
      CommandLine_version();
      return 0;
   default:
      ok = false;
   }
   return ok ? -1 : Command_tryHelp(&DashboardCommand_entry);
}

int CommandLine_targets(int argc, char** argv, int first, bool demo, Options* opts,
                        const Command* command) {
   for (int i = first; i < argc; i++) {
      opts->patterns = xReallocArray(opts->patterns, (size_t)opts->patternCount + 1, sizeof(char*));
      opts->patterns[opts->patternCount++] = argv[i];
   }
   int kinds = (demo ? 1 : 0) + (opts->pidCount > 0 ? 1 : 0) + (opts->patternCount > 0 ? 1 : 0);
   if (kinds > 1) {
      return Command_usageError(command,
                                command == &DashboardCommand_entry
                                      ? "give --demo, -p PID or PATTERN, not several of them"
                                      : "give -p PID or PATTERN, not both");
   }
   opts->mode = demo                 ? TARGET_DEMO
                : opts->pidCount > 0 ? TARGET_PIDS
                : opts->patternCount ? TARGET_PATTERNS
                                     : TARGET_ALL_PYTHON;
   return -1;
}

int CommandLine_parse(int argc, char** argv, Options* opts) {
   static const struct option longOptions[] = {
         {"pid", required_argument, NULL, 'p'},
         {"demo", no_argument, NULL, OPT_DEMO},
         {"delay", required_argument, NULL, 'd'},
         {"smaps-interval", required_argument, NULL, OPT_SMAPS_INTERVAL},
         {"window", required_argument, NULL, 'w'},
         {"iterations", required_argument, NULL, 'n'},
         {"batch", no_argument, NULL, 'b'},
         {"sort", required_argument, NULL, 's'},
         {"flat", no_argument, NULL, 't'},
         {"traffic", required_argument, NULL, OPT_TRAFFIC},
         {"snapshot-every", required_argument, NULL, OPT_SNAPSHOT_EVERY},
         {"no-color", no_argument, NULL, OPT_NO_COLOR},
         {"no-colour", no_argument, NULL, OPT_NO_COLOR},
         {"no-mouse", no_argument, NULL, OPT_NO_MOUSE},
         {"help", no_argument, NULL, 'h'},
         {"version", no_argument, NULL, 'V'},
         {NULL, 0, NULL, 0},
   };
   CommandLine_defaults(opts);
   const char* noColor = getenv("NO_COLOR");
   opts->noColor = noColor && noColor[0];
   bool demo = false;

   optind = 1;
   int c;
   while ((c = getopt_long(argc, argv, "p:d:w:n:bs:thV", longOptions, NULL)) != -1) {
      int status = CommandLine_option(c, optarg, opts, &demo);
      if (status >= 0)
         return status;
   }
   return CommandLine_targets(argc, argv, optind, demo, opts, &DashboardCommand_entry);
}

void CommandLine_defaults(Options* opts) {
   memset(opts, 0, sizeof(*opts));
   opts->delay = 1.0;
   opts->smapsInterval = 10.0;
   opts->growthWindow = 300.0;
}

bool CommandLine_parseSize(const char* text, unsigned long long* bytes) {
   char* end;
   errno = 0;
   if (!isdigit((unsigned char)text[0]))
      return false;
   unsigned long long v = strtoull(text, &end, 10);
   if (errno || end == text)
      return false;
   int shift = 0;
   switch (*end) {
   case 'K':
   case 'k':
      shift = 10;
      break;
   case 'M':
      shift = 20;
      break;
   case 'G':
      shift = 30;
      break;
   case 'T':
      shift = 40;
      break;
   }
   if (shift)
      end++;
   /* "256MiB" and "256MB" mean what "256M" does: sizes here are binary. */
   if (shift && strcmp(end, "iB") == 0)
      end += 2;
   else if (shift && strcmp(end, "B") == 0)
      end++;
   if (*end || (shift && v > (~0ULL >> shift)))
      return false;
   *bytes = v << shift;
   return true;
}

void CommandLine_done(Options* opts) {
   free(opts->pids);
   free(opts->patterns);
   opts->pids = NULL;
   opts->patterns = NULL;
}
