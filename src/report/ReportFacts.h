#ifndef HEADER_ReportFacts
#define HEADER_ReportFacts
/* What each renderer says of a tree and of a process, as text, so that the
   Markdown and the HTML say the same and only their markup differs. The
   text is not escaped: a renderer escapes every value it writes. */

#include <stdbool.h>

#include "report/ReportModel.h"

#define REPORT_FACTS 8

typedef struct ReportFact {
   const char* label;
   char value[600];
   bool command; /* a command line: redacted on request, set in monospace */
} ReportFact;

/* The summary of a tree as labelled lines, in order; returns how many. */
int ReportFacts_tree(const ReportTree* r, ReportFact facts[REPORT_FACTS]);

/* A process's row of the impact table; "n/a" where unknown. */
typedef struct ReportCells {
   char rssFirst[16], rssLast[16], rssPeak[16], pssPeak[16];
   char growth[16], traffic[16];
   char verdict[REPORT_TEXT_SIZE]; /* its summary, and how it ended */
} ReportCells;

void ReportFacts_cells(const ReportProcess* p, ReportCells* out);

#endif
