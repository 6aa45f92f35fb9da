#include "config.h"

#include "replay/ReplayPrime.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "record/RecordingFinder.h"
#include "record/StoreDir.h"
#include "replay/Replay.h"
#include "sample/SampleSource.h"
#include "util/TimeSpec.h"

/* The clocks of a replayed and a live model may differ by NTP's slewing
   since the recording, not by more: beyond that it is another boot. */
#define PRIME_CLOCK_SKEW_S 2.0

static void ReplayPrime_take(Process* live, const Process* recorded) {
   History_copy(&live->rssHistory, &recorded->rssHistory);
   SumHistory_copy(&live->trafficHistory, &recorded->trafficHistory);
   live->smapsHistory = recorded->smapsHistory;
   live->growth = recorded->growth;
   live->trafficTotal = recorded->trafficTotal;
   if (recorded->peakRssKiB > live->peakRssKiB)
      live->peakRssKiB = recorded->peakRssKiB;
   if (recorded->firstSeen < live->firstSeen)
      live->firstSeen = recorded->firstSeen;
}

/* The deploys the recording holds of a tree the live model shows, when
   the live one has found none yet: its DeployWatch goes on from them. */
static void ReplayPrime_takeDeploys(ProcessTree* live, const Machine* recorded) {
   const Process* root = ProcessTree_root(live);
   for (int t = 0; t < recorded->treeCount && live->deploy.total == 0; t++) {
      const ProcessTree* r = recorded->trees[t];
      const Process* rr = ProcessTree_root(r);
      if (rr->pid != root->pid || rr->startTicks != root->startTicks)
         continue;
      for (int age = r->deploy.kept - 1; age >= 0; age--)
         DeployWatch_add(&live->deploy, DeployWatch_event(&r->deploy, age));
   }
}

static pid_t ReplayPrime_writer(const char* dir) {
   char err[256];
   int fd = StoreDir_open(dir, false, err, sizeof(err));
   if (fd < 0)
      return 0;
   pid_t pid = StoreDir_writer(fd);
   close(fd);
   return pid;
}

/* The recording in dir replayed to its newest data since this boot; NULL
   when there is none. */
static Replay* ReplayPrime_open(const Machine* machine, const char* dir) {
   if (Machine_processCount(machine) == 0)
      return NULL;
   char err[512];
   int64_t boot = (int64_t)(machine->source->bootTime * 1e6);
   return Replay_openSince(dir, machine->opts, boot, err, sizeof(err));
}

/* What replay holds of the machine's processes: how many, and since when
   (wall seconds). With take, they are given it. 0 with note saying why
   when it holds some but at another clock or tick. */
static int ReplayPrime_match(Machine* machine, const Replay* replay, const char* dir, bool take,
                             double* since, char* note, size_t noteSize) {
   note[0] = '\0';
   *since = INFINITY;
   const Machine* recorded = Replay_machine(replay);
   bool sameClock = fabs((machine->wallNow - machine->now) - (recorded->wallNow - recorded->now)) <=
                    PRIME_CLOCK_SKEW_S;
   bool sameTick = fabs(Replay_options(replay)->delay - machine->opts->delay) < 1e-6;
   int given = 0;
   for (int t = 0; t < machine->treeCount; t++) {
      ProcessTree* tree = machine->trees[t];
      for (int i = 0; i < tree->count; i++) {
         Process* p = tree->procs[i];
         const Process* r = Machine_findProcess(recorded, p->pid, p->startTicks, NULL);
         if (!r)
            continue;
         if (!sameClock || !sameTick) {
            snprintf(note, noteSize, "history in %s not loaded: %s", dir,
                     !sameClock ? "its clock is not this boot's"
                                : "it was recorded at another tick (-d)");
            return 0;
         }
         if (take)
            ReplayPrime_take(p, r);
         double start = recorded->wallNow - (recorded->now - r->firstSeen);
         *since = start < *since ? start : *since;
         given++;
      }
      if (take && given > 0)
         ReplayPrime_takeDeploys(tree, recorded);
   }
   return given;
}

static int ReplayPrime_takeAll(Machine* machine, const Replay* replay, const char* dir, char* note,
                               size_t noteSize) {
   double since;
   int given = ReplayPrime_match(machine, replay, dir, true, &since, note, noteSize);
   if (given > 0) {
      char when[64];
      TimeSpec_format((int64_t)(since * 1e6), (int64_t)(machine->wallNow * 1e6), when,
                      sizeof(when));
      pid_t writer = ReplayPrime_writer(dir);
      char by[48] = "";
      if (writer > 0)
         snprintf(by, sizeof(by), ", recorder PID %d", (int)writer);
      snprintf(note, noteSize, "history from %s since %s, %d process%s%s", dir, when, given,
               given == 1 ? "" : "es", by);
   }
   return given;
}

int ReplayPrime_fromDir(Machine* machine, const char* dir, char* note, size_t noteSize) {
   note[0] = '\0';
   Replay* replay = ReplayPrime_open(machine, dir);
   int given = replay ? ReplayPrime_takeAll(machine, replay, dir, note, noteSize) : 0;
   Replay_delete(replay);
   return given;
}

int ReplayPrime_fromHost(Machine* machine, char* note, size_t noteSize) {
   RecordingPlaces places;
   RecordingFinder_find(&places);
   note[0] = '\0';
   /* The recording that has the most of these processes, then the longest
      history of them: two recorders may both watch a tree. It stays open
      to be taken from. */
   Replay* best = NULL;
   int bestPlace = -1, bestGiven = 0;
   double bestSince = INFINITY;
   for (int i = 0; i < places.count; i++) {
      Replay* replay = ReplayPrime_open(machine, places.dirs[i]);
      if (!replay)
         continue;
      char why[512];
      double since;
      int given =
            ReplayPrime_match(machine, replay, places.dirs[i], false, &since, why, sizeof(why));
      if (why[0] && !note[0])
         snprintf(note, noteSize, "%s", why);
      if (given > bestGiven || (given == bestGiven && given > 0 && since < bestSince)) {
         Replay_delete(best);
         best = replay;
         bestPlace = i;
         bestGiven = given;
         bestSince = since;
      } else {
         Replay_delete(replay);
      }
   }
   if (!best)
      return 0;
   int given = ReplayPrime_takeAll(machine, best, places.dirs[bestPlace], note, noteSize);
   Replay_delete(best);
   return given;
}
