#include "config.h"

#include "ui/ReplayControl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/Colors.h"
#include "ui/Draw.h"
#include "ui/LineField.h"
#include "ui/ReplayPace.h"
#include "ui/UiState.h"
#include "util/TimeSpec.h"
#include "util/XUtils.h"

/* The most ticks one frame of playing moves: x60 over 1 s ticks at the
   slowest frame (the loop wakes at least every 500 ms) with room to spare;
   more is a stall, dropped rather than raced through afterwards. */
#define REPLAY_MOST_PER_FRAME 240

struct ReplayControl {
   Replay* replay;
   ReplayPace pace;
   ReplayRepeat repeat;
   bool prompting;
   LineField prompt;
};

static ReplayControl* ReplayControl_of(const Ui* ui) {
   return ui->replay;
}

const Replay* ReplayControl_recording(const Ui* ui) {
   return ui->replay ? ReplayControl_of(ui)->replay : NULL;
}

ReplayControl* ReplayControl_new(Replay* replay) {
   ReplayControl* this = xCalloc(1, sizeof(ReplayControl));
   this->replay = replay;
   ReplayPace_init(&this->pace);
   return this;
}

void ReplayControl_delete(ReplayControl* this) {
   free(this);
}

static int64_t ReplayControl_wallNowUs(void) {
   return (int64_t)(XUtils_wallNow() * 1e6);
}

/* "14:05:30 CET", or with its date when not today. */
static void ReplayControl_formatTime(int64_t wallUs, char* out, size_t size) {
   TimeSpec_format(wallUs, ReplayControl_wallNowUs(), out, size);
}

/* "14:00:01 CET to 14:00:05 CET", a range open at an end saying so. */
static void ReplayControl_lostSpan(const ReplayLost* l, char* out, size_t size) {
   char from[48] = "the start", to[48] = "the end";
   if (l->fromUs >= 0)
      ReplayControl_formatTime(l->fromUs, from, sizeof(from));
   if (l->toUs >= 0)
      ReplayControl_formatTime(l->toUs, to, sizeof(to));
   snprintf(out, size, "%s to %s", from, to);
}

static double ReplayControl_tickSeconds(const ReplayControl* this) {
   double delay = Replay_options(this->replay)->delay;
   return delay > 0 ? delay : 1;
}

static bool ReplayControl_atNewest(const ReplayControl* this) {
   int64_t first, last;
   Replay_span(this->replay, &first, &last);
   return Replay_cursor(this->replay) >= last;
}

/* After any move: the cursor's Machine, which may be a new one, and every
   view's rows and selections rebuilt from it before anything reads the
   processes of the old one. */
static void ReplayControl_moved(ReplayControl* this, Ui* ui) {
   ui->machine = Replay_machine(this->replay);
   Ui_scanned(ui);
}

void ReplayControl_attach(ReplayControl* this, Ui* ui) {
   ui->replay = this;
   ui->machine = Replay_machine(this->replay);
   int lost = Replay_lostCount(this->replay);
   if (lost == 0)
      return;
   /* The first range on the status line; L and the help list them all. */
   char span[112];
   ReplayControl_lostSpan(Replay_lost(this->replay, 0), span, sizeof(span));
   snprintf(ui->message, sizeof(ui->message), "the recording lost %d range%s: %s%s; L lists them",
            lost, lost == 1 ? "" : "s", span, lost > 1 ? ", ..." : "");
}

bool ReplayControl_advance(Ui* ui, double now) {
   ReplayControl* this = ReplayControl_of(ui);
   int due =
         ReplayPace_due(&this->pace, now, ReplayControl_tickSeconds(this), REPLAY_MOST_PER_FRAME);
   if (due == 0)
      return false;
   bool moved = false;
   for (int i = 0; i < due; i++) {
      if (!Replay_forward(this->replay)) {
         ReplayPace_pause(&this->pace);
         snprintf(ui->message, sizeof(ui->message), "at the newest data: paused");
         break;
      }
      moved = true;
   }
   if (moved)
      ReplayControl_moved(this, ui);
   return true;
}

double ReplayControl_nextWake(const Ui* ui) {
   const ReplayControl* this = ReplayControl_of(ui);
   return ReplayPace_nextWake(&this->pace, ReplayControl_tickSeconds(this));
}

