#include "config.h"

#include "ui/Colors.h"

#include <curses.h>
#include <stdlib.h>

typedef struct ColorScheme {
   short fg, bg; /* -1 = terminal default */
   int attr;
   int monoAttr;
} ColorScheme;

static const ColorScheme Colors_scheme[CLR_COUNT] = {
      [CLR_DEFAULT] = {-1, -1, A_NORMAL, A_NORMAL},
      [CLR_TOP] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
      [CLR_TITLES] = {COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_REVERSE},
      [CLR_TITLE_SORTED] = {COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD | A_UNDERLINE},
      [CLR_TREE_HEADER] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
      [CLR_SELECTED] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
      [CLR_UNKNOWN] = {COLOR_BLUE, -1, A_BOLD, A_DIM},
      [CLR_GROWING] = {COLOR_RED, -1, A_BOLD, A_BOLD},
      [CLR_SHRINKING] = {COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
      [CLR_MASTER] = {COLOR_CYAN, -1, A_NORMAL, A_NORMAL},
      [CLR_WARNING] = {COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_UNDERLINE},
      [CLR_EXITED] = {COLOR_MAGENTA, -1, A_NORMAL, A_DIM},
      [CLR_STATUS] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
      [CLR_KEY] = {COLOR_WHITE, COLOR_BLACK, A_BOLD, A_BOLD},
      [CLR_CHART_BAR] = {COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
      [CLR_CHART_BAND] = {COLOR_YELLOW, -1, A_NORMAL, A_DIM},
      [CLR_AXIS] = {COLOR_CYAN, -1, A_NORMAL, A_NORMAL},
      [CLR_CHART_TRAFFIC] = {COLOR_MAGENTA, -1, A_BOLD, A_BOLD},
      [CLR_CHART_IDLE] = {COLOR_BLUE, -1, A_NORMAL, A_DIM},
      [CLR_CHART_MARK] = {COLOR_RED, -1, A_BOLD, A_BOLD | A_REVERSE},
      [CLR_CHART_USS] = {COLOR_WHITE, -1, A_BOLD, A_BOLD},
      [CLR_CHART_PSS] = {COLOR_CYAN, -1, A_BOLD, A_BOLD | A_UNDERLINE},
      [CLR_FILTER] = {COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD},
};

static int Colors_attrs[CLR_COUNT];
static bool Colors_mono = true;

bool Colors_noColorRequested(void) {
   const char* v = getenv("NO_COLOR");
   return v && *v;
}

void Colors_init(bool monochrome) {
   Colors_mono = monochrome || !has_colors() || start_color() == ERR || COLOR_PAIRS <= CLR_COUNT;
   /* -1 keeps the user's own background, like htop does; without
      use_default_colors() it means white on black. */
   bool defaults = !Colors_mono && use_default_colors() != ERR;
   for (int i = 0; i < CLR_COUNT; i++) {
      const ColorScheme* s = &Colors_scheme[i];
      if (Colors_mono) {
         Colors_attrs[i] = s->monoAttr;
         continue;
      }
      if (s->fg == -1 && s->bg == -1) {
         Colors_attrs[i] = s->attr;
         continue;
      }
      short fg = s->fg, bg = s->bg;
      if (!defaults) {
         fg = fg == -1 ? COLOR_WHITE : fg;
         bg = bg == -1 ? COLOR_BLACK : bg;
      }
      init_pair((short)(i + 1), fg, bg);
      Colors_attrs[i] = (int)COLOR_PAIR(i + 1) | s->attr;
   }
}

int Colors_attr(ColorElement e) {
   if ((int)e < 0 || e >= CLR_COUNT)
      return A_NORMAL;
   return Colors_attrs[e];
}

bool Colors_monochrome(void) {
   return Colors_mono;
}
