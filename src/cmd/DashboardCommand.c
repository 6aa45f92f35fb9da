/* leaktop [OPTION]... [PATTERN]...: the dashboard, the command run when no
   other is named; it watches the chosen trees on the screen or as JSON Lines. */
#include "config.h"

#include "cmd/Command.h"

#include "CommandLine.h"

#include <stdio.h>

#include "demo/Demo.h"
#include "model/Machine.h"
#include "output/Batch.h"
#include "ui/ScreenManager.h"

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

static int DashboardCommand_run(int argc, char** argv) {
   Options opts;
   int status = CommandLine_parse(argc, argv, &opts);
   if (status >= 0)
      return status;

   char err[512] = "";
   Demo* demo;
   Machine* machine = DashboardCommand_start(&opts, &demo, err, sizeof(err));
   if (!machine) {
      fprintf(stderr, "leaktop: %s\n", err);
      status = 1;
   } else {
      status = opts.batch ? Batch_run(machine, &opts, stdout) : ScreenManager_run(machine, &opts);
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
