#ifndef HEADER_Glyphs
#define HEADER_Glyphs
/* Every non-letter drawn on screen comes from one of two tables: UTF-8 block
   and box glyphs, or a plain ASCII fallback for terminals whose locale is not
   UTF-8 (LANG=C over SSH is common at 3 a.m.). Each entry occupies exactly
   one terminal column. */

#include <stdbool.h>

#define GLYPHS_MAX_LEVELS 8

typedef struct Glyphs {
   bool utf8;
   /* Sparkline levels, lowest first. */
   const char* spark[GLYPHS_MAX_LEVELS];
   int sparkLevels;
   /* Chart bar tops in sub-cell steps, lowest first; the last one is a full cell. */
   const char* bar[GLYPHS_MAX_LEVELS];
   int barLevels;
   const char* band; /* between the last value and the bucket's max */
   /* The traffic overlay: one point per column, and the shade of idle columns. */
   const char* trafficPoint;
   const char* idleShade;
   /* USS and PSS readings, points on the RSS scale. */
   const char* ussPoint;
   const char* pssPoint;
   /* On the time axis: a transient spike, where the verdict changed, a heap
      snapshot, new code (a deploy), a worker of the slot replaced by the
      next generation. */
   const char* spikeMark;
   const char* verdictMark;
   const char* snapshotMark;
   const char* deployMark;
   const char* recycleMark;
   const char* plusMinus; /* before a standard error */
   /* Tree view, two columns each. */
   const char* treeBranch;
   const char* treeLast;
   const char* treeVertical;
   const char* treeSpace;
   /* Chart axes, one column each. */
   const char* axisVertical;
   const char* axisTick;   /* a label on the y axis */
   const char* axisCorner; /* where the axes meet */
   const char* axisHorizontal;
   const char* axisTimeTick;
   const char* axisTickRight;   /* a label on the right (traffic) axis */
   const char* axisCornerRight; /* where the time axis meets the right axis */
   /* Sort direction marks beside a column title. */
   const char* sortAscending;
   const char* sortDescending;
   const char* treeHeader; /* in front of a tree's header line */
   /* A call-tree node in the profile view: open, closed (one column each). */
   const char* foldOpen;
   const char* foldClosed;
} Glyphs;

extern const Glyphs Glyphs_utf8;
extern const Glyphs Glyphs_ascii;

/* Chooses from the locale's codeset; call after setlocale(LC_ALL, ""). */
const Glyphs* Glyphs_forLocale(void);

/* Pure helper: true when a codeset name (nl_langinfo(CODESET)) is UTF-8. */
bool Glyphs_isUtf8Codeset(const char* codeset);

#endif
