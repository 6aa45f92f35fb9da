#ifndef HEADER_ReplayPrime
#define HEADER_ReplayPrime
/* History on attach: a live model given what a recorder saw of the
   processes it watches before it started. The recording is replayed up
   to its newest data (since this boot), and each live process recorded
   under the same identity (PID and start time) takes the replayed one's
   memory, traffic and smaps history and its classifier's state, so the
   detail chart reaches back hours and a verdict the recorder had is on
   the first screen. `leaktop record` does the same when it restarts on
   its own directory. */

#include <stddef.h>

#include "model/Machine.h"

/* From the recording in dir; returns how many processes were given
   history, with note saying from where and since when ("history from
   /var/lib/leaktop since 11:02:13 UTC, 5 processes, recorder PID 812"),
   or why none was taken when the recording has some of them. */
int ReplayPrime_fromDir(Machine* machine, const char* dir, char* note, size_t noteSize);

/* From the host's recording (RecordingFinder) that holds the most of the
   machine's processes, the longest history of them on a tie. */
int ReplayPrime_fromHost(Machine* machine, char* note, size_t noteSize);

#endif
