#ifndef HEADER_ReplayWindow
#define HEADER_ReplayWindow
/* The part of a recording a command reads (`leaktop dump`, `leaktop
   report`): the window its --from and --to give, and the ranges lost to
   damage said the way both commands say them. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "replay/Replay.h"

/* The recording at path (NULL: the default directory, record/StoreDir.h)
   replayed with the default options, and the window its --from and --to
   texts give (TimeSpec texts; NULL for the recording's start and its
   newest data; a --to past the newest data means up to it), the replay's
   cursor at its start. NULL with a message in err: no default directory,
   the reader's refusal, a time that does not parse, a --from outside the
   recording or a --to before its start (with the recording's span),
   --from after --to. */
Replay* ReplayWindow_open(const char* path, const char* fromText, const char* toText, int64_t* from,
                          int64_t* to, char* err, size_t errSize);

/* Lost range i as "lost the records between 14:02:10 CET and 14:03:00 CET
   (why)". */
void ReplayWindow_lostText(const Replay* replay, int index, char* out, size_t size);

#endif