void ReplayControl_header(const Ui* ui, char* out, size_t size) {
   const ReplayControl* this = ReplayControl_of(ui);
   char when[48];
   ReplayControl_formatTime(Replay_cursor(this->replay), when, sizeof(when));
   snprintf(out, size, "REPLAY %s x%d %s%s", when, ReplayPace_factor(&this->pace),
            this->pace.playing ? "playing" : "paused",
            ReplayControl_atNewest(this) ? " newest" : "");
}

bool ReplayControl_prompting(const Ui* ui) {
   return ui->replay && ReplayControl_of(ui)->prompting;
}

void ReplayControl_drawPrompt(const Ui* ui, WINDOW* w, int y) {
   LineField_draw(&ReplayControl_of(ui)->prompt, w, y,
                  "go to time: ", "  14:05, 2h ago, ISO  Enter go  Esc cancel");
}

int ReplayControl_lostCount(const Ui* ui) {
   return Replay_lostCount(ReplayControl_of(ui)->replay);
}

void ReplayControl_lostLine(const Ui* ui, int index, char* out, size_t size) {
   const ReplayLost* l = Replay_lost(ReplayControl_of(ui)->replay, index);
   char span[112];
   ReplayControl_lostSpan(l, span, sizeof(span));
   snprintf(out, size, "  %s: %s", span, l->why);
}

/* ---- the cursor keys ------------------------------------------------------ */

static Reaction ReplayControl_step(Ui* ui, int key, int direction) {
   ReplayControl* this = ReplayControl_of(ui);
   int steps = ReplayRepeat_steps(&this->repeat, key, XUtils_monotonicNow());
   int moved = 0;
   if (direction > 0) {
      while (moved < steps && Replay_forward(this->replay))
         moved++;
   } else if (steps == 1) {
      moved = Replay_back(this->replay) ? 1 : 0;
   } else {
      /* A held t jumps: one rebuild of the model, not one per tick. */
      int64_t first, last;
      Replay_span(this->replay, &first, &last);
      int64_t target =
            Replay_cursor(this->replay) - (int64_t)(steps * ReplayControl_tickSeconds(this) * 1e6);
      char err[256];
      if (Replay_seek(this->replay, target > first ? target : first, err, sizeof(err)))
         moved = steps;
   }
   if (moved == 0) {
      snprintf(ui->message, sizeof(ui->message), "%s",
               direction > 0 ? "at the newest data" : "at the recording's first tick");
      return REACT_REDRAW;
   }
   ReplayControl_moved(this, ui);
   return REACT_REDRAW;
}

Reaction ReplayControl_tickBack(UiView* this, Ui* ui, int key) {
   (void)this;
   return ReplayControl_step(ui, key, -1);
}

Reaction ReplayControl_tickForward(UiView* this, Ui* ui, int key) {
   (void)this;
   return ReplayControl_step(ui, key, 1);
}

/* [ lands on the last tick at or before the event, ] on the first at or
   after it, so pressing either again goes on to the next event. */
static Reaction ReplayControl_event(Ui* ui, int direction) {
   ReplayControl* this = ReplayControl_of(ui);
   const ReplayEvent* e = Replay_nextEvent(this->replay, direction);
   if (!e) {
      snprintf(ui->message, sizeof(ui->message), "no %s event in the recording",
               direction > 0 ? "later" : "earlier");
      return REACT_REDRAW;
   }
   /* The event lives in the Replay, not in the Machine a seek replaces. */
   int64_t at = e->wallUs;
   char text[sizeof(e->text)], err[256];
   snprintf(text, sizeof(text), "%s", e->text);
   /* Events of one tick: the model is there already. */
   if (at != Replay_cursor(this->replay) && !Replay_seek(this->replay, at, err, sizeof(err))) {
      snprintf(ui->message, sizeof(ui->message), "%s", err);
      return REACT_REDRAW;
   }
   if (direction > 0 && Replay_cursor(this->replay) < at)
      Replay_forward(this->replay);
   ReplayControl_moved(this, ui);
   char when[48];
   ReplayControl_formatTime(at, when, sizeof(when));
   snprintf(ui->message, sizeof(ui->message), "event %s: %s", when, text);
   return REACT_REDRAW;
}

Reaction ReplayControl_previousEvent(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   return ReplayControl_event(ui, -1);
}

Reaction ReplayControl_nextEvent(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   return ReplayControl_event(ui, 1);
}

