#include "config.h"

#include "ui/SnapshotPane.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inject/SnapshotRunner.h"
#include "snapshot/SnapshotOutput.h"
#include "ui/Colors.h"
#include "ui/Draw.h"
#include "util/Format.h"
#include "util/XUtils.h"

/* The pane's first lines, before the snapshot's own text: how the last
   request went, the verdict, and a request still waiting. */
static ColorElement SnapshotPane_intro(const Ui* ui, const Process* p, FILE* out) {
   const ProcessSnapshots* r = p->snapshots;
   pid_t pid;
   unsigned long long start;
   if (SnapshotRunner_busy(ui->snapshots, &pid, &start) && pid == p->pid && start == p->startTicks)
      fprintf(out, "%s\n", SnapshotRunner_status(ui->snapshots));
   if (r && r->error[0])
      fprintf(out, "The last request failed: %s\n", r->error);
   if ((!r || !r->haveLatest) && ui->replay) {
      fputs("No heap snapshot of this process recorded up to the cursor: the snapshots a\n"
            "leaktop took while recording show here as the cursor passes them (] jumps).\n",
            out);
      return CLR_DEFAULT;
   }
   if (!r || !r->haveLatest) {
      fputs("No heap snapshot of this process yet: i asks it for one; M starts tracemalloc\n"
            "first (later diffs then show lines), R adds a malloc_trim probe.\n",
            out);
      return CLR_DEFAULT;
   }
   char when[16] = "?", ago[16];
   if (!isnan(r->latest.time)) {
      time_t t = (time_t)r->latest.time;
      struct tm tm;
      strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&t, &tm));
   }
   /* In replay the snapshot was taken on the recording's clock, and its age
      is to the cursor, not to the wall clock. */
   double age = (ui->replay ? ui->machine->now : XUtils_monotonicNow()) - r->takenAt;
   Format_age(ago, sizeof(ago), age > 0 ? age : 0);
   /* Numbered as the store's series numbers it (as `leaktop snapshot`
      does); the count taken here when the store was not usable. */
   fprintf(out, "Heap snapshot %ld at %s (%s ago) via %s: answered in %.0f ms",
           r->latest.number > 0 ? r->latest.number : (long)r->taken, when, ago, r->route,
           r->answerMs);
   if (r->pausedThreads > 0)
      fprintf(out, ", %d thread%s paused %.2f ms at most", r->pausedThreads,
              r->pausedThreads == 1 ? "" : "s", r->pauseMs);
   fputs("\n", out);
   char verdict[320];
   if (r->haveDiff && r->diff.comparable) {
      SnapshotOutput_verdict(&r->diff, verdict, sizeof(verdict));
      fprintf(out, "%s\n", verdict);
      return r->diff.verdict == SNAPSHOT_VERDICT_NATIVE ||
                         r->diff.verdict == SNAPSHOT_VERDICT_PYTHON
                   ? CLR_WARNING
                   : CLR_TOP;
   }
   fputs(ui->replay ? "The next recorded snapshot shows what grew since this one.\n"
                    : "The next snapshot (i) shows what grew since this one.\n",
         out);
   return CLR_DEFAULT;
}

/* The pane's text, one allocated string; *verdictLine is the line that
   holds the verdict (-1 none) and *look its colour. */
static char* SnapshotPane_text(const Ui* ui, const Process* p, int* verdictLine,
                               ColorElement* look) {
   char* text = NULL;
   size_t size = 0;
   FILE* out = open_memstream(&text, &size);
   if (!out)
      return NULL;
   const ProcessSnapshots* r = p->snapshots;
   *look = SnapshotPane_intro(ui, p, out);
   fflush(out);
   /* The verdict is the intro's last line when there is a diff. */
   *verdictLine = -1;
   if (r && r->haveDiff && r->diff.comparable) {
      int lines = 0;
      for (const char* c = text; c && *c; c++)
         lines += *c == '\n';
      *verdictLine = lines - 1;
   }
   if (r && r->haveLatest) {
      if (r->haveDiff)
         SnapshotOutput_diffText(&r->diff, out);
      fputc('\n', out);
      SnapshotOutput_snapshotText(&r->latest, out);
   }
   fclose(out);
   return text;
}

int SnapshotPane_draw(SnapshotPane* this, const Ui* ui, WINDOW* w, int y, int bottom,
                      const Process* p) {
   int width = getmaxx(w);
   if (y >= bottom)
      return y;
   Draw_fill(w, y, 0, -1, Colors_attr(CLR_DEFAULT));
   int x = Draw_text(w, y, 0, width, "Heap snapshot", Colors_attr(CLR_TOP));
   Draw_text(w, y, x, width - x,
             ui->replay
                   ? "  recorded  Tab chart  [/] events  PgUp/PgDn scroll"
                   : "  Tab chart  i again  M tracemalloc on/off  R malloc_trim  PgUp/PgDn scroll",
             Colors_attr(CLR_DEFAULT));
   y++;
   int verdictLine;
   ColorElement look;
   char* text = SnapshotPane_text(ui, p, &verdictLine, &look);
   int count = 0;
   for (const char* c = text; c && *c; c++)
      count += *c == '\n';
   int rows = bottom - y;
   this->rows = rows;
   if (this->scroll > count - rows)
      this->scroll = count - rows;
   if (this->scroll < 0)
      this->scroll = 0;
   const char* line = text;
   for (int i = 0; line && *line && y < bottom; i++) {
      size_t len = strcspn(line, "\n");
      if (i >= this->scroll) {
         char buf[1024];
         snprintf(buf, sizeof(buf), "%.*s", (int)(len < sizeof(buf) ? len : sizeof(buf) - 1), line);
         /* Section titles start in the first column. */
         ColorElement e = i == verdictLine                   ? look
                          : buf[0] && buf[0] != ' ' && i > 0 ? CLR_TOP
                                                             : CLR_DEFAULT;
         Draw_fill(w, y, 0, -1, Colors_attr(CLR_DEFAULT));
         Draw_text(w, y, 0, width, buf, Colors_attr(e));
         y++;
      }
      line += len + (line[len] == '\n');
   }
   for (; y < bottom; y++)
      Draw_fill(w, y, 0, -1, Colors_attr(CLR_DEFAULT));
   free(text);
   return bottom;
}
