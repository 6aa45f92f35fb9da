/* leaktop [OPTION]... [PATTERN]...: the dashboard, the command run when no
   other is named; it watches the chosen trees on the screen or as JSON Lines. */
#include "config.h"

#include "cmd/Command.h"

#include "CommandLine.h"

#include <regex.h>
#include <stdio.h>

#include "demo/Demo.h"
#include "model/Machine.h"
#include "output/Batch.h"
#include "replay/ReplayPrime.h"
#include "ui/ScreenManager.h"
#include "ui/TerminalCheck.h"

/* Starts the demo when asked for and resolves the targets; NULL with the
   reason in err when there is nothing to watch. */
static Machine* DashboardCommand_start(const Options* opts, Demo** demo, char* err,
                                       size_t errSize) {
   *demo = NULL;
   if (opts->mode == TARGET_DEMO) {
      char why[384] = "";
      *demo = Demo_start(why, sizeof(why));
      if (!*demo) {
         snprintf(err, errSize, "cannot start the demo: %s", why);
         return NULL;
      }
   }
   Machine* machine = Machine_new(opts, err, errSize);
   if (machine && *demo && !Machine_setDemoRoot(machine, Demo_masterPid(*demo), err, errSize)) {
      Machine_delete(machine);
      machine = NULL;
   }
   return machine;
}

/* Whether a watched process's command line matches pattern, which the
   Machine compiled already. */
static bool DashboardCommand_watches(const Machine* machine, const char* pattern) {
   regex_t re;
   if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
      return false;
   bool found = false;
   for (int t = 0; t < machine->treeCount && !found; t++) {
      const ProcessTree* tree = machine->trees[t];
      for (int i = 0; i < tree->count && !found; i++)
         found = regexec(&re, tree->procs[i]->cmdline, 0, NULL, 0) == 0;
   }
   regfree(&re);
   return found;
}

/* The command a first word close to its name was meant for, when that word
   is a PATTERN no process matches, even if other PATTERNs match some:
   `leaktop stakc 42` was `leaktop stack 42` mistyped, while a word that
   matches a process stays a PATTERN. Then *machine is deleted and err says
   why, as it does already when *machine is NULL. NULL, *machine untouched,
   when first is no such word. */
static const Command* DashboardCommand_mistyped(Machine** machine, const char* first, char* err,
                                                size_t errSize) {
   const Command* meant = first ? Command_suggest(first) : NULL;
   if (!meant || (*machine && DashboardCommand_watches(*machine, first)))
      return NULL;
   if (*machine) {
      snprintf(err, errSize, "no process matches %s", first);
      Machine_delete(*machine);
      *machine = NULL;
   }
   return meant;
}

static int DashboardCommand_run(int argc, char** argv) {
   /* Taken before getopt reorders argv: an option first is never a command. */
   const char* first = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
   Options opts;
   int status = CommandLine_parse(argc, argv, &opts);
   if (status >= 0)
      return status;
   if (opts.mode != TARGET_PATTERNS)
      first = NULL;

   char err[512] = "";
   /* Said before the demo starts; for other targets, after the targets
      are resolved, so that a mistyped one is said first. */
   bool screen = !opts.batch;
   if (screen && opts.mode == TARGET_DEMO && !TerminalCheck_usable("--batch", err, sizeof(err))) {
      fprintf(stderr, "leaktop: %s\n", err);
      CommandLine_done(&opts);
      return 1;
   }
   Demo* demo;
   Machine* machine = DashboardCommand_start(&opts, &demo, err, sizeof(err));
   const Command* meant = DashboardCommand_mistyped(&machine, first, err, sizeof(err));
   if (meant) {
      fprintf(stderr, "leaktop: %s; did you mean 'leaktop %s'?\n", err, meant->name);
      status = 1;
   } else if (!machine) {
      fprintf(stderr, "leaktop: %s\n", err);
      status = 1;
   } else if (screen && !TerminalCheck_usable("--batch", err, sizeof(err))) {
      fprintf(stderr, "leaktop: %s\n", err);
      Machine_delete(machine);
      status = 1;
   } else {
      /* What a recorder saw of these processes before now. */
      char note[600] = "";
      if (opts.mode != TARGET_DEMO)
         ReplayPrime_fromHost(machine, note, sizeof(note));
      if (opts.batch && note[0])
         fprintf(stderr, "leaktop: %s\n", note);
      status = opts.batch ? Batch_run(machine, &opts, stdout)
                          : ScreenManager_run(machine, &opts, note);
      Machine_delete(machine);
   }
   Demo_stop(demo);
   CommandLine_done(&opts);
   return status;
}

const Command DashboardCommand_entry = {
      .name = NULL,
      .usage = "[OPTION]... [PATTERN]...",
      .summary = "watch the memory of Python service trees live: which worker grows",
      .flags = 0,
      .run = DashboardCommand_run,
};
