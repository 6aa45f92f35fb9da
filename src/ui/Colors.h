#ifndef HEADER_Colors
#define HEADER_Colors
/* What each element of the screen looks like, as a table: a colour scheme,
   and a monochrome scheme (attributes only) used when NO_COLOR is set, when
   --no-color was given, or when the terminal has no colours. */

#include <stdbool.h>

typedef enum ColorElement {
   CLR_DEFAULT,
   CLR_TOP,          /* the top line */
   CLR_TITLES,       /* column titles */
   CLR_TITLE_SORTED, /* the title of the sort column */
   CLR_TREE_HEADER,
   CLR_SELECTED,
   CLR_UNKNOWN, /* n/a, -, ... */
   CLR_GROWING, /* positive growth */
   CLR_SHRINKING,
   CLR_MASTER,
   CLR_WARNING, /* little headroom, OOM kills */
   CLR_EXITED,
   CLR_STATUS,
   CLR_KEY, /* a key in the hints */
   CLR_CHART_BAR,
   CLR_CHART_BAND,
   CLR_AXIS,
   CLR_CHART_TRAFFIC, /* the traffic overlay and its scale */
   CLR_CHART_IDLE,    /* idle columns' shade */
   CLR_CHART_MARK,    /* spike and verdict-change marks */
   CLR_CHART_USS,     /* USS readings' points */
   CLR_CHART_PSS,     /* PSS readings' points */
   CLR_FILTER,
   CLR_COUNT
} ColorElement;

/* After initscr(). monochrome forces attributes only. */
void Colors_init(bool monochrome);

/* curses attribute (colour pair included) of an element. */
int Colors_attr(ColorElement e);

bool Colors_monochrome(void);

/* True when the NO_COLOR convention (no-color.org) asks for no colour:
   the variable is set and not empty. */
bool Colors_noColorRequested(void);

#endif
