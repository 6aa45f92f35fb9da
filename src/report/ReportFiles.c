#include "config.h"

#include "report/ReportFiles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "CommandLine.h"
#include "record/RecordingFinder.h"
#include "replay/Replay.h"
#include "report/ReportGather.h"
#include "report/ReportHtml.h"
#include "report/ReportMarkdown.h"
#include "report/ReportText.h"
#include "util/PrivateStore.h"
#include "util/XUtils.h"

/* The model of the tree over the window; NULL with why in said. */
static ReportModel* ReportFiles_gather(const char* path, pid_t root, unsigned long long rootStart,
                                       int64_t toUs, char* said, size_t saidSize) {
   Options opts;
   CommandLine_defaults(&opts);
   char err[512];
   Replay* replay = Replay_open(path, &opts, err, sizeof(err));
   if (!replay) {
      snprintf(said, saidSize, "no report: %s", err);
      return NULL;
   }
   int64_t first, last;
   Replay_span(replay, &first, &last);
   int64_t to = toUs < last ? toUs : last;
   int64_t from = to - REPORT_FILES_SPAN > first ? to - REPORT_FILES_SPAN : first;
   ReportModel* model = NULL;
   if (Replay_seek(replay, from, err, sizeof(err))) {
      model = xCalloc(1, sizeof(*model));
      ReportGather_run(replay, path, from, to, root, false, model);
      if (model->treeCount != 1 || model->trees[0].rootStartTicks != rootStart) {
         ReportModel_done(model);
         free(model);
         model = NULL;
         snprintf(err, sizeof(err), "%s does not hold this tree (master PID %d)", path, (int)root);
      }
   }
   Replay_delete(replay);
   if (!model)
      snprintf(said, saidSize, "no report: %s", err);
   return model;
}

/* One rendering as the tree's next file of store; false with why. */
static bool ReportFiles_put(PrivateStore* store, const ReportModel* model,
                            void (*render)(const ReportModel*, bool, FILE*), char* name,
                            size_t nameSize, char* err, size_t errSize) {
   char* text = NULL;
   size_t len = 0;
   FILE* out = open_memstream(&text, &len);
   if (!out) {
      snprintf(err, errSize, "out of memory");
      return false;
   }
   render(model, false, out);
   fclose(out);
   const ReportTree* r = &model->trees[0];
   bool ok = PrivateStore_write(store, r->rootPid, r->rootStartTicks, text, len, REPORT_FILES_KEEP,
                                name, nameSize, err, errSize);
   free(text);
   return ok;
}

static bool ReportFiles_store(const ReportModel* model, char* said, size_t saidSize) {
   PrivateStore html, md;
   char err[512], htmlName[64], mdName[64];
   bool ok = PrivateStore_openState(&html, "reports", ".html", err, sizeof(err));
   if (ok && !PrivateStore_openState(&md, "reports", ".md", err, sizeof(err))) {
      PrivateStore_close(&html);
      ok = false;
   }
   if (!ok) {
      snprintf(said, saidSize, "no report: %s", err);
      return false;
   }
   ok = ReportFiles_put(&html, model, ReportHtml_write, htmlName, sizeof(htmlName), err,
                        sizeof(err)) &&
        ReportFiles_put(&md, model, ReportMarkdown_write, mdName, sizeof(mdName), err, sizeof(err));
   if (ok) {
      const ReportTree* r = &model->trees[0];
      char from[48], to[48];
      ReportText_utc(model->fromUs, from, sizeof(from));
      ReportText_utc(model->toUs, to, sizeof(to));
      /* Both are the tree's Nth, unless one store lost files the other kept. */
      size_t stem = strlen(htmlName) - strlen(".html");
      bool paired = strlen(mdName) == stem + 3 && strncmp(htmlName, mdName, stem) == 0;
      snprintf(said, saidSize, "report of %s (master PID %d), %s to %s: %s/%s and %s", r->name,
               (int)r->rootPid, from, to, html.path, htmlName, paired ? ".md" : mdName);
   } else {
      snprintf(said, saidSize, "no report: %s", err);
   }
   PrivateStore_close(&html);
   PrivateStore_close(&md);
   return ok;
}

bool ReportFiles_write(const char* path, pid_t root, unsigned long long rootStart, int64_t toUs,
                       char* said, size_t saidSize) {
   ReportModel* model = ReportFiles_gather(path, root, rootStart, toUs, said, saidSize);
   if (!model)
      return false;
   bool ok = ReportFiles_store(model, said, saidSize);
   ReportModel_done(model);
   free(model);
   return ok;
}

bool ReportFiles_writeFromHost(pid_t root, unsigned long long rootStart, char* said,
                               size_t saidSize) {
   RecordingPlaces places;
   RecordingFinder_find(&places);
   for (int i = 0; i < places.count; i++) {
      char why[512];
      ReportModel* model =
            ReportFiles_gather(places.dirs[i], root, rootStart, INT64_MAX, why, sizeof(why));
      if (!model)
         continue;
      bool ok = ReportFiles_store(model, said, saidSize);
      ReportModel_done(model);
      free(model);
      return ok;
   }
   snprintf(said, saidSize,
            "no report: no recording of this tree (master PID %d) on this host: run leaktop "
            "record -p %d --dir DIR, then E in leaktop replay --dir DIR",
            (int)root, (int)root);
   return false;
}
