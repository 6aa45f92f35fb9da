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

/* A heap diff in one line: the generation, its snapshots and when, and the
   diff's verdict ("PID 4242: 3 snapshots from 14:00:05 to 14:02:05 UTC
   (120 s apart); python growth: RSS +38.2 MiB, ..."), or why the two
   cannot be compared. */
void ReportFacts_heap(const ReportHeap* h, char* out, size_t size);

/* A row of what grew between two snapshots: a type (counts in before,
   after and growth; before "<= N" when it was not in the earlier list, whose
   smallest was N > 0; no
   countGrowth) or a line, "file:line" (sizes, and the count's growth in
   countGrowth). */
typedef struct ReportGrowthRow {
   char what[SNAPSHOT_PATH_MAX + 16];
   char before[24], after[24], growth[24], countGrowth[24];
} ReportGrowthRow;

/* The types and lines that grew, biggest growth first, at most max rows;
   returns how many. */
int ReportFacts_grownTypes(const SnapshotDiff* d, ReportGrowthRow* rows, int max);
int ReportFacts_grownLines(const SnapshotDiff* d, ReportGrowthRow* rows, int max);

#endif