Reaction ReplayControl_playPause(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   ReplayControl* rc = ReplayControl_of(ui);
   if (!rc->pace.playing && ReplayControl_atNewest(rc)) {
      snprintf(ui->message, sizeof(ui->message),
               "at the newest data: nothing to play (t goes back, b to a time)");
      return REACT_REDRAW;
   }
   ReplayPace_toggle(&rc->pace, XUtils_monotonicNow());
   snprintf(ui->message, sizeof(ui->message), "%s at x%d", rc->pace.playing ? "playing" : "paused",
            ReplayPace_factor(&rc->pace));
   return REACT_REDRAW;
}

Reaction ReplayControl_nextSpeed(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   ReplayControl* rc = ReplayControl_of(ui);
   ReplayPace_nextSpeed(&rc->pace);
   snprintf(ui->message, sizeof(ui->message), "speed x%d: %d recorded seconds per second%s",
            ReplayPace_factor(&rc->pace), ReplayPace_factor(&rc->pace),
            rc->pace.playing ? "" : " (space plays)");
   return REACT_REDRAW;
}

Reaction ReplayControl_newest(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   ReplayControl* rc = ReplayControl_of(ui);
   Replay_seekEnd(rc->replay);
   ReplayPace_pause(&rc->pace);
   ReplayControl_moved(rc, ui);
   snprintf(ui->message, sizeof(ui->message), "the newest data");
   return REACT_REDRAW;
}

Reaction ReplayControl_showLost(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   ReplayControl* rc = ReplayControl_of(ui);
   int n = Replay_lostCount(rc->replay);
   if (n == 0) {
      snprintf(ui->message, sizeof(ui->message), "the recording lost nothing");
      return REACT_REDRAW;
   }
   /* As many as the status line holds; the help screen has every one. */
   size_t len = (size_t)snprintf(ui->message, sizeof(ui->message), "lost %d:", n);
   for (int i = 0; i < n && len < sizeof(ui->message); i++) {
      char span[112];
      ReplayControl_lostSpan(Replay_lost(rc->replay, i), span, sizeof(span));
      len += (size_t)snprintf(ui->message + len, sizeof(ui->message) - len, "%s %s", i ? ";" : "",
                              span);
   }
   return REACT_REDRAW;
}

/* What each live-only key would have needed. */
Reaction ReplayControl_refuseLive(UiView* this, Ui* ui, int key) {
   (void)this;
   const char* what;
   switch (key) {
   case 'S':
      what = "stacks need the live process";
      break;
   case 'P':
      what = "a profile samples the live process";
      break;
   case 'W':
      what = "waking a worker needs the live process";
      break;
   default:
      what = "heap snapshots ask the live worker (recorded ones show in the detail view, Tab)";
      break;
   }
   snprintf(ui->message, sizeof(ui->message), "%s: not available in replay", what);
   return REACT_REDRAW;
}

/* ---- the prompt ------------------------------------------------------------ */

Reaction ReplayControl_openPrompt(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   ReplayControl* rc = ReplayControl_of(ui);
   rc->prompting = true;
   LineField_clear(&rc->prompt);
   return REACT_REDRAW;
}

Reaction ReplayControl_promptGo(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   ReplayControl* rc = ReplayControl_of(ui);
   rc->prompting = false;
   int64_t at;
   char err[sizeof(ui->message)];
   if (!TimeSpec_parse(rc->prompt.text, ReplayControl_wallNowUs(), &at, err, sizeof(err)) ||
       !Replay_seek(rc->replay, at, err, sizeof(err))) {
      snprintf(ui->message, sizeof(ui->message), "%s", err);
      return REACT_REDRAW;
   }
   ReplayControl_moved(rc, ui);
   char when[48];
   ReplayControl_formatTime(Replay_cursor(rc->replay), when, sizeof(when));
   snprintf(ui->message, sizeof(ui->message), "went to %s: the tick at %s", rc->prompt.text, when);
   return REACT_REDRAW;
}

Reaction ReplayControl_promptCancel(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   ReplayControl_of(ui)->prompting = false;
   return REACT_REDRAW;
}

Reaction ReplayControl_promptErase(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   LineField_erase(&ReplayControl_of(ui)->prompt);
   return REACT_REDRAW;
}

Reaction ReplayControl_promptType(UiView* this, Ui* ui, int key) {
   (void)this;
   return LineField_type(&ReplayControl_of(ui)->prompt, key) ? REACT_REDRAW : REACT_NONE;
}
