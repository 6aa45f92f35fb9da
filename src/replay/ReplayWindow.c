#include "config.h"

#include "replay/ReplayWindow.h"

#include <stdio.h>

#include "CommandLine.h"
#include "record/StoreDir.h"
#include "util/TimeSpec.h"
#include "util/XUtils.h"

static int64_t ReplayWindow_nowUs(void) {
   return (int64_t)(XUtils_wallNow() * 1e6);
}

static bool ReplayWindow_resolve(Replay* replay, const char* fromText, const char* toText,
                                 int64_t* from, int64_t* to, char* err, size_t errSize) {
   Replay_span(replay, from, to);
   int64_t first = *from;
   int64_t now = ReplayWindow_nowUs();
   if ((fromText && !TimeSpec_parse(fromText, now, from, err, errSize)) ||
       (toText && !TimeSpec_parse(toText, now, to, err, errSize)))
      return false;
   /* The seeks refuse, unbuilt, a --from outside and a --to before the start. */
   if ((*to < first && !Replay_seek(replay, *to, err, errSize)) ||
       !Replay_seek(replay, *from, err, errSize))
      return false;
   if (*from > *to) {
      snprintf(err, errSize, "--from is after --to");
      return false;
   }
   return true;
}

Replay* ReplayWindow_open(const char* path, const char* fromText, const char* toText, int64_t* from,
                          int64_t* to, char* err, size_t errSize) {
   char dir[4096];
   if (!path) {
      if (!StoreDir_default(dir, sizeof(dir), err, errSize))
         return NULL;
      path = dir;
   }
   Options opts;
   CommandLine_defaults(&opts);
   Replay* replay = Replay_open(path, &opts, err, errSize);
   if (replay && !ReplayWindow_resolve(replay, fromText, toText, from, to, err, errSize)) {
      Replay_delete(replay);
      return NULL;
   }
   return replay;
}

void ReplayWindow_lostText(const Replay* replay, int index, char* out, size_t size) {
   const ReplayLost* l = Replay_lost(replay, index);
   int64_t now = ReplayWindow_nowUs();
   char from[64] = "the start", to[64] = "the end";
   if (l->fromUs >= 0)
      TimeSpec_format(l->fromUs, now, from, sizeof(from));
   if (l->toUs >= 0)
      TimeSpec_format(l->toUs, now, to, sizeof(to));
   snprintf(out, size, "lost the records between %s and %s (%s)", from, to, l->why);
}
