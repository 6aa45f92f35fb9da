#ifndef HEADER_ScreenManager
#define HEADER_ScreenManager
/* The interactive loop: draw, wait for a key or the next tick, scan the
   live host or move along a recording. */

#include "CommandLine.h"
#include "model/Machine.h"
#include "replay/Replay.h"

/* Runs the dashboard until the user quits, a SIGINT/SIGTERM/SIGHUP arrives,
   or opts->iterations ticks were taken (when > 0). Calls Machine_scan()
   every opts->delay seconds and sets machine->scanFlags from what
   is visible. The terminal is restored on every way out. Returns the exit
   status. note, when not empty, is on the status line at first (where the
   history came from). */
int ScreenManager_run(Machine* machine, const Options* opts, const char* note);

/* The same screen over a recording: the model is the cursor's, which keys
   move and playing advances (ReplayControl.h); nothing is scanned and no
   process is asked for anything. Replay_options(replay) gives the tick and
   the display options; window, when positive, the growth window shown
   (else the recording's). */
int ScreenManager_replay(Replay* replay, double window);

#endif
