#include "config.h"

#include "report/ReportGather.h"

#include <stdio.h>
#include <sys/stat.h>

#include "record/RecordReader.h"
#include "replay/ReplayWindow.h"

/* The window starts at its first tick: a recording's span starts at its
   first chunk's minute. */
static void ReportGather_ticks(Replay* replay, int64_t* from, int64_t to, ReportModel* model,
                               pid_t root) {
   bool more = true;
   if (Replay_cursor(replay) < *from)
      more = Replay_forward(replay);
   if (more && Replay_cursor(replay) > *from && Replay_cursor(replay) <= to)
      *from = Replay_cursor(replay);
   ReportModel_init(model, *from, to, Replay_options(replay)->delay);
   model->onlyRoot = root;
   while (more && Replay_cursor(replay) <= to) {
      ReportModel_addTick(model, Replay_machine(replay), Replay_cursor(replay));
      more = Replay_forward(replay);
   }
}

static void ReportGather_result(const RecordEvent* e, ReportModel* model) {
   const RecordAttr* status = RecordEvent_attr(e, ATTR_RESULT_STATUS);
   const RecordAttr* result = RecordEvent_attr(e, ATTR_RESULT_INLINE);
   pid_t pid = (pid_t)e->key[0];
   if (!ReportModel_holds(model, pid, e->key[1]))
      return;
   bool ok = status && !status->isBytes && status->number == 0 && result && result->isBytes;
   if (e->kind == EVENT_SNAPSHOT) {
      if (!ok)
         model->results.snapshotsUnusable++;
      else
         ReportResults_addSnapshot(&model->results, e->wallUs, pid, e->key[1],
                                   (const char*)result->bytes, result->size);
      return;
   }
   if (!ok) {
      model->results.profilesLeftOut++;
      return;
   }
   char summary[192] = "", route[32] = "";
   RecordEvent_text(e, ATTR_RESULT_SUMMARY, summary, sizeof(summary));
   RecordEvent_text(e, ATTR_RESULT_ROUTE, route, sizeof(route));
   ReportResults_addProfile(&model->results, e->wallUs, pid, e->key[1], summary, route,
                            (const char*)result->bytes, result->size);
}

/* Result events go to both tiers: the 1 min one, sixty times smaller,
   holds them all (the one file given, when it is one). */
static void ReportGather_results(const char* path, int64_t from, int64_t to, ReportModel* model) {
   struct stat st;
   unsigned tier = stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? RECORD_TIER_1M : RECORD_TIER_1S;
   char err[512];
   RecordReader* reader = RecordReader_open(path, tier, err, sizeof(err));
   if (!reader || !RecordReader_seek(reader, from)) {
      RecordReader_delete(reader);
      return;
   }
   RecordItem item;
   RecordItemType type;
   while ((type = RecordReader_next(reader, &item)) != RECORD_ITEM_END) {
      if (type == RECORD_ITEM_TICK && item.tick->wallUs > to)
         break;
      if (type != RECORD_ITEM_EVENT || item.event->wallUs < from || item.event->wallUs > to)
         continue;
      if (item.event->kind == EVENT_SNAPSHOT || item.event->kind == EVENT_PROFILE)
         ReportGather_result(item.event, model);
   }
   RecordReader_delete(reader);
}

void ReportGather_run(Replay* replay, const char* path, int64_t from, int64_t to, pid_t root,
                      bool loud, ReportModel* model) {
   ReportGather_ticks(replay, &from, to, model, root);
   for (int i = 0; i < Replay_eventCount(replay); i++) {
      const ReplayEvent* e = Replay_event(replay, i);
      if (e->wallUs >= from && e->wallUs <= to)
         ReportModel_addEvent(model, e->wallUs, e->pid, e->text);
   }
   for (int i = 0; i < Replay_lostCount(replay); i++) {
      char line[512];
      ReplayWindow_lostText(replay, i, line, sizeof(line));
      ReportModel_addLost(model, line);
      if (loud)
         fprintf(stderr, "leaktop report: %s\n", line);
   }
   ReportGather_results(path, from, to, model);
}
