#ifndef HEADER_ScreenManager
#define HEADER_ScreenManager
/* The interactive loop: draw, wait for a key or the next tick, scan. */

#include "CommandLine.h"
#include "model/Machine.h"

/* Runs the dashboard until the user quits, a SIGINT/SIGTERM/SIGHUP arrives,
   or opts->iterations ticks were taken (when > 0). Calls Machine_scan()
   every opts->delay seconds and sets machine->scanFlags from what
   is visible. The terminal is restored on every way out. Returns the exit
   status. */
int ScreenManager_run(Machine* machine, const Options* opts);

#endif
