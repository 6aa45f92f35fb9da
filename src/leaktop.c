#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "CommandLine.h"
#include "demo/Demo.h"
#include "inject/SnapshotCommand.h"
#include "model/Machine.h"
#include "output/Batch.h"
#include "stacks/StackCommand.h"
#include "ui/ScreenManager.h"

int main(int argc, char** argv) {
   setlocale(LC_ALL, "");
   if (argc > 1 && strcmp(argv[1], "stack") == 0)
      return StackCommand_run(argc - 1, argv + 1);
   if (argc > 1 && strcmp(argv[1], "snapshot") == 0)
      return SnapshotCommand_run(argc - 1, argv + 1);
   Options opts;
   int status = CommandLine_parse(argc, argv, &opts);
   if (status >= 0)
      return status;

   char err[512] = "";
   Demo* demo = NULL;
   pid_t demoRoot = 0;
   if (opts.mode == TARGET_DEMO) {
      demo = Demo_start(err, sizeof(err));
      if (!demo) {
         fprintf(stderr, "leaktop: cannot start the demo: %s\n", err);
         CommandLine_done(&opts);
         return 1;
      }
      demoRoot = Demo_masterPid(demo);
   }

   Machine* machine = Machine_new(&opts, err, sizeof(err));
   if (machine && demo && !Machine_setDemoRoot(machine, demoRoot, err, sizeof(err))) {
      Machine_delete(machine);
      machine = NULL;
   }
   if (!machine) {
      fprintf(stderr, "leaktop: %s\n", err);
      Demo_stop(demo);
      CommandLine_done(&opts);
      return 1;
   }

   status = opts.batch ? Batch_run(machine, &opts, stdout) : ScreenManager_run(machine, &opts);

   Machine_delete(machine);
   Demo_stop(demo);
   CommandLine_done(&opts);
   return status;
}
